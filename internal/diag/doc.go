// Package diag is the one home of shixian's diagnostics: the Position of a fault in a file, the
// Problem found there and the Problems list that a loader returns, the quoting of the offending
// source line under a caret, the conversion of a byte offset into line:column, and Error, the
// error of a layer of the library that names its package once however deeply it is wrapped.
//
// Every loader of the project — the rule compiler (rules), the policy, suite and expectation
// files (sla, sla/slatest, through internal/yamltree) and the CLI's case files — reports through
// these types, so that every load error looks alike and a format changes in one place. The
// public packages expose the types under their own names as aliases (rules.Problems and
// sla.Problems are both this package's Problems), so that a caller of sla.LoadPolicy
// errors.As-es the error into sla.Problems without importing the rule engine, and a value
// caught under one name satisfies the other.
//
// Conventions:
//
//   - Lines and columns are 1-based; a column counts characters (runes), not bytes, so that a
//     position in a line of Chinese text names the character a person sees. A zero line means
//     "no position known".
//   - A list holds at most MaxProblems problems; past them it ends with one problem that counts
//     the rest, so that a file with a fault on every line yields a report of bounded size.
//   - A caret line pads a tab with a tab and an East Asian wide character with two spaces, so
//     that it lines up under the fault in a terminal. A source line longer than 160 characters is
//     quoted as a window around the fault.
//   - An error of the library says the name of its package once, at the front, and the reason
//     after it; a layer that wraps the error of another adds its context in front of the inner
//     reason (Text), never a second package name, and never by cutting text out of a message.
//
// Nothing here has mutable package-level state; every function is safe for concurrent use. A
// Problems list is a plain slice: one goroutine fills it.
package diag
