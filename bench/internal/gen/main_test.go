package main

import (
	"testing"
	"text/template"
)

// TestCommittedPackagesInSync checks that shipped/ and api/ (packages,
// benchmarks and the api spec) are what this command writes now: after a
// change of the generator, the spec or the template, run go run ./internal/gen
// in bench/ and commit the result.
func TestCommittedPackagesInSync(t *testing.T) {
	t.Chdir("../..")
	tmpl := template.Must(template.New("bench_test.go").Parse(testTemplate))
	for _, tg := range targets {
		if tg.Big {
			continue
		}
		stale, err := staleFiles(tg, tmpl)
		if err != nil {
			t.Fatalf("%s: %v", tg.Pkg, err)
		}
		for _, p := range stale {
			t.Errorf("%s is stale; run go run ./internal/gen in bench/", p)
		}
	}
}

// TestDeterministic checks that two runs render the same bytes.
func TestDeterministic(t *testing.T) {
	t.Chdir("../..")
	tmpl := template.Must(template.New("bench_test.go").Parse(testTemplate))
	for _, tg := range targets {
		if tg.Big {
			continue
		}
		a, _, _, err := outputs(tg, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		b, _, _, err := outputs(tg, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", tg.Pkg, len(a), len(b))
		}
		for i := range a {
			if a[i].path != b[i].path || string(a[i].data) != string(b[i].data) {
				t.Errorf("%s: two runs differ", a[i].path)
			}
		}
	}
}
