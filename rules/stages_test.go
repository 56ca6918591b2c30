package rules

import "testing"

// BenchmarkStages splits a classification into its stages, to see where the
// time goes: input validation (map look-ups), rule evaluation, decision.
func BenchmarkStages(b *testing.B) {
	set, _ := Compile(benchSpec())
	inputs := benchInputs()
	b.Run("fill", func(b *testing.B) {
		f := set.newFrame()
		for i := 0; i < b.N; i++ {
			_ = set.fill(f, inputs[i%len(inputs)])
		}
	})
	b.Run("lookups", func(b *testing.B) {
		n := 0
		for i := 0; i < b.N; i++ {
			in := inputs[i%len(inputs)]
			for _, fd := range set.fields {
				if _, ok := in[fd.Name]; ok {
					n++
				}
			}
		}
	})
	b.Run("range", func(b *testing.B) {
		n := 0
		for i := 0; i < b.N; i++ {
			for k := range inputs[i%len(inputs)] {
				n += len(k)
			}
		}
	})
	b.Run("evaluate", func(b *testing.B) {
		frames := make([]*frame, len(inputs))
		for i := range frames {
			frames[i] = set.newFrame()
			_ = set.fill(frames[i], inputs[i])
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var m matches
			_ = set.evaluate(frames[i%len(frames)], &m)
		}
	})
	b.Run("rules", func(b *testing.B) {
		frames := make([]*frame, len(inputs))
		for i := range frames {
			frames[i] = set.newFrame()
			_ = set.fill(frames[i], inputs[i])
		}
		n := 0
		for i := 0; i < b.N; i++ {
			f := frames[i%len(frames)]
			for _, r := range set.rules {
				if r.fast(f) {
					n++
				}
			}
		}
	})
}
