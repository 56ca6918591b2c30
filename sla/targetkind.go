package sla

import (
	"strings"

	"github.com/shixian-go/shixian/internal/yamltree"
)

// TargetKind is what meets a target, and so what it measures: the policy's `kind:` key on the
// target, or, when the key is absent, the convention of the target's id (see Target.Kind).
type TargetKind string

// The kinds of target.
const (
	// TargetOrdinary is met by the next event of its trigger's episode: a transfer or closing
	// for targets after acceptance, transfer or sign-for (the unit's reply), the visit for
	// targets after closing (see TargetStatus).
	TargetOrdinary TargetKind = "ordinary"
	// TargetSignFor (签收) is met by the signed_for of the unit the case was transferred to;
	// its trigger must be transferred.
	TargetSignFor TargetKind = "sign_for"
	// TargetReturnWindow (退回时限) bounds how soon a unit may return a case (a return at or
	// after its due is refused); it is not listed in Status.Targets. Its trigger must be
	// transferred or signed_for.
	TargetReturnWindow TargetKind = "return_window"
)

var targetKinds = [...]TargetKind{TargetOrdinary, TargetSignFor, TargetReturnWindow}

// kindByID is the kind a target without a `kind:` key has: the id convention of policies
// written before the key existed ("sign_for", "sign_for_…"; "return", "return_…").
func kindByID(id string) TargetKind {
	switch {
	case isSignForTarget(id):
		return TargetSignFor
	case isReturnTarget(id):
		return TargetReturnWindow
	}
	return TargetOrdinary
}

// signsFor says whether the unit's signed_for meets t.
func (t *Target) signsFor() bool {
	if t.Kind == "" { // a Target not from a policy file: the id convention
		return isSignForTarget(t.ID)
	}
	return t.Kind == TargetSignFor
}

// returnWindow says whether t bounds how soon a unit may return the case.
func (t *Target) returnWindow() bool {
	if t.Kind == "" {
		return isReturnTarget(t.ID)
	}
	return t.Kind == TargetReturnWindow
}

// targetKind reads a target's `kind:` key (m holds the target's keys) and checks it against the
// target's trigger, which must already be in t.After; without the key, the id decides. A
// problem is reported at the key's value, so that 签收 with `after: closed` is refused at
// load rather than becoming a limit nothing ever meets.
func (d *policyDecoder) targetKind(m map[string]yamltree.Pair, what string, t *Target, afterOK bool) TargetKind {
	f, ok := m["kind"]
	if !ok {
		return kindByID(t.ID)
	}
	s, ok := d.str(f, what+".kind")
	if !ok {
		return kindByID(t.ID)
	}
	k := TargetKind(s)
	valid := false
	for _, v := range targetKinds {
		valid = valid || v == k
	}
	if !valid {
		names := make([]string, len(targetKinds))
		for i, v := range targetKinds {
			names[i] = string(v)
		}
		d.Problem(f.Value, "%s.kind: unknown kind %q (want %s)", what, s, strings.Join(names, ", "))
		return kindByID(t.ID)
	}
	if !afterOK {
		return k // the trigger's own problem is reported; no follow-on error
	}
	switch {
	case k == TargetSignFor && t.After != AfterTransferred:
		d.Problem(f.Value, "%s.kind: a sign_for target is met by the signed_for of the unit a case was transferred to, so its after must be transferred, not %s", what, t.After)
	case k == TargetReturnWindow && t.After != AfterTransferred && t.After != AfterSignedFor:
		d.Problem(f.Value, "%s.kind: a return_window target bounds how soon the unit holding a case may return it, so its after must be transferred or signed_for, not %s", what, t.After)
	}
	return k
}
