package main

import (
	"flag"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"strings"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
)

// generateFlags are the flags generate and check share.
type generateFlags struct {
	spec, out, pkg, docs string
	grpc                 grpcFlags
}

func (g *generateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.spec, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&g.out, "out", "generated", "the `dir`ectory of the generated package")
	fs.StringVar(&g.pkg, "pkg", "", "the Go package `name` of the generated files (default: the base name of -out)")
	g.grpc.register(fs)
	fs.StringVar(&g.docs, "docs", "SCOPES.md", "also write a Markdown reference of the spec into -out, under this file `name`; \"\" for none")
}

// parse parses the command line and settles the package name.
func (g *generateFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if g.out == "" {
		return usagef("-out is empty; pass the directory of the generated package")
	}
	if err := output.CheckDir(g.out); err != nil {
		return usagef("-out: %v", err)
	}
	from, fix := fmt.Sprintf("-pkg %q", g.pkg), "pass -pkg with another name, such as -pkg scopes"
	if g.pkg == "" {
		g.pkg = dirName(g.out)
		from, fix = fmt.Sprintf("the package name %q taken from -out %s", g.pkg, g.out), "pass -pkg NAME, such as -pkg scopes"
	}
	if problem := packageNameProblem(g.pkg); problem != "" {
		return usagef("%s is not a Go package name: it %s; %s", from, problem, fix)
	}
	if g.pkg == "main" && g.grpc.on {
		return usagef("%s cannot be used with -grpc: the gRPC adapter imports the generated package, and a main package cannot be imported; generate the checker into a package of its own (e.g. -out internal/scopes -pkg scopes) and import it from package main", from)
	}
	if g.docs != "" && (g.docs != filepath.Base(g.docs) || strings.HasSuffix(g.docs, ".go")) {
		return usagef("-docs %q is not a file name beside the code; use a name like SCOPES.md, or \"\" for no reference", g.docs)
	}
	return g.grpc.parse(fs, g.out, g.pkg)
}

// dirName is the base name of directory dir, of the current directory for
// ".", which Go programs use as its package name.
func dirName(dir string) string {
	dir = filepath.Clean(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // so that -out . names the current directory
	}
	return filepath.Base(dir)
}

// packageNameProblem says why name cannot name a package that scopegen
// generates, after "it", or returns "". main is fine for a package that no
// other imports; callers check that.
func packageNameProblem(name string) string {
	switch {
	case token.IsKeyword(name):
		return "is a Go keyword"
	case !token.IsIdentifier(name):
		return "is not a Go identifier (letters, digits and _, not starting with a digit)"
	case name == "_":
		return "is the blank identifier, which names no package"
	case name == "init":
		return "is init, under which Go cannot import a package"
	}
	return ""
}

// files loads the spec and renders the package, printing warnings to stderr.
func (g *generateFlags) files(stderr io.Writer) (*model.Model, []gen.File, error) {
	m, err := loadModel(g.spec)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range m.Warnings {
		fmt.Fprintln(stderr, oneLine(w.String()))
	}
	files, err := gen.Generate(m, gen.Options{Package: g.pkg, Source: relativeSource(g.spec, g.out), Docs: g.docs})
	if err != nil {
		return nil, nil, err
	}
	return m, files, g.grpc.generate(m, g.spec, g.pkg)
}

func runGenerate(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var g generateFlags
	g.register(fs)
	if err := g.parse(fs, args); err != nil {
		return err
	}
	m, files, err := g.files(stderr)
	if err != nil {
		return err
	}
	// One write for the checker and the adapter: all of their files land,
	// or none do.
	res, err := output.Write(append(inDir(g.out, files), inDir(g.grpc.out, g.grpc.files)...))
	if err != nil {
		return err
	}
	written := map[string]bool{}
	for _, p := range res.Written {
		written[p] = true
	}
	line := fmt.Sprintf("%s, %s, %s", dirSummary(g.out, files, written), count(len(m.Scopes), "scope"), count(len(m.Endpoints), "endpoint"))
	if g.grpc.on {
		line += "; gRPC adapter " + dirSummary(g.grpc.out, g.grpc.files, written)
	}
	fmt.Fprintln(stdout, line)
	return nil
}

// dirSummary says what generate did in dir: that it wrote all of files, or
// which of them it wrote, in the order gen gives them (by name), or that all
// were up to date.
func dirSummary(dir string, files []gen.File, written map[string]bool) string {
	var names []string
	for _, f := range files {
		if written[filepath.Join(dir, f.Name)] {
			names = append(names, f.Name)
		}
	}
	shown := filepath.ToSlash(filepath.Clean(dir))
	if !strings.HasSuffix(shown, "/") {
		shown += "/"
	}
	switch len(names) {
	case 0:
		return fmt.Sprintf("%s: %s up to date", shown, count(len(files), "file"))
	case len(files):
		return fmt.Sprintf("%s: wrote %s", shown, count(len(files), "file"))
	}
	return fmt.Sprintf("%s: wrote %s (%s)", shown, strings.Join(names, ", "), count(len(files), "file"))
}

// count is n and the noun, plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// inDir places generated files in dir.
func inDir(dir string, files []gen.File) []output.File {
	out := make([]output.File, len(files))
	for i, f := range files {
		out[i] = output.File{Path: filepath.Join(dir, f.Name), Content: f.Content}
	}
	return out
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
