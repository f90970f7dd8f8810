package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// module makes a directory holding a go.mod of module path, and returns it.
func module(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("// a test module\nmodule "+path+" // the path\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestGenerateGRPC(t *testing.T) {
	root := module(t, "example.com/svc")
	out := filepath.Join(root, "internal", "scopes")
	code, stdout, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", out, "-grpc", "-docs", "")
	if code != 0 || stderr != "" || stdout != filepath.ToSlash(out)+"/: wrote 12 files, 22 scopes, 37 endpoints; gRPC adapter "+
		filepath.ToSlash(out)+"/scopesgrpc/: wrote 2 files\n" {
		t.Fatalf("generate -grpc: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	adapter := filepath.Join(out, "scopesgrpc")
	enforce := readFile(t, filepath.Join(adapter, "enforce.go"))
	for _, want := range []string{
		"package scopesgrpc\n",
		`"example.com/svc/internal/scopes"`,
		"// Source: " + relativeSource(clarifai, adapter) + ". ",
		`"github.com/scopegen/scopegen/scopegrpc"`,
	} {
		if !strings.Contains(enforce, want) {
			t.Errorf("enforce.go lacks %q:\n%.800s", want, enforce)
		}
	}
	if !strings.HasSuffix(strings.SplitN(enforce, "\n", 3)[1], "spec/scopes.yaml. Edit the spec and run go generate.") {
		t.Errorf("the source of the adapter: %q", strings.SplitN(enforce, "\n", 3)[1])
	}
	// The checker itself imports no more than before.
	for _, name := range []string{"decision.go", "endpoints.go", "grant.go", "lookup.go", "scopes.go"} {
		if src := readFile(t, filepath.Join(out, name)); strings.Contains(src, "google.golang.org") {
			t.Errorf("the checker's %s imports gRPC or protobuf", name)
		}
	}
	check := []string{"check", "-spec", clarifai, "-out", out, "-grpc", "-docs", ""}
	if code, stdout, stderr := scopegen(t, check...); code != 0 {
		t.Errorf("check -grpc in sync: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A stale adapter fails check -grpc, and only with -grpc.
	if err := os.WriteFile(filepath.Join(adapter, "redact.go"), []byte("package scopesgrpc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = scopegen(t, check...)
	if code != 1 || !strings.Contains(stdout, "redact.go") || !strings.Contains(stderr, "-grpc") {
		t.Errorf("check -grpc stale: exit %d, stdout %.300q, stderr %q", code, stdout, stderr)
	}
	if code, _, _ := scopegen(t, "check", "-spec", clarifai, "-out", out, "-docs", ""); code != 0 {
		t.Errorf("check without -grpc: exit %d", code)
	}
}

func TestGenerateGRPCOut(t *testing.T) {
	root := module(t, "example.com/svc")
	out := filepath.Join(root, "scopes")
	adapter := filepath.Join(root, "server", "authz")
	code, _, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", out, "-pkg", "checker", "-grpc", "-grpc-out", adapter, "-docs", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	enforce := readFile(t, filepath.Join(adapter, "enforce.go"))
	if !strings.Contains(enforce, "package authz\n") || !strings.Contains(enforce, `checker "example.com/svc/scopes"`) && !strings.Contains(enforce, `"example.com/svc/scopes"`) {
		t.Errorf("enforce.go:\n%.900s", enforce)
	}
	if !strings.Contains(enforce, "checker.Grant") {
		t.Errorf("the adapter does not refer to the checker by its package name")
	}
	// -import-path wins over go.mod.
	code, _, stderr = scopegen(t, "generate", "-spec", clarifai, "-out", out, "-grpc", "-import-path", "example.org/other/scopes", "-docs", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if enforce := readFile(t, filepath.Join(out, "scopesgrpc", "enforce.go")); !strings.Contains(enforce, `"example.org/other/scopes"`) {
		t.Errorf("-import-path ignored:\n%.900s", enforce)
	}
}

func TestGenerateGRPCUsage(t *testing.T) {
	noModule := t.TempDir() // t.TempDir is not in a module, unless a go.mod is at /tmp or /
	if _, err := importPath(noModule); err == nil {
		t.Skip("a go.mod above the temporary directory")
	}
	root := module(t, "example.com/svc")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"generate", "-out", filepath.Join(root, "a"), "-grpc-out", filepath.Join(root, "b")}, "-grpc-out is a flag of the gRPC adapter; add -grpc"},
		{[]string{"generate", "-out", filepath.Join(root, "a"), "-import-path", "x.com/a"}, "-import-path is a flag of the gRPC adapter; add -grpc"},
		{[]string{"generate", "-out", filepath.Join(root, "a"), "-grpc", "-grpc-out", filepath.Join(root, "my-grpc")}, `package name "my-grpc"`},
		{[]string{"generate", "-out", filepath.Join(root, "a"), "-grpc", "-grpc-out", filepath.Join(root, "a")}, `is the generated package's`},
		{[]string{"generate", "-out", filepath.Join(noModule, "a"), "-grpc"}, "no go.mod"},
	} {
		code, out, errOut := scopegen(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

func TestImportPath(t *testing.T) {
	root := module(t, "example.com/svc")
	for dir, want := range map[string]string{
		root:                                     "example.com/svc",
		filepath.Join(root, "a", "b"):            "example.com/svc/a/b",
		filepath.Join(root, "a", "..", "c", "."): "example.com/svc/c",
	} {
		if got, err := importPath(dir); err != nil || got != want {
			t.Errorf("importPath(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	for gomod, want := range map[string]string{
		"module example.com/a\n":                  "example.com/a",
		"module \"example.com/b\"\ngo 1.24\n":     "example.com/b",
		"// module example.com/x\nmodule y.org\n": "y.org",
		"go 1.24\n": "",
	} {
		if got := modulePath([]byte(gomod)); got != want {
			t.Errorf("modulePath(%q) = %q, want %q", gomod, got, want)
		}
	}
}
