package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/spec"
)

// yamlLines splits a spec into lines as YAML counts them: a line ends with
// \r\n, \n, \r, NEL, LS or PS.
var yamlLines = regexp.MustCompile("\r\n|[\n\r\u0085\u2028\u2029]")

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
	for _, src := range []string{
		// Syntax errors whose column is recovered from the source.
		"scopegen: 1\nscopes:\n\t- a\n",
		"scopegen: 1\nscopes:\n  - name: a\n\t  id: 1\n",
		"scopegen: 1\nscopes:\n  - name: \"abc\n",
		"scopegen: 1\nscopes: [{name: 'it''s}]\n",
		"scopegen: 1\nscopes: [a, b\nx: 1\n",
		"x: {a: b\n",
		"scopegen: 1\nscopes:\n  - name: a: b\n",
		"scopegen: 1\nx: @a\n",
		"a: - b\n",
	} {
		f.Add([]byte(src))
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
		lines := yamlLines.Split(string(data), -1)
		for _, d := range errs {
			if d.Pos.File != name || d.Pos.Line < 1 || d.Pos.Col < 1 {
				t.Errorf("diagnostic without a position: %q", d)
			} else if d.Pos.Line > len(lines) || d.Pos.Col > utf8.RuneCountInString(lines[d.Pos.Line-1])+1 {
				t.Errorf("diagnostic past the end of the spec or of its line: %q", d)
			} else if _, rest, ok := strings.Cut(d.Msg, "; this "); ok && strings.HasPrefix(d.Msg, "invalid YAML: ") {
				// "this [ starts ...": the position is at that character.
				line := []rune(lines[d.Pos.Line-1])
				if c, _ := utf8.DecodeRuneInString(rest); d.Pos.Col > len(line) || line[d.Pos.Col-1] != c {
					t.Errorf("diagnostic is not at the %q it names: %q", c, d)
				}
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
