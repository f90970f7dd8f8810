package cputime

import (
	"runtime"
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
// goroutine, then a burst on GOMAXPROCS goroutines started together. It
// reports the fastest serial burst's time per call as "serial-best-ns/op" and
// the fastest parallel round's time per call (the round's time divided by
// all its calls) as "parallel-best-ns/op": their ratio is the speed-up an
// idle machine would show, measured when no other process held a CPU.
func ParallelBursts(b *testing.B, run func(n int)) {
	const target = time.Millisecond // per burst: goroutine start-up is noise below that
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
	procs := runtime.GOMAXPROCS(0)
	start := make([]chan struct{}, procs)
	done := make(chan struct{}, procs)
	for i := range start {
		start[i] = make(chan struct{})
		go func() {
			for range start[i] {
				run(n)
				done <- struct{}{}
			}
		}()
	}
	defer func() {
		for _, c := range start {
			close(c)
		}
	}()
	serial, parallel := time.Duration(1<<63-1), time.Duration(1<<63-1)
	for b.Loop() {
		t := time.Now()
		run(n)
		serial = min(serial, time.Since(t))
		t = time.Now()
		for _, c := range start {
			c <- struct{}{}
		}
		for range start {
			<-done
		}
		parallel = min(parallel, time.Since(t))
	}
	b.ReportMetric(float64(serial.Nanoseconds())/float64(n), "serial-best-ns/op")
	b.ReportMetric(float64(parallel.Nanoseconds())/float64(n*procs), "parallel-best-ns/op")
}
