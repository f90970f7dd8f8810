// Command gen writes the specs and generated packages the benchmarks use, and
// the benchmark and agreement tests of each package. Run it from bench/:
//
//	go run ./internal/gen            # shipped/, api/ and big/
//	go run ./internal/gen -big=false # shipped/ and api/ only
//
// shipped/ is the checker of the shipped spec (../spec/scopes.yaml), api/ of a
// synthetic spec the size of a real API (specs/api.yaml: 300 endpoints, 120
// scopes), big/ of a synthetic spec of 10,000 endpoints and 2,000 scopes
// (specs/big.yaml). big/ and its spec are git-ignored: they are several
// megabytes, and this command writes them the same every time.
package main

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
	"github.com/scopegen/scopegen/internal/synth"
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
}

var targets = []target{
	{Pkg: "shipped", Spec: "../spec/scopes.yaml", Peers: true, Grants: 300},
	{Pkg: "api", Spec: "specs/api.yaml", Synth: &synth.Options{Endpoints: 300, Scopes: 120, Seed: 1}, Peers: true, Grants: 60},
	{Pkg: "big", Spec: "specs/big.yaml", Synth: &synth.Options{Endpoints: 10000, Scopes: 2000, Seed: 1}, Grants: 40, Big: true},
}

func main() {
	big := flag.Bool("big", true, "also write the 10,000-endpoint package big/")
	flag.Parse()
	if data, err := os.ReadFile("go.mod"); err != nil || !bytes.Contains(data, []byte("module github.com/scopegen/scopegen/bench\n")) {
		fail(fmt.Errorf("run this from the bench directory (go run ./internal/gen)"))
	}
	tmpl := template.Must(template.New("bench_test.go").Parse(testTemplate))
	for _, t := range targets {
		if t.Big && !*big {
			continue
		}
		if err := write(t, tmpl); err != nil {
			fail(fmt.Errorf("%s: %w", t.Pkg, err))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

func write(t target, tmpl *template.Template) error {
	if t.Synth != nil {
		if err := writeFile(t.Spec, synth.Spec(*t.Synth)); err != nil {
			return err
		}
	}
	m, err := model.Load(t.Spec)
	if err != nil {
		return err
	}
	if len(m.Warnings) > 0 {
		return fmt.Errorf("%s has warnings: %v", t.Spec, m.Warnings)
	}
	files, err := gen.Generate(m, gen.Options{Package: t.Pkg, Source: filepath.ToSlash(filepath.Join("..", t.Spec))})
	if err != nil {
		return err
	}
	// Files a previous scopegen generated and this one does not.
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
			os.Remove(path)
		}
	}
	if err := gen.Write(t.Pkg, files); err != nil {
		return err
	}
	var buf bytes.Buffer
	calls := peers.Scenarios(m)
	if err := tmpl.Execute(&buf, struct {
		target
		SpecFromPkg string
		Allowed     string
		Endpoints   int
		Scopes      int
	}{t, filepath.ToSlash(filepath.Join("..", t.Spec)), calls[0].GoName, len(m.Endpoints), len(m.Scopes)}); err != nil {
		return err
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return fmt.Errorf("bench_test.go: %w", err)
	}
	if err := writeFile(filepath.Join(t.Pkg, "bench_test.go"), src); err != nil {
		return err
	}
	fmt.Printf("gen: %s/ from %s: %d endpoints, %d scopes, %d files, %d bytes\n", t.Pkg, t.Spec, len(m.Endpoints), len(m.Scopes), len(files), size(files))
	return nil
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
