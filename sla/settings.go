package sla

import (
	"github.com/shixian-go/shixian/internal/textform"
)

// Lifecycle holds the settings of a policy that the case lifecycle applies
// (Policy.Accept, Apply, StatusAt), as opposed to the counting conventions
// of package deadline, which count one period and never see these. In a
// policy file they sit under `counting:` beside the counting conventions
// (late_extension, reclassify). The zero value is the default: late
// extensions rejected, reclassification counted from acceptance.
type Lifecycle struct {
	// LateExtension: what an extension granted at or after the deadline does
	// (convention 10 of package deadline; 行政许可法第四十二条).
	LateExtension LateExtension
	// Reclassify: where a new tier's period counts from (convention 11).
	Reclassify Reclassify
}

// Conventions lists the lifecycle settings in force as sentences, in the
// words of deadline.Counting.Conventions, which lists the counting ones.
func (l Lifecycle) Conventions() []string {
	out := make([]string, 0, 2)
	switch l.LateExtension {
	case LateExtensionOverdue:
		out = append(out, "Extensions (延期, 行政许可法 art. 42) are counted from the previous deadline; one granted at or after the deadline leaves the case overdue (超时办结).")
	default:
		out = append(out, "Extensions (延期, 行政许可法 art. 42) are counted from the previous deadline and must be granted before it; a late one is rejected.")
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
)

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
