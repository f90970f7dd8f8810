// Package generator benchmarks scopegen itself: reading and validating a
// spec, then rendering its package, for a small spec, the shipped one, one of
// a real API's size and the 10,000-endpoint one of the scale benchmarks.
package generator

import (
	"os"
	"testing"

	"github.com/scopegen/scopegen/bench/internal/cputime"
	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

func load(tb testing.TB, name string, data []byte) *model.Model {
	tb.Helper()
	f, err := spec.Parse(name, data)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func render(tb testing.TB, m *model.Model) []gen.File {
	tb.Helper()
	files, err := gen.Generate(m, gen.Options{Package: "scopes"})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// specs are the benchmarked specs: the files the checker benchmarks are
// generated from (go run ./internal/gen writes specs/big.yaml).
func specs(tb testing.TB) []struct {
	name string
	data []byte
} {
	out := []struct {
		name string
		data []byte
	}{{"small", synth.Spec(synth.Options{Endpoints: 5, Scopes: 8})}}
	for _, s := range []struct{ name, path string }{{"shipped", "../../spec/scopes.yaml"}, {"api", "../specs/api.yaml"}, {"10k", "../specs/big.yaml"}} {
		data, err := os.ReadFile(s.path)
		if os.IsNotExist(err) && s.name == "10k" {
			if _, ok := tb.(*testing.B); ok {
				tb.Fatalf("%v (run go run ./internal/gen in bench/ first)", err)
			}
			tb.Logf("skipping the 10k spec: %v (git-ignored; go run ./internal/gen writes it)", err)
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, struct {
			name string
			data []byte
		}{s.name, data})
	}
	return out
}

// TestGenerate checks that each benchmarked spec generates without warnings,
// before anything is timed.
func TestGenerate(t *testing.T) {
	for _, s := range specs(t) {
		m := load(t, s.name, s.data)
		if len(m.Warnings) > 0 {
			t.Errorf("%s: warnings %v", s.name, m.Warnings)
		}
		if files := render(t, m); len(files) == 0 {
			t.Errorf("%s: no files", s.name)
		}
	}
}

// BenchmarkGenerate times load (parse and validate the YAML into a model),
// render (gen.Generate: the package's files, gofmt'ed) and total (both: what
// scopegen generate does short of writing the files). The target is
// total under 1 s for the 10,000-endpoint spec.
func BenchmarkGenerate(b *testing.B) {
	for _, s := range specs(b) {
		b.Run("load/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			t := cputime.Process(b)
			for b.Loop() {
				load(b, s.name, s.data)
			}
			t.Stop()
		})
		b.Run("render/"+s.name, func(b *testing.B) {
			m := load(b, s.name, s.data)
			b.ReportAllocs()
			t := cputime.Process(b)
			for b.Loop() {
				render(b, m)
			}
			t.Stop()
		})
		b.Run("total/"+s.name, func(b *testing.B) {
			b.ReportAllocs()
			t := cputime.Process(b)
			for b.Loop() {
				render(b, load(b, s.name, s.data))
			}
			t.Stop()
		})
	}
}
