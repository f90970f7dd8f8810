// Package cputime measures the CPU time a benchmark uses, next to the wall
// time `go test -bench` reports. On a machine shared with other work, a
// benchmark's wall time includes the time its thread waited for a CPU; its
// CPU time does not, so ratios of CPU times stay meaningful under load.
//
//	t := cputime.Thread(b) // before the b.Loop loop
//	for b.Loop() { ... }
//	t.Stop()               // reports cpu-ns/op
//
// Thread counts the CPU time of the benchmark's own thread (it locks the
// goroutine to it); Process counts every thread of the process, for
// RunParallel benchmarks, and reports it per operation (the CPU cost of an
// operation whichever core ran it) as cpu-ns/op.
package cputime

import (
	"runtime"
	"testing"
	"time"
)

// Timer measures CPU time from its start to Stop.
type Timer struct {
	b      *testing.B
	who    int
	locked bool
	ok     bool // the system reports CPU time
	start  time.Duration
}

// Thread starts measuring the CPU time of the calling goroutine, which it
// locks to its thread until Stop.
func Thread(b *testing.B) *Timer {
	runtime.LockOSThread()
	return start(b, rusageThread, true)
}

// Process starts measuring the CPU time of the whole process.
func Process(b *testing.B) *Timer {
	return start(b, rusageSelf, false)
}

func start(b *testing.B, who int, locked bool) *Timer {
	t := &Timer{b: b, who: who, locked: locked}
	t.start, t.ok = now(who)
	return t
}

// Stop reports the CPU time since the start divided by b.N as "cpu-ns/op".
// Call it after the b.Loop loop, once b.N is final. Where the system does not
// report CPU time (see now), it reports nothing.
func (t *Timer) Stop() {
	end, ok := now(t.who)
	if t.locked {
		runtime.UnlockOSThread()
	}
	if t.ok && ok && t.b.N > 0 {
		t.b.ReportMetric(float64((end-t.start).Nanoseconds())/float64(t.b.N), "cpu-ns/op")
	}
}
