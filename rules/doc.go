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
//     Problems for errors.As); Classify reports input problems as
//     *FieldError and evaluation failures as *RuleError. Nothing panics on any
//     input.
//   - Lints (all are load errors): empty, malformed or duplicate rule ids,
//     unknown tiers, empty reasons, rules after an always-true rule,
//     duplicate conditions, conditions that read no field, string literals
//     outside a field's declared Values, a missing or unknown default tier or
//     empty default reason, no tiers declared; plus schema errors.
//
// # Time zone
//
// Every time value is read in China Standard Time, UTC+8, as the fixed zone
// time.FixedZone("CST", 8*3600) — never time.Local or the tz database. Time
// fields given as time.Time or RFC 3339 text are converted to it, and expr's
// date() builtin parses in it (a date() call naming its own zone is a load
// error). now() is disabled (rules must be
// reproducible: they read a time field such as accepted_at instead), and so is
// timezone(), which would consult the host's tz database.
//
// # Performance
//
// Conditions are compiled by expr for checking, and then translated for
// speed. When every rule is a conjunction of simple tests on single fields
// (`cause in [...]`, `cause != "..."`, `"x" in tags`, `name == "x"`,
// `flag`, `!flag` — the shape of a typical tier policy), the set runs as a
// term program (prog.go): values of fields with declared Values are held as
// their positions in Values (found with a perfect hash built at load time),
// each such field contributes one table look-up giving the set of rules its
// value admits, and the remaining tests run in a switch over a scratch frame
// on the caller's stack. Other sets use a tree of typed Go closures over a
// pooled slot array, and rules the translator does not know run on expr's VM
// (see Set.FastPath). All paths validate the same way and give the same
// results; differential tests and fuzz targets check them against each other
// and against expr.Run. BENCHMARKS.md records the comparison with plain expr
// usage.
//
// # Concurrency
//
// A *Set is immutable after Compile and safe for concurrent use; Classify
// keeps its scratch space on the stack or in a sync.Pool. Decision.Fields is
// shared, read-only memory for rules that read only fields with declared
// Values (one precomputed slice per combination of values, so that such
// decisions allocate nothing); for other rules it is a fresh slice per
// decision. Either way the values in it may be shared with other decisions,
// the Set and the caller's input map (a []string value is the caller's own
// slice): treat Fields as read-only and copy it before modifying.
package rules
