package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
)

func TestDocsCommand(t *testing.T) {
	m := load(t, clarifai)
	code, stdout, stderr := scopegen(t, "docs", "-spec", clarifai)
	if code != 0 || stderr != "" || stdout != string(gen.Docs(m, clarifai)) {
		t.Errorf("docs: exit %d, stderr %q, %d bytes", code, stderr, len(stdout))
	}
	out := filepath.Join(t.TempDir(), "ref", "SCOPES.md")
	if code, _, stderr := scopegen(t, "docs", "-spec", clarifai, "-o", out); code != 0 {
		t.Fatalf("docs -o: exit %d, stderr %q", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := gen.Docs(m, relativeSource(clarifai, filepath.Dir(out))); string(data) != string(want) {
		t.Errorf("docs -o wrote something else than the reference")
	}
	if code, _, stderr := scopegen(t, "docs", "-spec", clarifai, "extra"); code != 2 || !strings.Contains(stderr, `unexpected argument "extra"`) {
		t.Errorf("docs extra: exit %d, stderr %q", code, stderr)
	}
}

// TestGenerateWritesDocs checks that generate writes the reference next to
// the code, that check reports it stale like code, and -docs.
func TestGenerateWritesDocs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "checker")
	if code, _, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", out); code != 0 {
		t.Fatalf("generate: exit %d, stderr %q", code, stderr)
	}
	ref := filepath.Join(out, "SCOPES.md")
	data, err := os.ReadFile(ref)
	if err != nil || !strings.Contains(string(data), "# Scopes reference") {
		t.Fatalf("generate wrote no reference: %v", err)
	}
	if err := os.WriteFile(ref, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := scopegen(t, "check", "-spec", clarifai, "-out", out)
	if code != 1 || !strings.Contains(stdout, "--- "+filepath.ToSlash(ref)) || !strings.Contains(stdout, "-edited by hand") ||
		!strings.Contains(stderr, "is stale; run: scopegen generate -spec "+clarifai+" -out "+out+" -pkg checker (without scopegen installed: go run github.com/scopegen/scopegen/cmd/scopegen generate with the same flags)\n") {
		t.Errorf("check of a stale reference: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, _, _ := scopegen(t, "check", "-spec", clarifai, "-out", out, "-docs", ""); code != 0 {
		t.Errorf("check -docs \"\": exit %d, want 0 (the reference is not checked)", code)
	}
	code, _, stderr = scopegen(t, "check", "-spec", clarifai, "-out", out, "-docs", "REF.md")
	if code != 1 || !strings.Contains(stderr, `-pkg checker -docs "REF.md"`) {
		t.Errorf("check -docs REF.md: exit %d, stderr %q", code, stderr)
	}

	bare := filepath.Join(t.TempDir(), "bare")
	if code, _, _ := scopegen(t, "generate", "-spec", clarifai, "-out", bare, "-docs", ""); code != 0 {
		t.Fatalf("generate -docs \"\": exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(bare, "SCOPES.md")); !os.IsNotExist(err) {
		t.Errorf("generate -docs \"\" wrote a reference: %v", err)
	}
	for _, bad := range []string{"docs/SCOPES.md", "x.go"} {
		if code, _, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", bare, "-docs", bad); code != 2 || !strings.Contains(stderr, "is not a file name beside the code") {
			t.Errorf("-docs %q: exit %d, stderr %q", bad, code, stderr)
		}
	}
}

// TestCheckHintsGoGenerate: when the output directory has a //go:generate
// line that runs scopegen, check's message says go generate fixes it.
func TestCheckHintsGoGenerate(t *testing.T) {
	dir := t.TempDir()
	specPath := writeFile(t, dir, "scopes.yaml", small)
	out := filepath.Join(dir, "checker")
	if code, _, stderr := scopegen(t, "generate", "-spec", specPath, "-out", out, "-pkg", "checker"); code != 0 {
		t.Fatalf("generate: exit %d, %s", code, stderr)
	}
	writeFile(t, out, "generate.go", "package checker\n\n//go:generate go run github.com/scopegen/scopegen/cmd/scopegen generate -spec ../scopes.yaml -out . -pkg checker\n")
	writeFile(t, dir, "scopes.yaml", strings.Replace(small, "  - method: /t.S/Health\n", "  - method: /t.S/Ping\n    public: true\n  - method: /t.S/Health\n", 1))
	code, _, stderr := scopegen(t, "check", "-spec", specPath, "-out", out, "-pkg", "checker")
	if want := "(or: go generate " + filepath.ToSlash(out) + ", whose //go:generate line runs it)\n"; code != 1 || !strings.HasSuffix(stderr, want) {
		t.Errorf("check: exit %d, stderr %q; want it to end with %q", code, stderr, want)
	}
}

// TestCheckShowsSpecChangeInDocs edits a spec after generating from it: check
// fails with a unified diff of the code and of the reference, readable as a
// review of the change, and the command it prints repairs the package.
func TestCheckShowsSpecChangeInDocs(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(clarifai)
	if err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "scopes.yaml")
	if err := os.WriteFile(specPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "scopes")
	if code, _, stderr := scopegen(t, "generate", "-spec", specPath, "-out", out); code != 0 {
		t.Fatalf("generate: exit %d, %s", code, stderr)
	}
	edited := strings.Replace(string(data), "    requires: [Concepts:Get, Models:Get]\n", "    requires: [Models:Get]\n", 1)
	edited = strings.Replace(edited, "description: Search by inputs and concepts.", "description: Search inputs, concepts and models.", 1)
	if edited == string(data) {
		t.Fatal("the edits do not apply to the shipped spec")
	}
	if err := os.WriteFile(specPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := scopegen(t, "check", "-spec", specPath, "-out", out)
	ref := filepath.ToSlash(filepath.Join(out, "SCOPES.md"))
	for _, want := range []string{
		"--- " + ref + "\n+++ " + ref,
		"\n-| `Search` | 60 | Search by inputs and concepts. |",
		"\n+| `Search` | 60 | Search inputs, concepts and models. |",
		"/output_info` | app_key, pat | `Concepts:Get`, `Models:Get` |", // GetModelOutputInfo's row, after its HTTP bindings
		"/output_info` | app_key, pat | `Models:Get` |",
		"--- " + filepath.ToSlash(filepath.Join(out, "endpoints.go")),
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check's diff lacks %q", want)
		}
	}
	if code != 1 || t.Failed() {
		t.Fatalf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	_, command, ok := strings.Cut(strings.TrimSpace(stderr), "; run: scopegen ")
	command, _, _ = strings.Cut(command, " (") // the other ways to run it
	if !ok {
		t.Fatalf("check does not say the command that fixes it: %q", stderr)
	}
	if code, _, stderr := scopegen(t, strings.Fields(command)...); code != 0 {
		t.Fatalf("the command check printed, scopegen %s: exit %d, %s", command, code, stderr)
	}
	if code, stdout, _ := scopegen(t, "check", "-spec", specPath, "-out", out); code != 0 || stdout != "" {
		t.Errorf("check after the printed command: exit %d\n%s", code, stdout)
	}
}
