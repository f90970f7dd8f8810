package gen_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
	"github.com/scopegen/scopegen/internal/spec"
)

// The gRPC adapter imports gRPC and protobuf, which the scopegen module does
// not require: these tests only compare and parse its source. The examples
// module (examples/) compiles it, and runs it on a real gRPC server.

func grpcModel(t *testing.T, name string, data []byte) *model.Model {
	t.Helper()
	f, err := spec.Parse(name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func generateGRPC(t *testing.T, m *model.Model, opts gen.GRPCOptions) []gen.File {
	t.Helper()
	files, err := gen.GenerateGRPC(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goldenOptions are the options of the adapters of testdata/golden-grpc.
var goldenOptions = gen.GRPCOptions{Package: "scopesgrpc", Core: "example.com/scopes", CorePackage: "scopes"}

// TestGoldenGRPC compares the adapter generated for each spec of
// testdata/golden-grpc with the files of its archive. Run go test ./gen
// -update to accept a change, then review the diff.
func TestGoldenGRPC(t *testing.T) {
	paths, err := filepath.Glob("../testdata/golden-grpc/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Files) == 0 || a.Files[0].Name != "scopes.yaml" {
				t.Fatal("the archive does not start with scopes.yaml")
			}
			data := a.Files[0].Data
			files := generateGRPC(t, grpcModel(t, "scopes.yaml", data), goldenOptions)
			matchGolden(t, path, a.Comment, data, files)
		})
	}
}

// TestGRPCInSync fails when the generated packages of the examples module
// are not what the generator makes today: run go generate ./... in examples.
func TestGRPCInSync(t *testing.T) {
	for _, tc := range []struct {
		spec, dir string
		opts      gen.GRPCOptions
		core      *gen.Options // the checker too, when the examples module holds it
		coreDir   string
	}{
		{
			spec: "../spec/scopes.yaml",
			dir:  "../examples/clarifai/generatedgrpc",
			opts: gen.GRPCOptions{Package: "generatedgrpc", Core: "github.com/scopegen/scopegen/generated", CorePackage: "generated", Source: "../../../spec/scopes.yaml"},
		},
		{
			spec:    "../examples/testdata/scopes.yaml",
			dir:     "../examples/internal/testscopes/testscopesgrpc",
			opts:    gen.GRPCOptions{Package: "testscopesgrpc", Core: "github.com/scopegen/scopegen/examples/internal/testscopes", CorePackage: "testscopes", Source: "../../../testdata/scopes.yaml"},
			core:    &gen.Options{Package: "testscopes", Source: "../../testdata/scopes.yaml"},
			coreDir: "../examples/internal/testscopes",
		},
	} {
		m, err := model.Load(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Warnings) > 0 {
			t.Errorf("%s has warnings: %v", tc.spec, m.Warnings)
		}
		check := func(dir string, files []gen.File) {
			var code []output.File
			for _, f := range files {
				if strings.HasSuffix(f.Name, ".go") {
					code = append(code, output.File{Path: filepath.Join(dir, f.Name), Content: f.Content})
				}
			}
			diff, err := output.Stale(code)
			if err != nil {
				t.Fatal(err)
			}
			if diff != "" {
				t.Errorf("%s is stale; run go generate ./... in examples:\n%s", dir, diff)
			}
		}
		check(tc.dir, generateGRPC(t, m, tc.opts))
		if tc.core != nil {
			files, err := gen.Generate(m, *tc.core)
			if err != nil {
				t.Fatal(err)
			}
			check(tc.coreDir, files)
		}
	}
}

// parseAdapter parses the generated files of an adapter.
func parseAdapter(t *testing.T, files []gen.File) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	var out []*ast.File
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Content, parser.ParseComments)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, af)
	}
	return fset, out
}

// locals returns the names the functions of files declare: parameters,
// results, receivers and variables.
func locals(files []*ast.File) map[string]bool {
	names := map[string]bool{}
	addFields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				names[n.Name] = true
			}
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			addFields(fn.Recv)
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncType:
					addFields(n.Params)
					addFields(n.Results)
				case *ast.AssignStmt:
					if n.Tok == token.DEFINE {
						for _, l := range n.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								names[id.Name] = true
							}
						}
					}
				case *ast.RangeStmt:
					for _, e := range []ast.Expr{n.Key, n.Value} {
						if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
							names[id.Name] = true
						}
					}
				case *ast.ValueSpec:
					for _, id := range n.Names {
						names[id.Name] = true
					}
				}
				return true
			})
		}
	}
	delete(names, "_")
	return names
}

// TestGRPCLocals: every name the adapter declares in a function is in the
// generator's list, so that a checker package of that name is imported under
// another; and with such a name the adapter still refers to the checker by
// a name no local hides.
func TestGRPCLocals(t *testing.T) {
	shipped, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, files := parseAdapter(t, generateGRPC(t, shipped, goldenOptions))
	names := locals(files)
	for name := range names {
		opts := gen.GRPCOptions{Package: "adapter", Core: "example.com/" + name, CorePackage: name}
		_, files := parseAdapter(t, generateGRPC(t, shipped, opts))
		for _, f := range files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path == opts.Core && (imp.Name == nil || imp.Name.Name == name) {
					t.Errorf("a checker package named %s is imported as %s, which a local hides; add it to grpcLocals", name, name)
				}
			}
		}
	}
}

// TestGRPCImports: the adapter imports the standard library, gRPC, protobuf,
// errdetails and the checker, each under a distinct name, whatever the
// checker's name.
func TestGRPCImports(t *testing.T) {
	shipped, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{
		"google.golang.org/grpc", "google.golang.org/grpc/codes", "google.golang.org/grpc/status", "google.golang.org/grpc/metadata",
		"google.golang.org/protobuf/proto", "google.golang.org/protobuf/reflect/protoreflect", "google.golang.org/genproto/googleapis/rpc/errdetails",
	}
	for _, core := range []string{"scopes", "status", "grpc", "strings", "context", "proto"} {
		opts := gen.GRPCOptions{Package: "adapter", Core: "example.com/x/" + core, CorePackage: core}
		_, files := parseAdapter(t, generateGRPC(t, shipped, opts))
		for _, f := range files {
			seen := map[string]string{}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				if other, ok := seen[name]; ok {
					t.Errorf("checker %s: %s and %s are both imported as %s", core, other, path, name)
				}
				seen[name] = path
				if path != opts.Core && strings.Contains(strings.SplitN(path, "/", 2)[0], ".") && !slices.Contains(allowed, path) {
					t.Errorf("checker %s: the adapter imports %s", core, path)
				}
			}
		}
	}
}

func TestGRPCOptionErrors(t *testing.T) {
	shipped, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts gen.GRPCOptions
		want string
	}{
		{gen.GRPCOptions{Package: "func", Core: "example.com/scopes"}, "not a Go identifier"},
		{gen.GRPCOptions{Package: "a-b", Core: "example.com/scopes"}, "not a Go identifier"},
		{gen.GRPCOptions{Package: "scopesgrpc"}, "-import-path"},
		{gen.GRPCOptions{Package: "scopesgrpc", Core: "example.com/a b"}, "-import-path"},
		{gen.GRPCOptions{Package: "scopesgrpc", Core: "example.com/my-scopes"}, "checker package name"},
		{gen.GRPCOptions{Package: "scopes", Core: "example.com/scopes"}, "both package scopes"},
	} {
		if _, err := gen.GenerateGRPC(shipped, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one that says %q", tc.opts, err, tc.want)
		}
	}
}

// TestGRPCStable generates each adapter several times: the bytes must not
// vary between runs.
func TestGRPCStable(t *testing.T) {
	for _, path := range []string{"../spec/scopes.yaml", "../examples/testdata/scopes.yaml"} {
		m, err := model.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		first := generateGRPC(t, m, goldenOptions)
		for range 5 {
			again := generateGRPC(t, m, goldenOptions)
			for i := range first {
				if !bytes.Equal(first[i].Content, again[i].Content) {
					t.Fatalf("%s: %s differs between two runs", path, first[i].Name)
				}
			}
		}
		for _, f := range first {
			if !bytes.HasPrefix(f.Content, []byte("// "+gen.Header+"\n")) {
				t.Errorf("%s: %s does not start with the generated-code header", path, f.Name)
			}
		}
	}
}
