package protoimport_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestErrors imports each archive of testdata/protoimport/errors: its
// config.yaml, and its .proto files; files named import/PATH are found
// only as the import PATH. The
// "want" section lists the errors, one per line, each a prefix of the
// diagnostic; "warnings" lists the warnings of an import that succeeds;
// "reserved" the reserved ids of the model, "reserved-count" how many,
// "ids" the line of the spec that lists them; "descriptions" lines
// NAME: DESCRIPTION of scopes or endpoints; "bindings" lines METHOD:
// BINDINGS, the HTTP bindings of an endpoint, a shared one as
// {shared: VERB /path}.
func TestErrors(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(testdata, "errors", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string]string{}
			var srcs []protoimport.Source
			imports := map[string][]byte{}
			for _, f := range a.Files {
				sections[f.Name] = string(f.Data)
				switch {
				case strings.HasPrefix(f.Name, "import/"):
					imports[strings.TrimPrefix(f.Name, "import/")] = f.Data
				case strings.HasSuffix(f.Name, ".proto"):
					srcs = append(srcs, protoimport.Source{Name: f.Name, Data: f.Data})
				}
			}
			c, err := protoimport.ParseConfig("config.yaml", []byte(sections["config.yaml"]))
			if err != nil {
				t.Fatal(err)
			}
			res, err := protoimport.Import(c, srcs, func(path string) (protoimport.Source, bool, error) {
				data, ok := imports[path]
				return protoimport.Source{Name: path, Data: data}, ok, nil
			})
			var got []string
			var diags spec.Errors
			switch {
			case errors.As(err, &diags):
				for _, d := range diags {
					got = append(got, d.String())
				}
			case err != nil:
				got = []string{err.Error()}
			}
			compare(t, "errors", got, sections["want"])
			if err != nil {
				return
			}
			got = nil
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			compare(t, "warnings", got, sections["warnings"])
			if want, ok := sections["ids"]; ok {
				var line string
				for _, l := range strings.Split(string(res.YAML), "\n") {
					if strings.HasPrefix(l, "  ids: ") {
						line = l
					}
				}
				if line != strings.TrimRight(want, "\n") {
					t.Errorf("the spec's reserved ids are written\n%s\nwant\n%s", line, want)
				}
			}
			if want, ok := sections["reserved-count"]; ok {
				if got := fmt.Sprint(len(res.Model.Reserved.IDs)); got != strings.TrimSpace(want) {
					t.Errorf("%s reserved ids, want %s", got, want)
				}
			}
			if want, ok := sections["descriptions"]; ok {
				// One line per scope or endpoint: NAME: DESCRIPTION.
				for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
					name, desc, _ := strings.Cut(l, ": ")
					got := "(none)"
					if s := res.Model.Scope(name); s != nil {
						got = s.Description
					} else if e := res.Model.Endpoint(name); e != nil {
						got = e.Description
					}
					if got != desc {
						t.Errorf("%s: description\n%q\nwant\n%q", name, got, desc)
					}
				}
			}
			if want, ok := sections["bindings"]; ok {
				// One line per endpoint: METHOD: its bindings, a shared one as
				// {shared: VERB /path}.
				for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
					name, list, _ := strings.Cut(l, ": ")
					got := "(no endpoint)"
					if e := res.Model.Endpoint(name); e != nil {
						var bs []string
						for _, b := range e.HTTP {
							if len(b.Shared) > 0 {
								bs = append(bs, "{shared: "+b.String()+"}")
							} else {
								bs = append(bs, b.String())
							}
						}
						got = strings.Join(bs, ", ")
					}
					if got != list {
						t.Errorf("%s: bindings\n%s\nwant\n%s", name, got, list)
					}
				}
			}
			if want, ok := sections["reserved"]; ok {
				if r := strings.Trim(fmt.Sprint(res.Model.Reserved.IDs), "[]"); r != strings.TrimSpace(want) {
					t.Errorf("reserved ids %s, want %s", r, want)
				}
			}
		})
	}
}

// compare checks that got has one line per line of want, each starting
// with it.
func compare(t *testing.T, what string, got []string, want string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(got) != len(lines) {
		t.Errorf("%d %s, want %d:\n%s", len(got), what, len(lines), strings.Join(got, "\n"))
		return
	}
	for i, l := range lines {
		if !strings.HasPrefix(got[i], l) {
			t.Errorf("%s %d:\n got %s\nwant %s…", what, i, got[i], l)
		}
	}
}
