//go:build unix

package slatest_test

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of this process so far, so that benchmarks on a
// shared, overloaded machine can report CPU per case beside wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
