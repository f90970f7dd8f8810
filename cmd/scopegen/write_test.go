package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGenerateIsAtomic: generate writes the checker, its reference and its
// gRPC adapter in another directory as one. When a target of the adapter
// cannot be written, the checker generated from the old spec stays byte for
// byte as it was, with no temporary file behind, and a fresh output
// directory is not made.
func TestGenerateIsAtomic(t *testing.T) {
	root := t.TempDir()
	out, adapter := filepath.Join(root, "checker"), filepath.Join(root, "server", "authz")
	generate := func(spec, out, adapter string) []string {
		return []string{"generate", "-spec", spec, "-out", out, "-grpc", "-grpc-out", adapter, "-import-path", "example.com/checker"}
	}
	old := writeSpec(t, small)
	if code, _, stderr := scopegen(t, generate(old, out, adapter)...); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	// A new scope changes scopes.go and SCOPES.md of the checker.
	newSpec := writeSpec(t, strings.Replace(small, "endpoints:\n", "  - {name: Admin, id: 4, description: Administer.}\nendpoints:\n", 1))

	// The adapter's redact.go is a directory now: nothing can replace it.
	redact := filepath.Join(adapter, "redact.go")
	if err := os.Remove(redact); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(redact, 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, root)
	code, stdout, stderr := scopegen(t, generate(newSpec, out, adapter)...)
	if code != 1 || stdout != "" || !strings.Contains(stderr, filepath.ToSlash(redact)+" is a directory, where a file is to be written; move it away") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("generate onto a directory: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if after := snapshot(t, root); !equalSnapshots(before, after) {
		t.Errorf("a failed generate changed the files: %v, then %v", keys(before), keys(after))
	}

	// Nor is a fresh checker directory created.
	fresh := filepath.Join(root, "fresh", "checker")
	code, _, stderr = scopegen(t, generate(newSpec, fresh, adapter)...)
	if code != 1 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("generate onto a directory: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "fresh")); !os.IsNotExist(err) {
		t.Errorf("a failed generate left %s behind: %v", filepath.Join(root, "fresh"), err)
	}

	// With the directory gone, everything lands.
	if err := os.Remove(redact); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := scopegen(t, generate(newSpec, out, adapter)...); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	check := append([]string{"check"}, generate(newSpec, out, adapter)[1:]...)
	if code, stdout, stderr := scopegen(t, check...); code != 0 {
		t.Errorf("check after generate: exit %d, stdout %.300q, stderr %q", code, stdout, stderr)
	}
}

// treeOf is snapshot with what each symbolic link under root points to.
func treeOf(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			to, err := os.Readlink(path)
			out[path] = "link to " + to
			return err
		}
		data, err := os.ReadFile(path)
		out[path] = fmt.Sprintf("%v %v %s", info.Mode(), info.ModTime().UnixNano(), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOutputFileLinks: import-proto -o and docs -o write through the writer
// of generate. A file that is a symbolic link, to a file or to nothing, is
// refused with what to do, and neither the link nor what it points to
// changes; a directory that is a link is followed; a directory where the
// file should be is refused. Nothing is left behind.
func TestOutputFileLinks(t *testing.T) {
	root := t.TempDir()
	elsewhere := filepath.Join(root, "elsewhere.yaml")
	if err := os.WriteFile(elsewhere, []byte("not to be changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link, dangling, dir := filepath.Join(root, "link.yaml"), filepath.Join(root, "dangling.yaml"), filepath.Join(root, "dir.yaml")
	if err := os.Symlink("elsewhere.yaml", link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink("nowhere.yaml", dangling); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{acmeArgs, {"docs", "-spec", clarifai}} {
		for path, want := range map[string]string{
			link:     filepath.ToSlash(link) + " is a symbolic link to elsewhere.yaml; scopegen replaces generated files and does not write through links: remove the link",
			dangling: filepath.ToSlash(dangling) + " is a symbolic link to nowhere.yaml; ",
			dir:      filepath.ToSlash(dir) + " is a directory, where a file is to be written",
		} {
			before := treeOf(t, root)
			code, stdout, stderr := scopegen(t, append(slices.Clone(cmd), "-o", path)...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1+strings.Count(stderr, "warning: ") {
				t.Errorf("%s -o %s: exit %d, stdout %.100q, stderr %q; want 1 and %q", cmd[0], filepath.Base(path), code, stdout, stderr, want)
			}
			if after := treeOf(t, root); !equalSnapshots(before, after) {
				t.Errorf("%s -o %s changed the files: %v, then %v", cmd[0], filepath.Base(path), keys(before), keys(after))
			}
			if _, err := os.Lstat(filepath.Join(root, "nowhere.yaml")); !os.IsNotExist(err) {
				t.Errorf("%s -o %s wrote through the dangling link", cmd[0], filepath.Base(path))
			}
		}
	}

	// A directory link is followed.
	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(root, "specs")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := scopegen(t, append(slices.Clone(acmeArgs), "-o", filepath.Join(root, "specs", "scopes.yaml"))...); code != 0 {
		t.Fatalf("import-proto -o into a linked directory: exit %d: %s", code, stderr)
	}
	golden, err := os.ReadFile(protodata + "/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(real, "scopes.yaml")); err != nil || string(data) != string(golden) {
		t.Errorf("import-proto -o into a linked directory: %v", err)
	}
}

// TestGenerateNames: generate and check refuse, as usage errors that say
// what to do, package names Go cannot use or import (from -pkg, or taken
// from -out or -grpc-out), main for a package that the gRPC adapter or a
// server imports, and output directories that are files or links to
// nothing. main is fine without -grpc.
func TestGenerateNames(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, []byte("a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(root, "dangling")
	if err := os.Symlink("nowhere", dangling); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	out := filepath.Join(root, "checker")
	grpc := []string{"-grpc", "-import-path", "example.com/checker"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-out", out, "-pkg", "_"}, `-pkg "_" is not a Go package name: it is the blank identifier, which names no package; pass -pkg with another name, such as -pkg scopes`},
		{[]string{"-out", out, "-pkg", "init"}, `-pkg "init" is not a Go package name: it is init, under which Go cannot import a package;`},
		{[]string{"-out", out, "-pkg", "func"}, `-pkg "func" is not a Go package name: it is a Go keyword;`},
		{[]string{"-out", out, "-pkg", "1x"}, `-pkg "1x" is not a Go package name: it is not a Go identifier`},
		{[]string{"-out", filepath.Join(root, "_")}, `the package name "_" taken from -out ` + filepath.Join(root, "_") + ` is not a Go package name: it is the blank identifier, which names no package; pass -pkg NAME`},
		{[]string{"-out", filepath.Join(root, "type")}, `taken from -out ` + filepath.Join(root, "type") + ` is not a Go package name: it is a Go keyword; pass -pkg NAME`},
		{append([]string{"-out", out, "-pkg", "main"}, grpc...), `-pkg "main" cannot be used with -grpc: the gRPC adapter imports the generated package, and a main package cannot be imported; generate the checker into a package of its own`},
		{append([]string{"-out", filepath.Join(root, "main")}, grpc...), `the package name "main" taken from -out ` + filepath.Join(root, "main") + ` cannot be used with -grpc`},
		{append([]string{"-out", out, "-grpc-out", filepath.Join(root, "main")}, grpc...), `the gRPC adapter's package name "main" taken from -grpc-out ` + filepath.Join(root, "main") + ` cannot be main: the server imports the adapter, and a main package cannot be imported; choose another directory`},
		{append([]string{"-out", out, "-grpc-out", filepath.Join(root, "init")}, grpc...), `the gRPC adapter's package name "init" taken from -grpc-out ` + filepath.Join(root, "init") + ` is not a Go package name: it is init`},
		{[]string{"-out", file, "-pkg", "scopes"}, `-out: ` + file + ` is a file, not a directory; move it away, or write to another directory`},
		{[]string{"-out", filepath.Join(file, "scopes")}, `-out: ` + file + ` is a file, not a directory`},
		{[]string{"-out", dangling, "-pkg", "scopes"}, `-out: ` + dangling + ` is a symbolic link to nowhere, which does not exist; create that directory, or remove the link`},
		{append([]string{"-out", out, "-grpc-out", filepath.Join(dangling, "authz")}, grpc...), `-grpc-out: ` + dangling + ` is a symbolic link to nowhere, which does not exist`},
	} {
		for _, cmd := range []string{"generate", "check"} {
			args := append([]string{cmd, "-spec", clarifai}, tc.args...)
			code, stdout, stderr := scopegen(t, args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", args, code, stdout, stderr, tc.want)
			}
		}
	}
	if entries, err := os.ReadDir(root); err != nil || len(entries) != 2 {
		t.Errorf("refused commands wrote into %s: %v, %v", root, entries, err)
	}

	// main without -grpc: a checker inside a command.
	if code, stdout, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", out, "-pkg", "main"); code != 0 || !strings.Contains(readFile(t, filepath.Join(out, "scopes.go")), "\npackage main\n") {
		t.Errorf("-pkg main: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestGenerateSummary: generate prints one line saying what it did: per
// directory, the files it wrote or that all were up to date, then the
// spec's size; the same run gives the same line.
func TestGenerateSummary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "checker")
	dir := filepath.ToSlash(out)
	run := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := scopegen(t, append([]string{"generate", "-spec", clarifai, "-out", out}, args...)...)
		if code != 0 || stderr != "" {
			t.Fatalf("generate %v: exit %d, stderr %q", args, code, stderr)
		}
		return stdout
	}
	for _, tc := range []struct {
		edit []string // files to edit by hand first
		args []string
		want string
	}{
		{nil, nil, dir + "/: wrote 13 files, 22 scopes, 37 endpoints\n"},
		{nil, nil, dir + "/: 13 files up to date, 22 scopes, 37 endpoints\n"},
		{[]string{"decision.go", "scopes.go"}, nil, dir + "/: wrote decision.go, scopes.go (13 files), 22 scopes, 37 endpoints\n"},
		{nil, []string{"-docs", ""}, dir + "/: 12 files up to date, 22 scopes, 37 endpoints\n"},
		{nil, []string{"-grpc", "-import-path", "example.com/checker"}, dir + "/: 13 files up to date, 22 scopes, 37 endpoints; gRPC adapter " + dir + "/checkergrpc/: wrote 2 files\n"},
		{[]string{"checkergrpc/redact.go"}, []string{"-grpc", "-import-path", "example.com/checker"}, dir + "/: 13 files up to date, 22 scopes, 37 endpoints; gRPC adapter " + dir + "/checkergrpc/: wrote redact.go (2 files)\n"},
		{nil, []string{"-grpc", "-import-path", "example.com/checker"}, dir + "/: 13 files up to date, 22 scopes, 37 endpoints; gRPC adapter " + dir + "/checkergrpc/: 2 files up to date\n"},
	} {
		for _, name := range tc.edit {
			if err := os.WriteFile(filepath.Join(out, name), []byte("edited\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := run(tc.args...); got != tc.want {
			t.Errorf("edited %v, generate %v prints\n%q, want\n%q", tc.edit, tc.args, got, tc.want)
		}
	}
	// One file and one scope or endpoint are singular; -out . is ./.
	one := writeSpec(t, `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: no}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: no}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: no}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: no}
defaults:
  principals: [app_key]
scopes:
  - {name: Read, id: 1, description: Read.}
endpoints:
  - {method: /t.S/Get, requires: [Read]}
`)
	t.Chdir(t.TempDir())
	if code, stdout, stderr := scopegen(t, "generate", "-spec", one, "-out", ".", "-pkg", "one"); code != 0 ||
		stdout != "./: wrote 13 files, 1 scope, 1 endpoint\n" {
		t.Errorf("generate -out .: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
