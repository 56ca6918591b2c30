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
// # Layout
//
// Each concept has one home and one entry:
//
//   - days: package calendar (working days, 调休, civil dates, China Standard Time);
//   - counting: package [github.com/shixian-go/shixian/sla/deadline] — one Counter per calendar and
//     conventions, whose Deadline, Progress and WarningsAt every due date in the library goes
//     through;
//   - tier rules: package rules, with expr's semantics;
//   - policies, versions, cases, events, statuses and reports: this package;
//   - load problems: one diagnostics type, named [Problems] here and rules.Problems there;
//   - JSON: one wire format (see Wire format below), used by the command-line tool and the portal
//     example alike.
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
// # Counting
//
// Periods, counting conventions, requests, pauses, deadlines, progress and warning instants live
// in package [github.com/shixian-go/shixian/sla/deadline], whose doc numbers the counting
// conventions (1–14) that comments and explanations cite. A policy counts through its
// [Policy.Counter]; [Policy.Deadline], [Policy.StatusAt] and the command-line tool all go through
// that one entry. The lifecycle settings of a policy (late extensions, reclassification, late
// reclassifications and restarts) are a
// [Lifecycle]; the counting package never sees them.
//
// # Warnings
//
// A policy's `warnings:` are thresholds of the period, each in one of two forms, and the status
// lists those crossed with the instant each was crossed (convention 14 of package deadline):
//
//   - `at: 80%` (or `0.8`): crossed at the instant that share of the period has elapsed, counted
//     in the period's own unit. A working-day period of N days elapses one counted day at a time,
//     each from its 00:00 to its end (24:00, or Due for the last day), paused days skipped; so
//     50% of 3 working days is 12:00 of day 2, 80% is 09:36 of day 3, and 100% is Due itself.
//     An hour period elapses in working (or elapsed) time; 100% is again Due.
//   - `remaining: 1 workday` (also `2 workdays`, `1个工作日`): crossed at 00:00 of the N-th counted
//     working day before the period's last day — from then on N working days or fewer remain after
//     the day (到期前N个工作日黄灯提醒). A 3-workday case accepted Monday 10:00 (counting Tuesday,
//     Wednesday, Thursday) is at 1 workday left from Wednesday 00:00. N at or above the period's
//     days is crossed at acceptance. `at: last_workday` is the same with N = 0: 00:00 of the last
//     working day.
//
// An instant is never before acceptance. A closed cycle keeps the warnings crossed before it
// closed; a paused case those crossed before the pause began. Status.Warning names the latest
// crossed, in the order of their instants, which need not be the order of the file (for a
// 1-day tier `last_workday` comes before `50%`).
//
// # When to look again
//
// [Status].NextChange (`next_change`) is the earliest instant after the status's instant at which
// the status changes with no new event: a warning crossed, the case turning overdue at its judged
// Due, a running target turning overdue; zero when nothing will change until the next event (a
// paused case, an overdue case with no target running, a closed case whose visit is done).
// Between the two instants only the clock-derived counts move (RemainingDays, OverdueDays,
// RemainingDuration, OverdueDuration). A portal keeps one instant per case and wakes at the
// earliest instead of scanning every open case; examples/portal does (reminders.go).
//
// # Weekly analysis and monthly dispatch
//
// [Policy.NewReporter] reports any range of dates; [Policy.NewAnalyzer] makes the office's
// weekly analysis (每周一分析, an ISO week) or monthly dispatch (每月一调度, a calendar month) of
// the period containing a given day: the period's report beside the previous period's, the top
// values of chosen keys (causes and categories by default, `input:cause` being the
// classification input given at acceptance) with their late share (举一反三), the on-time rate
// of the last periods (as an SVG chart too) and, when asked, a ranking of handlers or units. The
// 统计口径 is stated in the result (Analysis.Basis): a case counts in a period by its bucket date
// (acceptance by default), and each earlier period is judged as it stood at its own end, so last
// week's figures do not move when this week is analysed. The ranking orders by the policy's
// formula, declared as
//
//	ranking:
//	  label: 综合得分
//	  score: on_time_rate * 100 + satisfaction_rate * 20 - overdue_workdays
//
// an arithmetic expression over the row's metrics ([RankMetrics]), checked and compiled once when
// the policy loads, bounded ([MaxScoreBytes], nesting, nodes), and refused at file:line:column
// when it uses anything else; the formula is printed with the ranking.
//
// [History.NewAnalyzer] and [History.Analysis] make the same analysis over cases of several
// versions: each case is judged by the version in effect at its acceptance (its tier, deadline,
// warnings, supervision levels, rating scale and reason codes), with one set of totals, so a
// week that spans a version switch is one analysis. Periods and the ranking formula are the
// latest version's: the office ranks everyone by its current yardstick. Reports and analyses
// show the closed loop in Markdown and CSV too: the group rows carry returned, supervised and
// supervision_reached (CSV columns appended after the earlier ones, whose order is a
// contract), and [Report.WriteLoopCSV] writes the returns per unit, the cases per supervision
// level and per rating grade, and the applicant-caused pauses.
//
// # Time
//
// All civil dates are taken in the calendar's location (China Standard Time, a fixed UTC+8
// zone, by default) after converting the instant: 2025-03-06T16:30:00Z is Friday 2025-03-07
// 00:30 in Beijing. A deadline's Due is an exclusive instant: a case is on time if closed
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
// with file:line:column and a caret under the fault: a [*Problems] error. [Problems],
// [Problem] and [Position] name the one diagnostics type that rules.Problems also names, so
// errors.As needs no import of rules.
//
// The top-level key `input_extra` says what classifying does with an input key the policy's `input` does not declare: `reject` (the default) makes it an error
// naming the key and the declared field it resembles, so that a misspelt "tag" cannot leave
// "tags" at its default and change the tier; `ignore` ignores such keys and lists them in the
// decision (rules.Decision.Ignored). Conditions are held to the bounded language subset and the
// limits of package rules (see its Limits section). A policy file is at most [MaxPolicyBytes],
// enforced while reading; its ids are at most [MaxIDBytes] and its reasons at most
// [MaxTextBytes], the bounds a case holds them to.
//
// Labels show a policy in the office's words without changing what it decides. An input field
// may carry `label:` (its name for people: 办不成的原因 for `cause`), and each item of its
// `values` may be a plain value or `{id: historical_legacy, label: 历史遗留问题}`; the id is what
// rules compare and stored decisions carry, the label is what documents and explanations show
// (rules.Field.Label, rules.Field.ValueLabel). A value may also be Chinese itself and need no
// label. A rule may carry `label:` too (rules.Rule.Label). A label for a value the field does
// not declare is a load error.
//
// What meets a target is its kind ([Target.Kind]), given by `kind:` on the target so that its
// id may be written in any language: `sign_for` (签收: met by the signed_for of the unit the
// case was transferred to; `after: transferred`), `return_window` (退回时限: how soon that
// unit may return the case; `after: transferred` or `signed_for`; see Returns below) or
// `ordinary` (met by the next transfer or closing, or by the visit after closing). A kind
// that does not fit its `after` is refused at load at the key's file:line:column. Without
// the key the id decides, as in policies written before it: "sign_for" or "sign_for_…" is a
// sign-for target, "return" or "return_…" a return window, any other id ordinary.
//
// A target may run for some cases only: `when:` on a target is a condition over the input
// fields, written and checked as a tier rule's (`when: 诉求类型 == "作风投诉"` for a follow-up
// visit owed on conduct complaints only), judged on the input of the case's accepted event
// ([Target.When]). A case whose input cannot decide it (a required field missing) cannot be
// closed or given a status: a skipped visit would hide a duty. `extensions.tiers` limits
// extensions by tier: a list of tier ids (`tiers: [攻坚]`, each with the policy-wide max_count
// and max_total) or a mapping of tier id to its own {max_count, max_total}; a case of a tier
// not listed cannot be extended, and the refusal is an [*EventError] with Field "length"
// wrapping [ErrExtensionCap] ([Extensions.ForTier]).
//
// Limits are written as offices write them: "3 workdays", "3个工作日", "三个工作日",
// "十五日", "一个月", "5个工作日内"; "当日" and "即日" are the same-day period (0 workdays),
// which counting.same_day_cutoff ends (see deadline.ParsePeriod).
//
// Several versions of one policy form a [History], which picks the version by acceptance time
// and offers what a Policy offers for a case — [History.Classify], [History.Deadline],
// [History.Accept], [History.Apply], [History.StatusAt], [History.Validate], [History.Report],
// [History.NewReporter] (one report across versions) and [History.NewAnalyzer] (one weekly
// analysis or monthly dispatch across versions) — so a portal with several versions
// never picks one by hand: a case stays with the version in effect when it was accepted for
// its whole life. An open-ended version followed by a later one ends where it begins, its file
// untouched. A [Holder] swaps in new versions atomically, in one call, only after every version
// whose range changes passes the checks bound to it (its test suites, see package slatest).
//
// A [Shadow] runs a candidate version beside the live one before it goes live: each live
// decision reported to [Shadow.Observe] is decided again by the candidate, which decides nothing,
// and every disagreement in tier, rule or due date goes to a sink the caller provides, with
// running counts; [Shadow.Promote] activates the candidate through the Holder. A slow or
// panicking sink never reaches the live decision (it runs on the shadow's goroutine behind a
// bounded queue), and the shadow's memory is bounded.
//
// Explanations come in English ([Status.Explain], [Policy.Deadline]) or in plain Chinese
// ([Status.ExplainIn], [Policy.DeadlineIn] with deadline.Chinese): the Chinese form names every
// day counted and skipped, every makeup working day counted and the same-day rule applied, and
// cites the statute of each rule it applies, without convention names or calendar hashes. It
// says the closed loop in the same plain words: each pause by its name with its reason (a
// reason code by its label) and how its time counts (不计入, 申请人原因 and reported apart, or
// 补正 and counted again), the pauses still open, returns (退回) and that they end the unit's
// limits, who supervised when, each supervision level reached with who must act and whether
// anyone has, a late reclassification or restart that still counts as overdue
// (改变分类时已超过期限，仍按超期计), and a visit's grade with what it counts as and whether the
// case must be redone (需重新办理).
// [Policy.Language] is the language a policy's own words suggest (Chinese when its title or a
// tier label is), which the command-line tool uses as its default. Package
// github.com/shixian-go/shixian/sla/policydoc renders a policy as the public notice an office
// publishes.
//
// The YAML library is go.yaml.in/yaml/v3, the YAML organisation's maintained continuation of
// gopkg.in/yaml.v3: its node tree carries the line and column of every key and value (columns
// in characters, so Chinese text does not shift them), which lets the decoder check every key
// itself and report all problems in one run instead of stopping at the first, and it adds no
// further dependencies. goccy/go-yaml also has positions and a strict mode, but its strict
// decoding stops at the first unknown key and it brings a larger dependency tree.
//
// # The closed loop
//
// Offices run 1310 as a closed loop: 统一受理 (one intake), 及时转办 (prompt transfer), 限时办结
// (close within the limit), 跟踪督办 (tracking and supervision), 回访评价 (follow-up visit and
// rating), until the case is 销号 (struck off). The lifecycle records each step as an event and
// the policy says what each means.
//
// Late changes stay late. A reclassification or a restart (补正后重新受理) at or after the
// deadline in force is governed like a late extension, by the `counting:` settings
// `late_reclassify` and `late_restart` ([Lifecycle.LateReclassify], [Lifecycle.LateRestart]):
// `reject` refuses it ([ErrLateChange], naming the deadline); `overdue`, the default, records it
// and the new tier or clock gives the Due shown, but the cycle stays judged by the deadline in
// force when the change came (JudgedDue; the earlier one if the change shortens it): CycleLate
// and EverLate are true and closing gives closed_late. A 1-working-day case overdue since
// 03-05 00:00, reclassified to 3 working days at 03-05 10:00 and closed 03-06, is closed late.
// A late extension after such a change is judged against the same deadline, so
// `late_extension: reject` cannot be bypassed by reclassifying first.
//
// Several pauses at once. A paused event may name its pause (`pause`), so that an expert review
// and a hearing that overlap (行政许可法第四十五条) are both recorded with their reasons; a
// resumed event names the pause it ends (optional when only one is open, or to end the unnamed
// one). The excluded time is the union of the pauses (convention 8 of package deadline), never
// the sum. [Status.OpenPauses] lists the open ones; Paused and PausedSince summarise them.
//
// Reason codes. A policy may declare `reasons:` — a code, a label and what the time counts as
// ([CountsAs]): `excluded` (行政许可法第四十五条: not counted), `restart` (第三十二条: a pause for
// corrected materials ends, at its resume, with a restart of the clock) or `applicant`
// (applicant-caused: excluded like any pause, and counted apart in reports), with the event
// types each code is for (paused, restarted, extended, reclassified, returned, reopened). An
// event whose reason is a code or its label follows the code; any other reason is free text
// with the event's ordinary meaning, unless `reasons_required: true`, which makes a code
// mandatory for every event type some code is for. A code used on an event type it is not
// declared for is refused. The default policy declares codes (专家评审, 听证, 检验检测鉴定,
// 申请人补正材料, 联系不上申请人, …) and does not require them.
//
// Returns. A returned event (退回) comes from the unit holding the case (the unit of the
// latest transfer, not returned since) with a reason; it ends that unit's targets (DoneBy
// "returned") and the case is held by no unit ([Case.Unit] is "") until the next transfer. A
// target of kind return_window (`kind: return_window`, or an id "return" or starting
// "return_"; after transferred or signed_for) bounds how soon a unit may return the case: a return at or after its due is refused. Such
// targets are a window, not a limit anyone must meet, so [Status.Targets] does not list them.
//
// Supervision (督办). A policy declares `supervision:` levels, each with an id, a label (督办,
// 挂牌督办, 通报), who must act (`by`: 科室负责人, 分管领导) and one trigger: `warning: <id>` (the
// warning's crossing), or `overdue: N workdays` (the case overdue, N = 0, or N working days
// overdue: 00:00 of the N-th working day after the last day it is judged by).
// [Status.Supervision] lists the levels the current cycle reached, with their instants; a
// level reached is never undone within the cycle, and a closed cycle reaches only the levels
// before its close. A supervised event records that a supervisor acted (`actor`, optional
// `level` and `note`); it is refused when the case has reached no level by its instant (there
// is nothing to supervise) or names a level not reached, and a policy without levels refuses
// it. [Status.Supervised] lists those of the current cycle.
//
// Ratings. The policy declares the rating scale of 回访 (`rating:` grades, each saying whether
// it counts as satisfied and whether it calls for reopening); without one the scale is
// [DefaultRatingScale]: 满意 and 基本满意 satisfied, 不满意 not, and calling for reopening. A
// visited event carries `rating`, a grade of the scale. The earlier yes/no `satisfied` keeps
// working: true stands for the scale's first satisfied grade (满意), false for its first grade
// that is not (不满意); both may be sent when they agree. [Status.Rating] is the grade of the
// current close's visit and ReopenRequired says that it calls for reopening.
//
// Reports count the loop: [ReportRow] gains the cases returned, supervised and that reached a
// supervision level, and [Report.Loop] the returns per returning unit, the supervised cases,
// the cases per supervision level, the applicant-caused pauses and the visits per grade; the
// satisfaction rate follows the scale.
//
// Every new field is checked where it enters, with the offending JSON field named in
// [EventError].Field ("pause", "rating", "level", "unit", "reason", "actor"), and an event that
// does not fit is refused with nothing applied: a resume of a pause that is not open, a return
// by a unit that does not hold the case, a rating outside the scale, a supervision of a case
// that reached no level.
//
// # Wire format
//
// [Case], [Event], [deadline.Deadline] and [Status] have one JSON form, written by their MarshalJSON and
// read back, strictly, by their UnmarshalJSON; the CLI's --format json and the example portal
// answer with it, and sla/schema/shixian-v1.schema.json (JSON Schema 2020-12, one definition
// per type) lets a program in any language validate it. Keys are snake_case; instants are
// RFC 3339 with their UTC offset, in the calendar's location for computed results (+08:00 by
// default); civil dates are YYYY-MM-DD; periods are text ("3 workdays"); states, event types,
// day kinds and certainties are their strings; durations are whole seconds (an integer every
// language reads exactly, where a working-time "day" in an ISO 8601 duration would be
// ambiguous). Unset instants and empty texts are left out; lists are always present, except
// the closed loop's lists of a status (open_pauses, supervision, supervised), which are left
// out when empty, as are rating and reopen_required, so that a status without them reads as
// before. A status reads:
//
//	{"case_id":"C-1","at":"2025-10-13T09:00:00+08:00","state":"overdue","warning":"last_day",
//	 "tier":"T3","cycle":1,"due":"2025-10-12T00:00:00+08:00","last_day":"2025-10-11",
//	 "judged_due":"2025-10-12T00:00:00+08:00","judged_last_day":"2025-10-11",
//	 "provisional":false,"remaining_days":0,"overdue_days":1,"remaining_seconds":0,
//	 "overdue_seconds":0,"ever_late":true,"cycle_late":true,"extensions":0,
//	 "late_extensions":0,"paused":false,"warnings":[…],"targets":[],
//	 "calendar_version":"12ccebf8eefe0252"}
//
// A case document is read with [DecodeCase] (or [Policy.DecodeCase], which also validates it
// against the policy): every fault is a [Problem] at name:line:column, the cause kept
// for errors.As.
//
// # Concurrency
//
// Policies, histories and calendars are immutable and safe for concurrent use. A [Case] is a
// value: [Policy.Apply] returns a new case that shares nothing mutable with the one given and
// never modifies it. A [Holder] is safe for concurrent use; its readers never block. A
// [Reporter] is not: feed it from one goroutine.
//
// # Errors
//
// Every error caused by what the caller passed satisfies errors.Is(err, [ErrInvalid]) (a portal
// answers 4xx); nothing else does (5xx). [EventError.Field] names the event field at fault and
// rules.FieldError the input field, so no message needs parsing; messages name each package
// once and speak of what the caller sent.
package sla
