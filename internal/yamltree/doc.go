// Package yamltree decodes YAML files strictly from their node tree, reporting every mistake
// as a diag.Problem with file:line:column, the offending source line and a caret.
//
// The file formats of shixian (policies, test suites, diff expectations) are hand-written by
// policy analysts, so a loader must name each unknown key, duplicate key, missing required key
// and wrongly shaped value at its position, and report all of them in one run instead of
// stopping at the first. yaml.v3's struct decoding cannot do that; walking the *yaml.Node
// tree can. This package holds the parts of that walk that do not depend on a format:
//
//   - Parse turns bytes into a node tree, reporting a syntax error as one problem at the best
//     position it can find (yaml.v3 reports a tab in indentation at the enclosing line, so
//     Parse looks for the tab itself);
//   - Decoder collects problems; Mapping, Text, Sequence and Date check the shape of a value
//     and report what was expected and what was found (Describe);
//   - Err returns the problems sorted by position as a *diag.Problems error.
//
// What the keys mean stays in the package of each format.
//
// Conventions: positions are 1-based lines and columns counted in characters (runes), as
// yaml.v3 counts them. A "what" argument is the dotted path of the value in the file, such as
// "tiers[0].limit"; every problem message starts with it. Dates are calendar days read in the
// location the caller passes (shixian uses UTC+8 throughout).
//
// Concurrency: a Decoder is a single-use, single-goroutine accumulator; create one per file
// with Parse. Describe and Parse are safe for concurrent use. Nothing passed in is modified.
package yamltree
