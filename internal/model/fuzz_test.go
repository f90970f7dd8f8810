package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// FuzzBuild checks that Parse and Build never panic, that every error they
// report is positioned, and that every model Build returns is consistent.
//
//	go test ./internal/model -run '^$' -fuzz FuzzBuild -fuzztime 60s
func FuzzBuild(f *testing.F) {
	for _, seed := range seedSpecs(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := spec.Parse(specName, data)
		if err == nil {
			var m *model.Model
			m, err = model.Build(file)
			if err == nil {
				checkModel(t, m)
				return
			}
		}
		diags := asErrors(t, err)
		if len(diags) > spec.MaxErrors+1 {
			t.Errorf("%d diagnostics, more than spec.MaxErrors+1", len(diags))
		}
		for _, d := range diags {
			checkDiagnostic(t, data, d) // a position inside the spec, one line of message
			if len(d.Msg) > 1000 {
				t.Errorf("a %d-byte message: %.200q", len(d.Msg), d.Msg)
			}
			if strings.HasPrefix(d.Msg, "cannot parse YAML: ") {
				t.Errorf("Parse recovered from a panic: %s", d)
			}
		}
	})
}

// seedSpecs returns spec/scopes.yaml and the spec of every archive in
// testdata/errors.
func seedSpecs(t testing.TB) [][]byte {
	shipped, err := os.ReadFile(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	seeds := [][]byte{shipped}
	files, err := filepath.Glob(filepath.Join(errorsDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if src, ok := section(ar, specName); ok {
			seeds = append(seeds, src)
		}
	}
	return seeds
}

// TestEveryLineDeleted is a deterministic cousin of FuzzBuild: it deletes
// each line of each seed spec in turn and checks the result the same way,
// and that every diagnostic points into the spec.
func TestEveryLineDeleted(t *testing.T) {
	for _, seed := range seedSpecs(t) {
		lines := strings.SplitAfter(string(seed), "\n")
		for i, line := range lines {
			if trimmed := strings.TrimSpace(line); trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue // deleting it moves lines up, and nothing more
			}
			src := []byte(strings.Join(lines[:i], "") + strings.Join(lines[i+1:], ""))
			diags, m := build(t, src)
			if m != nil {
				checkModel(t, m)
			}
			for _, d := range diags {
				checkDiagnostic(t, src, d)
			}
			if t.Failed() {
				t.Fatalf("with line %d deleted from:\n%s", i+1, seed)
			}
		}
	}
}
