package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scopegen/scopegen/internal/textdiff"
)

// Write puts files in dir, creating it if needed. Every file is first written
// to a temporary name and then renamed, so a failure leaves no partial output.
// Files that already hold the same bytes are left untouched.
func Write(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for _, f := range files {
		t, err := os.CreateTemp(dir, ".scopegen-*.tmp")
		if err != nil {
			return err
		}
		tmps = append(tmps, t.Name())
		_, err = t.Write(f.Content)
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		dst := filepath.Join(dir, f.Name)
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := os.Chmod(tmps[i], 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmps[i], dst); err != nil {
			return err
		}
	}
	return nil
}

// Stale compares files with what dir holds and returns a unified diff for each
// file that differs or is missing; empty means dir is in sync.
func Stale(dir string, files []File) (string, error) {
	var out strings.Builder
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		old, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		if bytes.Equal(old, f.Content) {
			continue
		}
		fmt.Fprint(&out, textdiff.Unified(filepath.ToSlash(path), filepath.ToSlash(path)+" (generated)", old, f.Content))
	}
	return out.String(), nil
}
