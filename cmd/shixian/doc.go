/*
Shixian is the command-line tool of the shixian library (时限, time limits), for people who work
on "1310" time-limit policies without writing Go: it lists the working-day calendar, computes and
explains deadlines, classifies cases by a policy's rules, lints policies, runs policy test
suites, diffs two policy versions over a corpus of past cases, shows a case's status, writes
the weekly and monthly reports and renders a policy as the notice an office publishes.

Usage:

	shixian <command> [flags] [arguments]
	shixian help [command]
	shixian version

Flags may be written -flag or --flag and may come before or after the positional arguments; "--"
ends the flags. Every command takes -h / --help, which prints its usage and examples on stdout
and exits 0. Only the standard library flag package is used.

# Conventions

Times are RFC 3339 instants (2025-09-30T17:00:00+08:00); dates are YYYY-MM-DD civil dates in
China Standard Time (UTC+8, the calendar's location). A due instant is exclusive: a case is on
time if it is closed strictly before it; for people it is shown as the end of the last day,
"2025-10-11 24:00" (民法典 art. 203). Counting follows the library: the acceptance day does not
count (民法典 art. 201), working days exclude statutory holidays and weekends but include makeup
working days (调休上班; 行政许可法 art. 82).

Exit codes (a contract for scripts and CI):

	0  success, and --help
	1  usage: unknown command or flag, a missing flag, a flag value that cannot be parsed
	   (dates, instants, formats, periods, percentages)
	2  a policy, suite, schedule, case, corpus line or input was rejected; every problem is
	   printed on stderr with file:line:column where there is one (policies and suites also
	   with the source line and a caret under the fault)
	3  shixian test: a suite failed (a case mismatched, or coverage is below the minimum)
	4  shixian diff --expect: a change the expectations file does not allow
	5  internal error: a bug in shixian, reported on stderr in one line (please report it with
	   the command line); never a Go stack trace

A failure to write the output (a full disk, a closed pipe) is reported on stderr and exits 2.
Errors go to stderr, results to stdout.

# Language of explanations

due, status and classify --explain explain in Chinese or English (--lang zh|en). Chinese is
plain: the days counted and skipped and why, every makeup working day (调休上班) counted named,
which same-day rule applied, and the statute of each rule applied (民法典第二百零一条至第二百零三条,
行政许可法第八十二条 …), without the counting conventions' names or the calendar's version hash.
English keeps the Chinese terms and names the conventions. Without --lang a policy whose title or
tier labels contain Chinese explains in Chinese (sla.Policy.Language), any other policy and due
--limit without a policy in English. The language changes the words only, never a date, and the
JSON outputs carry the explanation in the language chosen.

# Input limits

Every input is read with its size limit enforced while reading, so that a wrong file, a
device such as /dev/zero or an endless pipe is refused after at most the limit, with the file
and the limit named (exit 2): a policy file 1 MiB (sla.MaxPolicyBytes), a test suite or an
expectations file 2 MiB (slatest.MaxSuiteBytes), a --schedule file 1 MiB
(calendar.MaxScheduleBytes), a notice 256 KiB (calendar.MaxNoticeBytes), a case file (status
--case) or --input 4 MiB (sla.MaxCaseBytes), one line of a JSON-lines file 1 MiB. Input must
be UTF-8; invalid UTF-8 is refused at its position rather than silently replaced. diff --workers is clamped to 4 per core (with a note on stderr): more add memory, not
speed, and the result does not depend on it.

# JSON lines and bad lines

classify --cases, diff --cases and report --cases read JSON-lines files ("-" = stdin) as a
stream, so memory stays flat on a file of a million lines or more, and show progress on stderr
only when stderr is a terminal. They share one policy for bad lines:

  - A bad line — malformed or truncated JSON, invalid UTF-8, a NUL byte, a value that is not
    one JSON object, a value of the wrong type, a case the policy rejects — is reported on
    stderr as file:line:column: message (the column, in characters of that line, of the fault:
    the bad key or value, or the event that does not fit) and skipped; reading goes on.
  - After 100 bad lines reading stops: the file is most likely not what the command expects.
  - A line longer than 1 MiB stops reading at once, at that line (its end may never come).
  - Any bad line makes the exit code 2. A run that read the whole file writes its result over
    the good lines, and stderr ends with "N bad line(s) in FILE skipped"; a run that stopped
    early writes no report or diff (figures over part of a file would read as the whole), only
    "stopped reading FILE at line N …". classify has already written the lines before the stop.
  - Blank lines are skipped (and counted in line numbers); a UTF-8 byte order mark at the start
    of the file and CRLF line endings are accepted.

# Terminal safety

Text from input (case ids, units, handlers, reasons, rule ids, file names) can hold control
characters a terminal would obey: ESC sequences that clear the screen or retitle the window,
CR, BEL, C1 controls, bidi overrides such as U+202E that reorder what is shown. The text
formats (text, md, --explain) and every message on stderr show them as escapes instead —
\x1b, \r, \u202e, and \xff for a byte that is not UTF-8 — and leave Chinese and all other
printable text untouched. The data formats (csv, json, ics, junit, JSON lines) are written as
they are when stdout is a file or a pipe, and escaped the same way when it is a terminal; JSON
escapes control characters and U+2028/U+2029 itself.

# calendar

	shixian calendar --from DATE [--to DATE] [--format csv|json|ics] [--schedule FILE]… [--schedule-certainty CERTAINTY] [--strict]

One row per day from --from to --to inclusive (--to defaults to --from; at most 50 years; the
calendar covers 2004–2050: official 2004–2026, unverified 2027, projected 2028–2050).

  - csv (default): header exactly "date,kind,holiday,notice,certainty", RFC 4180 quoting. kind
    is workday|rest|holiday|makeup; holiday is the English key (national_day_mid_autumn,
    spring_festival, …; empty on ordinary days); certainty is official|unverified|projected.
  - json: an array of objects {date, kind, holiday, holiday_zh, notice, certainty}, one per line.
  - ics: an RFC 5545 VCALENDAR for staff calendars: every holiday and makeup working day as an
    all-day VEVENT (DTSTART;VALUE=DATE, DTEND the next day, SUMMARY "春节 (holiday)" or
    "春节 调休上班 (makeup working day)", UID YYYYMMDD@shixian, DESCRIPTION the notice and, for
    non-official days, the certainty). CRLF line endings; lines folded at 75 octets, never
    inside a UTF-8 character. DTSTAMP is the event's date at 00:00 UTC, so that exporting the
    same calendar twice gives identical files (calendar apps do not churn on re-import).

--schedule FILE loads a newly published notice on top of the embedded data (repeatable, in
order): .json in the holiday-cn format (calendar.ParseHolidayCN), .csv in the reference format
date,kind,holiday,name_zh,notice (calendar.ParseCSV). --schedule-certainty (default official)
marks their days, e.g. unverified for a draft. --strict refuses any day that is not from an
official notice (exit 2). These three flags are also accepted by due, classify, status and
report, whose counting then uses that calendar.

	shixian calendar import-notice FILE [--format json|csv] [--schedule FILE]… [--cases FILE.jsonl --policy FILE --now RFC3339]

reads the text of a State Council holiday notice (国务院办公厅关于X年部分节假日安排的通知) as
published and pasted (FILE, or - for stdin; UTF-8, at most calendar.MaxNoticeBytes) with
calendar.ParseNotice, checks it (a date that does not exist, a weekday that contradicts its
date, a 共N天 that does not match, a makeup working day on a weekday, an item with no day: exit 2
with line:column and the item quoted) and prints the year's schedule: json in the holiday-cn
shape {"year", "papers", "days": [{"name", "date", "isOffDay"}]}, or csv in the schedule format
above; both load back with --schedule. On stderr it lists every day the notice confirms or
changes against the current data (for 2027: the unverified days). With --cases, --policy and
--now it also lists the open cases whose deadlines the notice moves (sla.MovedDeadlines).

# due

	shixian due --accepted RFC3339|DATE (--limit "3 workdays" | --policy FILE --tier ID) [--format text|json] [--lang zh|en] [--schedule FILE]… [--strict]

--limit is a period ("1 workday", "3 workdays", "0 workdays" for same-day 即办, "10 days",
"1 month", "2 workhours", "24 hours", or Chinese "3个工作日", "10日", "1个月") counted with the
default conventions; --policy with --tier counts the tier's limit by the policy's conventions
(--policy with --limit: that limit by the policy's conventions). text (default) prints the due
date and its explanation; json prints one object {policy, tier, deadline}: policy {id,
version, hash} only with --policy, tier only with --tier, and deadline the library's Deadline in
its wire format (sla/schema/shixian-v1.schema.json, #/$defs/Deadline), the object a portal
answers with: start, period, due (RFC 3339, the exclusive instant), last_day (YYYY-MM-DD), ends
("2025-10-11 24:00"), provisional (bool: a counted day is not from an official notice),
certainty, end_of_day, calendar (name and version), the counted and skipped days, and
explanation (list of strings). --accepted may be a date alone (2026-09-30): it stands for the
start of business that day (the policy's first business-hours span, else 09:00 CST), and the
explanation's first line says so. Limits may be written as offices write them: 三个工作日,
十五日, 一个月, 5个工作日内, 当日 (same day).

Example: accepted 2025-09-30T17:00:00+08:00 with 3 workdays is due 2025-10-12T00:00:00+08:00,
last_day 2025-10-11: National Day 10-01..10-08 is skipped, and 10-09, 10-10 and the makeup
Saturday 10-11 count.

# classify

	shixian classify --policy FILE (--input JSON | --cases FILE.jsonl) [--accepted RFC3339] [--explain [--lang zh|en]] [--schedule FILE]… [--strict]

--input is one case's input fields as a JSON object and needs --accepted. --cases is a JSON-lines
file in the corpus format of package sla/slatest, {"id", "accepted", "input": {…}} per line;
--accepted is the default for lines without "accepted"; other keys of a line are ignored, but
every key inside "input" must be a field the policy declares (a misspelt field is an error naming
the closest declared one) unless the policy says input_extra: ignore. Output: one
JSON object per case and line with the keys id, accepted, tier, rule ("" when the default
decided), reason, basis, default (bool), policy {id, version, hash}, shadowed (ids of later rules
that also matched), fields (the values the deciding rule read, in schema order), ignored (the
undeclared input keys an input_extra: ignore policy left out; absent when none), and deadline,
the library's Deadline in its wire format as due prints it, without the day lists and the
explanation (deadline.due, deadline.last_day and deadline.provisional are the due instant, the
last day and whether a counted day is not yet official). --explain prints a block per case for people instead: with --lang en
labelled 案件 Case, 受理 Accepted, 分类 Tier, 规则 Rule, 理由 Reason, 依据 Basis, 字段 Fields,
被遮蔽的规则 Shadowed, 版本 Version, 期限 Due, 说明 Explanation (the deadline's explanation
lines); with --lang zh (the default for a Chinese policy) in plain Chinese, the fields the rule
read named by the policy's labels (办不成的原因：历史遗留问题).

# lint

	shixian lint POLICY…

Loads each policy strictly; prints every problem of every file on stderr (file:line:column, the
line and a caret) and exits 2 if there is any; prints "ok <file> (<id> v<version>, N rules)" on
stdout for each good file. Besides the loader's checks it reports each rule that the exhaustive
analysis (see analyze) proves can never decide, at the rule's position.

# analyze

	shixian analyze POLICY [--format text|json] [--max-classes N] [--max-time DURATION]

Cuts each field's values into classes by what the rules compare it with, classifies one example
input of every combination with the policy's own classifier and reports the rules that can never
decide (and the earlier rules that shadow them), the rules partly shadowed, example inputs that
fall to the default and the classes per tier and rule. Conditions the classes do not decide
exactly are listed and the result is marked not exact; past --max-classes (65536) a fixed random
sample is evaluated, and past --max-time (10s) the evaluation stops; either way the result is
marked not exhaustive. json keys: unreachable,
partly_shadowed, reaches_default, tiers, rules, exact, exhaustive, classes, evaluated, sampling,
fields, inexact. Exit 0 whatever it finds.

# test

	shixian test SUITE… [--min-coverage PERCENT] [--policy FILE] [--format text|json|junit]

Runs each suite (format shixian-suite/v1, see package sla/slatest) against the policy it names,
or against --policy FILE (a candidate). --min-coverage overrides the suites' min_coverage.
text: ✓/✗ per case, failures, coverage table; json: one indented object per suite
(shixian-suite-result/v1), concatenated in argument order; junit: one <testsuites> document with
a <testsuite> per suite. Exit 3 if a suite failed, 2 if a suite or policy could not be loaded
(2 outranks 3).

# diff

	shixian diff OLD NEW (--cases FILE.jsonl [--max-changed N] [--workers N] | --exhaustive [--max-classes N] [--max-time DURATION]) [--expect FILE] [--format text|json]

Classifies every corpus case with both policy versions (streamed, in parallel) and prints the
tier transition matrix, per-rule firing counts old vs new and every case whose tier, rule or due
date changed. Without --expect every change is reported and the exit code is 0 (a diff is
information); with --expect FILE (shixian-expect/v1) a change it does not allow exits 4. Bad
corpus lines exit 2, which outranks 4: the diff is incomplete. --exhaustive compares the two
versions over every input class instead (the union of both versions' comparisons, as analyze
cuts them) and lists every class whose tier or rule changes with an example input, grouped by
transition (json: changes [{input, old: {tier, rule}, new: {tier, rule}}], transitions, exact);
--expect applies to it too, max counting classes.

# status

	shixian status --policy FILE --case FILE.json --now RFC3339 [--format text|json] [--lang zh|en] [--schedule FILE]… [--strict]

Reads one case in the sla.Case JSON format (schema 1), validates its events against the policy
(exit 2 with file:line:column and the event: "case.json:9:7: event 4 (resumed at 2025-10-09
10:00 CST): resume without a pause"; an unknown key or a bad value is pointed at the same way)
and prints its status at --now: state (on_track, warning, overdue,
paused, closed_on_time, closed_late, unclassified) with its Chinese label, due, working days left
or overdue, warnings crossed, targets (sign-for, unit reply, visit) and the explanation. Events
after --now are ignored. json: one object {policy, status, explanation}: policy {id, version,
hash}, status the library's Status in its wire format (sla/schema/shixian-v1.schema.json, #/$defs/Status), and
the explanation (see shixian status --help).

# report

	shixian report --policy FILE [--policy FILE]… --cases FILE.jsonl (--from DATE --to DATE | --period week|month --from DATE [--rank handler|unit] [--top KEYS] [--trend N]) [--by FIELD] [--bucket accepted|due|closed] [--now RFC3339] [--format md|csv|svg] [--overdue | --loop] [--overdue-limit N]

Streams sla.Case JSON lines into sla's Reporter. The period is --from..--to inclusive; --bucket
picks the date that places a case in it (accepted by default); --by groups the rows (tier by
default; department, unit, handler, attr:NAME, or "" for one group); --now is the as-of instant,
by default the end of the --to day (00:00 of the next day). md (default): a Markdown report with
Chinese and English labels, the closed loop (退回 per unit, 督办, supervision levels reached,
applicant-caused pauses, 回访 ratings) and the overdue list (at most --overdue-limit items, 1000
by default, so memory stays bounded); csv: the header group,accepted,closed_on_time,closed_late,
open,open_overdue,on_time_rate,avg_workdays_to_close,p90_workdays_to_close,overdue_workdays,
reopened,visited,satisfied,satisfaction_rate,ever_late,returned,supervised,supervision_reached
and a TOTAL row (closed_late and open_overdue count the current cycle; ever_late also earlier
cycles of reopened cases; columns are only ever appended). --loop with --format csv writes the
report-wide closed-loop figures instead: the header section,key,label,count, rows supervised,
applicant_paused, level, returns and rating. --overdue with --format csv writes the overdue list instead: the header
case_id,group,tier,department,unit,handler,due,last_day,overdue_workdays,state, one row per
closed-late or open-overdue case, most overdue first (due: the exclusive RFC 3339 instant;
last_day: YYYY-MM-DD; state: closed_late, overdue or paused); a cut by --overdue-limit is noted
on stderr.

--period week|month writes the weekly analysis (每周一分析) or monthly dispatch (每月一调度) of the
ISO week or month containing --from (sla.Analyzer): its 统计口径 in words, the period beside the
previous one with the change, the period's rows, the top values of --top (default tier,
input:cause, input:category) with their late share, the on-time rate of the last --trend periods
(8 by default) and the overdue list; earlier periods are taken as they stood at their end.
--rank handler|unit adds a ranking by the policy's ranking.score formula, printed in the report
(a policy without one is a usage error). csv: one table with a section column (total, group, top,
trend, formula, rank); svg: the on-time trend as a chart. --rank, --top and svg need --period.

The directory examples/cases holds stored-format data to try status and report on (see its
README.md).

# doc

	shixian doc POLICY [--format md|html]

Renders the policy as the public notice an office publishes (政务公开), in Chinese and generated
from the same file the system decides by: title, basis, version and effective dates, each tier
with its limit in words, each rule as a sentence built from its condition and the labels of the
policy's fields and values, in order with the first-match rule stated, the default, how days
are counted (from the policy's counting settings, citing the statutes), warnings, extension
limits, step time limits and the follow-up visit. A condition with no exact sentence is quoted
as written. md (default) is Markdown; html is one self-contained file (inline CSS, nothing
fetched, every text escaped) for printing on A4. Package sla/policydoc renders the same.

# help and version

"shixian help" prints the command list and exit codes; "shixian help CMD" equals
"shixian CMD --help". "shixian version" prints the build's module version, Go version, the
embedded calendar's name and content version, and the embedded default policy.
*/
package main
