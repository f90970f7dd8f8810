package cputime

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// Burst is one contender of Bursts: a name for its metric and a function
// that makes n calls.
type Burst struct {
	Name string
	Run  func(n int)
}

// Bursts times each contender in short bursts, taking turns, once per b.Loop
// iteration, and reports for each the time per call of its fastest burst as
// "<name>-best-ns/op". On a machine shared with other work, the fastest of
// many short bursts is one no other process interrupted: what an idle
// machine would measure. Taking turns makes the ratios of the contenders'
// figures ratios measured at the same time.
func Bursts(b *testing.B, contenders ...Burst) {
	const target = 200 * time.Microsecond // per burst
	sizes := make([]int, len(contenders))
	for i, c := range contenders {
		n := 64
		for {
			start := time.Now()
			c.Run(n)
			if d := time.Since(start); d >= target/4 || n >= 1<<24 {
				sizes[i] = max(1, int(float64(n)*float64(target)/float64(max(d, 1))))
				break
			}
			n *= 4
		}
	}
	best := make([]time.Duration, len(contenders))
	for i := range best {
		best[i] = time.Duration(1<<63 - 1)
	}
	for b.Loop() {
		for i, c := range contenders {
			start := time.Now()
			c.Run(sizes[i])
			best[i] = min(best[i], time.Since(start))
		}
	}
	for i, c := range contenders {
		b.ReportMetric(float64(best[i].Nanoseconds())/float64(sizes[i]), c.Name+"-best-ns/op")
	}
}

// ParallelBursts measures the throughput of run on every CPU at once against
// one CPU, the way Bursts does: once per b.Loop iteration, a burst on one
// goroutine, then a round of bursts on GOMAXPROCS goroutines at once. It
// reports the fastest serial burst's time per call as "serial-best-ns/op" and
// the fastest parallel round's time per call (the round's time divided by
// all its calls) as "parallel-best-ns/op": their ratio is the speed-up an
// idle machine would show, measured when no other process held a CPU.
//
// A round starts only when every helper goroutine is running and spinning on
// a flag, and the calling goroutine runs one of the bursts itself: waking a
// parked goroutine on an idle virtual CPU takes tens of microseconds, which
// would count as lost throughput. Between rounds the helpers are parked, so
// that the serial burst runs alone.
func ParallelBursts(b *testing.B, run func(n int)) {
	const target = time.Millisecond // per burst
	n := 64
	for {
		start := time.Now()
		run(n)
		if d := time.Since(start); d >= target/4 || n >= 1<<24 {
			n = max(1, int(float64(n)*float64(target)/float64(max(d, 1))))
			break
		}
		n *= 4
	}
	helpers := runtime.GOMAXPROCS(0) - 1
	var ready, done atomic.Int32
	var round atomic.Uint64 // the last round the helpers may start
	wake := make([]chan uint64, helpers)
	for i := range wake {
		wake[i] = make(chan uint64)
		go func() {
			for r := range wake[i] {
				ready.Add(1)
				for round.Load() != r {
				}
				run(n)
				done.Add(1)
			}
		}()
	}
	defer func() {
		for _, c := range wake {
			close(c)
		}
	}()
	serial, parallel := time.Duration(1<<63-1), time.Duration(1<<63-1)
	var r uint64
	for b.Loop() {
		t := time.Now()
		run(n)
		serial = min(serial, time.Since(t))

		r++
		ready.Store(0)
		done.Store(0)
		for _, c := range wake {
			c <- r
		}
		for ready.Load() != int32(helpers) {
		}
		t = time.Now()
		round.Store(r)
		run(n)
		for done.Load() != int32(helpers) {
		}
		parallel = min(parallel, time.Since(t))
	}
	b.ReportMetric(float64(serial.Nanoseconds())/float64(n), "serial-best-ns/op")
	b.ReportMetric(float64(parallel.Nanoseconds())/float64(n*(helpers+1)), "parallel-best-ns/op")
}
