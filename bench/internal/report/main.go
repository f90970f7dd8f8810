// Command report reads `go test -bench` output (several runs of each
// benchmark, from several packages) and prints one Markdown table: the median
// time and allocations of each benchmark for each spec, then the issue's
// targets as ratios of those medians, each with PASS or FAIL.
//
//	go run ./internal/report results.txt
//
// Benchmarks are found by package (bench/shipped, bench/api, bench/big,
// internal/synth, and "build" for the lines bench/internal/buildtime prints)
// and name, without the -GOMAXPROCS suffix.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// specs are the table's columns: the generated packages, shortest first.
var specs = []struct{ pkg, title, gen string }{
	{"shipped", "shipped (37 endpoints)", "shipped"},
	{"api", "real-API size (300 / 120)", "api"},
	{"big", "10,000 / 2,000", "10k"},
}

type stats struct{ ns, allocs, bytes []float64 }

// results maps "pkg name" to the values of every run.
type results map[string]*stats

var (
	pkgLine   = regexp.MustCompile(`^pkg: (\S+)`)
	benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)
)

func parse(r io.Reader, res results) error {
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := pkgLine.FindStringSubmatch(line); m != nil {
			pkg = path.Base(m[1])
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := pkg + " " + strings.TrimPrefix(m[1], "Benchmark")
		s := res[key]
		if s == nil {
			s = &stats{}
			res[key] = s
		}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			}
		}
	}
	return sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}

func (res results) ns(pkg, name string) float64 {
	if s := res[pkg+" "+name]; s != nil {
		return median(s.ns)
	}
	return math.NaN()
}

func (res results) allocs(pkg, name string) float64 {
	if s := res[pkg+" "+name]; s != nil {
		return median(s.allocs)
	}
	return math.NaN()
}

// duration formats nanoseconds with a unit that keeps three digits or so.
func duration(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns < 10:
		return fmt.Sprintf("%.2f ns", ns)
	case ns < 1e3:
		return fmt.Sprintf("%.1f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

func count(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func ratio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f×", v)
	}
	return fmt.Sprintf("%.2f×", v)
}

var paths = []struct{ name, title string }{
	{"allowed", "allowed"},
	{"denied", "denied"},
	{"unknown", "unknown method"},
	{"redacted", "redaction"},
}

type table struct {
	rows         [][]string
	pass, failed int
	failures     []string
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// verdict is a target cell: the value and PASS or FAIL, or "info" when the
// cell is not one the target is about.
func (t *table) verdict(label, value string, ok, gated, known bool) (string, string) {
	switch {
	case !known:
		if gated {
			t.failed++
			t.failures = append(t.failures, label+": not measured")
			return "–", "**FAIL** (not measured)"
		}
		return "–", ""
	case !gated:
		return value, "info"
	case ok:
		t.pass++
		return value, "PASS"
	}
	t.failed++
	t.failures = append(t.failures, label)
	return value, "**FAIL**"
}

func main() {
	res := results{}
	if len(os.Args) == 1 {
		if err := parse(os.Stdin, res); err != nil {
			fail(err)
		}
	}
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fail(err)
		}
		err = parse(f, res)
		f.Close()
		if err != nil {
			fail(err)
		}
	}
	if len(res) == 0 {
		fail(fmt.Errorf("no benchmark results in the input"))
	}
	t := &table{}
	header := []string{"benchmark (median of runs)"}
	for _, s := range specs {
		header = append(header, s.title, "allocs/op")
	}
	t.row(header...)
	bench := func(title, name string) {
		cells := []string{title}
		any := false
		for _, s := range specs {
			ns := res.ns(s.pkg, name)
			any = any || !math.IsNaN(ns)
			cells = append(cells, duration(ns), count(res.allocs(s.pkg, name)))
		}
		if any {
			t.row(cells...)
		}
	}
	section := func(title string) {
		cells := []string{"**" + title + "**"}
		for range specs {
			cells = append(cells, "", "")
		}
		t.row(cells...)
	}
	section("scopegen (generated checker)")
	for _, p := range paths {
		bench("Check(fullMethod), "+p.title, "Generated/Check/"+p.name)
	}
	bench("CheckEndpoint(constant), allowed", "Generated/CheckEndpoint/allowed")
	bench("Check, RunParallel, allowed", "Generated/CheckParallel/allowed")
	bench("CheckEndpoint, RunParallel, allowed", "Generated/CheckEndpointParallel/allowed")
	bench("Check, every endpoint in turn", "Generated/CheckMix")
	section("naive map of strings")
	for _, p := range paths {
		bench(p.title, "Naive/"+p.name)
	}
	bench("RunParallel, allowed", "Naive/Parallel/allowed")
	section("casbin CachedEnforcer")
	for _, p := range paths {
		bench(p.title, "CasbinCached/"+p.name)
	}
	section("casbin Enforcer (uncached)")
	for _, p := range paths {
		bench(p.title, "Casbin/"+p.name)
	}
	section("OPA (prepared query)")
	for _, p := range paths {
		bench(p.title, "OPA/"+p.name)
	}
	section("scopegen generate, and go build of its output")
	gen := func(title, stage string) {
		cells := []string{title}
		for _, s := range specs {
			name := "Generate/" + stage + "/" + s.gen
			cells = append(cells, duration(res.ns("synth", name)), count(res.allocs("synth", name)))
		}
		t.row(cells...)
	}
	gen("load spec (parse + validate)", "load")
	gen("render package", "render")
	gen("load + render", "total")
	if ns := res.ns("synth", "Generate/total/small"); !math.IsNaN(ns) {
		cells := []string{"load + render, small spec (5 endpoints, 8 scopes)", duration(ns), count(res.allocs("synth", "Generate/total/small"))}
		for range specs[1:] {
			cells = append(cells, "", "")
		}
		t.row(cells...)
	}
	{ // Build times are per package, under pkg "build".
		cells := []string{"`go build` of the generated package (fresh compile)"}
		for _, s := range specs {
			cells = append(cells, duration(res.ns("build", "Build/"+s.pkg)), "")
		}
		t.row(cells...)
		cells = []string{"CPU time of that build (go command + compiler)"}
		for _, s := range specs {
			cells = append(cells, duration(res.ns("build", "BuildCPU/"+s.pkg)), "")
		}
		t.row(cells...)
	}

	// Targets.
	tgt := []string{"**target (ratio of medians)**"}
	for range specs {
		tgt = append(tgt, "", "")
	}
	t.row(tgt...)
	target := func(title string, cell func(i int) (value string, ok, gated, known bool)) {
		cells := []string{title}
		for i, s := range specs {
			v, ok, gated, known := cell(i)
			a, b := t.verdict(title+" ["+s.pkg+"]", v, ok, gated, known)
			cells = append(cells, a, b)
		}
		t.row(cells...)
	}
	check := func(pkg, path string) float64 { return res.ns(pkg, "Generated/Check/"+path) }
	known := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

	target("Check ÷ CheckEndpoint(constant), allowed: ≤ 2.5×", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := check(p, "allowed") / res.ns(p, "Generated/CheckEndpoint/allowed")
		return ratio(r), r <= 2.5, p != "big", known(r)
	})
	for _, p := range paths {
		target("growth of Check, "+p.title+", 10k ÷ real-API spec: ≤ 1.3×", func(i int) (string, bool, bool, bool) {
			if specs[i].pkg != "big" {
				return "", false, false, false
			}
			r := check("big", p.name) / check("api", p.name)
			return ratio(r), r <= 1.3, true, known(r)
		})
	}
	target("growth of CheckEndpoint(constant), 10k ÷ real-API spec", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		r := res.ns("big", "Generated/CheckEndpoint/allowed") / res.ns("api", "Generated/CheckEndpoint/allowed")
		return ratio(r), true, false, known(r)
	})
	target("allocs/op of scopegen, every path: 0", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		worst, n := 0.0, 0
		for key, s := range res {
			if strings.HasPrefix(key, p+" Generated/") {
				worst = max(worst, slices.Max(append([]float64{0}, s.allocs...)))
				n++
			}
		}
		return fmt.Sprintf("max %s", count(worst)), worst == 0, true, n > 0
	})
	// A peer's ratio on the allowed path (the target), and on its slowest
	// path relative to scopegen (reported).
	peer := func(title, prefix string, min float64, gated func(pkg string) bool) {
		target(title, func(i int) (string, bool, bool, bool) {
			pkg := specs[i].pkg
			r := res.ns(pkg, prefix+"allowed") / check(pkg, "allowed")
			return ratio(r), r >= min, gated(pkg), known(r)
		})
	}
	worst := func(title, prefix string) {
		target(title, func(i int) (string, bool, bool, bool) {
			pkg := specs[i].pkg
			lo, at := math.Inf(1), ""
			for _, p := range paths {
				if r := res.ns(pkg, prefix+p.name) / check(pkg, p.name); r < lo {
					lo, at = r, p.title
				}
			}
			return fmt.Sprintf("%s (%s)", ratio(lo), at), true, false, known(lo)
		})
	}
	peer("casbin cached ÷ scopegen Check, allowed: ≥ 30×", "CasbinCached/", 30, func(p string) bool { return p != "big" })
	worst("casbin cached ÷ scopegen Check, least of the 4 paths", "CasbinCached/")
	peer("naive maps ÷ scopegen Check, allowed: ≥ 5×", "Naive/", 5, func(string) bool { return true })
	worst("naive maps ÷ scopegen Check, least of the 4 paths", "Naive/")
	peer("casbin uncached ÷ scopegen Check, allowed", "Casbin/", 0, func(string) bool { return false })
	worst("casbin uncached ÷ scopegen Check, least of the 4 paths", "Casbin/")
	peer("OPA ÷ scopegen Check, allowed", "OPA/", 0, func(string) bool { return false })
	worst("OPA ÷ scopegen Check, least of the 4 paths", "OPA/")
	target("RunParallel throughput on 2 cores, Check serial ÷ parallel: ≥ 1.8×", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := check(p, "allowed") / res.ns(p, "Generated/CheckParallel/allowed")
		return ratio(r), r >= 1.8, true, known(r)
	})
	target("scopegen generate (load + render) of the 10k spec: < 1 s", func(i int) (string, bool, bool, bool) {
		ns := res.ns("synth", "Generate/total/"+specs[i].gen)
		return duration(ns), ns < 1e9, specs[i].pkg == "big", known(ns)
	})
	target("scopegen render only (gen.Generate from a loaded model)", func(i int) (string, bool, bool, bool) {
		ns := res.ns("synth", "Generate/render/"+specs[i].gen)
		return duration(ns), true, false, known(ns)
	})
	target("`go build` of the 10k spec's package: < 10 s", func(i int) (string, bool, bool, bool) {
		ns := res.ns("build", "Build/"+specs[i].pkg)
		return duration(ns), ns < 10e9, specs[i].pkg == "big", known(ns)
	})

	// Print, with the columns padded so the plain text reads as a table too.
	widths := make([]int, len(t.rows[0]))
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for n, r := range t.rows {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range r {
			pad := widths[i] - len([]rune(c))
			if i == 0 {
				b.WriteString(" " + c + strings.Repeat(" ", pad) + " |")
			} else {
				b.WriteString(" " + strings.Repeat(" ", pad) + c + " |")
			}
		}
		fmt.Println(b.String())
		if n == 0 {
			b.Reset()
			b.WriteString("|")
			for i, w := range widths {
				if i == 0 {
					b.WriteString(" " + strings.Repeat("-", w) + " |")
				} else {
					b.WriteString(" " + strings.Repeat("-", w-1) + ": |")
				}
			}
			fmt.Println(b.String())
		}
	}
	runs := 0
	for _, s := range res {
		runs = max(runs, len(s.ns))
	}
	fmt.Printf("\n%d targets pass, %d fail (medians of up to %d runs per benchmark).\n", t.pass, t.failed, runs)
	for _, f := range t.failures {
		fmt.Println("FAIL:", f)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}
