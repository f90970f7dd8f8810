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
		!strings.Contains(stderr, "is stale; run: scopegen generate -spec "+clarifai+" -out "+out+" -pkg checker\n") {
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
