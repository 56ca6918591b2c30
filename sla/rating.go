package sla

import "strings"

// gradeOf is the index in the rating scale of the grade a visited event
// gives: its Rating, or, for the yes/no Satisfied of earlier versions, the
// scale's first grade that counts as satisfied (true) or the first that does
// not (false). Both may be given when they agree. The scale is
// never empty (DefaultRatingScale when the policy declares none).
func (p *Policy) gradeOf(e *Event) (int, error) {
	scale := p.scale()
	if e.Rating != "" {
		for i := range scale {
			if scale[i].Grade == e.Rating {
				if e.Satisfied != nil && *e.Satisfied != scale[i].Satisfied {
					return 0, eventFail(ErrEventField, "satisfied", "satisfied %t contradicts rating %q, which policy %s counts as %s",
						*e.Satisfied, e.Rating, p.id, satisfiedWord(scale[i].Satisfied))
				}
				return i, nil
			}
		}
		return 0, eventFail(ErrEventField, "rating", "%q is not a grade of policy %s's rating scale (%s)", e.Rating, p.id, gradeList(scale))
	}
	if e.Satisfied == nil {
		return 0, eventFail(ErrEventField, "rating", "a visited event needs a rating (or satisfied, true or false)")
	}
	for i := range scale {
		if scale[i].Satisfied == *e.Satisfied {
			return i, nil
		}
	}
	return 0, eventFail(ErrEventField, "satisfied", "policy %s's rating scale (%s) has no grade that counts as %s; give a rating",
		p.id, gradeList(scale), satisfiedWord(*e.Satisfied))
}

// scale is the rating scale: the policy's (never empty once loaded), or
// DefaultRatingScale for a Policy value not built by the decoder.
func (p *Policy) scale() []Grade {
	if len(p.loop.rating) == 0 {
		return DefaultRatingScale()
	}
	return p.loop.rating
}

// grade is the grade at index g of the scale, nil for g < 0.
func (p *Policy) grade(g int8) *Grade {
	scale := p.scale()
	if g < 0 || int(g) >= len(scale) {
		return nil
	}
	return &scale[g]
}

// visitSatisfied says whether a visited event counts as satisfied on p's
// scale (false for an event that gives no grade of it).
func (p *Policy) visitSatisfied(e *Event) bool {
	g, err := p.gradeOf(e)
	if err != nil {
		return false
	}
	return p.grade(int8(g)).Satisfied
}

func satisfiedWord(b bool) string {
	if b {
		return "satisfied"
	}
	return "not satisfied"
}

func gradeList(scale []Grade) string {
	s := make([]string, len(scale))
	for i := range scale {
		s[i] = scale[i].Grade
	}
	return strings.Join(s, ", ")
}
