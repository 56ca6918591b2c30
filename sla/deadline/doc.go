// Package deadline counts time limits the way the law does: periods in working days, calendar
// days, months and hours on a [calendar.Calendar], with the counting conventions an office
// chooses, pauses (中止), extensions (延期), the due instant, progress and warning instants.
//
// It is the counting layer of package sla, kept apart so that counting has one home with one
// entry: a [Counter], built once by [New] from a calendar and a [Counting], answers
// [Counter.Deadline] (the explanation in words only when [Request].Explain asks),
// [Counter.Progress] and [Counter.WarningsAt]. The shortcuts that keep batch status fast live
// behind those methods and are pinned to the general path by a property test. It depends only on
// package calendar and the standard library, so a portal that counts without a policy imports
// just these two.
//
// # Explanations
//
// The explanation is English with the Chinese terms, or plain Chinese for a director or a
// citizen ([Request].Lang = [Chinese]): every day counted and skipped and why, every makeup
// working day counted, the same-day rule applied and the statute of each rule applied. The
// language changes the words only.
//
// # Time
//
// All civil dates are taken in the calendar's location (China Standard Time, [calendar.CST], by
// default) after converting the instant. Due is exclusive: a case is on time if closed strictly
// before it. LastDay is 00:00 of the last day, shown as "2025-10-09 24:00". Nothing here reads
// the wall clock. Errors carry no package prefix: the caller adds its context.
//
// # Counting conventions
//
// Every rule below is applied where the code names it and is pinned by tests stated in words.
// Defaults follow the law; each alternative is a [Counting] setting (in a policy file, a key under
// `counting:`). Conventions 9 to 13 are applied by the case lifecycle of package sla, which builds
// the [Request]; this package counts one request.
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
//  14. Warnings are thresholds of working time used, never wall-clock percentages; overdue is red.
//     A fraction is crossed at the instant that share of the period has elapsed in its own unit
//     (a counted working day elapses from its 00:00 to its end, so 100% is Due); "N working days
//     left" at 00:00 of the N-th counted working day before the last day (0: the last working
//     day). See [Counter.WarningsAt] and [Threshold].
package deadline
