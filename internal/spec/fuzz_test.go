package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/spec"
)

// FuzzParse checks that Parse never panics (nor recovers from a panic), and
// that it returns either a file or a spec.Errors whose diagnostics are all
// positioned and say something.
//
//	go test ./internal/spec -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	shipped, err := os.ReadFile("../../spec/scopes.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	files, err := filepath.Glob("../../testdata/errors/*.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if af.Name == "scopes.yaml" {
				f.Add(af.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := spec.Parse(name, data)
		if err == nil {
			if file == nil {
				t.Fatal("Parse returned neither a file nor an error")
			}
			if file.Format.Value != spec.Format {
				t.Errorf("Parse accepted format %d", file.Format.Value)
			}
			return
		}
		if file != nil {
			t.Error("Parse returned a file with its error")
		}
		var errs spec.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("error is %T, not spec.Errors: %v", err, err)
		}
		if len(errs) == 0 {
			t.Fatal("empty spec.Errors returned as an error")
		}
		for _, d := range errs {
			if d.Pos.File != name || d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Errorf("diagnostic without a position: %q", d)
			}
			if strings.TrimSpace(d.Msg) == "" {
				t.Errorf("diagnostic without a message at %s", d.Pos)
			}
			if strings.HasPrefix(d.Msg, "cannot parse YAML: ") {
				t.Errorf("Parse recovered from a panic: %s", d)
			}
		}
	})
}
