package sla

import (
	"sort"
	"time"

	"github.com/shixian-go/shixian/internal/diag"
)

// LoopCounts are the closed-loop figures of a report (see "The closed loop"
// in the package documentation), over the cases the report counts.
type LoopCounts struct {
	// Returns counts the returns (退回) of the counted cases at or before Now
	// per returning unit, by unit name: how often each unit sent a case back.
	Returns []UnitCount `json:"returns"`
	// Supervised counts the cases with at least one supervised event (督办,
	// 催办) at or before Now.
	Supervised int `json:"supervised"`
	// Levels counts, for each supervision level of the policy in its order,
	// the cases whose current cycle reached it (Status.Supervision at Now).
	Levels []LevelCount `json:"levels"`
	// ApplicantPaused counts the cases with a pause whose reason code counts
	// as applicant-caused (CountsApplicant): excluded time reported apart.
	ApplicantPaused int `json:"applicant_paused"`
	// Ratings counts the visited cases by the grade of their latest visit,
	// for each grade of the rating scale in its order.
	Ratings []GradeCount `json:"ratings"`
}

// UnitCount is a count for one unit.
type UnitCount struct {
	Unit  string `json:"unit"`
	Count int    `json:"count"`
}

// LevelCount is the number of cases that reached a supervision level.
type LevelCount struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Cases int    `json:"cases"`
}

// GradeCount is the number of visited cases whose latest visit has a grade.
type GradeCount struct {
	Grade string `json:"grade"`
	Cases int    `json:"cases"`
}

// loopAcc accumulates the LoopCounts of a Reporter. Levels and grades are
// counted by id and by grade, not by position, because a History's reporter
// counts cases of versions whose levels and scales may differ; their number
// is bounded by what the versions declare.
type loopAcc struct {
	returns    map[string]int
	supervised int
	levels     map[string]int // by SupervisionLevel.ID
	applicant  int
	ratings    map[string]int // by Grade.Grade
}

// loopFacts is what the closed loop reads from one case's events up to Now.
type loopFacts struct {
	grade      int  // of the latest visit, -1 if none (or none on the scale)
	returned   bool // returned at least once
	supervised bool
	applicant  bool // an applicant-caused pause
}

// scanLoop reads the closed-loop facts of c up to now and refuses a case
// whose returning units would make the report hold more than
// MaxReportGroups units, or one whose returning unit is text beyond
// MaxTextBytes or not UTF-8, before anything is counted.
//
// p is the version that judges c: its rating scale and reason codes apply.
func (r *Reporter) scanLoop(p *Policy, c *Case, now time.Time) (loopFacts, error) {
	lf := loopFacts{grade: -1}
	fresh := 0
	for i := range c.Events {
		e := &c.Events[i]
		if e.At.After(now) {
			break
		}
		switch e.Type {
		case EventVisited:
			lf.grade = -1
			if g, err := p.gradeOf(e); err == nil {
				lf.grade = g
			}
		case EventReturned:
			// The unit is kept: bounded like every text a report keeps.
			if msg := textProblem(e.Unit, MaxTextBytes); msg != "" {
				return lf, diag.Errorf("sla", "report: case %s: event %d: unit %s", c.ID, i+1, msg)
			}
			lf.returned = true
			if _, ok := r.loop.returns[e.Unit]; !ok {
				fresh++
			}
		case EventSupervised:
			lf.supervised = true
		case EventPaused:
			if rc := p.reasonCode(EventPaused, e.Reason); rc != nil && rc.CountsAs == CountsApplicant {
				lf.applicant = true
			}
		}
	}
	if fresh > 0 && len(r.loop.returns)+fresh > MaxReportGroups {
		return lf, diag.Errorf("sla", "report: case %s would make the returns of more than %d units", c.ID, MaxReportGroups)
	}
	return lf, nil
}

// satisfied says whether the latest visit counts as satisfied on the scale.
func (lf *loopFacts) satisfied(p *Policy) bool {
	g := p.grade(int8(lf.grade))
	return g != nil && g.Satisfied
}

// countLoop counts a counted case (its status st at Now, judged by version p)
// into the row and the report's LoopCounts.
func (r *Reporter) countLoop(p *Policy, c *Case, st *Status, lf *loopFacts, rows ...*ReportRow) {
	for _, row := range rows {
		if lf.returned {
			row.Returned++
		}
		if lf.supervised {
			row.Supervised++
		}
		if len(st.Supervision) > 0 {
			row.SupervisionReached++
		}
	}
	a := &r.loop
	if lf.returned {
		if a.returns == nil {
			a.returns = map[string]int{}
		}
		for i := range c.Events {
			if e := &c.Events[i]; !e.At.After(r.opts.Now) && e.Type == EventReturned {
				a.returns[e.Unit]++
			}
		}
	}
	if lf.supervised {
		a.supervised++
	}
	if lf.applicant {
		a.applicant++
	}
	for _, l := range st.Supervision {
		if a.levels == nil {
			a.levels = map[string]int{}
		}
		a.levels[l.ID]++
	}
	if g := p.grade(int8(lf.grade)); g != nil {
		if a.ratings == nil {
			a.ratings = map[string]int{}
		}
		a.ratings[g.Grade]++
	}
}

// loopVersions are the versions whose levels and grades a report lists:
// the reporter's policy (for a History, the latest version) first, then
// for a History the earlier versions that judged a counted case, newest
// first, so that the order does not depend on the order of the cases.
func (r *Reporter) loopVersions() []*Policy {
	ps := []*Policy{r.p}
	if h := r.hist.h; h != nil {
		for i := len(h.versions) - 1; i >= 0; i-- {
			if v := h.versions[i]; v != r.p && r.hist.used[v.version] {
				ps = append(ps, v)
			}
		}
	}
	return ps
}

// loopCounts is the LoopCounts of the cases counted so far.
func (r *Reporter) loopCounts() LoopCounts {
	a := &r.loop
	out := LoopCounts{Returns: make([]UnitCount, 0, len(a.returns)), Supervised: a.supervised, ApplicantPaused: a.applicant}
	for u, n := range a.returns {
		out.Returns = append(out.Returns, UnitCount{Unit: u, Count: n})
	}
	sort.Slice(out.Returns, func(i, j int) bool {
		if out.Returns[i].Count != out.Returns[j].Count {
			return out.Returns[i].Count > out.Returns[j].Count
		}
		return out.Returns[i].Unit < out.Returns[j].Unit
	})
	out.Levels, out.Ratings = []LevelCount{}, []GradeCount{}
	seenLevel, seenGrade := map[string]bool{}, map[string]bool{}
	for _, p := range r.loopVersions() {
		for _, l := range p.loop.supervision {
			if !seenLevel[l.ID] {
				seenLevel[l.ID] = true
				out.Levels = append(out.Levels, LevelCount{ID: l.ID, Label: l.Label, Cases: a.levels[l.ID]})
			}
		}
		for _, g := range p.scale() {
			if !seenGrade[g.Grade] {
				seenGrade[g.Grade] = true
				out.Ratings = append(out.Ratings, GradeCount{Grade: g.Grade, Cases: a.ratings[g.Grade]})
			}
		}
	}
	return out
}
