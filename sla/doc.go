// Package sla computes and follows the time limits of government service cases: policies loaded
// from YAML, periods counted like the law, the life of a case as events, its status and warnings
// at any instant, and reports.
//
// # The job
//
// An office accepts a case it could not resolve on the spot and must close it within a limit
// that depends on why. Under the "1310" mechanism the limit is 1, 3 or 10 working days; other
// offices use 即办/常规/攻坚 classes or hotline categories. A [Policy] holds an office's tiers,
// counting conventions, warnings, extension limits, targets and ordered tier rules; [Default]
// is the embedded 1310 policy. Classify a case with [Policy.Classify], compute its deadline with
// [Policy.Deadline], follow it with [Policy.Accept], [Policy.Apply] and [Policy.StatusAt], and
// summarise many with [Policy.NewReporter].
//
// # Glossary
//
//   - 受理 (accepted): the case is taken in; the clock starts the next day.
//   - 工作日 (working day): a day that is not a statutory holiday and not an ordinary weekend day,
//     including the weekend makeup working days (调休上班) of the State Council's notice.
//   - 即办 (same day), 常规 (routine), 攻坚 (tough): work-order classes some offices use.
//   - 转办 (transferred) to a unit, which 签收 (signs for) it; 中止 (paused) and 恢复 (resumed);
//     补正 (materials completed, restarting the clock); 延期 (extended); 办结/销号 (closed);
//     回访 (follow-up visit) with 满意 (satisfied) or not; 重新办理 (reopened).
//   - 超期 (overdue), 预警 (warning), 黄灯/红灯 (yellow and red lights of the warning rules).
//   - Reports (周分析、月通报): 按期办结率 (on-time rate: closed on time ÷ cases with a verdict,
//     i.e. closed on time, closed late or open and overdue), 超期办结 (closed late), 在办超期
//     (open and overdue), 超期清单 (the overdue list), 回访满意率 (visit satisfaction rate),
//     统计口径 (the bucketing rule: by acceptance, due or close date).
//
// # Counting conventions
//
// Every rule below is applied where the code names it and is pinned by tests stated in words.
// Defaults follow the law; each alternative is a [Counting] setting in the policy file.
//
//  1. Working-day periods ("N个工作日", 民法典 art. 201, 行政许可法 art. 82): the acceptance day is
//     not counted; day 1 is the first working day after the acceptance date; the period ends at
//     the end of the Nth working day. Makeup working days count; holidays and weekends do not.
//  2. End of the last day (民法典 art. 203): 24:00, or — with end_of_day: close_of_business — the
//     end of the last business-hours span ("有业务时间的，停止业务活动的时间为截止时间").
//  3. Receipt on a non-working day: counted literally (day 1 is the next working day), or —
//     with receipt: next_workday — deemed received on the next working day, counting from the
//     day after that.
//  4. Same-day tiers ("0 workdays", 即办): due at the end of the acceptance day when accepted on a
//     working day before same_day_cutoff, else at the end of the next working day.
//  5. Calendar-day periods ("N日", 民法典 arts. 201, 203): counted from the next day; holidays
//     inside are not deducted; a last day that is not a working day moves to the next working
//     day. A makeup Saturday is a working day, so it does not move.
//  6. Month periods (民法典 art. 202): the corresponding date, or the month's last day when there is
//     none (31 January + 1 month = 28 or 29 February), then rule 5's move.
//  7. Hour periods: working hours walk the configured business hours of working days (makeup
//     days included); calendar hours are plain elapsed time.
//  8. Pauses (中止, 行政许可法 art. 45): pausing on day P and resuming on day R excludes the working
//     days P+1 … R (or P+1 … R−1 with resume_day: counted); overlapping pauses exclude their
//     union, never the sum; a pause that starts after the deadline does not move it.
//  9. Restart (行政许可法 art. 32): when the materials are complete the case is accepted anew and
//     the clock starts again; earlier elapsed time is discarded but kept in the log.
//  10. Extensions (延期, 行政许可法 art. 42): the new deadline is counted from the old deadline, not
//     from the approval; an extension must be granted before the old deadline (a late one is
//     rejected, or with late_extension: overdue recorded while the case stays late); the policy
//     caps their number and total length.
//  11. Reclassification: the new tier applies from the original acceptance, or — with
//     reclassify: from_reclassification — from the reclassification instant.
//  12. Transfers (转办): the citizen-facing clock keeps running; unit targets (sign-for, reply)
//     run beside it.
//  13. Closing stops the clock: on time if and only if closed strictly before Due; lateness is
//     measured in working days on the same calendar. The follow-up visit is its own target;
//     reopening starts a new cycle, and reports tell "this cycle late" from "ever late".
//  14. Warnings are thresholds of working time used (e.g. 50% and 80%, or the start of the last
//     working day), never wall-clock percentages; overdue is red.
//
// # Time
//
// All civil dates are taken in the calendar's location (China Standard Time, a fixed UTC+8
// zone, by default) after converting the instant: 2025-03-06T16:30:00Z is Friday 2025-03-07
// 00:30 in Beijing. A [Deadline]'s Due is an exclusive instant: a case is on time if closed
// strictly before it. LastDay is the civil date of the last day, shown as "2025-10-09 24:00".
// Nothing in this package reads the wall clock: every instant comes from the caller.
//
// # Calendars and provisional results
//
// A policy counts on [calendar.Default] unless given another with [Policy.WithCalendar]. A
// result computed through a day that is not official (a 2027 day from an unverified schedule,
// or a projected later year) has Provisional set; a strict calendar refuses it with an error
// wrapping calendar.ErrYearNotCovered. Recomputing a case's status with a policy on a new
// calendar is how a changed notice reaches open cases.
//
// # Policy files
//
// A policy is a YAML document with `format: shixian/v1`; see policies/xinyu-1310.yaml (also
// examples/policies/ in the repository) for a complete, commented example. Decoding is strict
// and reports every problem at once (up to MaxProblems, then a count of the rest), each
// with file:line:column and a caret under the fault
// (a [*Problems] error; sla.Problems, sla.Problem and sla.Position are aliases of the one diagnostics type that rules.Problems also names, so errors.As needs no import of rules). The top-level key `input_extra` says what classifying does with
// an input key the policy's `input` does not declare: `reject` (the default) makes it an error
// naming the key and the declared field it resembles, so that a misspelt "tag" cannot leave
// "tags" at its default and change the tier; `ignore` ignores such keys and lists them in the
// decision (rules.Decision.Ignored). Conditions are held to the bounded language subset and the
// limits of package rules (see its Limits section). A policy file is at most [MaxPolicyBytes],
// enforced while reading; its ids are at most [MaxIDBytes] and its reasons at most
// [MaxTextBytes], the bounds a case holds them to.
//
// Several versions of one policy form a [History], which picks the version by acceptance time
// and offers what a Policy offers for a case — [History.Classify], [History.Deadline],
// [History.Accept], [History.Apply], [History.StatusAt], [History.Validate] — so a portal with
// several versions never picks one by hand: a case stays with the version in effect when it was
// accepted for its whole life. A [Holder] swaps in a new version atomically only after it passes
// its checks (its test suites, see package slatest).
//
// The YAML library is go.yaml.in/yaml/v3, the YAML organisation's maintained continuation of
// gopkg.in/yaml.v3: its node tree carries the line and column of every key and value (columns
// in characters, so Chinese text does not shift them), which lets the decoder check every key
// itself and report all problems in one run instead of stopping at the first, and it adds no
// further dependencies. goccy/go-yaml also has positions and a strict mode, but its strict
// decoding stops at the first unknown key and it brings a larger dependency tree.
//
// # Concurrency
//
// Policies, histories and calendars are immutable and safe for concurrent use. A [Case] is a
// value: [Policy.Apply] returns a new case and never modifies the one given. A [Holder] is safe
// for concurrent use; its readers never block.
package sla
