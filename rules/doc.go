// Package rules is shixian's tier-rule engine: an ordered, first-match rule
// set over a declared input schema, with conditions written in the expr
// language (github.com/expr-lang/expr).
//
// # Overview
//
// A Spec declares the input fields (name → Type), the known tiers, the
// ordered rules (id, `when` condition, tier, reason, basis) and a required
// default. Compile type-checks every condition against the schema at load
// time — a misspelt field name is a load error with file:line:column and a
// caret, never a silent false at run time — runs the lints, and returns an
// immutable *Set. Classify validates an input map against the schema,
// evaluates every rule, and returns a Decision: the first matching rule's
// tier and reason (or the default), the policy id, version and hash, the
// values of the fields the deciding rule read, every rule's result, and the
// later rules that also matched (shadowed).
//
// Names are the office's own words: a field name is any name expr reads as
// one identifier — letters and digits of any script, '_' and '$', not
// starting with an ASCII digit (原因, 申请人类型, 三日, cause) — and not an expr
// keyword or builtin; rule ids are letters and digits of any script with
// '_', '.' and '-' (历史遗留与政策瓶颈, legacy-or-bottleneck; IsID); values are
// any text. A refused name is reported with the character at fault
// ("U+002D '-' is not a letter, a digit, '_' or '$'"), and rules reading it
// are not reported again. Field.Label, Field.ValueLabels and Rule.Label name
// fields, values and rules for people without changing what decides or the
// hash.
//
// # Glossary
//
//   - 1310 (一三十): the hotline mechanism of closing a case in 1, 3 or 10
//     working days depending on why it could not be handled at once; the
//     tiers (T1, T3, T10) of the typical policy.
//   - 诉求不清 / 材料不全 (unclear request / incomplete materials) and other
//     客观原因 (objective causes): tier 1.
//   - 问题比较复杂 (complex case), 业务不强 / 方法不当 (staff capability /
//     improper method, 主观原因 subjective causes): tier 3.
//   - 历史遗留 / 政策瓶颈 (historical legacy / policy bottleneck): tier 10.
//   - 办不成事 (a matter that could not be done): the kind of case classified.
//
// The engine itself knows nothing of these words: tiers, fields and rules are
// data written by each office.
//
// # Conventions
//
//   - First match wins; all rules are still evaluated so that shadowed rules
//     can be reported.
//   - Positions are 1-based; columns count Unicode characters (runes). Carets
//     pad East Asian wide characters with two spaces so that they line up
//     under Chinese text in a terminal.
//   - Compile reports all problems together as a *Problems error (see
//     Problems for errors.As); Problems, Problem and Position are aliases of
//     the project's one diagnostics type, the same type as sla.Problems; Classify reports input problems (undeclared
//     keys, missing fields, bad or oversized values) as *FieldError and
//     evaluation failures as *RuleError. Nothing panics on any input, and the
//     work of both is bounded (see Limits).
//   - Lints (all are load errors): empty, malformed or duplicate rule ids,
//     unknown tiers, empty reasons, rules after an always-true rule,
//     duplicate conditions, conditions that read no field, string literals
//     outside a field's declared Values, a missing or unknown default tier or
//     empty default reason, no tiers declared; plus schema errors.
//
// # Input
//
// Classify takes a map from declared field names to values. Every key must be
// a declared field: an undeclared key is an error (a *FieldError with Unknown
// set) naming the key and the declared field it most resembles, e.g.
// `unknown input field "tag" (did you mean "tags"?)`. A misspelt key would
// otherwise leave the real field at its default and silently change the tier,
// and with it the legal deadline; so the check is the default, and an
// undeclared key is reported before any other problem of the same input (a
// misspelt required field is the likeliest reason it is missing). A policy
// that is fed records carrying other data may opt out with Spec.ExtraInput =
// IgnoreExtra (in a policy file, `input_extra: ignore`): undeclared keys are
// then ignored, up to MaxListLen of them per input, and each decision lists
// them, sorted, in Decision.Ignored, its JSON ("ignored") and its String
// ("ignored input fields: …"). ClassifyStruct treats every exported struct
// field not tagged `expr:"-"` as an input key.
//
// Input values are bounded too: a text (a string field, an element of a
// []string field, a time given as text) may be at most MaxStringLen bytes,
// and a list at most MaxListLen elements. Longer values are a *FieldError
// naming the field and the limit.
//
// # Limits
//
// A policy is data, written by people and loaded by a running service; one
// condition is evaluated for every case. So that neither loading a policy
// nor classifying a case can take the process down or run without end,
// Compile bounds every condition before anything parses or runs it:
//
//   - MaxConditionLen (8 KiB): the longest `when` text. The longest rule in a
//     real policy is a few hundred bytes; a long list of category codes
//     written out in an `in` still fits many times over.
//   - MaxConditionNesting (32 levels): brackets, unary operators (! not - +)
//     waiting for their operand, conditionals (? and if), powers (** ^) and
//     lets each count one level, on the raw text, before expr's parser sees
//     it: that parser recurses once per level and has no limit of its own,
//     and a condition 490,000 parentheses deep ended the process with a stack
//     overflow no recover can catch. Real rules nest three or four levels.
//   - MaxNodes (Spec.MaxNodes, 256 by default, at most MaxNodesLimit = 4096):
//     the expression nodes of one condition, counted by expr's parser.
//   - MaxTreeDepth (256): the depth of the parsed tree, checked before expr's
//     checker and compiler, which recurse over it (a chain a && b && c … is
//     as deep as it has terms).
//   - MaxRules (1000) and MaxFields (256) per policy, so that loading even a
//     policy file at its size limit takes well under a second. A tier policy
//     has a few dozen rules over a handful of fields.
//
// Each refusal is a problem at file:line:column of the offending spot,
// naming the limit. A report lists at most MaxProblems problems, then one
// that counts the rest: a fault repeated on every line of a large file
// would otherwise make a report larger than the file.
//
// Conditions are written in a subset of the expr language whose cost is
// bounded: every construct costs at most a constant times the size of its
// operands, and no value grows faster than the sum of the input values and
// the literals, so one evaluation does at most about nodes × MaxListLen ×
// MaxStringLen work. The subset is:
//
//   - literals: numbers, texts, true, false, nil, lists of them ([…]);
//   - field names (not $env, which would hide from the checks which fields a
//     rule reads);
//   - operators: and, or, not, &&, ||, !, ==, !=, <, <=, >, >=, in, not in,
//     contains, startsWith, endsWith, matches (with a quoted pattern, not one
//     computed from the input), +, -, *, /, %, ** and ^, ??; conditionals
//     (a ? b : c, if … { } else { });
//   - functions: len, lower, upper, trim, trimPrefix, trimSuffix, hasPrefix,
//     hasSuffix, indexOf, lastIndexOf, abs, ceil, floor, round, int, float,
//     min, max, date, duration; and the predicates all, any, none, one and
//     count, but not one inside another (each level would multiply the work
//     by a list's length);
//   - on a time field, the methods Year, Month, Day, Hour, Minute, Second,
//     Weekday, YearDay, Before, After and Equal.
//
// Everything else is refused at load, naming the construct: ranges (1..n
// makes a list as long as its numbers are large), let and ; (a variable can
// double a value at every step: let b = a + a; let c = b + b …), maps,
// member access and indexing (tags[0] fails on every case with no tags; use
// "x" in tags), slicing, ?., functions that build strings or lists (repeat,
// split, join, map, filter, sort, reduce, …) and other method calls. Only a
// condition in the subset is ever run at load (the lint for a rule that
// always matches evaluates a condition that reads no field).
//
// # Time zone
//
// Every time value is read in China Standard Time, UTC+8, the fixed zone of
// calendar.CST — never time.Local or the tz database. Time
// fields given as time.Time or RFC 3339 text are converted to it, and expr's
// date() builtin parses in it (a date() call naming its own zone is a load
// error). now() is disabled (rules must be
// reproducible: they read a time field such as accepted_at instead), and so is
// timezone(), which would consult the host's tz database.
//
// # Evaluation
//
// A condition means what expr says it means: expr parses and type-checks it
// against the schema, and its compiled program is the reference for every
// result and every error. For speed, Compile also translates the checked tree
// of each rule into a tree of typed Go closures over a pooled frame of typed
// slots: no boxing, no map look-up, no allocation. It translates
// only constructs that cannot fail at run time and whose meaning it repeats
// exactly; a rule with anything else runs on expr's VM (Set.FastPath says
// which and why). Both ways read the values of one input validator, and
// values declared in a field's Values are looked up in one index. The
// differential fuzzer FuzzDifferential writes conditions of its own over a
// schema of every field type — comparisons, in, not, && and ||, ternaries,
// builtins, predicates, texts in Chinese and odd Unicode, ints at their
// limits, NaN and infinities, absent and nil values, lists with duplicates —
// and holds the closures to expr.Run: the same result and the same error.
// Its seeds run with go test. BENCHMARKS.md compares Classify with plain expr
// usage.
//
// # Partition
//
// Set.Partition lists, per field, the constants the conditions compare it with (declared values
// and text literals, number thresholds, instants from date(), texts tested in a list, the
// thresholds of a list's length), and each
// construct it does not decide exactly (arithmetic on a field, a function or method call, two
// fields compared, text functions such as startsWith) with its rule. One value from every
// class these constants cut, combined over all fields and classified, evaluates every rule on
// every kind of input: package sla/slatest's Analyze and DiffExhaustive do that.
//
// # Concurrency
//
// A *Set is immutable after Compile and safe for concurrent use; Classify
// keeps its scratch space in a sync.Pool. Decision.Fields is
// shared, read-only memory for rules that read only fields with declared
// Values (one precomputed slice per combination of values, so that such
// decisions allocate nothing); for other rules it is a fresh slice per
// decision. Either way the values in it may be shared with other decisions,
// the Set and the caller's input map (a []string value is the caller's own
// slice): treat Fields as read-only and copy it before modifying.
package rules
