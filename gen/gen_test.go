package gen_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden with the current output")

// golden is one archive of testdata/golden: a spec and the files it generates.
type golden struct {
	path    string
	archive *txtar.Archive
	spec    []byte
}

func goldens(t *testing.T) []golden {
	t.Helper()
	paths, err := filepath.Glob("../testdata/golden/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	var out []golden
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		g := golden{path: p, archive: a}
		for _, f := range a.Files {
			if f.Name == "scopes.yaml" {
				g.spec = f.Data
			}
		}
		if g.spec == nil {
			t.Fatalf("%s: no scopes.yaml", p)
		}
		out = append(out, g)
	}
	return out
}

func generate(t *testing.T, name string, data []byte, pkg string) []gen.File {
	t.Helper()
	return generateWith(t, name, data, gen.Options{Package: pkg})
}

// generateWith generates the package of spec data with options o.
func generateWith(t *testing.T, name string, data []byte, o gen.Options) []gen.File {
	t.Helper()
	f, err := spec.Parse(name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	files, err := gen.Generate(m, o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return files
}

// TestGolden compares the data files the generator prints for each golden
// spec, and its Markdown reference (SCOPES.md), with the files in its
// archive; the fixed files, the same for every spec, are tested as Go in
// gen/internal/core. Run go test ./gen -update to accept a change, then
// review the diff of testdata/golden.
func TestGolden(t *testing.T) {
	for _, g := range goldens(t) {
		t.Run(filepath.Base(g.path), func(t *testing.T) {
			var data []gen.File
			for _, f := range generateWith(t, "scopes.yaml", g.spec, gen.Options{Package: "scopes", Docs: "SCOPES.md"}) {
				if gen.IsData(f.Name) || f.Name == "SCOPES.md" {
					data = append(data, f)
				}
			}
			matchGolden(t, g.path, g.archive.Comment, g.spec, data)
		})
	}
}

// matchGolden compares generated files with the golden archive at path, whose
// first file is the spec scopes.yaml; with -update it rewrites the archive.
func matchGolden(t *testing.T, path string, comment, spec []byte, files []gen.File) {
	t.Helper()
	if *update {
		a := &txtar.Archive{Comment: comment, Files: []txtar.File{{Name: "scopes.yaml", Data: spec}}}
		for _, f := range files {
			a.Files = append(a.Files, txtar.File{Name: f.Name, Data: f.Content})
		}
		if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range a.Files {
		if f.Name != "scopes.yaml" {
			want[f.Name] = f.Data
		}
	}
	for _, f := range files {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("%s is generated but not in the archive; run go test ./gen -update", f.Name)
			continue
		}
		delete(want, f.Name)
		if !bytes.Equal(w, f.Content) {
			t.Errorf("%s differs from the golden file (go test ./gen -update to accept):\n%s", f.Name, textdiff.Unified(f.Name, f.Name, w, f.Content))
		}
	}
	for name := range want {
		t.Errorf("%s is in the archive but no longer generated", name)
	}
}

// TestOutputIsStable generates every spec several times: the bytes must not
// depend on map order or anything else that varies between runs.
func TestOutputIsStable(t *testing.T) {
	specs := map[string][]byte{}
	for _, g := range goldens(t) {
		specs[g.path] = g.spec
	}
	shipped, err := os.ReadFile("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs["shipped"] = shipped
	for name, data := range specs {
		first := generate(t, "scopes.yaml", data, "scopes")
		for range 5 {
			again := generate(t, "scopes.yaml", data, "scopes")
			for i := range first {
				if !bytes.Equal(first[i].Content, again[i].Content) {
					t.Fatalf("%s: %s differs between two runs", name, first[i].Name)
				}
			}
		}
		for _, f := range first {
			if !bytes.HasPrefix(f.Content, []byte("// "+gen.Header+"\n")) {
				t.Errorf("%s: %s does not start with the generated-code header", name, f.Name)
			}
		}
	}
}

func TestBadPackageName(t *testing.T) {
	shipped, _ := os.ReadFile("../spec/scopes.yaml")
	f, _ := spec.Parse("scopes.yaml", shipped)
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"", "1abc", "func", "a-b"} {
		if _, err := gen.Generate(m, gen.Options{Package: pkg}); err == nil || !strings.Contains(err.Error(), "-pkg") {
			t.Errorf("package %q: error %v, want one that says to pass -pkg", pkg, err)
		}
	}
}
