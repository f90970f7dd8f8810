package spectest_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/spectest"
	"github.com/scopegen/scopegen/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/spectest/errors and the want.* files of testdata/spectest/golden with what is reported now")

const testdata = "../../testdata/spectest"

// archive is a txtar archive of testdata/spectest by section name.
type archive struct {
	path    string
	a       *txtar.Archive
	section map[string][]byte
}

func readArchive(t testing.TB, path string) *archive {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ar := &archive{path: path, a: a, section: map[string][]byte{}}
	for _, f := range a.Files {
		ar.section[f.Name] = f.Data
	}
	return ar
}

// set replaces the data of section name, for -update.
func (ar *archive) set(name string, data []byte) bool {
	for i, f := range ar.a.Files {
		if f.Name == name {
			changed := string(f.Data) != string(data)
			ar.a.Files[i].Data = data
			return changed
		}
	}
	ar.a.Files = append(ar.a.Files, txtar.File{Name: name, Data: data})
	return true
}

func (ar *archive) write(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(ar.path, txtar.Format(ar.a), 0o644); err != nil {
		t.Fatal(err)
	}
}

// specOf builds the archive's scopes.yaml, or testdata/spectest/scopes.yaml
// when it holds none; either is named scopes.yaml in positions.
func specOf(t testing.TB, ar *archive) *model.Model {
	t.Helper()
	data, ok := ar.section["scopes.yaml"]
	if !ok {
		var err error
		if data, err = os.ReadFile(filepath.Join(testdata, "scopes.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	f, err := spec.Parse("scopes.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// load parses and resolves tests.yaml against m.
func load(m *model.Model, data []byte) ([]*spectest.Case, error) {
	f, err := spectest.Parse("tests.yaml", data)
	if err != nil {
		return nil, err
	}
	return spectest.Resolve(m, f)
}

// TestErrors reads the test file of each archive of testdata/spectest/errors,
// one per error: tests.yaml is parsed and resolved against the archive's
// scopes.yaml (or testdata/spectest/scopes.yaml), and its want section lists
// the diagnostics, one file:line:col line each, in order. Run go test
// ./internal/spectest -update to accept a change, then review the diff.
func TestErrors(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(testdata, "errors", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives in testdata/spectest/errors: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar := readArchive(t, path)
			if strings.TrimSpace(string(ar.a.Comment)) == "" {
				t.Errorf("%s says nothing of the error it holds: write it above the first section", path)
			}
			data, ok := ar.section["tests.yaml"]
			if !ok {
				t.Fatalf("%s has no tests.yaml", path)
			}
			_, err := load(specOf(t, ar), data)
			var diags spec.Errors
			if !errors.As(err, &diags) {
				t.Fatalf("got %v, want spec.Errors", err)
			}
			var b strings.Builder
			for _, d := range diags {
				if d.Pos.File != "tests.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 {
					t.Errorf("%s: not a position in tests.yaml", d)
				}
				b.WriteString(d.String() + "\n")
			}
			got := []byte(b.String())
			if *update {
				if ar.set("want", got) {
					ar.write(t)
				}
				return
			}
			if want := ar.section["want"]; string(got) != string(want) {
				t.Errorf("diagnostics differ (go test ./internal/spectest -update to accept):\n%s", textdiff.Unified("want", "got", want, got))
			}
		})
	}
}
