package main

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/shixian-go/shixian/rules"
	"github.com/shixian-go/shixian/sla"
)

// Shadow run: an admin uploads a candidate policy with POST /policy?mode=shadow; from then on
// every case the portal accepts is also classified by the candidate, which decides nothing, and
// every disagreement (tier, rule or due date) is counted and kept; GET /policy/shadow shows the
// counts and the latest disagreements. When the admin is satisfied, the same file is activated
// with an ordinary POST /policy (suites, storage and audit as for any activation), after which
// GET /policy/shadow says "promoted". DELETE /policy/shadow stops the shadow run.
//
// The shadow run lives in memory only: a restart ends it (nothing a case depends on is lost, as
// the candidate decides nothing).

// Bounds of GET /policy/shadow.
const (
	shadowRecentDefault = 20  // disagreements listed when the query does not say
	shadowRecentMax     = 100 // the most ?recent= may ask for, and the most the portal keeps
)

// shadowSlot holds the server's current shadow run, if any.
type shadowSlot struct {
	mu      sync.Mutex
	sink    func(sla.Disagreement) // from WithShadowSink; nil: count and keep only
	current *sla.Shadow
	since   time.Time
	by      string
}

// WithShadowSink gives every disagreement of a shadow run to sink as well (on the shadow's own
// goroutine, in order; a slow sink loses disagreements past sla.ShadowQueue, counted as
// dropped; a panic is recovered and counted). Without it they are counted and the latest kept.
func WithShadowSink(sink func(sla.Disagreement)) Option {
	return func(s *Server) error {
		s.shadow.sink = sink
		return nil
	}
}

// shadowRoutes registers GET and DELETE /policy/shadow (the upload is POST /policy?mode=shadow).
func (s *Server) shadowRoutes(mux *http.ServeMux, overseer, admin []Role) {
	mux.Handle("GET /policy/shadow", s.guard(overseer, s.timeout, s.getShadow))
	mux.Handle("DELETE /policy/shadow", s.guard(admin, s.timeout, s.deleteShadow))
	mux.HandleFunc("/policy/shadow", func(w http.ResponseWriter, r *http.Request) {
		const allow = "GET, HEAD, DELETE"
		w.Header().Set("Allow", allow)
		fail(w, http.StatusMethodNotAllowed, "", "method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow)
	})
}

// policyMode is POST /policy's `mode` query parameter: it answers the request itself and returns
// true for mode=shadow (and for a mode it does not know, with 400), false for an ordinary upload.
func (s *Server) policyMode(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	if !q.Has("mode") {
		return false
	}
	switch mode := q.Get("mode"); mode {
	case "shadow":
		s.postShadow(w, r)
	default:
		fail(w, http.StatusBadRequest, "mode", "mode %q is not known; use mode=shadow to shadow a candidate, or no mode to activate it", mode)
	}
	return true
}

// postShadow answers POST /policy?mode=shadow (admin only): the body is a candidate policy file
// for the active policy id. It starts shadowing the candidate, replacing any earlier shadow run
// (201, with the candidate and, when one was replaced, its version and final counts). Nothing is
// stored and nothing is activated: a refused upload (415, 413, 400, 422) leaves the running
// shadow as it was.
func (s *Server) postShadow(w http.ResponseWriter, r *http.Request) {
	candidate, ok := s.readPolicyUpload(w, r)
	if !ok {
		return
	}
	if cur := s.holder.Current(); candidate.ID() != cur.ID() {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{
			Error: fmt.Sprintf("policy id %q is not the active policy's id %q; nothing was changed", candidate.ID(), cur.ID()),
			Field: "policy",
		})
		return
	}
	sh, err := sla.NewShadow(s.holder, candidate, sla.ShadowOptions{Sink: s.shadow.sink, Recent: shadowRecentMax})
	if err != nil {
		s.fault(w, r, err)
		return
	}
	s.shadow.mu.Lock()
	old := s.shadow.current
	s.shadow.current, s.shadow.since, s.shadow.by = sh, s.clock(), identityOf(r).name
	s.shadow.mu.Unlock()
	out := struct {
		Shadowing policyJSON `json:"shadowing"`
		Replaced  *struct {
			Version string           `json:"version"`
			Counts  sla.ShadowCounts `json:"counts"`
		} `json:"replaced,omitempty"`
	}{Shadowing: policyRef(candidate)}
	if old != nil {
		old.Close()
		out.Replaced = &struct {
			Version string           `json:"version"`
			Counts  sla.ShadowCounts `json:"counts"`
		}{old.Candidate().Version(), old.Counts()}
	}
	s.logger.Printf("shadow: %s shadows policy %s %s (%s)", identityOf(r).name, candidate.ID(), candidate.Version(), candidate.Hash())
	writeJSON(w, http.StatusCreated, out)
}

// observeShadow reports a live decision to the shadow run, if there is one. It never fails
// and never changes the live answer.
func (s *Server) observeShadow(id string, input map[string]any, accepted time.Time, d rules.Decision, due time.Time) {
	s.shadow.mu.Lock()
	sh := s.shadow.current
	s.shadow.mu.Unlock()
	if sh != nil {
		sh.Observe(id, input, accepted, d, due)
	}
}

// shadowJSON is the answer of GET and DELETE /policy/shadow.
type shadowJSON struct {
	Active bool `json:"active"` // a candidate is being shadowed
	// Promoted: the candidate's exact content is now an active version (activated through
	// POST /policy), so live decisions are the candidate's.
	Promoted  bool                `json:"promoted,omitempty"`
	Candidate *policyJSON         `json:"candidate,omitempty"`
	Since     string              `json:"since,omitempty"`
	By        string              `json:"by,omitempty"`
	Counts    *sla.ShadowCounts   `json:"counts,omitempty"`
	Recent    *[]sla.Disagreement `json:"recent,omitempty"` // [] for an active run without any
}

func (s *Server) shadowState(sh *sla.Shadow, since time.Time, by string, recent int) shadowJSON {
	ref, counts := policyRef(sh.Candidate()), sh.Counts()
	list := []sla.Disagreement{}
	if recent > 0 {
		list = append(list, sh.Recent(recent)...)
	}
	out := shadowJSON{Active: true, Candidate: &ref, Since: since.Format(time.RFC3339), By: by, Counts: &counts, Recent: &list}
	out.Promoted = s.activeHash(sh.Candidate().Version()) == sh.Candidate().Hash()
	return out
}

// getShadow answers GET /policy/shadow[?recent=N]: whether a candidate is shadowed, which,
// since when and by whom, the running counts and the latest N disagreements, newest first
// (default 20, at most 100). Without a shadow run: {"active": false}.
func (s *Server) getShadow(w http.ResponseWriter, r *http.Request) {
	recent := shadowRecentDefault
	if v := r.URL.Query().Get("recent"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > shadowRecentMax {
			fail(w, http.StatusBadRequest, "recent", "recent must be a whole number from 0 to %d, not %q", shadowRecentMax, v)
			return
		}
		recent = n
	}
	s.shadow.mu.Lock()
	sh, since, by := s.shadow.current, s.shadow.since, s.shadow.by
	s.shadow.mu.Unlock()
	if sh == nil {
		writeJSON(w, http.StatusOK, shadowJSON{})
		return
	}
	writeJSON(w, http.StatusOK, s.shadowState(sh, since, by, recent))
}

// deleteShadow answers DELETE /policy/shadow (admin only): it stops the shadow run and answers
// its final state (active false); 404 when there is none.
func (s *Server) deleteShadow(w http.ResponseWriter, r *http.Request) {
	s.shadow.mu.Lock()
	sh, since, by := s.shadow.current, s.shadow.since, s.shadow.by
	s.shadow.current = nil
	s.shadow.mu.Unlock()
	if sh == nil {
		fail(w, http.StatusNotFound, "", "no candidate is being shadowed")
		return
	}
	sh.Close()
	out := s.shadowState(sh, since, by, shadowRecentDefault)
	out.Active = false
	s.logger.Printf("shadow: %s stopped shadowing policy %s %s", identityOf(r).name, sh.Candidate().ID(), sh.Candidate().Version())
	writeJSON(w, http.StatusOK, out)
}
