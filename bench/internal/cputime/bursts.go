package cputime

import (
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
