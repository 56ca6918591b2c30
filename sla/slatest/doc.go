// Package slatest tests a change to a time-limit policy (sla.Policy) before it goes live: suite
// files that pin the tier, rule and due date of example cases, rule coverage with a threshold,
// and a diff of two policy versions over a corpus of past cases.
//
// # Suites
//
// A suite is a YAML file, usually next to the policy it tests (xinyu-1310.suite.yaml beside
// xinyu-1310.yaml). Run it from go test with gotest.Run (package sla/slatest/gotest, kept
// apart so that binaries do not link package testing), from a CLI with RunSuite, or from a
// portal's "preview this change" screen with RunSuiteData; make it a gate for hot reload with
// Check (sla.Holder.Activate(candidate, slatest.Check("policy.suite.yaml")) never activates a
// candidate that fails its suite).
//
//	format: shixian-suite/v1         # required
//	name: 1310 basics                # shown in reports and JUnit
//	policy: xinyu-1310.yaml          # relative to the suite file; optional when the caller passes the policy (WithPolicy, Check)
//	min_coverage: 100%               # optional: (rules + default exercised) / (rules + 1); below → the suite fails
//	defaults:                        # optional, merged into every case: case keys win, input maps merge key by key,
//	  accepted: 2025-09-30T17:00:00+08:00   # events are replaced as a whole, expect merges key by key
//	  input: {channel: window, applicant: person}
//	  expect: {provisional: false}
//	cases:
//	  - name: 欠薪，材料不全 → T1, due after National Day      # required, unique: it names the subtest
//	    input: {cause: incomplete_materials, category: wage_arrears}
//	    accepted: 2025-09-30T17:00:00+08:00
//	    expect:                      # required; every key is optional
//	      tier: T1                   # the tier the rules chose
//	      rule: objective-simple     # the deciding rule; "default" when no rule matched
//	      reason: 材料不全            # a part of the decision's reason
//	      due: 2025-10-10T00:00:00+08:00   # exclusive instant (on time iff closed strictly before); "2025-10-09 24:00" also works
//	      last_day: 2025-10-09       # civil date of the last day counted
//	      provisional: false         # the deadline counted days of a year not yet officially published
//	      shadowed: []               # rules after the deciding one that also matched, in order
//	  - name: paused over a weekend, status at a given now
//	    input: {cause: complex}
//	    events:                      # lifecycle events after acceptance (see sla.Event): type, at, reason, tier,
//	      - {type: paused, at: 2025-10-09T10:00:00+08:00, reason: 专家评审}   # rule, unit, length, approver,
//	      - {type: resumed, at: 2025-10-13T09:00:00+08:00}                  # satisfied, actor, note
//	    expect:
//	      tier: T3
//	      due: 2025-10-16T00:00:00+08:00
//	      status: {now: 2025-10-13T12:00:00+08:00, state: on_track, remaining_days: 2}
//	                                 # now is required; also tier (after reclassification), warning, overdue_days
//	  - name: a conduct complaint closed on Tuesday owes its visit by Thursday; an extension's effect
//	    input: {诉求类型: 作风投诉}
//	    events:
//	      - {type: closed, at: 2026-03-03T15:00:00+08:00}
//	    expect:
//	      status:
//	        now: 2026-03-03T16:00:00+08:00
//	        targets: {回访: 2026-03-05T00:00:00+08:00}   # target id → due of its latest instance; none: must not run;
//	                                                   # or {due: …, state: closed_on_time, done_by: signed_for}
//	                                                   # (done_by "" while the target runs)
//	        extensions: 0                              # extensions recorded; also late_extensions
//	  - name: the closed loop — two pauses, a return, supervision, a graded visit
//	    input: {cause: complex}
//	    events:                      # the keys of the event JSON: pause, rating, level as well
//	      - {type: paused, at: 2026-03-03T10:00:00+08:00, pause: 评审, reason: expert_review}   # a reason code or its label
//	      - {type: paused, at: 2026-03-04T10:00:00+08:00, pause: 听证, reason: 听证}
//	      - {type: resumed, at: 2026-03-05T09:00:00+08:00, pause: 评审}
//	      - {type: resumed, at: 2026-03-06T09:00:00+08:00, pause: 听证}
//	      - {type: transferred, at: 2026-03-06T10:00:00+08:00, unit: 社保科}
//	      - {type: returned, at: 2026-03-06T11:00:00+08:00, unit: 社保科, reason: not_our_duty}
//	      - {type: supervised, at: 2026-03-11T09:00:00+08:00, actor: 科室负责人, level: supervise, note: 督办单}
//	      - {type: closed, at: 2026-03-11T15:00:00+08:00}
//	      - {type: visited, at: 2026-03-12T10:00:00+08:00, rating: 不满意}
//	    expect:
//	      status:
//	        now: 2026-03-12T11:00:00+08:00
//	        open_pauses: []                 # names of the open pauses, earliest first ("" for an unnamed one)
//	        supervision: [remind, supervise]   # supervision level ids reached, in order of reaching
//	        supervised: 1                   # supervised events of the cycle
//	        rating: 不满意                   # the visit's grade ("" before any visit)
//	        reopen_required: true           # the grade calls for reopening and the case was not reopened
//	        ever_late: true                 # also cycle_late: a late reclassification or restart stays late
//	  - name: a bad input is rejected
//	    input: {cause: nonsense}
//	    expect: {error: "not one of the declared values"}   # a part of the error; no other expect key with it
//
// Times are RFC 3339 with an offset, or "YYYY-MM-DD HH:MM" / "YYYY-MM-DD" read in China
// Standard Time (UTC+8, no DST). Input values keep their YAML types (text, whole numbers as
// int, numbers, booleans, lists); an unquoted timestamp becomes a time.Time for the rules' time
// fields (a date alone is 00:00 UTC+8) — quote it to pass text. Decoding is strict: an unknown key, a bad time, an unknown
// event type or state, a duplicate case name are errors; every problem of the file is reported
// at once as a *sla.Problems, each with file:line:column and a caret line that lines up under
// Chinese text.
//
// How a case runs: without events and status, the policy classifies the input at the
// acceptance time (sla.Policy.Classify, which honours the policy's effective range) and
// computes the deadline of the decided tier (sla.Policy.Deadline). With events or a status,
// the case is accepted (sla.Policy.Accept), each event applied in order (sla.Policy.Apply) and
// the status taken (sla.Policy.StatusAt) at status.now — or, without a status, at the latest
// event — so due, last_day and provisional then reflect pauses, extensions and
// reclassifications. expect.tier and expect.rule always describe the classification; a
// reclassified tier is status.tier. An extension's effect is pinned by expect.due (the
// deadline in force after it) with status.extensions; a target's by status.targets, which
// also pins that a target with a `when` does not run for a case (none). The closed loop is
// pinned by the status keys open_pauses, supervision, supervised, rating, reopen_required,
// ever_late and cycle_late, each compared with the sla.Status field of that meaning; an
// event's rating and level and a status's rating and supervision must name a grade of the
// policy's rating scale and one of its supervision levels, checked at their position once the
// policy is loaded (as tier, rule, field and target ids are), so that a typo is not a case
// that can only fail. A reason is text as in the event JSON: a reason code of the policy, its
// label, or free text (sla.ReasonCode). A case that expects
// an error passes when the message contains the text; an error that is not expected fails the
// case and is shown. An event the case refuses is named as the file lists it, with the key at
// fault: "events[1].length (extended at 2026-03-02 11:00 CST): …" — events[0] is the first
// event under `events:`, although the case's own log (sla.EventError.Index) counts the
// acceptance and classification first.
//
// # Coverage
//
// Every case's decision counts a hit for its rule, or for "default". Coverage lists every
// rule in policy order and then "default"; Percent is 100 × covered / (rules + 1). With
// min_coverage set, a lower percentage fails the suite (Result.CoverageFailed). A rule no case
// reaches is reported by Coverage.Unexercised.
//
// # Diff
//
// Diff runs two policy versions over a corpus of past cases — JSON lines, one CorpusCase per
// line: {"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"complex"}} — and
// reports the tier transition matrix (including unchanged cases), per-rule firing counts old vs
// new, and every case whose tier, rule or due instant changed. Due dates are those of each
// version's decision under its own counting conventions and calendar. The versions' effective
// ranges are not applied: the diff asks what each would decide for the same past cases. The
// corpus is streamed in batches to all cores; results do not depend on the worker count; bad
// lines (invalid JSON, missing id or time, inputs a policy rejects) are reported with their
// line numbers and the diff goes on.
//
// examples/policies/corpus-2025.jsonl is such a corpus (300 synthetic cases, generated by
// internal/corpusgen; regenerate with go test ./sla/slatest -run TestExampleCorpusUpToDate
// -update).
//
// An expectations file lists the intended moves so that CI fails only on unexpected ones:
//
//	format: shixian-expect/v1
//	allow:
//	  - {from: T3, to: T10, rule: cross-department, max: 500}   # rule: the NEW rule; max: cap, in line order
//	  - {from: T1, to: T1}                                       # due-only changes (T1 became 2 working days)
//	  - {from: "*", to: T10}                                     # "*" matches any tier
//
// DiffResult.Apply marks the allowed changes and lists the rest in Unexpected.
//
// # Analysis over every kind of input
//
// Suites and corpus diffs check the cases someone thought of or that happened. Analyze checks
// every kind of input: each field's values are cut into classes by what the conditions compare
// it with (rules.Set.Partition) — each declared value or text literal and one class for any
// other text; each number or instant threshold, with a class on either side and between each
// two; each text tested in a list, present or absent, and a list's length like a number; true
// and false — and one example input
// of every combination is classified by the policy's own classifier. It reports the rules that
// can never decide and the earlier rules that shadow them, the rules partly shadowed, example
// inputs that fall to the default and the classes each tier gets. A condition the classes do
// not decide exactly is named with its rule and the result is not Exact; a finding is Proven
// only when no such condition comes before it. The classes multiply with the fields: past
// AnalyzeOptions.MaxClasses (DefaultMaxClasses) a random sample with a fixed seed is evaluated,
// and MaxTime bounds conditions that are costly to evaluate; either way the result says it is
// not exhaustive. DiffExhaustive does the same over the union of two versions' comparisons and
// lists every class whose tier or rule changes, grouped by transition; ExhaustiveDiff.Apply
// takes the same expectations as a corpus diff, max counting classes.
//
// # Glossary
//
//   - 时限 / 期限: time limit; 1310: the mechanism of 1, 3 and 10 working-day tiers.
//   - 受理 (accepted): the acceptance of a case; the acceptance day is not counted (民法典 art. 201).
//   - 工作日 (working day): a day that is not a weekend or statutory holiday, plus 调休上班
//     makeup days; periods end at 24:00 of the last day (民法典 art. 203; 行政许可法 art. 82).
//   - 中止 (paused) / 恢复 (resumed): excluded time (行政许可法 art. 45).
//   - 延期 (extended): an extension counted from the old deadline (行政许可法 art. 42).
//   - 改变分类 (reclassified), 办结 (closed), 回访 (visited), 重新办理 (reopened): see package sla.
//   - 规则覆盖 (coverage): which rules the suite exercised.
//
// # Concurrency
//
// Every function is safe for concurrent use. Results are plain values owned by the caller;
// Apply and the Write methods of a DiffResult or an ExhaustiveDiff must not run concurrently
// with each other on the same result. Nothing reads the wall clock to decide a result: "now"
// in a suite is always written out; the clock only stops an analysis at
// AnalyzeOptions.MaxTime, and the result then says it is not exhaustive.
package slatest
