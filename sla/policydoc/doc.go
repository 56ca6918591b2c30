// Package policydoc renders a time-limit policy as the public notice an office publishes
// (政务公开): its title, basis, version and effective date, each tier with its limit in words,
// each rule as a plain Chinese sentence generated from its condition and the policy's labels,
// the default, how days are counted (citing the statutes), warnings (a share of the time used,
// the last working day, or working days left: 距办理期限届满还剩1个工作日时), the supervision
// levels (督办: when each is reached and who must act), extension limits, the steps' deadlines
// and the window within which a unit may return a case, and the follow-up visit with its rating
// scale (which grades count as satisfied, which reopen the case) — all from the same file the
// system decides by, so the published rules cannot drift from the applied ones. Sections a
// policy does not need are left out and the others numbered in turn.
//
// [New] builds the [Document] (plain texts a portal can put in its own template); [Markdown]
// and [HTML] render it. The HTML is one self-contained file — inline CSS, no fonts, scripts or
// images fetched from anywhere, every text escaped — laid out for A4 paper.
//
// # Sentences, never wrong ones
//
// A rule's condition becomes a sentence only where every part of it has one exact reading: a
// declared field compared with literals (==, !=, in, not in, <, <=, >, >=), a literal tested
// for membership in a list field (`"cross_department" in tags`), a boolean field, and these
// joined by &&, || and ! — with field labels (rules.Field.Label) for field names and value
// labels (rules.Field.ValueLabel) for values, ids where the policy gives no label. Any other
// condition (arithmetic, a function call, two fields compared, a ternary) is quoted as written
// (符合条件「…」的), so that the notice is never a paraphrase that decides otherwise than the
// policy. The rules are published in order with the first-match rule stated.
//
// A Document and the renderers keep no state and are safe for concurrent use.
package policydoc
