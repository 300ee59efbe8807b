//go:build unix

package schematron

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system, all threads, garbage collector
// included) the process has used; benchmarks report it per operation, a
// steadier measure than wall time on a loaded machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
