package rules

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exprReadsOneIdentifier reports whether expr's own lexer reads s as exactly one identifier
// token spelling s: the ground truth isIdent must match.
func exprReadsOneIdentifier(s string) bool {
	toks, err := lexer.Lex(file.NewSource(s))
	if err != nil || len(toks) != 2 || toks[1].Kind != lexer.EOF {
		return false
	}
	return toks[0].Kind == lexer.Identifier && toks[0].Value == s
}

// identSamples cover every class of rune the two could disagree on: ASCII and CJK letters,
// ASCII, full-width and Arabic-Indic digits, '_' and '$', marks, punctuation of both widths,
// spaces of both widths, and invalid UTF-8.
var identSamples = []string{
	"cause", "_x", "x1", "原因", "申请人类型", "三日", "日3", "原因_2", "$x", "a$b", "Ünïcödé",
	"1st", "3日", "０日", "٣x", "x٣", "a-b", "原因（一）", "a b", "原　因", "a.b", "", "\xff",
	"é", "é", "ab\u0301", "x\u200b", "甲乙", "ｘ", "Ⅻ", "²", "$", "_",
}

func TestIdentifiersAreWhatExprReads(t *testing.T) {
	for _, s := range identSamples {
		if keywords[s] {
			continue
		}
		assert.Equal(t, exprReadsOneIdentifier(s), isIdent(s), "%q: isIdent must agree with expr's lexer", s)
	}
}

func FuzzIdentifiersAreWhatExprReads(f *testing.F) {
	for _, s := range identSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if keywords[s] || s == "$env" || len(s) > 64 {
			return
		}
		require.Equal(t, exprReadsOneIdentifier(s), isIdent(s), "%q", s)
	})
}

func TestIdentProblemSaysWhichCharacter(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a Chinese name is a name", "原因", ""},
		{"a name may end in a digit", "原因2", ""},
		{"a Chinese numeral is a letter, so 三日 is a name", "三日", ""},
		{"an ASCII digit first is a number to expr", "3日", `it starts with the digit "3", where expr reads a number`},
		{"a hyphen is named by code point", "申请-人", `U+002D '-' is not a letter, a digit, '_' or '$'`},
		{"a full-width space is named by code point", "原　因", `U+3000 is not a letter, a digit, '_' or '$'`},
		{"full-width brackets are not letters", "原因（一）", `U+FF08 '（' is not a letter, a digit, '_' or '$'`},
		{"$env is the whole input to expr", "$env", "$env is expr's name for the whole input"},
		{"empty", "", "it is empty"},
		{"invalid UTF-8", "a\xff", "it is not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, identProblem(tc.in)) })
	}
	assert.True(t, utf8.ValidString(identProblem("a\xff")), "a problem text is always valid UTF-8")
}

func TestRuleAndPolicyIDs(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"legacy-or-bottleneck", true}, {"r1.2", true}, {"复杂", true}, {"历史遗留_政策瓶颈", true},
		{"1日办结", true}, {"即办", true}, {"T10", true},
		{"", false}, {"a b", false}, {"复杂（一）", false}, {"a/b", false}, {"a\xff", false}, {"$x", false},
	} {
		assert.Equal(t, tc.ok, IsID(tc.in), "%q", tc.in)
	}
	assert.False(t, strings.Contains(ruleIDProblem("a b"), "\xff"))
}

func TestChineseNamesCompileAndClassify(t *testing.T) {
	spec := doc([]Field{
		{Name: "原因", Type: String, Values: []string{"历史遗留", "政策瓶颈", "材料不全"}},
		{Name: "标签", Type: StringList, Default: []string{}},
		{Name: "页数", Type: Int, Default: 0},
	}, []Rule{
		{ID: "复杂", When: `原因 in ["历史遗留", "政策瓶颈"] || "跨部门" in 标签`, Tier: "T10", Reason: "复杂原因"},
		{ID: "材料多", When: `页数 > 100`, Tier: "T3", Reason: "材料很多"},
	})
	s, err := Compile(spec)
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		input map[string]any
		tier  string
		rule  string
	}{
		{"a declared Chinese value decides", map[string]any{"原因": "政策瓶颈"}, "T10", "复杂"},
		{"a Chinese literal in a list field decides", map[string]any{"原因": "材料不全", "标签": []string{"跨部门"}}, "T10", "复杂"},
		{"a Chinese-named number decides", map[string]any{"原因": "材料不全", "页数": 101}, "T3", "材料多"},
		{"nothing matches: the default", map[string]any{"原因": "材料不全"}, "T3", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := s.Classify(tc.input)
			require.NoError(t, err)
			assert.Equal(t, tc.tier, d.Tier)
			assert.Equal(t, tc.rule, d.RuleID)
		})
	}
	_, err = s.Classify(map[string]any{"原因": "历史遗留问题"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "原因", "a value outside the declared ones names the Chinese field")
}
