package gen_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"sync"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

var randSeed = flag.Uint64("randseed", 1, "first seed of the random specs TestRandomSpecsCompile builds")

// stdImporter type-checks generated packages against the standard library's
// export data; one for the process, since it caches what it loads.
var stdImporter = sync.OnceValue(func() types.Importer { return importer.ForCompiler(token.NewFileSet(), "gc", nil) })

// typeCheck parses and type-checks the Go files of one generated package in
// process: what go build would reject, without running it.
func typeCheck(files []gen.File) error {
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		pf, err := parser.ParseFile(fset, f.Name, f.Content, parser.ParseComments)
		if err != nil {
			return err
		}
		parsed = append(parsed, pf)
	}
	conf := types.Config{Importer: stdImporter()}
	_, err := conf.Check("example.com/scopes", fset, parsed, nil)
	return err
}

// checkGenerated checks the in-process properties of the package generated
// from a valid spec: it builds, generates twice the same gofmt'ed files with
// the header, and type-checks.
func checkGenerated(t *testing.T, src []byte, pkg string) (*model.Model, []gen.File) {
	t.Helper()
	f, err := spec.Parse("scopes.yaml", src)
	if err != nil {
		t.Fatalf("a random valid spec does not parse:\n%v\n%s", err, src)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatalf("a random valid spec does not build:\n%v\n%s", err, src)
	}
	files, err := gen.Generate(m, gen.Options{Package: pkg})
	if err != nil {
		t.Fatalf("Generate: %v\n%s", err, src)
	}
	again, err := gen.Generate(m, gen.Options{Package: pkg})
	if err != nil || len(again) != len(files) {
		t.Fatalf("a second Generate differs: %v", err)
	}
	for i, file := range files {
		if !bytes.Equal(file.Content, again[i].Content) {
			t.Fatalf("%s differs between two runs", file.Name)
		}
		if !strings.HasSuffix(file.Name, ".go") {
			continue
		}
		if !bytes.HasPrefix(file.Content, []byte("// "+gen.Header+"\n")) {
			t.Errorf("%s does not start with the header", file.Name)
		}
		if formatted, err := format.Source(file.Content); err != nil || !bytes.Equal(formatted, file.Content) {
			t.Errorf("%s is not gofmt'ed: %v", file.Name, err)
		}
	}
	if err := typeCheck(files); err != nil {
		t.Fatalf("the generated package does not type-check: %v\nspec:\n%s", err, src)
	}
	return m, files
}

// FuzzGenerate generates the package of a random valid spec (see randSpec)
// and checks, in process, that it type-checks, is gofmt'ed and deterministic.
// TestRandomSpecsCompile runs the go command on some of them: go vet, and
// the checker against the reference.
//
//	go test ./gen -run '^$' -fuzz '^FuzzGenerate$' -fuzztime 30s
func FuzzGenerate(f *testing.F) {
	f.Add(uint64(1), uint16(3), uint16(2), uint16(64))
	f.Add(uint64(2), uint16(40), uint16(37), uint16(200))
	f.Add(uint64(3), uint16(70), uint16(0), uint16(1000))
	f.Add(uint64(4), uint16(1), uint16(1), uint16(model.MaxScopeID))
	f.Add(uint64(5), uint16(120), uint16(90), uint16(model.MaxScopeID))
	f.Fuzz(func(t *testing.T, seed uint64, scopes, endpoints, ids uint16) {
		o := randSpecOptions{Seed: seed, Scopes: 1 + int(scopes)%200, Endpoints: int(endpoints) % 200, IDs: int(ids) % (model.MaxScopeID + 1)}
		checkGenerated(t, randSpec(o), "scopes")
	})
}

// methodsSpec is a spec of one scope that every one of methods requires.
func methodsSpec(methods []string) []byte {
	var b strings.Builder
	b.WriteString("scopegen: 1\noutcomes:\n")
	b.WriteString("  insufficient_scopes: {code: 11007, status: CONN_INSUFFICIENT_SCOPES, grpc: PERMISSION_DENIED, message: the key lacks the scopes this call needs}\n")
	b.WriteString("  key_invalid: {code: 11008, status: CONN_KEY_INVALID, grpc: UNAUTHENTICATED, message: the key is invalid}\n")
	b.WriteString("  key_not_found: {code: 11009, status: CONN_KEY_NOT_FOUND, grpc: UNAUTHENTICATED, message: the key was not found}\n")
	b.WriteString("  unknown_endpoint: {code: 11101, status: CONN_DOES_NOT_EXIST, grpc: NOT_FOUND, message: the endpoint does not exist}\n")
	b.WriteString("defaults:\n  principals: [app_key]\nscopes:\n  - {name: \"Things:Get\", id: 1, description: Read things.}\nendpoints:\n")
	for _, m := range methods {
		fmt.Fprintf(&b, "  - {method: %s, requires: [\"Things:Get\"]}\n", m)
	}
	return []byte(b.String())
}
