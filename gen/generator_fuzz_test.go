package gen_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/cases"
	"github.com/scopegen/scopegen/internal/testonly/synth"
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

// randomSpecSizes are the specs TestRandomSpecsCompile builds: sizes from one
// scope to hundreds of scopes and endpoints, with ids in one word, past 64,
// past 1,000 and up to model.MaxScopeID.
var randomSpecSizes = []randSpecOptions{
	{Scopes: 1, Endpoints: 1, IDs: 1},
	{Scopes: 5, Endpoints: 0, IDs: 64},
	{Scopes: 30, Endpoints: 12, IDs: 130},
	{Scopes: 80, Endpoints: 60, IDs: 1000},
	{Scopes: 200, Endpoints: 300, IDs: 5000},
	{Scopes: 100, Endpoints: 150, IDs: model.MaxScopeID},
}

// TestRandomSpecsCompile generates a package for each of randomSpecSizes
// (seeds from -randseed) and for a synthetic spec (internal/synth), in one
// temporary module to share the build, and
// runs go vet and go test on it: testdata/e2e/check_test.go compares the
// checker with the reference on random grants, and generated/properties_test.go
// and generated/fuzz_test.go (seeds only) check the properties of any checker.
func TestRandomSpecsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated packages with the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	driver, err := os.ReadFile("../testdata/e2e/check_test.go")
	if err != nil {
		t.Fatal(err)
	}
	generic := map[string][]byte{}
	for _, name := range []string{"properties_test.go", "fuzz_test.go"} {
		data, err := os.ReadFile(filepath.Join("../generated", name))
		if err != nil {
			t.Fatal(err)
		}
		generic[name] = data
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module example.com/random\n\ngo 1.24\n"))
	driverPkg := regexp.MustCompile(`(?m)^package scopes$`)
	specs := make([][]byte, len(randomSpecSizes))
	for i, o := range randomSpecSizes {
		o.Seed = *randSeed + uint64(i)
		specs[i] = randSpec(o)
	}
	// And a synthetic spec shaped like a real API (internal/synth).
	specs = append(specs, synth.Spec(synth.Options{Endpoints: 120, Scopes: 90, Seed: *randSeed}))
	// And the lookups no random spec reaches: names that differ in three
	// places far apart (a hash of four windows), and in five (of the whole
	// name).
	var four, whole []string
	for _, a := range []string{"Aa", "Bb", "Cc"} {
		for _, b := range []string{"Xx", "Yy", "Zz"} {
			for _, c := range []string{"Pp", "Qq"} {
				four = append(four, "/pkg.Service/"+a+"MiddleOfTheName"+b+"MoreOfTheNameHere"+c+"EndOfTheName")
				for _, d := range []string{"Kk", "Ll"} {
					whole = append(whole, "/pkg.Service/"+a+"MiddleOfTheName"+b+"MoreOfTheNameHere"+c+"AndTheRestOfIt"+d+"TheEndOfTheName")
				}
			}
		}
	}
	// And names that differ only in the middle of long names while the
	// shortest name is short (a window counted from the middle).
	middle := []string{"/svc.S/ShortName1"}
	for i := range 40 {
		middle = append(middle, fmt.Sprintf("/svc.S/GetLongLongLongWith%02dThingsAndMoreOfTheSame", i))
	}
	shapes := map[int]string{len(specs): "), 13) ^", len(specs) + 1: "for i := ", len(specs) + 2: "fullMethod[n>>1"}
	specs = append(specs, methodsSpec(four), methodsSpec(whole), methodsSpec(middle))
	for i, src := range specs {
		seed := *randSeed + uint64(i)
		pkg := fmt.Sprintf("p%d", i)
		m, files := checkGenerated(t, src, pkg)
		if shape, ok := shapes[i]; ok {
			for _, f := range files {
				if f.Name == "lookup.go" && !bytes.Contains(f.Content, []byte(shape)) {
					t.Fatalf("%s: lookup.go has no %q:\n%s", pkg, shape, f.Content)
				}
			}
		}
		t.Logf("%s: seed %d, %d scopes (max id %d, %d words), %d endpoints, %d bytes of spec", pkg, seed, len(m.Scopes), m.MaxID, m.Words, len(m.Endpoints), len(src))
		write(filepath.Join(pkg, "scopes.yaml"), src)
		for _, f := range files {
			write(filepath.Join(pkg, f.Name), f.Content)
		}
		suite, err := json.Marshal(cases.Build(m, seed, 200))
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(pkg, "cases.json"), suite)
		write(filepath.Join(pkg, "check_test.go"), driverPkg.ReplaceAll(driver, []byte("package "+pkg)))
		for name, data := range generic {
			data = bytes.Replace(data, []byte("package generated_test"), []byte("package "+pkg+"_test"), 1)
			data = bytes.Replace(data, []byte(`"github.com/scopegen/scopegen/generated"`), []byte(`"example.com/random/`+pkg+`"`), 1)
			write(filepath.Join(pkg, name), data)
		}
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s\npackage pN is the spec of seed %d+N (the last one synth's); reproduce with go test ./gen -run TestRandomSpecsCompile -randseed %d", strings.Join(args, " "), err, out, *randSeed, *randSeed)
		}
	}
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
