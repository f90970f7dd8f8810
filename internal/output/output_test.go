package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tree returns every path under root with what it is: a directory, the
// target of a link, or a file's permissions and bytes.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(path)
			out[rel] = "link to " + to
		case info.IsDir():
			out[rel] = "dir"
		default:
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("%v %s %v", info.Mode().Perm(), data, info.ModTime().UnixNano())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTrees(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q, then %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: new, %q", k, v))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

// TestWriteKeepsUnchangedFiles: a file that already holds its bytes keeps
// its modification time; a replaced one keeps its permissions; a new one,
// in directories Write creates, gets 0644.
func TestWriteKeepsUnchangedFiles(t *testing.T) {
	root := t.TempDir()
	same, changed, fresh := filepath.Join(root, "same.go"), filepath.Join(root, "changed.go"), filepath.Join(root, "a", "b", "new.go")
	mustWrite(t, same, "same\n")
	mustWrite(t, changed, "old\n")
	if err := os.Chmod(changed, 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(same)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Write([]File{{same, []byte("same\n")}, {changed, []byte("new\n")}, {fresh, []byte("fresh\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Unchanged, []string{same}) || !slices.Equal(res.Written, []string{changed, fresh}) {
		t.Errorf("Result %+v", res)
	}
	after, err := os.Stat(same)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("an unchanged file was rewritten: mtime %v, then %v", before.ModTime(), after.ModTime())
	}
	for path, want := range map[string]string{changed: "new\n", fresh: "fresh\n"} {
		data, err := os.ReadFile(path)
		if err != nil || string(data) != want {
			t.Errorf("%s: %q, %v; want %q", path, data, err, want)
		}
	}
	for path, want := range map[string]fs.FileMode{changed: 0o600, fresh: 0o644} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, info.Mode().Perm(), err, want)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 3 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestWriteAllOrNothing makes each step of a Write of files in three
// directories fail in turn (making a directory, writing each temporary
// file, each rename) and checks that every target is left as it was, byte
// for byte and with its time, with no temporary file and no new directory
// behind.
func TestWriteAllOrNothing(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "checker")
	mustWrite(t, filepath.Join(old, "scopes.go"), "old scopes\n")
	mustWrite(t, filepath.Join(old, "decision.go"), "old decision\n")
	mustWrite(t, filepath.Join(old, "lookup.go"), "same\n")
	mustWrite(t, filepath.Join(root, "adapter", "redact.go"), "old redact\n")
	files := []File{
		{filepath.Join(old, "scopes.go"), []byte("new scopes\n")},
		{filepath.Join(old, "decision.go"), []byte("new decision\n")},
		{filepath.Join(old, "lookup.go"), []byte("same\n")},
		{filepath.Join(old, "grant.go"), []byte("new grant\n")},
		{filepath.Join(root, "adapter", "redact.go"), []byte("new redact\n")},
		{filepath.Join(root, "fresh", "sub", "enforce.go"), []byte("new enforce\n")},
	}
	const changed = 5 // files to write: all but lookup.go
	before := tree(t, root)

	fail := errors.New("injected failure")
	type step struct {
		name string
		n    int // the call of the operation that fails
	}
	var steps []step
	steps = append(steps, step{"mkdir", 0})
	for n := range changed {
		steps = append(steps, step{"temp", n}, step{"rename", n})
	}
	for _, s := range steps {
		t.Run(fmt.Sprintf("%s%d", s.name, s.n), func(t *testing.T) {
			calls := 0
			failing := func() bool {
				calls++
				return calls == s.n+1
			}
			switch s.name {
			case "mkdir":
				// Fails having made the first of the two directories.
				mkdirAll = func(path string, perm fs.FileMode) error {
					if failing() {
						os.Mkdir(filepath.Dir(path), perm)
						return fail
					}
					return os.MkdirAll(path, perm)
				}
			case "temp":
				createTemp = func(dir, pattern string) (*os.File, error) {
					if failing() {
						return nil, fail
					}
					return os.CreateTemp(dir, pattern)
				}
			case "rename":
				rename = func(from, to string) error {
					if failing() {
						return fail
					}
					return os.Rename(from, to)
				}
			}
			defer func() { mkdirAll, createTemp, rename = os.MkdirAll, os.CreateTemp, os.Rename }()
			_, err := Write(files)
			if !errors.Is(err, fail) {
				t.Fatalf("Write: %v, want the injected failure", err)
			}
			if d := diffTrees(before, tree(t, root)); d != "" {
				t.Errorf("a failed Write changed the tree:\n%s", d)
			}
		})
	}

	// And with nothing failing, every file lands.
	res, err := Write(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != changed {
		t.Errorf("wrote %v", res.Written)
	}
	if d, err := Stale(files); err != nil || d != "" {
		t.Errorf("after Write: Stale %q, %v", d, err)
	}
}

// TestWriteRefusesBadTargets: a target that is a directory, a symbolic link
// (to a file or to nothing), or below a file, or a directory link that
// points nowhere, fails Write before anything is written, and Stale too,
// with a message that names the path and says what to do.
func TestWriteRefusesBadTargets(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	mustWrite(t, filepath.Join(out, "a.go"), "old a\n")
	mustWrite(t, filepath.Join(root, "elsewhere.go"), "elsewhere\n")
	mustWrite(t, filepath.Join(root, "file"), "a file\n")
	if err := os.Mkdir(filepath.Join(out, "dir.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	for link, to := range map[string]string{
		filepath.Join(out, "link.go"):     "../elsewhere.go",
		filepath.Join(out, "dangling.go"): "nowhere.go",
		filepath.Join(root, "dangledir"):  "nowhere",
	} {
		if err := os.Symlink(to, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	before := tree(t, root)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(out, "dir.go"), "out/dir.go is a directory, where a file is to be written; move it away, or write to another directory"},
		{filepath.Join(out, "link.go"), "out/link.go is a symbolic link to ../elsewhere.go; scopegen replaces generated files and does not write through links: remove the link"},
		{filepath.Join(out, "dangling.go"), "out/dangling.go is a symbolic link to nowhere.go;"},
		{filepath.Join(root, "dangledir", "x", "a.go"), "dangledir is a symbolic link to nowhere, which does not exist; create that directory, or remove the link"},
		{filepath.Join(root, "file", "a.go"), "file is a file, not a directory; move it away, or write to another directory"},
	} {
		files := []File{{filepath.Join(out, "a.go"), []byte("new a\n")}, {tc.path, []byte("x\n")}}
		if _, err := Write(files); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Write %s: %v, want %q", tc.path, err, tc.want)
		}
		if _, err := Stale(files); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Stale %s: %v, want %q", tc.path, err, tc.want)
		}
		if d := diffTrees(before, tree(t, root)); d != "" {
			t.Errorf("Write %s changed the tree:\n%s", tc.path, d)
		}
	}
}

// TestWriteFollowsDirectoryLinks: an output directory that is a link to a
// directory is written through, and one file named two ways is refused.
func TestWriteFollowsDirectoryLinks(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if _, err := Write([]File{{filepath.Join(link, "a.go"), []byte("a\n")}}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(real, "a.go")); err != nil || string(data) != "a\n" {
		t.Errorf("real/a.go: %q, %v", data, err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if d, err := Stale([]File{{filepath.Join(link, "a.go"), []byte("a\n")}}); d != "" || err != nil {
		t.Errorf("Stale through the link: %q, %v", d, err)
	}
	_, err := Write([]File{{filepath.Join(real, "b.go"), []byte("1\n")}, {filepath.Join(link, "b.go"), []byte("2\n")}})
	if err == nil || !strings.Contains(err.Error(), "are the same file") {
		t.Errorf("one file named twice: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "b.go")); !os.IsNotExist(err) {
		t.Errorf("b.go written: %v", err)
	}
}

// TestStale: files in sync give "", a changed or missing file (or
// directory) a unified diff naming the path and "(generated)".
func TestStale(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a.go")
	mustWrite(t, a, "one\ntwo\n")
	if d, err := Stale([]File{{a, []byte("one\ntwo\n")}}); d != "" || err != nil {
		t.Errorf("in sync: %q, %v", d, err)
	}
	name := filepath.ToSlash(a)
	want := "--- " + name + "\n+++ " + name + " (generated)\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n"
	if d, err := Stale([]File{{a, []byte("one\nthree\n")}}); d != want || err != nil {
		t.Errorf("changed: %q, %v; want %q", d, err, want)
	}
	missing := filepath.Join(root, "none", "b.go")
	if d, err := Stale([]File{{missing, []byte("b\n")}}); !strings.Contains(d, "+b\n") || err != nil {
		t.Errorf("missing: %q, %v", d, err)
	}
	if _, err := os.Stat(filepath.Join(root, "none")); !os.IsNotExist(err) {
		t.Errorf("Stale created a directory: %v", err)
	}
}
