package protoimport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadFile reads a .proto file from disk. Its name is the path as given,
// with slashes, or relative to the working directory when the path is
// absolute and inside it, so that the spec does not name the machine.
func ReadFile(path string) (Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Source{}, err
	}
	if info.IsDir() {
		return Source{}, fmt.Errorf("%s is a directory; pass .proto files", path)
	}
	if info.Size() > MaxFileBytes {
		return Source{}, fmt.Errorf("%s is %d bytes, more than the limit of %d", path, info.Size(), MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Source{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	name := filepath.Clean(path)
	if filepath.IsAbs(name) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, name); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				name = rel
			}
		}
	}
	return Source{Name: filepath.ToSlash(name), Key: abs, Data: data}, nil
}

// DirResolver looks imports up in the directories roots, in order, as protoc's
// -I does.
func DirResolver(roots []string) Resolver {
	return func(importPath string) (Source, bool, error) {
		if filepath.IsAbs(importPath) || strings.Contains("/"+filepath.ToSlash(importPath)+"/", "/../") {
			return Source{}, false, nil // not a path protoc would look up
		}
		for _, root := range roots {
			src, err := ReadFile(filepath.Join(root, filepath.FromSlash(importPath)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				var pe *fs.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				return Source{}, false, err
			}
			return src, true, nil
		}
		return Source{}, false, nil
	}
}

// Roots are the directories imports are looked up in: importPaths (the
// working directory when there are none), then the directory of each file
// named on the command line and each directory above it, nearest first, so
// that proto/clarifai/api/service.proto finds its import
// "proto/clarifai/auth/scope/scope.proto" from anywhere without -I. They
// are relative to the working directory when the file was named so.
func Roots(importPaths []string, files []string) []string {
	roots := slices.Clone(importPaths)
	if len(roots) == 0 {
		roots = []string{"."}
	}
	seen := map[string]bool{}
	for _, r := range roots {
		if abs, err := filepath.Abs(r); err == nil {
			seen[abs] = true
		}
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
			if !seen[dir] {
				seen[dir] = true
				root := dir
				if wd, err := os.Getwd(); err == nil && !filepath.IsAbs(f) {
					// Relative when the file was named so, for the names of
					// the files found.
					if rel, err := filepath.Rel(wd, dir); err == nil {
						root = rel
					}
				}
				roots = append(roots, root)
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return roots
}
