package sla

import (
	"github.com/shixian-go/shixian/internal/textform"
)

// Lifecycle holds the settings of a policy that the case lifecycle applies
// (Policy.Accept, Apply, StatusAt), as opposed to the counting conventions
// of package deadline, which count one period and never see these. In a
// policy file they sit under `counting:` beside the counting conventions
// (late_extension, late_reclassify, late_restart, reclassify). The zero
// value is the default: late extensions rejected, late reclassifications and
// restarts recorded with the cycle staying late, reclassification counted
// from acceptance.
type Lifecycle struct {
	// LateExtension: what an extension granted at or after the deadline does
	// (convention 10 of package deadline; 行政许可法第四十二条).
	LateExtension LateExtension
	// Reclassify: where a new tier's period counts from (convention 11).
	Reclassify Reclassify
	// LateReclassify and LateRestart: what a reclassification or a restart
	// at or after the deadline in force does. Without them lateness could
	// be erased after the fact: a case overdue since 03-05 00:00,
	// reclassified to a longer tier at 03-05 10:00 and closed the next day,
	// would count as closed on time.
	LateReclassify, LateRestart LateChange
}

// Conventions lists the lifecycle settings in force as sentences, in the
// words of deadline.Counting.Conventions, which lists the counting ones.
func (l Lifecycle) Conventions() []string {
	out := make([]string, 0, 4)
	switch l.LateExtension {
	case LateExtensionOverdue:
		out = append(out, "Extensions (延期, 行政许可法 art. 42) are counted from the previous deadline; one granted at or after the deadline leaves the case overdue (超时办结).")
	default:
		out = append(out, "Extensions (延期, 行政许可法 art. 42) are counted from the previous deadline and must be granted before it; a late one is rejected.")
	}
	for _, c := range [...]struct {
		what string
		set  LateChange
	}{{"A reclassification (改变分类)", l.LateReclassify}, {"A restart (补正后重新受理, 行政许可法 art. 32)", l.LateRestart}} {
		if c.set == LateChangeReject {
			out = append(out, c.what+" at or after the deadline in force is rejected.")
		} else {
			out = append(out, c.what+" at or after the deadline in force is recorded, but the cycle stays late (超时办结).")
		}
	}
	switch l.Reclassify {
	case FromReclassification:
		out = append(out, "Reclassification: the new tier's period counts from the reclassification.")
	default:
		out = append(out, "Reclassification: the new tier's period counts from the original acceptance.")
	}
	return out
}

// LateExtension says what an extension granted at or after the deadline does.
type LateExtension uint8

const (
	// LateExtensionReject: a late extension is refused.
	LateExtensionReject LateExtension = iota
	// LateExtensionOverdue: a late extension is recorded but the case stays overdue (超时办结).
	LateExtensionOverdue
)

// LateChange says what a reclassification or a restart at or after the
// deadline in force does. Its zero value, LateChangeOverdue, is the default.
type LateChange uint8

const (
	// LateChangeOverdue: the change is recorded and takes effect (the new
	// tier or the new clock is shown as Due), but the cycle stays late:
	// it is judged by the deadline in force before the change (JudgedDue),
	// CycleLate and EverLate are true and closing it gives closed_late.
	LateChangeOverdue LateChange = iota
	// LateChangeReject: the change is refused (ErrLateChange), naming the
	// deadline it came after.
	LateChangeReject
)

// Reclassify says where a new tier's period counts from after reclassification.
type Reclassify uint8

const (
	// FromAcceptance: the new tier's period counts from the original acceptance.
	FromAcceptance Reclassify = iota
	// FromReclassification: the new tier's period counts from the reclassification instant.
	FromReclassification
)

// The policy-file spellings of the lifecycle settings, printed, parsed and checked as the
// counting settings of package deadline are.
var (
	lateExtensionNames = textform.Enum[LateExtension]{Kind: "late_extension", Words: []string{"reject", "overdue"}}
	reclassifyNames    = textform.Enum[Reclassify]{Kind: "reclassify", Words: []string{"from_acceptance", "from_reclassification"}}
	lateChangeNames    = textform.Enum[LateChange]{Kind: "late_change", Words: []string{"overdue", "reject"}}
	lateReclassifyName = textform.Enum[LateChange]{Kind: "late_reclassify", Words: lateChangeNames.Words}
	lateRestartNames   = textform.Enum[LateChange]{Kind: "late_restart", Words: lateChangeNames.Words}
)

// String returns "overdue" or "reject".
func (l LateChange) String() string { return lateChangeNames.String(l) }

// MarshalText encodes l as String does.
func (l LateChange) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes "overdue" or "reject". On error *l is unchanged.
func (l *LateChange) UnmarshalText(b []byte) error {
	return textform.Unmarshal(l, b, lateChangeNames.Parse)
}

// String returns "reject" or "overdue".
func (l LateExtension) String() string { return lateExtensionNames.String(l) }

// String returns "from_acceptance" or "from_reclassification".
func (r Reclassify) String() string { return reclassifyNames.String(r) }

// MarshalText encodes l as String does.
func (l LateExtension) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes "reject" or "overdue". On error *l is unchanged.
func (l *LateExtension) UnmarshalText(b []byte) error {
	return textform.Unmarshal(l, b, lateExtensionNames.Parse)
}

// MarshalText encodes r as String does.
func (r Reclassify) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes "from_acceptance" or "from_reclassification". On error *r is
// unchanged.
func (r *Reclassify) UnmarshalText(b []byte) error {
	return textform.Unmarshal(r, b, reclassifyNames.Parse)
}
