package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
)

// grpcFlags are the flags of the gRPC adapter, which generate and check share.
type grpcFlags struct {
	on         bool
	out        string // the adapter's directory
	pkg        string // its package name: the base name of out
	importPath string // the import path of the checker package
	files      []gen.File
}

func (g *grpcFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&g.on, "grpc", false, "also write a gRPC adapter of the package (server interceptors and response redaction) into a package of its own; "+
		"it imports google.golang.org/grpc and google.golang.org/protobuf, the checker still only the standard library")
	fs.StringVar(&g.out, "grpc-out", "", "the `dir`ectory of the gRPC adapter; its package name is the directory's base name (default: PKGgrpc inside -out)")
	fs.StringVar(&g.importPath, "import-path", "", "the import `path` of the generated package, which the gRPC adapter imports (default: the module path in the nearest go.mod above -out, and the directory below it)")
}

// parse settles the adapter's directory, package and import path, after the
// generate flags are parsed.
func (g *grpcFlags) parse(fs *flag.FlagSet, out, pkg string) error {
	if !g.on {
		for _, name := range []string{"grpc-out", "import-path"} {
			if isSet(fs, name) {
				return usagef("-%s is a flag of the gRPC adapter; add -grpc", name)
			}
		}
		return nil
	}
	if g.out == "" {
		g.out = filepath.Join(out, pkg+"grpc")
	}
	if err := output.CheckDir(g.out); err != nil {
		return usagef("-grpc-out: %v", err)
	}
	g.pkg = dirName(g.out)
	from := fmt.Sprintf("the gRPC adapter's package name %q taken from -grpc-out %s", g.pkg, g.out)
	if problem := packageNameProblem(g.pkg); problem != "" {
		return usagef("%s is not a Go package name: it %s; choose another directory", from, problem)
	}
	if g.pkg == "main" {
		return usagef("%s cannot be main: the server imports the adapter, and a main package cannot be imported; choose another directory", from)
	}
	if g.pkg == pkg {
		return usagef("the gRPC adapter's package name %q is the generated package's; choose another -grpc-out", g.pkg)
	}
	if g.importPath == "" {
		p, err := importPath(out)
		if err != nil {
			return usagef("%v; pass -import-path with the import path of the package in -out", err)
		}
		g.importPath = p
	}
	return nil
}

// generate renders the adapter of m; pkg is the checker's package name.
func (g *grpcFlags) generate(m *model.Model, spec, pkg string) error {
	if !g.on {
		return nil
	}
	files, err := gen.GenerateGRPC(m, gen.GRPCOptions{
		Package:     g.pkg,
		Core:        g.importPath,
		CorePackage: pkg,
		Source:      relativeSource(spec, g.out),
	})
	g.files = files
	return err
}

// args are the adapter's flags, for the command that regenerates it, each
// value quoted for a POSIX shell where it needs it.
func (g *grpcFlags) args(fs *flag.FlagSet) string {
	if !g.on {
		return ""
	}
	s := " -grpc"
	if isSet(fs, "grpc-out") {
		s += " -grpc-out " + shellQuote(g.out)
	}
	if isSet(fs, "import-path") {
		s += " -import-path " + shellQuote(g.importPath)
	}
	return s
}

// importPath returns the import path of the package in dir: the module path of
// the nearest go.mod at or above dir, joined with dir's path below it.
func importPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for root := abs; ; {
		data, err := os.ReadFile(filepath.Join(root, "go.mod"))
		switch {
		case err == nil:
			mod := modulePath(data)
			if mod == "" {
				return "", fmt.Errorf("%s has no module line", filepath.Join(root, "go.mod"))
			}
			rel, err := filepath.Rel(root, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return mod, nil
			}
			return mod + "/" + filepath.ToSlash(rel), nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod in %s or above it, to take the import path of the generated package from", dir)
		}
		root = parent
	}
}

// modulePath returns the path of the module line of a go.mod file, or "".
func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != "module" {
			continue
		}
		if p, err := strconv.Unquote(f[1]); err == nil {
			return p
		}
		return f[1]
	}
	return ""
}
