package cputime

import (
	"syscall"
	"time"
)

const (
	rusageSelf   = syscall.RUSAGE_SELF
	rusageThread = 1 // RUSAGE_THREAD: the calling thread only
)

// now returns the user and system CPU time of who so far.
func now(who int) (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
