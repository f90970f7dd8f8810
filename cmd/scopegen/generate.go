package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
)

// generateFlags are the flags generate and check share.
type generateFlags struct {
	spec, out, pkg string
}

func (g *generateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.spec, "spec", "spec/scopes.yaml", "the spec to compile")
	fs.StringVar(&g.out, "out", "generated", "the directory of the generated package")
	fs.StringVar(&g.pkg, "pkg", "", "the Go package name (default: the base name of -out)")
}

// files loads the spec and renders the package, printing warnings to stderr.
func (g *generateFlags) files(stderr io.Writer) ([]gen.File, error) {
	m, err := model.Load(g.spec)
	if err != nil {
		return nil, err
	}
	for _, w := range m.Warnings {
		fmt.Fprintln(stderr, w)
	}
	pkg := g.pkg
	if pkg == "" {
		pkg = filepath.Base(filepath.Clean(g.out))
	}
	return gen.Generate(m, gen.Options{Package: pkg, Source: relativeSource(g.spec, g.out)})
}

// relativeSource is the spec's path as seen from the output directory, with
// forward slashes: the same on every machine and from every working directory.
func relativeSource(spec, out string) string {
	as, err1 := filepath.Abs(spec)
	ao, err2 := filepath.Abs(out)
	if err1 != nil || err2 != nil {
		return filepath.Base(spec)
	}
	rel, err := filepath.Rel(ao, as)
	if err != nil {
		return filepath.Base(spec)
	}
	return filepath.ToSlash(rel)
}
