package deadline_test

import (
	"time"

	"github.com/shixian-go/shixian/calendar"
	"github.com/shixian-go/shixian/sla/deadline"
)

// The tests state each case as (calendar, conventions, request); these
// helpers build the Counter for it and ask the one entry the question.

// computeDeadline is the explained deadline of r under c on cal.
func computeDeadline(cal *calendar.Calendar, c deadline.Counting, r deadline.Request) (deadline.Deadline, error) {
	k, err := deadline.New(cal, c)
	if err != nil {
		return deadline.Deadline{}, err
	}
	r.Explain = true
	return k.Deadline(r)
}

// computeDue is the deadline of r without explanation, as its instants.
func computeDue(cal *calendar.Calendar, c deadline.Counting, r deadline.Request) (due, last time.Time, provisional bool, err error) {
	k, err := deadline.New(cal, c)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	d, err := k.Deadline(r)
	return d.Due, d.LastDay, d.Provisional, err
}

// computeProgress is the progress of r at now with its explained deadline.
func computeProgress(cal *calendar.Calendar, c deadline.Counting, r deadline.Request, now time.Time) (deadline.Progress, deadline.Deadline, error) {
	d, err := computeDeadline(cal, c, r)
	if err != nil {
		return deadline.Progress{}, deadline.Deadline{}, err
	}
	k, err := deadline.New(cal, c)
	if err != nil {
		return deadline.Progress{}, deadline.Deadline{}, err
	}
	p, err := k.Progress(r, now)
	if err != nil {
		return deadline.Progress{}, deadline.Deadline{}, err
	}
	return p, d, nil
}

// warningAt is the instant fraction of r's period is used.
func warningAt(cal *calendar.Calendar, c deadline.Counting, r deadline.Request, fraction float64) (time.Time, error) {
	k, err := deadline.New(cal, c)
	if err != nil {
		return time.Time{}, err
	}
	ws, err := k.WarningsAt(r, []float64{fraction}, nil)
	if err != nil {
		return time.Time{}, err
	}
	return ws[0], nil
}

// thresholdAt is the instant threshold th of r's period is crossed.
func thresholdAt(cal *calendar.Calendar, c deadline.Counting, r deadline.Request, th deadline.Threshold) (time.Time, error) {
	k, err := deadline.New(cal, c)
	if err != nil {
		return time.Time{}, err
	}
	ws, err := k.ThresholdsAt(r, []deadline.Threshold{th}, nil)
	if err != nil {
		return time.Time{}, err
	}
	return ws[0], nil
}
