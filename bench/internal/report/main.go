// Command report reads `go test -bench` output (several runs of each
// benchmark, from several packages) and prints one Markdown table: the median
// wall time, CPU time and allocations of each benchmark for each spec, then
// the targets as ratios of those medians, each with PASS or FAIL.
//
//	go run ./internal/report results.txt
//
// Ratios of single-thread speed are taken from CPU times (cpu-ns/op, see
// bench/internal/cputime), which the other load of a shared machine inflates
// far less than wall times; the same ratios of wall times are shown next to
// them. Throughput on 2 cores can only be a wall-time measurement.
//
// Benchmarks are found by package (bench/shipped, bench/api, bench/big,
// bench/generator, and "build" for the lines bench/internal/buildtime prints)
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

type stats struct {
	ns, cpu, allocs, bytes []float64
	extra                  map[string][]float64 // other metrics by unit
}

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
			case "cpu-ns/op":
				s.cpu = append(s.cpu, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			default:
				if s.extra == nil {
					s.extra = map[string][]float64{}
				}
				s.extra[f[i+1]] = append(s.extra[f[i+1]], v)
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

// best is the median of a BenchmarkBursts figure: the fastest burst of
// contender name (see cputime.Bursts), or NaN.
func (res results) best(pkg, name string) float64 {
	return res.extraMedian(pkg, "Bursts", name+"-best-ns/op")
}

// routeBest is the median of a BenchmarkRouteBursts figure: the fastest
// burst of contender name, or NaN.
func (res results) routeBest(pkg, name string) float64 {
	return res.extraMedian(pkg, "RouteBursts", name+"-best-ns/op")
}

// routeContenders are BenchmarkRoute's, CheckHTTP, LookupRoute and
// CheckHTTP-every first.
var routeContenders = []struct{ title, name string }{
	{"scopegen CheckHTTP (route and decide)", "CheckHTTP"},
	{"scopegen LookupRoute (route)", "LookupRoute"},
	{"scopegen CheckHTTP, the requests of every binding", "CheckHTTP-every"},
	{"httprouter, routing alone (Router.Lookup)", "HTTPRouter"},
	{"chi, routing alone (Mux.Find)", "Chi"},
	{"ServeMux, routing alone (ServeMux.Handler)", "ServeMux"},
}

// extraMedian is the median of a benchmark's metric unit, or NaN.
func (res results) extraMedian(pkg, name, unit string) float64 {
	if s := res[pkg+" "+name]; s != nil {
		return median(s.extra[unit])
	}
	return math.NaN()
}

// cpu is the median CPU time, or NaN.
func (res results) cpu(pkg, name string) float64 {
	if s := res[pkg+" "+name]; s != nil {
		return median(s.cpu)
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
		header = append(header, s.title+": wall", "CPU", "allocs/op")
	}
	t.row(header...)
	blank := func(cells []string) []string {
		for len(cells) < len(header) {
			cells = append(cells, "")
		}
		return cells
	}
	// line is a row of a benchmark, found in each spec's package by pkgOf.
	line := func(title, name string, pkgOf func(i int) string) {
		cells := []string{title}
		any := false
		for i := range specs {
			pkg := pkgOf(i)
			ns := res.ns(pkg, name)
			any = any || !math.IsNaN(ns)
			cells = append(cells, duration(ns), duration(res.cpu(pkg, name)), count(res.allocs(pkg, name)))
		}
		if any {
			t.row(cells...)
		}
	}
	bench := func(title, name string) { line(title, name, func(i int) string { return specs[i].pkg }) }
	section := func(title string) { t.row(blank([]string{"**" + title + "**"})...) }
	section("scopegen (generated checker)")
	for _, p := range paths {
		bench("Check(fullMethod), "+p.title, "Generated/Check/"+p.name)
	}
	bench("CheckEndpoint(constant), allowed", "Generated/CheckEndpoint/allowed")
	bench("Check, RunParallel, allowed", "Generated/CheckParallel/allowed")
	bench("CheckEndpoint, RunParallel, allowed", "Generated/CheckEndpointParallel/allowed")
	bench("Check, every endpoint in turn", "Generated/CheckMix")
	section("fastest of many short bursts, taking turns (BenchmarkBursts: an idle machine's figures)")
	for _, c := range []struct{ title, name string }{
		{"scopegen Check(fullMethod), allowed", "Check"},
		{"scopegen Check(fullMethod), denied", "Check-denied"},
		{"scopegen Check(fullMethod), unknown method", "Check-unknown"},
		{"scopegen Check(fullMethod), redaction", "Check-redacted"},
		{"scopegen CheckEndpoint(constant), allowed", "CheckEndpoint"},
		{"naive map of strings, allowed", "Naive"},
		{"casbin CachedEnforcer, allowed", "CasbinCached"},
	} {
		cells := []string{c.title}
		for _, sp := range specs {
			cells = append(cells, duration(res.best(sp.pkg, c.name)), "", "")
		}
		t.row(cells...)
	}
	for _, c := range []struct{ title, unit string }{
		{"scopegen Check, 1 goroutine (ParallelBursts)", "serial-best-ns/op"},
		{"scopegen Check, 2 goroutines at once, per call (ParallelBursts)", "parallel-best-ns/op"},
	} {
		cells := []string{c.title}
		for _, sp := range specs {
			cells = append(cells, duration(res.extraMedian(sp.pkg, "ParallelBursts", c.unit)), "", "")
		}
		t.row(cells...)
	}
	section("HTTP routing: per request of the mix (BenchmarkRoute; the routers route alone)")
	for _, c := range routeContenders {
		bench(c.title, "Route/"+c.name)
	}
	section("HTTP routing, fastest of many short bursts, taking turns (BenchmarkRouteBursts)")
	for _, c := range routeContenders {
		cells := []string{c.title}
		for _, sp := range specs {
			cells = append(cells, duration(res.routeBest(sp.pkg, c.name)), "", "")
		}
		t.row(cells...)
	}
	section("scopehttp's middleware: a loopback request to a trivial handler (BenchmarkMiddleware)")
	for _, c := range []struct{ title, unit string }{
		{"without the middleware, median of rounds", "plain-ns/req"},
		{"with it", "scopehttp-ns/req"},
		{"the middleware's time in process (no network), fastest burst", "added-ns/req"},
	} {
		cells := []string{c.title}
		for _, sp := range specs {
			cells = append(cells, duration(res.extraMedian(sp.pkg, "Middleware", c.unit)), "", "")
		}
		t.row(cells...)
	}
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
	for _, stage := range []struct{ title, name string }{
		{"load spec (parse + validate)", "load"},
		{"render package (gen.Generate)", "render"},
		{"load + render", "total"},
	} {
		cells := []string{stage.title}
		for _, s := range specs {
			name := "Generate/" + stage.name + "/" + s.gen
			cells = append(cells, duration(res.ns("generator", name)), duration(res.cpu("generator", name)), count(res.allocs("generator", name)))
		}
		t.row(cells...)
	}
	if ns := res.ns("generator", "Generate/total/small"); !math.IsNaN(ns) {
		name := "Generate/total/small"
		t.row(blank([]string{"load + render, small spec (5 endpoints, 8 scopes)", duration(ns), duration(res.cpu("generator", name)), count(res.allocs("generator", name))})...)
	}
	section("scopegen diff (read both specs, compare, find witnesses, print)")
	for _, k := range []struct{ title, name string }{
		{"a large pull request (see bench/diff)", "pr"},
		{"two unrelated specs (every scope and endpoint changes)", "unrelated"},
	} {
		cells := []string{k.title}
		for _, s := range specs {
			name := "Diff/" + k.name + "/" + s.gen
			cells = append(cells, duration(res.ns("diff", name)), duration(res.cpu("diff", name)), count(res.allocs("diff", name)))
		}
		t.row(cells...)
	}
	{ // Build times are per package, under pkg "build".
		cells := []string{"`go build` of the generated package (fresh compile)"}
		for _, s := range specs {
			cells = append(cells, duration(res.ns("build", "Build/"+s.pkg)), duration(res.cpu("build", "Build/"+s.pkg)), "")
		}
		t.row(cells...)
	}

	// Targets.
	t.row(blank([]string{"**target (ratio of medians)**"})...)
	target := func(title string, cell func(i int) (value string, ok, gated, known bool)) {
		cells := []string{title}
		for i, s := range specs {
			v, ok, gated, known := cell(i)
			a, b := t.verdict(title+" ["+s.pkg+"]", v, ok, gated, known)
			cells = append(cells, a, b, "")
		}
		t.row(cells...)
	}
	known := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	// at is a benchmark's median CPU time, or its wall time with wall.
	at := func(wall bool, pkg, name string) float64 {
		if wall {
			return res.ns(pkg, name)
		}
		return res.cpu(pkg, name)
	}
	check := func(wall bool, pkg, path string) float64 { return at(wall, pkg, "Generated/Check/"+path) }
	clock := map[bool]string{false: "CPU", true: "wall"}

	// diff is the slower of the two comparisons at a size: wall time, which
	// is what a reviewer waits.
	diffWall := func(size string) float64 {
		return max(res.ns("diff", "Diff/pr/"+size), res.ns("diff", "Diff/unrelated/"+size))
	}
	target("scopegen diff, slower comparison, wall: < 1 s (real-API size), < 10 s (10k)", func(i int) (string, bool, bool, bool) {
		limit := map[string]float64{"api": 1e9, "big": 10e9}[specs[i].pkg]
		v := diffWall(specs[i].gen)
		return duration(v), v < limit, limit > 0, known(v)
	})
	target("Check ÷ CheckEndpoint(constant), allowed, fastest bursts: ≤ 2.5×", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := res.best(p, "Check") / res.best(p, "CheckEndpoint")
		return ratio(r), r <= 2.5, p != "big", known(r)
	})
	for _, wall := range []bool{false, true} {
		target("same, medians of "+clock[wall]+" time", func(i int) (string, bool, bool, bool) {
			p := specs[i].pkg
			r := check(wall, p, "allowed") / at(wall, p, "Generated/CheckEndpoint/allowed")
			return ratio(r), r <= 2.5, false, known(r)
		})
	}
	target("growth of Check, allowed, 10k ÷ real-API spec, fastest bursts: ≤ 1.3×", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		r := res.best("big", "Check") / res.best("api", "Check")
		return ratio(r), r <= 1.3, true, known(r)
	})
	for _, p := range paths[1:] {
		target("growth of Check, "+p.title+", 10k ÷ real-API spec, fastest bursts: ≤ 1.3×", func(i int) (string, bool, bool, bool) {
			if specs[i].pkg != "big" {
				return "", false, false, false
			}
			r := res.best("big", "Check-"+p.name) / res.best("api", "Check-"+p.name)
			return ratio(r), r <= 1.3, true, known(r)
		})
	}
	for _, p := range paths {
		target("growth of Check, "+p.title+", 10k ÷ real-API spec, medians of CPU time", func(i int) (string, bool, bool, bool) {
			if specs[i].pkg != "big" {
				return "", false, false, false
			}
			r := check(false, "big", p.name) / check(false, "api", p.name)
			return ratio(r), r <= 1.3, false, known(r)
		})
	}
	target("growth of Check, allowed, 10k ÷ real-API spec, wall", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		r := check(true, "big", "allowed") / check(true, "api", "allowed")
		return ratio(r), true, false, known(r)
	})
	target("growth of CheckEndpoint(constant), 10k ÷ real-API spec, CPU", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		r := at(false, "big", "Generated/CheckEndpoint/allowed") / at(false, "api", "Generated/CheckEndpoint/allowed")
		return ratio(r), true, false, known(r)
	})
	target("Check of an unknown method ÷ Check allowed, CPU (rejected early)", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := check(false, p, "unknown") / check(false, p, "allowed")
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
	peer := func(title, prefix string, wall bool, min float64, gated func(pkg string) bool) {
		target(title, func(i int) (string, bool, bool, bool) {
			pkg := specs[i].pkg
			r := at(wall, pkg, prefix+"allowed") / check(wall, pkg, "allowed")
			return ratio(r), r >= min, !wall && gated(pkg), known(r)
		})
	}
	worst := func(title, prefix string) {
		target(title, func(i int) (string, bool, bool, bool) {
			pkg := specs[i].pkg
			lo, where := math.Inf(1), ""
			for _, p := range paths {
				if r := at(false, pkg, prefix+p.name) / check(false, pkg, p.name); r < lo {
					lo, where = r, p.title
				}
			}
			return fmt.Sprintf("%s (%s)", ratio(lo), where), true, false, known(lo)
		})
	}
	notBig := func(p string) bool { return p != "big" }
	bestPeer := func(title, name string, min float64, gated func(pkg string) bool) {
		target(title, func(i int) (string, bool, bool, bool) {
			pkg := specs[i].pkg
			r := res.best(pkg, name) / res.best(pkg, "Check")
			return ratio(r), r >= min, gated(pkg), known(r)
		})
	}
	bestPeer("casbin cached ÷ scopegen Check, allowed, fastest bursts: ≥ 30×", "CasbinCached", 30, notBig)
	peer("same, medians of CPU time", "CasbinCached/", false, 30, func(string) bool { return false })
	peer("same, medians of wall time", "CasbinCached/", true, 30, notBig)
	worst("casbin cached ÷ scopegen Check, CPU, least of the 4 paths", "CasbinCached/")
	bestPeer("naive maps ÷ scopegen Check, allowed, fastest bursts: ≥ 5×", "Naive", 5, func(string) bool { return true })
	peer("same, medians of CPU time", "Naive/", false, 5, func(string) bool { return false })
	peer("same, medians of wall time", "Naive/", true, 5, func(string) bool { return true })
	worst("naive maps ÷ scopegen Check, CPU, least of the 4 paths", "Naive/")
	peer("casbin uncached ÷ scopegen Check, allowed, CPU", "Casbin/", false, 0, func(string) bool { return false })
	worst("casbin uncached ÷ scopegen Check, CPU, least of the 4 paths", "Casbin/")
	peer("OPA ÷ scopegen Check, allowed, CPU", "OPA/", false, 0, func(string) bool { return false })
	worst("OPA ÷ scopegen Check, CPU, least of the 4 paths", "OPA/")
	target("Check throughput on 2 cores ÷ on 1, fastest bursts (ParallelBursts): ≥ 1.8×", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := res.extraMedian(p, "ParallelBursts", "serial-best-ns/op") / res.extraMedian(p, "ParallelBursts", "parallel-best-ns/op")
		return ratio(r), r >= 1.8, true, known(r)
	})
	target("same, RunParallel ÷ serial loop, medians of wall time", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := check(true, p, "allowed") / res.ns(p, "Generated/CheckParallel/allowed")
		return ratio(r), r >= 1.8, false, known(r)
	})
	target("same, projected from CPU time: 2 × serial CPU/op ÷ RunParallel CPU/op", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		r := 2 * check(false, p, "allowed") / res.cpu(p, "Generated/CheckParallel/allowed")
		return ratio(r), true, false, known(r)
	})
	// HTTP routing.
	onlyAPI := func(p string) bool { return p == "api" }
	for _, r := range []struct {
		title, peer string
		limit       float64
	}{
		{"CheckHTTP ÷ ServeMux's routing alone, mix, fastest bursts: < 1×", "ServeMux", 1},
		{"CheckHTTP ÷ chi's routing alone, mix, fastest bursts: < 1×", "Chi", 1},
		{"CheckHTTP ÷ httprouter's routing alone, mix, fastest bursts: ≤ 1.5×", "HTTPRouter", 1.5},
	} {
		target(r.title, func(i int) (string, bool, bool, bool) {
			p := specs[i].pkg
			v := res.routeBest(p, "CheckHTTP") / res.routeBest(p, r.peer)
			ok := v < r.limit || r.limit == 1.5 && v <= r.limit
			return ratio(v), ok, onlyAPI(p), known(v)
		})
		target("same, medians of CPU time", func(i int) (string, bool, bool, bool) {
			p := specs[i].pkg
			v := res.cpu(p, "Route/CheckHTTP") / res.cpu(p, "Route/"+r.peer)
			return ratio(v), true, false, known(v)
		})
	}
	target("growth of CheckHTTP, mix, 10k ÷ real-API spec, fastest bursts: ≤ 1.3×", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		v := res.routeBest("big", "CheckHTTP") / res.routeBest("api", "CheckHTTP")
		return ratio(v), v <= 1.3, true, known(v)
	})
	for _, c := range []struct{ title, name string }{{"LookupRoute", "LookupRoute"}, {"httprouter", "HTTPRouter"}, {"chi", "Chi"}, {"ServeMux", "ServeMux"}} {
		target("growth of "+c.title+", 10k ÷ real-API spec, fastest bursts", func(i int) (string, bool, bool, bool) {
			if specs[i].pkg != "big" {
				return "", false, false, false
			}
			v := res.routeBest("big", c.name) / res.routeBest("api", c.name)
			return ratio(v), true, false, known(v)
		})
	}
	target("growth of CheckHTTP, 10k ÷ real-API spec, medians of CPU time", func(i int) (string, bool, bool, bool) {
		if specs[i].pkg != "big" {
			return "", false, false, false
		}
		v := res.cpu("big", "Route/CheckHTTP") / res.cpu("api", "Route/CheckHTTP")
		return ratio(v), true, false, known(v)
	})
	target("allocs/op of CheckHTTP and LookupRoute: 0", func(i int) (string, bool, bool, bool) {
		p := specs[i].pkg
		worst, n := 0.0, 0
		for _, c := range routeContenders[:3] {
			if s := res[p+" Route/"+c.name]; s != nil {
				worst = max(worst, slices.Max(append([]float64{0}, s.allocs...)))
				n++
			}
		}
		return fmt.Sprintf("max %s", count(worst)), worst == 0, n > 0, n > 0
	})
	target("scopehttp's overhead on a loopback request, median of rounds: < 2%", func(i int) (string, bool, bool, bool) {
		v := res.extraMedian(specs[i].pkg, "Middleware", "overhead-%")
		return fmt.Sprintf("%.2f%%", v), v < 2, specs[i].pkg == "api", known(v)
	})
	target("scopegen generate (load + render) of the 10k spec, CPU: < 1 s", func(i int) (string, bool, bool, bool) {
		v := res.cpu("generator", "Generate/total/"+specs[i].gen)
		return duration(v), v < 1e9, specs[i].pkg == "big", known(v)
	})
	target("same, wall", func(i int) (string, bool, bool, bool) {
		v := res.ns("generator", "Generate/total/"+specs[i].gen)
		return duration(v), v < 1e9, false, known(v)
	})
	target("`go build` of the 10k spec's package, CPU: < 10 s", func(i int) (string, bool, bool, bool) {
		v := res.cpu("build", "Build/"+specs[i].pkg)
		return duration(v), v < 10e9, specs[i].pkg == "big", known(v)
	})
	target("same, wall", func(i int) (string, bool, bool, bool) {
		v := res.ns("build", "Build/"+specs[i].pkg)
		return duration(v), v < 10e9, false, known(v)
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
