package sla

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	yaml "go.yaml.in/yaml/v3"
)

// Ranking is a policy's score formula for ranking handlers or units (十佳服务明星, 服务差评),
// declared under the top-level key `ranking`:
//
//	ranking:
//	  label: 综合得分
//	  score: on_time_rate * 100 + satisfaction_rate * 20 - overdue_workdays
//
// Score is an arithmetic expression (expr syntax) over a report row's metrics (RankMetrics):
// numbers, the metric names, + - * / % **, comparisons, && || !, `a ? b : c` and the functions
// min, max, abs, floor, ceil and round. Nothing else is allowed — no strings, lists, maps,
// member access or other calls — so a score reads the row and nothing else. It is compiled once,
// when the policy is loaded, and bounded: at most MaxScoreBytes of text, 64 expression nodes per
// 100 bytes and nesting at most 32 deep; a fault is reported at its file:line:column.
type Ranking struct {
	Label string // e.g. "综合得分"; "score" when the policy gives none
	Score string // the formula as written
	prog  *vm.Program
}

// MaxScoreBytes bounds the text of a ranking formula.
const MaxScoreBytes = 1024

// RankMetrics are the names a ranking formula may use, each a figure of the report row of one
// handler or unit (see ReportRow): counts as numbers, rates as fractions in [0, 1] (0 when
// their denominator is 0).
func RankMetrics() []string {
	out := make([]string, len(rankMetrics))
	for i, m := range rankMetrics {
		out[i] = m.name
	}
	return out
}

// rankMetrics reads each metric of a row, named as its JSON key.
var rankMetrics = [...]struct {
	name string
	of   func(*ReportRow) float64
}{
	{"accepted", func(r *ReportRow) float64 { return float64(r.Accepted) }},
	{"closed", func(r *ReportRow) float64 { return float64(r.Closed()) }},
	{"closed_on_time", func(r *ReportRow) float64 { return float64(r.ClosedOnTime) }},
	{"closed_late", func(r *ReportRow) float64 { return float64(r.ClosedLate) }},
	{"open", func(r *ReportRow) float64 { return float64(r.Open) }},
	{"open_overdue", func(r *ReportRow) float64 { return float64(r.OpenOverdue) }},
	{"rated", func(r *ReportRow) float64 { return float64(r.Rated) }},
	{"on_time_rate", func(r *ReportRow) float64 { return r.OnTimeRate }},
	{"avg_workdays_to_close", func(r *ReportRow) float64 { return r.AvgWorkdaysToClose }},
	{"p90_workdays_to_close", func(r *ReportRow) float64 { return float64(r.P90WorkdaysToClose) }},
	{"overdue_workdays", func(r *ReportRow) float64 { return float64(r.OverdueWorkdays) }},
	{"ever_late", func(r *ReportRow) float64 { return float64(r.EverLate) }},
	{"reopened", func(r *ReportRow) float64 { return float64(r.Reopened) }},
	{"visited", func(r *ReportRow) float64 { return float64(r.Visited) }},
	{"satisfied", func(r *ReportRow) float64 { return float64(r.Satisfied) }},
	{"satisfaction_rate", func(r *ReportRow) float64 { return r.SatisfactionRate }},
	{"returned", func(r *ReportRow) float64 { return float64(r.Returned) }},
	{"supervised", func(r *ReportRow) float64 { return float64(r.Supervised) }},
	{"supervision_reached", func(r *ReportRow) float64 { return float64(r.SupervisionReached) }},
}

// scoreFuncs are the builtins a formula may call.
var scoreFuncs = []string{"min", "max", "abs", "floor", "ceil", "round"}

// Ranking returns the policy's ranking formula; ok is false when the policy declares none.
func (p *Policy) Ranking() (Ranking, bool) {
	if p.ranking == nil {
		return Ranking{}, false
	}
	return *p.ranking, true
}

// rankEnv is the environment a formula is checked against: every metric, a float64.
func rankEnv() map[string]any {
	env := make(map[string]any, len(rankMetrics))
	for _, m := range rankMetrics {
		env[m.name] = float64(0)
	}
	return env
}

// scoreError is a fault in a formula at a rune offset of its text.
type scoreError struct {
	offset int
	msg    string
}

func (e *scoreError) Error() string { return e.msg }

// compileScore checks and compiles a ranking formula. Errors are *scoreError, placed in the text.
func compileScore(src string) (*vm.Program, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &scoreError{msg: "the score formula is empty"}
	}
	if len(src) > MaxScoreBytes {
		return nil, &scoreError{msg: fmt.Sprintf("the score formula is %d bytes (at most %d)", len(src), MaxScoreBytes)}
	}
	// Nesting is bounded before the parser (which recurses on it) sees the text.
	depth, offset := 0, 0
	for _, r := range src {
		switch r {
		case '(', '[', '{':
			if depth++; depth > 32 {
				return nil, &scoreError{offset: offset, msg: "the score formula nests more than 32 deep"}
			}
		case ')', ']', '}':
			depth--
		}
		offset++
	}
	// The parsed tree is checked before anything is compiled: compiling type-checks and may
	// evaluate constant parts, and only arithmetic over the metrics is cheap to evaluate (a
	// fold over a range of a billion numbers is not). The optimiser is off for the same
	// reason.
	maxNodes := uint(64 * (1 + len(src)/100))
	cfg := conf.CreateNew()
	cfg.MaxNodes = maxNodes
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		return nil, placed(err)
	}
	var check scoreChecker
	ast.Walk(&tree.Node, &check)
	if check.err != nil {
		return nil, check.err
	}
	opts := []expr.Option{expr.Env(rankEnv()), expr.AsFloat64(), expr.DisableAllBuiltins(),
		expr.MaxNodes(maxNodes), expr.Optimize(false)}
	for _, f := range scoreFuncs {
		opts = append(opts, expr.EnableBuiltin(f))
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, placed(err)
	}
	return prog, nil
}

// placed turns an expr error into a *scoreError at its offset.
func placed(err error) *scoreError {
	var fe *file.Error
	if errors.As(err, &fe) {
		return &scoreError{offset: fe.From, msg: firstLine(fe.Message)}
	}
	return &scoreError{msg: firstLine(err.Error())}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func isRankMetric(name string) bool {
	for _, m := range rankMetrics {
		if m.name == name {
			return true
		}
	}
	return false
}

// scoreChecker refuses every node but arithmetic over the metrics.
type scoreChecker struct{ err *scoreError }

func (c *scoreChecker) Visit(n *ast.Node) {
	if c.err != nil {
		return
	}
	bad := ""
	switch x := (*n).(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode:
		if _, isNil := x.(*ast.NilNode); isNil {
			bad = "nil"
		}
	case *ast.ConstantNode: // folded by the optimiser from allowed parts
		switch x.Value.(type) {
		case int, float64, bool:
		default:
			bad = "a constant of type " + fmt.Sprintf("%T", x.Value)
		}
	case *ast.IdentifierNode:
		if !isRankMetric(x.Value) && !slices.Contains(scoreFuncs, x.Value) {
			c.err = &scoreError{offset: x.Location().From,
				msg: fmt.Sprintf("unknown name %s (a score formula may use the metrics %s)", x.Value, strings.Join(RankMetrics(), ", "))}
			return
		}
	case *ast.UnaryNode:
		if !slices.Contains([]string{"-", "+", "!", "not"}, x.Operator) {
			bad = "the operator " + x.Operator
		}
	case *ast.BinaryNode:
		if !slices.Contains([]string{"+", "-", "*", "/", "%", "**", "^", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "and", "or"}, x.Operator) {
			bad = "the operator " + x.Operator
		}
	case *ast.ConditionalNode:
	case *ast.BuiltinNode:
		if !slices.Contains(scoreFuncs, x.Name) {
			bad = x.Name + "()"
		}
	case *ast.CallNode:
		bad = "a call"
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			bad = id.Value + "()"
		}
	default:
		bad = fmt.Sprintf("%T", x)
		bad = strings.TrimSuffix(strings.TrimPrefix(bad, "*ast."), "Node")
		bad = strings.ToLower(bad)
	}
	if bad != "" {
		c.err = &scoreError{offset: (*n).Location().From,
			msg: fmt.Sprintf("%s is not allowed in a score formula (numbers, the metrics %s, arithmetic, comparisons, ?: and %s())", bad, strings.Join(RankMetrics(), ", "), strings.Join(scoreFuncs, "(), "))}
	}
}

// score evaluates the formula on a row; NaN when it does not give a finite number (a division
// by zero, say), which ranks last.
func (k *Ranking) score(row *ReportRow) float64 {
	env := make(map[string]any, len(rankMetrics))
	for _, m := range rankMetrics {
		env[m.name] = m.of(row)
	}
	out, err := expr.Run(k.prog, env)
	if err != nil {
		return math.NaN()
	}
	v, ok := out.(float64)
	if !ok || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// decodeRanking reads the top-level `ranking` key: label and score, the formula compiled now
// and its faults placed at their file:line:column.
func (d *policyDecoder) decodeRanking(n *yaml.Node, p *Policy) {
	m := d.Mapping(n, "ranking", "label", "score!")
	if m == nil {
		return
	}
	k := &Ranking{Label: "score"}
	if f, ok := m["label"]; ok {
		if s, ok := d.str(f, "ranking.label"); ok && strings.TrimSpace(s) != "" {
			k.Label = s
		}
	}
	f, ok := m["score"]
	if !ok {
		return
	}
	if _, ok := d.str(f, "ranking.score"); !ok {
		return
	}
	src, pos := d.expression(f.Value)
	prog, err := compileScore(src)
	if err != nil {
		var se *scoreError
		if errors.As(err, &se) {
			pos = offsetPosition(src, pos, se.offset)
		}
		d.ProblemAt(pos, "ranking.score: %v", err)
		return
	}
	k.Score, k.prog = src, prog
	p.ranking = k
}

// offsetPosition is the file position of rune offset off of an expression whose first
// character is at pos (laid out as policyDecoder.expression lays it out).
func offsetPosition(src string, pos Position, off int) Position {
	line, col := 0, 0
	for i, r := range []rune(src) {
		if i == off {
			break
		}
		if r == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	pos.Line += line
	pos.Column += col
	return pos
}
