package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateIsAtomic: generate writes the checker, its reference and its
// gRPC adapter in another directory as one. When a target of the adapter
// cannot be written, the checker generated from the old spec stays byte for
// byte as it was, with no temporary file behind, and a fresh output
// directory is not left behind either.
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

	// An adapter directory below a file: a fresh checker directory is not
	// created either.
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, []byte("a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(root, "fresh", "checker")
	code, _, stderr = scopegen(t, generate(newSpec, fresh, filepath.Join(file, "authz"))...)
	if code != 1 || !strings.Contains(stderr, "is a file, not a directory") {
		t.Errorf("generate below a file: exit %d, stderr %q", code, stderr)
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
