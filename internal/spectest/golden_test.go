package spectest_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spectest"
	"github.com/scopegen/scopegen/internal/textdiff"
)

// outputs maps a want file of a golden archive to the format it holds.
var outputs = map[string]string{
	"want.txt":  "text",
	"want.json": "json",
	"want.md":   "markdown",
	"want.gha":  "github-actions",
}

// run runs the tests.yaml of ar on its spec, as scopegen test -spec
// scopes.yaml -min-coverage N tests.yaml does, N from the archive's
// min-coverage section (0 when it has none).
func run(t *testing.T, ar *archive) (*model.Model, *spectest.Report) {
	t.Helper()
	m := specOf(t, ar)
	cases, err := load(m, ar.section["tests.yaml"])
	if err != nil {
		t.Fatal(err)
	}
	r := spectest.Run(m, cases)
	r.Spec, r.Files = "scopes.yaml", []string{"tests.yaml"}
	if s, ok := ar.section["min-coverage"]; ok {
		if r.MinCoverage, err = strconv.Atoi(strings.TrimSpace(string(s))); err != nil {
			t.Fatalf("min-coverage: %v", err)
		}
	}
	return m, r
}

// render is r in format; want.txt starts with the exit status.
func render(t *testing.T, r *spectest.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if format == "text" {
		fmt.Fprintf(&b, "exit %d\n", r.ExitCode())
	}
	if err := r.Write(&b, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden runs each archive of testdata/spectest/golden (tests.yaml on
// its scopes.yaml or testdata/spectest/scopes.yaml, with its min-coverage)
// and compares the report in each format with the archive's want files:
// want.txt (which starts with the exit status), want.json, want.md and
// want.gha. Run go test ./internal/spectest -update to accept a change,
// then review the diff.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(testdata, "golden", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives in testdata/spectest/golden: %v", err)
	}
	codes := map[int]bool{}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar := readArchive(t, path)
			_, r := run(t, ar)
			codes[r.ExitCode()] = true
			changed := false
			for _, name := range []string{"want.txt", "want.json", "want.md", "want.gha"} {
				got := render(t, r, outputs[name])
				if *update {
					changed = ar.set(name, got) || changed
					continue
				}
				want, ok := ar.section[name]
				if !ok {
					t.Errorf("%s has no %s; run go test ./internal/spectest -update", path, name)
				} else if !bytes.Equal(got, want) {
					t.Errorf("%s differs (go test ./internal/spectest -update to accept):\n%s", name, textdiff.Unified(name, name, want, got))
				}
			}
			if changed {
				ar.write(t)
			}
		})
	}
	for _, code := range []int{spectest.ExitPass, spectest.ExitFail, spectest.ExitCoverage} {
		if !codes[code] {
			t.Errorf("no archive of testdata/spectest/golden exits %d; add one", code)
		}
	}
}
