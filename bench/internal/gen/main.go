// Command gen writes the specs and generated packages the benchmarks use, and
// the benchmark and agreement tests of each package. Run it from bench/:
//
//	go run ./internal/gen            # shipped/, api/ and big/
//	go run ./internal/gen -big=false # shipped/ and api/ only
//	go run ./internal/gen -check     # exit 1 if shipped/ or api/ is stale
//
// shipped/ is the checker of the shipped spec (../spec/scopes.yaml), api/ of a
// synthetic spec the size of a real API (specs/api.yaml: 300 endpoints, 120
// scopes), big/ of a synthetic spec of 10,000 endpoints and 2,000 scopes
// (specs/big.yaml). big/ and its spec are git-ignored: they are several
// megabytes, and this command writes them the same every time.
package main

//go:generate go -C ../.. run ./internal/gen -big=false

import (
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"text/template"

	"github.com/scopegen/scopegen/bench/internal/peers"
	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

//go:embed bench_test.go.tmpl
var testTemplate string

// target is one generated package.
type target struct {
	Pkg    string         // package name and directory
	Spec   string         // the spec, relative to bench/
	Synth  *synth.Options // how to write the spec; nil: it exists
	Peers  bool           // benchmark casbin and OPA too
	Grants int            // random grants in the agreement test
	Big    bool
	// Middleware: benchmark scopehttp's middleware over loopback too.
	Middleware bool
}

var targets = []target{
	{Pkg: "shipped", Spec: "../spec/scopes.yaml", Peers: true, Grants: 300},
	{Pkg: "api", Spec: "specs/api.yaml", Synth: &synth.Options{Endpoints: 300, Scopes: 120, Seed: 1}, Peers: true, Grants: 60, Middleware: true},
	{Pkg: "big", Spec: "specs/big.yaml", Synth: &synth.Options{Endpoints: 10000, Scopes: 2000, Seed: 1}, Grants: 40, Big: true},
}

func main() {
	big := flag.Bool("big", true, "also write the 10,000-endpoint package big/")
	check := flag.Bool("check", false, "write nothing; exit 1 with the stale files' names if the committed packages (shipped/ and api/) differ from what this command writes")
	flag.Parse()
	if data, err := os.ReadFile("go.mod"); err != nil || !bytes.Contains(data, []byte("module github.com/scopegen/scopegen/bench\n")) {
		fail(fmt.Errorf("run this from the bench directory (go run ./internal/gen)"))
	}
	tmpl := template.Must(template.New("bench_test.go").Parse(testTemplate))
	stale := 0
	for _, t := range targets {
		if t.Big && (!*big || *check) {
			continue
		}
		if *check {
			paths, err := staleFiles(t, tmpl)
			if err != nil {
				fail(fmt.Errorf("%s: %w", t.Pkg, err))
			}
			for _, p := range paths {
				fmt.Fprintf(os.Stderr, "gen: %s is stale\n", p)
			}
			stale += len(paths)
			continue
		}
		if err := write(t, tmpl); err != nil {
			fail(fmt.Errorf("%s: %w", t.Pkg, err))
		}
	}
	if stale > 0 {
		fail(fmt.Errorf("%d stale files; run go run ./internal/gen in bench/ and commit the result", stale))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// output is one file this command writes.
type output struct {
	path string
	data []byte
}

// outputs renders the spec (when synthetic), the generated package and its
// bench_test.go for t, and lists the files of t.Pkg that a previous scopegen
// generated and this one does not.
func outputs(t target, tmpl *template.Template) (out []output, remove []string, summary string, err error) {
	var specData []byte
	if t.Synth != nil {
		specData = synth.Spec(*t.Synth)
		out = append(out, output{t.Spec, specData})
	} else if specData, err = os.ReadFile(t.Spec); err != nil {
		return nil, nil, "", err
	}
	f, err := spec.Parse(t.Spec, specData)
	if err != nil {
		return nil, nil, "", err
	}
	m, err := model.Build(f)
	if err != nil {
		return nil, nil, "", err
	}
	if len(m.Warnings) > 0 {
		return nil, nil, "", fmt.Errorf("%s has warnings: %v", t.Spec, m.Warnings)
	}
	files, err := gen.Generate(m, gen.Options{Package: t.Pkg, Source: filepath.ToSlash(filepath.Join("..", t.Spec))})
	if err != nil {
		return nil, nil, "", err
	}
	for _, f := range files {
		out = append(out, output{filepath.Join(t.Pkg, f.Name), f.Content})
	}
	old, _ := filepath.Glob(filepath.Join(t.Pkg, "*.go"))
	for _, path := range old {
		data, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(data, []byte("// "+gen.Header)) {
			continue
		}
		keep := false
		for _, f := range files {
			keep = keep || f.Name == filepath.Base(path)
		}
		if !keep {
			remove = append(remove, path)
		}
	}
	var buf bytes.Buffer
	calls := peers.Scenarios(m)
	if err := tmpl.Execute(&buf, struct {
		target
		SpecFromPkg string
		Allowed     string
		Endpoints   int
		Scopes      int
		Routes      bool // the spec has HTTP bindings
	}{t, filepath.ToSlash(filepath.Join("..", t.Spec)), calls[0].GoName, len(m.Endpoints), len(m.Scopes), hasBindings(m)}); err != nil {
		return nil, nil, "", err
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, nil, "", fmt.Errorf("bench_test.go: %w", err)
	}
	out = append(out, output{filepath.Join(t.Pkg, "bench_test.go"), src})
	summary = fmt.Sprintf("gen: %s/ from %s: %d endpoints, %d scopes, %d files, %d bytes", t.Pkg, t.Spec, len(m.Endpoints), len(m.Scopes), len(files), size(files))
	return out, remove, summary, nil
}

func write(t target, tmpl *template.Template) error {
	out, remove, summary, err := outputs(t, tmpl)
	if err != nil {
		return err
	}
	for _, path := range remove {
		os.Remove(path)
	}
	for _, o := range out {
		if err := writeFile(o.path, o.data); err != nil {
			return err
		}
	}
	fmt.Println(summary)
	return nil
}

// staleFiles lists the files of t that differ from what write would write.
func staleFiles(t target, tmpl *template.Template) ([]string, error) {
	out, remove, _, err := outputs(t, tmpl)
	if err != nil {
		return nil, err
	}
	stale := remove
	for _, o := range out {
		if old, err := os.ReadFile(o.path); err != nil || !bytes.Equal(old, o.data) {
			stale = append(stale, o.path)
		}
	}
	return stale, nil
}

func hasBindings(m *model.Model) bool {
	for _, e := range m.Endpoints {
		if len(e.HTTP) > 0 {
			return true
		}
	}
	return false
}

func size(files []gen.File) int {
	n := 0
	for _, f := range files {
		n += len(f.Content)
	}
	return n
}

// writeFile writes data to path unless it already holds it.
func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
