//go:build unix

package rules

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used. Benchmarks
// report it per operation besides wall time because on a shared, loaded
// machine wall time mostly measures waiting for a CPU.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
