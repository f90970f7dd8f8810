package textdiff_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/textdiff"
)

// TestDiffHunks checks Unified against diff -u on files of distinct lines with
// a few lines changed, removed or added: the same hunks, each with 3 lines
// of context, and changes far apart in separate hunks.
func TestDiffHunks(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("no diff command to compare with")
	}
	r := rand.New(rand.NewPCG(9, 9))
	dir := t.TempDir()
	for i := range 200 {
		n := 1 + r.IntN(80)
		var old, new []string
		for j := range n {
			old = append(old, fmt.Sprintf("line %d", j))
		}
		for j, l := range old {
			switch p := r.IntN(100); {
			case p < 3:
				new = append(new, fmt.Sprintf("changed %d", j))
			case p < 5: // removed
			case p < 7:
				new = append(new, l, fmt.Sprintf("added %d", j))
			default:
				new = append(new, l)
			}
		}
		a, b := strings.Join(old, "\n")+"\n", strings.Join(new, "\n")+"\n"
		if len(new) == 0 {
			b = ""
		}
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := os.WriteFile(pa, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pb, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command("diff", "-u", pa, pb).Output()
		want := hunks(string(out))
		got := hunks(textdiff.Unified("f", "f", []byte(a), []byte(b)))
		if got != want {
			t.Fatalf("case %d: Unified gives\n%s\ndiff -u gives\n%s\n-- old --\n%s-- new --\n%s", i, got, want, a, b)
		}
	}
}

// TestDiffTwoHunks: two one-line changes 60 lines apart are two 7-line hunks.
func TestDiffTwoHunks(t *testing.T) {
	var old, new []string
	for j := range 100 {
		old = append(old, fmt.Sprintf("line %d", j))
		new = append(new, fmt.Sprintf("line %d", j))
	}
	new[20], new[80] = "changed 20", "changed 80"
	d := textdiff.Unified("f", "f", []byte(strings.Join(old, "\n")+"\n"), []byte(strings.Join(new, "\n")+"\n"))
	if got := strings.Count(d, "\n@@ "); got != 2 || !strings.Contains(d, "@@ -18,7 +18,7 @@\n") || !strings.Contains(d, "@@ -78,7 +78,7 @@\n") {
		t.Errorf("want two hunks, @@ -18,7 +18,7 @@ and @@ -78,7 +78,7 @@; got:\n%s", d)
	}
}

// hunks drops a unified diff's --- and +++ lines.
func hunks(d string) string {
	var out []string
	for _, l := range strings.Split(d, "\n") {
		if !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "+++ ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestUnifiedHeaders: equal texts give "", and a diff names old and new in
// its header lines; a missing old file diffs as empty.
func TestUnifiedHeaders(t *testing.T) {
	if d := textdiff.Unified("a", "b", []byte("x\n"), []byte("x\n")); d != "" {
		t.Errorf("equal texts: %q, want \"\"", d)
	}
	want := "--- old/f\n+++ new/f\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n"
	if d := textdiff.Unified("old/f", "new/f", []byte("x\ny\n"), []byte("x\nz\n")); d != want {
		t.Errorf("got %q, want %q", d, want)
	}
	want = "--- f\n+++ f (generated)\n@@ -0,0 +1,1 @@\n+x\n"
	if d := textdiff.Unified("f", "f (generated)", nil, []byte("x\n")); d != want {
		t.Errorf("missing file: got %q, want %q", d, want)
	}
}
