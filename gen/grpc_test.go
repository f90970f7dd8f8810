package gen_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
	"github.com/scopegen/scopegen/internal/spec"
)

// The gRPC adapter is glue over package scopegrpc: these tests compare and
// parse its source; TestEndToEnd compiles it, and scopegrpc's own tests run
// it on a real gRPC server.

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

// TestGRPCInSync fails when the committed glue of the examples module, or the
// checker and glue of scopegrpc's tests, are not what the generator makes
// today: run the go generate command it names.
func TestGRPCInSync(t *testing.T) {
	for _, tc := range []struct {
		spec, dir string
		opts      gen.GRPCOptions
		core      *gen.Options // the checker too, when it is a test fixture
		coreDir   string
		regen     string // the command that regenerates them
	}{
		{
			spec:  "../spec/scopes.yaml",
			dir:   "../examples/clarifai/generatedgrpc",
			opts:  gen.GRPCOptions{Package: "generatedgrpc", Core: "github.com/scopegen/scopegen/generated", CorePackage: "generated", Source: "../../../spec/scopes.yaml"},
			regen: "cd examples && go generate ./clarifai/generatedgrpc",
		},
		{
			spec:    "../internal/testonly/testdata/scopes.yaml",
			dir:     "../internal/testonly/testscopes/testscopesgrpc",
			opts:    gen.GRPCOptions{Package: "testscopesgrpc", Core: "github.com/scopegen/scopegen/internal/testonly/testscopes", CorePackage: "testscopes", Source: "../../testdata/scopes.yaml"},
			core:    &gen.Options{Package: "testscopes", Source: "../testdata/scopes.yaml"},
			coreDir: "../internal/testonly/testscopes",
			regen:   "go generate ./internal/testonly/testscopes",
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
				t.Errorf("%s is stale; run %s:\n%s", dir, tc.regen, diff)
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

// TestGRPCGlueNames: every name the glue declares in a function or imports,
// besides the checker, is in the generator's list, so that a checker package
// of that name is imported under another. TestEndToEnd compiles the glue of
// a checker of each listed name.
func TestGRPCGlueNames(t *testing.T) {
	shipped, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	names := map[string]bool{}
	for _, f := range generateGRPC(t, shipped, goldenOptions) {
		af, err := parser.ParseFile(fset, f.Name, f.Content, 0)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path != goldenOptions.Core {
				names[path[strings.LastIndex(path, "/")+1:]] = true
			}
		}
		for _, d := range af.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			for _, fl := range []*ast.FieldList{fn.Type.Params, fn.Type.Results} {
				if fl == nil {
					continue
				}
				for _, field := range fl.List {
					for _, id := range field.Names {
						names[id.Name] = true
					}
				}
			}
		}
	}
	for name := range names {
		if !gen.GlueNames()[name] {
			t.Errorf("the glue declares or imports %s, which is not in glueNames: a checker package of that name would be hidden", name)
		}
	}
	if len(names) == 0 {
		t.Fatal("found no names in the glue")
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
		{gen.GRPCOptions{Package: "scopesgrpc", Core: "example.com/cmd/main", CorePackage: "main"}, "package main"},
		{gen.GRPCOptions{Package: "_", Core: "example.com/scopes"}, "cannot be imported"},
		{gen.GRPCOptions{Package: "scopesgrpc", Core: "example.com/init"}, "cannot be imported"},
	} {
		if _, err := gen.GenerateGRPC(shipped, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one that says %q", tc.opts, err, tc.want)
		}
	}
}

// TestGRPCStable generates each adapter several times: the bytes must not
// vary between runs.
func TestGRPCStable(t *testing.T) {
	for _, path := range []string{"../spec/scopes.yaml", "../internal/testonly/testdata/scopes.yaml"} {
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
