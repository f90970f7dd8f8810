package gen_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/cases"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

// randomSpecSizes are the random specs TestEndToEnd builds: sizes from one
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

// e2e is one temporary module holding every package the end-to-end test
// builds, so that one go vet and one go test build them all, sharing the
// work: the checkers of the golden specs, the shipped spec and random specs,
// each with testdata/e2e/check_test.go (the checker against the reference on
// random grants) and generated/properties_test.go and fuzz_test.go (the
// properties of any checker), and gRPC adapters over some of them.
type e2e struct {
	t      *testing.T
	dir    string
	driver []byte
	shared map[string][]byte // properties_test.go and fuzz_test.go of package generated
	cores  []string          // the import paths of the checkers, which must import only the standard library
}

func newE2E(t *testing.T) *e2e {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	driver, err := os.ReadFile("../testdata/e2e/check_test.go")
	if err != nil {
		t.Fatal(err)
	}
	// One directory per checkout, always the same: the go command keys what
	// it caches by the package's directory, so that a package that did not
	// change is neither rebuilt nor retested on the next run.
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("scopegen-e2e-%x", sha256.Sum256([]byte(root)))[:len("scopegen-e2e-")+12])
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	e := &e2e{t: t, dir: dir, driver: driver, shared: map[string][]byte{}}
	for _, name := range []string{"properties_test.go", "fuzz_test.go"} {
		data, err := os.ReadFile(filepath.Join("../generated", name))
		if err != nil {
			t.Fatal(err)
		}
		e.shared[name] = data
	}
	e.write("go.mod", fmt.Appendf(nil, "module example.com/e2e\n\ngo 1.24\n\nrequire github.com/scopegen/scopegen v0.0.0\n\nreplace github.com/scopegen/scopegen => %s\n", filepath.ToSlash(root)))
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	e.write("go.sum", sum)
	return e
}

func (e *e2e) write(name string, data []byte) {
	path := filepath.Join(e.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

var driverPackage = regexp.MustCompile(`(?m)^package scopes$`)

// checker adds, in directory dir, the checker generated from m as package
// pkg, with its tests: the reference's answers for n random grants (seed),
// and the shared property tests.
func (e *e2e) checker(dir, pkg string, m *model.Model, files []gen.File, seed uint64, n int) {
	for _, f := range files {
		e.write(filepath.Join(dir, f.Name), f.Content)
	}
	suite, err := json.Marshal(cases.Build(m, seed, n))
	if err != nil {
		e.t.Fatal(err)
	}
	e.write(filepath.Join(dir, "cases.json"), suite)
	e.write(filepath.Join(dir, "check_test.go"), driverPackage.ReplaceAll(e.driver, []byte("package "+pkg)))
	path := "example.com/e2e/" + filepath.ToSlash(dir)
	for name, data := range e.shared {
		data = bytes.Replace(data, []byte("package generated_test"), []byte("package "+pkg+"_test"), 1)
		data = bytes.Replace(data, []byte(`"github.com/scopegen/scopegen/generated"`), []byte(`"`+path+`"`), 1)
		e.write(filepath.Join(dir, name), data)
	}
	e.cores = append(e.cores, path)
}

// adapter adds, in directory dir, the gRPC adapter of the checker in coreDir
// (package corePkg).
func (e *e2e) adapter(dir, pkg, coreDir, corePkg string, m *model.Model) {
	files, err := gen.GenerateGRPC(m, gen.GRPCOptions{Package: pkg, Core: "example.com/e2e/" + filepath.ToSlash(coreDir), CorePackage: corePkg})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range files {
		e.write(filepath.Join(dir, f.Name), f.Content)
	}
}

// run runs go vet and go test on every package, and checks that each checker
// imports only the standard library. The module's fixed directory and the
// embedded cases let the go command cache the results of packages that did
// not change between runs.
func (e *e2e) run(hint string) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		e.t.Skip("no go command")
	}
	for _, args := range [][]string{
		{"vet", "./..."},
		{"test", "./..."},
		append([]string{"list", "-f", "{{.ImportPath}}:{{range .Imports}} {{.}}{{end}}"}, e.cores...),
	} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = e.dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		if err != nil {
			e.t.Fatalf("go %s: %v\n%s\n%s", strings.Join(args, " "), err, out, hint)
		}
		if args[0] != "list" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, imports, _ := strings.Cut(line, ":")
			for _, imp := range strings.Fields(imports) {
				if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
					e.t.Errorf("%s imports %s; a generated checker imports only the standard library", pkg, imp)
				}
			}
		}
	}
}

// TestEndToEnd builds, in one temporary module, the package generated from
// each golden spec, from the shipped spec and from random specs (seeds from
// -randseed), runs go vet and go test on them (each checker against the
// reference implementation on every endpoint for random grants and
// intersections, 0 allocations, and the properties of any checker), and
// compiles the gRPC adapter of some of them, also for checker packages whose
// names the adapter's own names could hide.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests generated packages with the go command")
	}
	e := newE2E(t)
	build := func(name string, data []byte) *model.Model {
		f, err := spec.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Build(f)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	// The golden specs and the shipped one, with their adapters.
	specs := map[string][]byte{}
	for _, g := range goldens(t) {
		specs[strings.TrimSuffix(filepath.Base(g.path), ".txtar")] = g.spec
	}
	shipped, err := os.ReadFile("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs["shipped"] = shipped
	for name, data := range specs {
		m := build(name, data)
		n := 1000
		if name == "shipped" {
			n = 3000
		}
		dir := filepath.Join("golden", name)
		e.checker(dir, "scopes", m, generate(t, "scopes.yaml", data, "scopes"), 1, n)
		e.adapter(filepath.Join(dir, "scopesgrpc"), "scopesgrpc", dir, "scopes", m)
	}

	// Checkers named like the adapter's own names, which it must import
	// under another name.
	minimal := build("minimal", specs["minimal"])
	for name := range gen.GlueNames() {
		dir := filepath.Join("names", name)
		files, err := gen.Generate(minimal, gen.Options{Package: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			e.write(filepath.Join(dir, f.Name), f.Content)
		}
		e.adapter(filepath.Join(dir, "adapter"), "adapter", dir, name, minimal)
	}

	// Random specs of every size, a synthetic one shaped like a real API
	// (internal/testonly/synth), and the lookups no random spec reaches:
	// names that differ in three places far apart (a hash of four windows),
	// in five (of the whole name), and only in the middle of long names
	// while the shortest name is short (a window counted from the middle).
	var random [][]byte
	for i, o := range randomSpecSizes {
		o.Seed = *randSeed + uint64(i)
		random = append(random, randSpec(o))
	}
	random = append(random, synth.Spec(synth.Options{Endpoints: 120, Scopes: 90, Seed: *randSeed}))
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
	middle := []string{"/svc.S/ShortName1"}
	for i := range 40 {
		middle = append(middle, fmt.Sprintf("/svc.S/GetLongLongLongWith%02dThingsAndMoreOfTheSame", i))
	}
	shapes := map[int]string{len(random): "), 13) ^", len(random) + 1: "for i := ", len(random) + 2: "fullMethod[n>>1"}
	random = append(random, methodsSpec(four), methodsSpec(whole), methodsSpec(middle))
	for i, src := range random {
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
		dir := filepath.Join("random", pkg)
		e.write(filepath.Join(dir, "scopes.yaml"), src)
		e.checker(dir, pkg, m, files, seed, 200)
	}

	e.run(fmt.Sprintf("random/pN is the spec of seed %d+N (the last ones synth's and the lookup shapes'); reproduce with go test ./gen -run TestEndToEnd -randseed %d", *randSeed, *randSeed))
}
