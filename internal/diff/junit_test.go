package diff_test

import (
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
)

// TestJUnit reads back the JUnit report of every spec pair of
// testdata/diff, with any allowances: it is well-formed XML, with one test
// case per finding (and per stale or unpinned allowance), failed exactly
// when the finding fails the run.
func TestJUnit(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/diff/*.txtar")
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range a.Files {
			files[f.Name] = f.Data
		}
		r := diff.Compare(load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"]))
		if data, ok := files["allow.yaml"]; ok {
			allow, err := diff.ParseAllowances("allow.yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			r.Accept(allow)
		}
		var got struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Cases []struct {
					Name    string    `xml:"name,attr"`
					Failure *struct{} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		out := render(t, r, "junit")
		if err := xml.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, out)
		}
		cases, failed := 0, 0
		for _, s := range got.Suites {
			for _, c := range s.Cases {
				cases++
				if c.Failure != nil {
					failed++
				}
			}
		}
		fails := 0
		for _, f := range r.Findings {
			if r.Fails(f) {
				fails++
			}
		}
		if want := len(r.Findings) + len(r.Stale) + len(r.Unpinned); cases != want || got.Tests != want || failed != fails || got.Failures != fails {
			t.Errorf("%s: %d test cases (tests=%d), %d failed (failures=%d); want %d, %d failed:\n%s",
				filepath.Base(path), cases, got.Tests, failed, got.Failures, want, fails, out)
		}
		if strings.Contains(string(out), "&#x") {
			t.Errorf("%s: escaped characters in the report", path)
		}
	}
}
