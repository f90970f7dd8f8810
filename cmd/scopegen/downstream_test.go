package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopegen/scopegen/internal/model"
)

// downstreamEnv turns TestDownstream on. It is off in go test ./... because
// it runs the go command in fresh modules, which needs the Go module proxy
// (or a module cache holding scopegen's dependencies) and builds scopegen
// and gRPC there; .ci/run sets it.
const downstreamEnv = "SCOPEGEN_DOWNSTREAM"

// serverOutput is what testdata/downstream/server prints: each call ends as
// the spec says, through the glue, through scopegrpc itself, with a bearer
// token, events and shadow mode, and with events alone.
const serverOutput = `scopesgrpc reader ListInputs: OK
  withheld: []
scopesgrpc reader PostInputs: PermissionDenied 11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add
scopesgrpc nobody ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=key_not_found
scopesgrpc - ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=no_credentials missing=Inputs:Get
scopesgrpc reader NoSuchMethod: NotFound 11101 CONN_DOES_NOT_EXIST reason=unknown_endpoint
scopegrpc reader ListInputs: OK
  withheld: []
scopegrpc reader PostInputs: PermissionDenied 11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add
scopegrpc nobody ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=key_not_found
scopegrpc - ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=no_credentials missing=Inputs:Get
scopegrpc reader NoSuchMethod: NotFound 11101 CONN_DOES_NOT_EXIST reason=unknown_endpoint
everything reader ListInputs: OK
  withheld: []
everything reader PostInputs: PermissionDenied 11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add
everything nobody ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=key_not_found
everything - ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=no_credentials missing=Inputs:Get
everything reader NoSuchMethod: NotFound 11101 CONN_DOES_NOT_EXIST reason=unknown_endpoint
everything bearer ListInputs: OK
log reader ListInputs: OK
  withheld: []
log reader PostInputs: PermissionDenied 11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add
log nobody ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=key_not_found
log - ListInputs: Unauthenticated 11009 CONN_KEY_NOT_FOUND reason=no_credentials missing=Inputs:Get
log reader NoSuchMethod: NotFound 11101 CONN_DOES_NOT_EXIST reason=unknown_endpoint
`

// TestDownstream is a newcomer's first hour: it follows the README's
// sections "In a downstream repository" and "Enforcing on a gRPC server" in
// fresh modules beside a clone of this repository (this checkout, as
// ../scopegen), running their commands as written:
//
//   - the module taken from the clone with a replace directive and tracked
//     as a tool; go generate writes the checker, and the README's CI line
//     passes;
//   - -grpc added to the //go:generate line: go generate and go mod tidy,
//     then the programs of testdata/downstream, which use the checker and
//     the adapter, vet, build and run as the README says, and the CI line
//     with -grpc, and the workflow's, pass; the CI line without -grpc fails,
//     and a stale adapter fails the check, whose fix command (in the go tool
//     form), pasted into a shell, repairs it;
//   - scopegen installed from the clone with go install instead, for a
//     module that needs nothing but the standard library; check's fix
//     command is then the plain scopegen form.
//
// Run it with whichever Go the README promises: .ci/run runs it with the
// current Go and with the oldest.
func TestDownstream(t *testing.T) {
	if os.Getenv(downstreamEnv) == "" {
		t.Skip("set " + downstreamEnv + "=1 to run the README's downstream steps in fresh modules (needs the Go module proxy)")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	text := readme(t)
	downstream := readmeSection(t, text, "## In a downstream repository")
	enforcing := readmeSection(t, text, "## Enforcing on a gRPC server")
	workflow := readmeSection(t, text, "### In CI")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join(repo, "spec", "scopes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(repo, filepath.Join(work, "scopegen")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off")

	// newModule makes the module example.com/svc in work/dir, with the
	// shipped spec as its api/scopes.yaml.
	newModule := func(dir string) string {
		mod := filepath.Join(work, dir)
		if err := os.MkdirAll(filepath.Join(mod, "api"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, "api", "scopes.yaml"), spec, 0o644); err != nil {
			t.Fatal(err)
		}
		sh(t, mod, env, "go mod init example.com/svc")
		return mod
	}

	// The published path is one go get -tool; it cannot run before the
	// module is published, so the clone's path must be there.
	if got := block(t, codeBlocks(downstream, "sh"), "go get -tool"); got != "go get -tool "+toolPath+"\n" {
		t.Errorf("the README's published path is %q", got)
	}
	svc := newModule("svc")
	writeProtos(t, load(t, filepath.Join(svc, "api", "scopes.yaml")), filepath.Join(svc, "api", "proto"))
	sh(t, svc, env, block(t, codeBlocks(downstream, "sh"), "go mod edit -replace"))
	if gomod := readFile(t, filepath.Join(svc, "go.mod")); !strings.Contains(gomod, "\ntool "+toolPath+"\n") || !strings.Contains(gomod, "\nreplace github.com/scopegen/scopegen => ../scopegen\n") {
		t.Fatalf("go.mod after the README's steps:\n%s", gomod)
	}
	generate := block(t, codeBlocks(downstream, "sh"), "go generate ./...")
	if out, _ := sh(t, svc, env, generate); !strings.Contains(out, "./: wrote 13 files, 22 scopes, 37 endpoints\n") || !strings.Contains(strings.Join(strings.Fields(downstream), " "), "`./: wrote 13 files, 22 scopes, 37 endpoints` the first time") {
		t.Errorf("go generate printed %q; the README says it prints `./: wrote 13 files, 22 scopes, 37 endpoints` the first time", out)
	}
	ciLine := block(t, codeBlocks(downstream, "sh"), "go tool scopegen check")
	sh(t, svc, env, ciLine)

	// Enforcing on a gRPC server.
	var line string
	for _, b := range codeBlocks(enforcing, "go") {
		if strings.HasPrefix(b, "//go:generate ") {
			line = b
		}
	}
	if !strings.Contains(line, " -grpc") {
		t.Fatalf("the README's section \"Enforcing on a gRPC server\" has no //go:generate line with -grpc: %q", line)
	}
	if err := os.WriteFile(filepath.Join(svc, "internal", "scopes", "generate.go"), []byte("package scopes\n\n"+line), 0o644); err != nil {
		t.Fatal(err)
	}
	sh(t, svc, env, block(t, codeBlocks(enforcing, "sh"), "go mod tidy"))
	if gomod := readFile(t, filepath.Join(svc, "go.mod")); !regexp.MustCompile(`\n\s*google.golang.org/grpc v1\.80\.\d+ `).MatchString(gomod) {
		t.Errorf("go mod tidy did not take gRPC v1.80.x, as the README says:\n%s", gomod)
	}
	// The CI line without -grpc no longer passes: the adapter would go
	// unchecked.
	if _, stderr, err := shErr(svc, env, ciLine); err == nil || !strings.Contains(stderr, "add -grpc") {
		t.Errorf("%s\nwith -grpc on the //go:generate line: err %v, stderr %q; want a failure saying to add -grpc", ciLine, err, stderr)
	}
	ciGRPC := block(t, codeBlocks(enforcing, "sh"), "go tool scopegen check")
	sh(t, svc, env, ciGRPC)
	for _, l := range strings.Split(workflow, "\n") {
		if run, ok := strings.CutPrefix(strings.TrimSpace(l), "run: go tool scopegen check"); ok {
			sh(t, svc, env, "go tool scopegen check"+run)
		}
	}

	checkerWant := checkerComments(t, text)
	copyProgram(t, "checker", svc)
	copyProgram(t, "server", svc)
	sh(t, svc, env, "go vet ./...")
	sh(t, svc, env, "go build -o bin/ ./cmd/...")
	if out, _ := sh(t, svc, env, "bin/checker"); out != checkerWant {
		t.Errorf("the README's example of the generated package prints\n%s\nits comments say\n%s", out, checkerWant)
	}
	if out, _ := sh(t, svc, env, "bin/server"); out != serverOutput {
		t.Errorf("testdata/downstream/server prints\n%s\nwant\n%s", out, serverOutput)
	}

	// A stale adapter fails the CI line, which prints the go tool form of
	// the command that fixes it.
	redact := filepath.Join(svc, "internal", "scopes", "scopesgrpc", "redact.go")
	if err := os.WriteFile(redact, []byte("package scopesgrpc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fix := fixCommand(t, svc, env, ciGRPC, "go tool scopegen generate -spec api/scopes.yaml -out internal/scopes -pkg scopes -grpc")
	sh(t, svc, env, fix)
	sh(t, svc, env, ciGRPC)

	// Installed from the clone with go install, for the checker alone.
	bin := filepath.Join(work, "bin")
	installed := append(env, "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	plain := newModule("plain")
	sh(t, plain, installed, block(t, codeBlocks(downstream, "sh"), "go install"))
	if _, err := os.Stat(filepath.Join(bin, "scopegen")); err != nil {
		t.Fatalf("go install did not put scopegen in GOBIN: %v", err)
	}
	if !strings.Contains(strings.Join(strings.Fields(downstream), " "), "write `scopegen generate` for `go tool scopegen generate` in the `//go:generate` line") {
		t.Error("the README no longer says how the //go:generate line changes with go install; update this test")
	}
	unTool := func(s string) string { return strings.ReplaceAll(s, "go tool scopegen", "scopegen") }
	if out, _ := sh(t, plain, installed, unTool(generate)); !strings.Contains(out, "./: wrote 13 files") {
		t.Errorf("go generate with scopegen installed printed %q", out)
	}
	copyProgram(t, "checker", plain)
	sh(t, plain, installed, "go vet ./...")
	if out, _ := sh(t, plain, installed, "go run ./cmd/checker"); out != checkerWant {
		t.Errorf("with scopegen installed, the README's example prints\n%s\nwant\n%s", out, checkerWant)
	}
	if gomod := readFile(t, filepath.Join(plain, "go.mod")); strings.Contains(gomod, "require") {
		t.Errorf("with scopegen installed, the module needs nothing, but its go.mod is\n%s", gomod)
	}
	sh(t, plain, installed, unTool(ciLine))
	if err := os.WriteFile(filepath.Join(plain, "internal", "scopes", "scopes.go"), []byte("package scopes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fix = fixCommand(t, plain, installed, unTool(ciLine), "scopegen generate -spec api/scopes.yaml -out internal/scopes -pkg scopes")
	sh(t, plain, installed, fix)
	sh(t, plain, installed, unTool(ciLine))
}

// block returns the one block of blocks that contains s.
func block(t *testing.T, blocks []string, s string) string {
	t.Helper()
	var found []string
	for _, b := range blocks {
		if strings.Contains(b, s) {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the README has %d sh blocks holding %q where this test expects one: %q", len(found), s, found)
	}
	return found[0]
}

// shErr runs script with sh -e in dir.
func shErr(dir string, env []string, script string) (stdout, stderr string, err error) {
	cmd := exec.Command("sh", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// sh runs script with sh -e in dir, and fails the test if it fails.
func sh(t *testing.T, dir string, env []string, script string) (stdout, stderr string) {
	t.Helper()
	start := time.Now()
	stdout, stderr, err := shErr(dir, env, script)
	rel, _ := filepath.Rel(filepath.Dir(dir), dir)
	t.Logf("%s$ %s  (%.1fs)", rel, strings.ReplaceAll(strings.TrimSpace(script), "\n", "\n    "), time.Since(start).Seconds())
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", script, err, stdout, stderr)
	}
	return stdout, stderr
}

// fixCommand runs check, which must fail, and returns the command it says
// fixes the files, which must be want.
func fixCommand(t *testing.T, dir string, env []string, check, want string) string {
	t.Helper()
	_, stderr, err := shErr(dir, env, check)
	_, fix, ok := strings.Cut(stderr, "; run: ")
	fix, _, _ = strings.Cut(fix, " (")
	if err == nil || !ok || fix != want {
		t.Fatalf("%s with a stale file: err %v, stderr %q; want the fix command %q", check, err, stderr, want)
	}
	return fix
}

// copyProgram copies testdata/downstream/name/main.go to cmd/name/main.go
// of the module mod.
func copyProgram(t *testing.T, name, mod string) {
	t.Helper()
	src := readFile(t, filepath.Join(downstreamPrograms, name, "main.go"))
	dir := filepath.Join(mod, "cmd", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkerComments returns what the README's example of the generated
// package says it prints: the comments of its fmt.Println lines.
func checkerComments(t *testing.T, text string) string {
	t.Helper()
	var want strings.Builder
	for _, b := range codeBlocks(readmeSection(t, text, "## The generated package"), "go") {
		for _, l := range strings.Split(b, "\n") {
			if strings.HasPrefix(l, "fmt.Println(") {
				m := regexp.MustCompile(`\)\s+// (.*)$`).FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("the README's example prints a line without saying what: %s", l)
				}
				want.WriteString(m[1] + "\n")
			}
		}
	}
	if want.Len() == 0 {
		t.Fatal("the README's example of the generated package prints nothing")
	}
	return want.String()
}

// writeProtos writes into dir one .proto file per package of m's gRPC
// methods, declaring their services and methods: the API the workflow's
// check -proto reads, where every RPC has a rule.
func writeProtos(t *testing.T, m *model.Model, dir string) {
	t.Helper()
	services := map[string]map[string][]string{} // package, service: methods
	for _, e := range m.Endpoints {
		if e.Method == "" {
			continue
		}
		full, method, _ := strings.Cut(e.Method[1:], "/")
		dot := strings.LastIndexByte(full, '.')
		pkg, svc := full[:dot], full[dot+1:]
		if services[pkg] == nil {
			services[pkg] = map[string][]string{}
		}
		services[pkg][svc] = append(services[pkg][svc], method)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pkg := range slices.Sorted(maps.Keys(services)) {
		var b strings.Builder
		fmt.Fprintf(&b, "syntax = \"proto3\";\npackage %s;\nmessage M {}\n", pkg)
		for _, svc := range slices.Sorted(maps.Keys(services[pkg])) {
			fmt.Fprintf(&b, "service %s {\n", svc)
			for _, method := range services[pkg][svc] {
				fmt.Fprintf(&b, "  rpc %s(M) returns (M);\n", method)
			}
			b.WriteString("}\n")
		}
		if err := os.WriteFile(filepath.Join(dir, pkg+".proto"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
