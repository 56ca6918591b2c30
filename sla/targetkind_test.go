package sla_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shixian-go/shixian/sla"
)

// chineseWithTargets is the Chinese example policy with its targets block replaced.
func chineseWithTargets(t *testing.T, targets string) []byte {
	t.Helper()
	src, err := os.ReadFile(chinesePolicyPath)
	require.NoError(t, err)
	s := string(src)
	start := strings.Index(s, "\ntargets:\n")
	end := strings.Index(s, "\ndefault:\n")
	require.True(t, start > 0 && end > start, "the example policy has a targets block before default")
	return []byte(s[:start] + "\ntargets:\n" + targets + s[end:])
}

func TestTargetKindMakesAChineseIDASignForTarget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		targets  string
		signedBy string // DoneBy of the target 签收 after the unit signs for the case
		kind     sla.TargetKind
	}{
		{"a target with a Chinese id and kind sign_for is met by the unit's sign-for", `
  - {id: 签收, kind: sign_for, after: transferred, limit: 四个工作小时}
`, "signed_for", sla.TargetSignFor},
		{"without the key the same target is an ordinary one, still running after the sign-for", `
  - {id: 签收, after: transferred, limit: 四个工作小时}
`, "", sla.TargetOrdinary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := sla.ParsePolicy("p.yaml", chineseWithTargets(t, tc.targets))
			require.NoError(t, err)
			assert.Equal(t, tc.kind, p.Targets()[0].Kind)
			c, _, err := p.Accept("C-1", map[string]any{"诉求类型": "投诉"}, at(2026, 3, 2, 10, 0))
			require.NoError(t, err)
			for _, e := range []sla.Event{
				{Type: sla.EventTransferred, At: at(2026, 3, 2, 11, 0), Unit: "社保中心"},
				{Type: sla.EventSignedFor, At: at(2026, 3, 2, 14, 0), Unit: "社保中心"},
			} {
				c, err = p.Apply(c, e)
				require.NoError(t, err)
			}
			st, err := p.StatusAt(c, at(2026, 3, 2, 15, 0))
			require.NoError(t, err)
			require.Len(t, st.Targets, 1)
			assert.Equal(t, tc.signedBy, string(st.Targets[0].DoneBy))
		})
	}
}

func TestTargetKindsFollowTheIDConventionWithoutTheKey(t *testing.T) {
	p, err := sla.ParsePolicy("p.yaml", chineseWithTargets(t, `
  - {id: sign_for, after: transferred, limit: 4 workhours}
  - {id: sign_for_second, after: transferred, limit: 4 workhours}
  - {id: return, after: transferred, limit: 1 workday}
  - {id: return_after_sign, after: signed_for, limit: 1 workday}
  - {id: reply, after: transferred, limit: 2 workdays}
  - {id: sign_for_but_ordinary, kind: ordinary, after: transferred, limit: 2 workdays}
`))
	require.NoError(t, err)
	var got []sla.TargetKind
	for _, tg := range p.Targets() {
		got = append(got, tg.Kind)
	}
	assert.Equal(t, []sla.TargetKind{sla.TargetSignFor, sla.TargetSignFor, sla.TargetReturnWindow, sla.TargetReturnWindow,
		sla.TargetOrdinary, sla.TargetOrdinary}, got, "ids as existing policies write them keep their meaning; an explicit kind wins")
	def := sla.Default().Targets()
	require.NotEmpty(t, def)
	for _, tg := range def {
		switch tg.ID {
		case "sign_for":
			assert.Equal(t, sla.TargetSignFor, tg.Kind)
		case "return":
			assert.Equal(t, sla.TargetReturnWindow, tg.Kind)
		default:
			assert.Equal(t, sla.TargetOrdinary, tg.Kind, tg.ID)
		}
	}
}

func TestTargetKindIsCheckedAtLoad(t *testing.T) {
	for _, tc := range []struct{ name, targets, want string }{
		{"an unknown kind is refused at its position, listing the kinds", `
  - {id: 签收, kind: 签收, after: transferred, limit: 四个工作小时}
`, `:20: targets[0].kind: unknown kind "签收" (want ordinary, sign_for, return_window)`},
		{"a sign_for target after closing could never be met and is refused", `
  - {id: 签收, kind: sign_for, after: closed, limit: 一个工作日}
`, `:20: targets[0].kind: a sign_for target is met by the signed_for of the unit a case was transferred to, so its after must be transferred, not closed`},
		{"a return window after acceptance is refused: no unit holds the case yet", `
  - {id: 退回时限, kind: return_window, after: accepted, limit: 一个工作日}
`, `targets[0].kind: a return_window target bounds how soon the unit holding a case may return it, so its after must be transferred or signed_for, not accepted`},
		{"a kind that is not text is refused", `
  - {id: 签收, kind: [sign_for], after: transferred, limit: 四个工作小时}
`, `targets[0].kind`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := chineseWithTargets(t, tc.targets)
			_, err := sla.ParsePolicy("p.yaml", src)
			require.Error(t, err)
			line := strings.Count(string(src[:strings.Index(string(src), "\ntargets:\n")]), "\n") + 4 // the target, after "targets:" and the blank line the raw string opens with
			assert.Contains(t, err.Error(), "p.yaml:"+strconv.Itoa(line)+":")
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, errors.Is(err, sla.ErrInvalid), "a policy fault is ErrInvalid")
		})
	}
	t.Run("a bad trigger is reported once, with no follow-on error about the kind", func(t *testing.T) {
		_, err := sla.ParsePolicy("p.yaml", chineseWithTargets(t, `
  - {id: 签收, kind: sign_for, after: sent, limit: 四个工作小时}
`))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `unknown trigger "sent"`)
		assert.NotContains(t, err.Error(), "targets[0].kind")
	})
}
