package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/textdiff"
)

// TestCoreData checks that the data files of gen/internal/core are what the
// generator prints for its test spec, so that the fixed files are compiled
// and tested there against real generated data. go test ./gen -run
// TestCoreData -update rewrites them.
func TestCoreData(t *testing.T) {
	dir := filepath.Join("internal", "core")
	data, err := os.ReadFile(filepath.Join(dir, "testdata", "scopes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := generate(t, "testdata/scopes.yaml", data, "core")
	n := 0
	for _, f := range files {
		if !gen.IsData(f.Name) {
			continue
		}
		n++
		path := filepath.Join(dir, f.Name)
		if *update {
			if err := os.WriteFile(path, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./gen -run TestCoreData -update writes it)", err)
		}
		if !bytes.Equal(old, f.Content) {
			t.Errorf("%s is stale (go test ./gen -run TestCoreData -update):\n%s", path, textdiff.Unified(path, path+" (generated)", old, f.Content))
		}
	}
	if n != 4 {
		t.Errorf("the generator printed %d data files, want 4", n)
	}
}
