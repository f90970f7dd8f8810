// Package output writes the files of one run of scopegen as a whole, and
// tells whether files on disk are stale.
//
// Write puts every file in place or none: each changed file is first written
// to a temporary file beside its target (a name starting with a dot, which
// the go command ignores), and only when every one of them is written are
// they renamed onto their targets. A failure before the renames removes the
// temporary files and the directories Write created, and leaves every
// target as it was; a failing rename (which the checks before it make
// unlikely) puts back the files already renamed, with their bytes,
// permissions and modification times. Files that already hold their bytes
// are not touched, so their modification times are kept.
//
// Symbolic links: directories on a path are followed, as the operating
// system follows them, so an output directory may be a link to another
// directory. A directory link that points nowhere is an error that names the
// link and its target. A target file that is a symbolic link, to a file or
// to nothing, is an error, for Write and Stale alike: renaming onto it would
// replace the link and writing through it would change a file elsewhere, so
// the caller is told to remove it. A target that is a directory or another
// kind of file that is not a regular file is an error too.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scopegen/scopegen/internal/textdiff"
)

// File is what one file should hold after a run: its path and its bytes.
type File struct {
	Path    string
	Content []byte
}

// Result says what Write did with each file, by path, in the order the
// files were given.
type Result struct {
	Written   []string // created or replaced
	Unchanged []string // already held the bytes, so left untouched
}

// The file operations Write makes, which tests replace to fail part way.
var (
	createTemp = os.CreateTemp
	rename     = os.Rename
	mkdirAll   = os.MkdirAll
)

// target is one file to write, as Write plans it.
type target struct {
	File
	old     []byte      // its bytes now, if it exists
	exists  bool        // whether it exists
	mode    fs.FileMode // the permissions to give it
	mtime   time.Time   // its modification time, if it exists
	tmp     string      // the temporary file holding Content, once written
	renamed bool        // whether tmp is renamed onto Path
}

// Write puts every file at its path, creating directories as needed: all of
// them or, when it fails, none (see the package comment). Files that already
// hold their bytes are left untouched. A replaced file keeps its
// permissions; a new one gets 0644.
func Write(files []File) (Result, error) {
	var (
		res     Result
		targets []*target
		created []string // directories made, in the order they were made
	)
	// Check every target before writing anything.
	dirs := map[string]bool{}
	var order []string
	for _, f := range files {
		t := &target{File: f, mode: 0o644}
		old, info, err := inspect(f.Path)
		if err != nil {
			return Result{}, err
		}
		if info != nil {
			t.old, t.exists, t.mode, t.mtime = old, true, info.Mode().Perm(), info.ModTime()
		}
		if t.exists && bytes.Equal(old, f.Content) {
			res.Unchanged = append(res.Unchanged, f.Path)
		} else {
			res.Written = append(res.Written, f.Path)
		}
		targets = append(targets, t)
		if d := filepath.Dir(f.Path); !dirs[d] {
			dirs[d] = true
			order = append(order, d)
		}
	}

	ok := false
	defer func() {
		if ok {
			return
		}
		for _, t := range targets {
			if t.tmp != "" && !t.renamed {
				os.Remove(t.tmp)
			}
		}
		for i := len(created) - 1; i >= 0; i-- {
			os.Remove(created[i]) // only if still empty
		}
	}()

	for _, d := range order {
		missing, err := checkDir(d)
		if err != nil {
			return Result{}, err
		}
		if len(missing) == 0 {
			continue
		}
		// Recorded first: a MkdirAll that fails part way leaves some behind.
		for i := len(missing) - 1; i >= 0; i-- {
			created = append(created, missing[i])
		}
		if err := mkdirAll(d, 0o755); err != nil {
			return Result{}, fmt.Errorf("cannot create the directory %s: %w", d, unwrapPath(err))
		}
	}
	// Two paths that name one file (through a link, or spelled two ways)
	// would leave it holding one of them: refuse.
	seen := map[string]string{}
	for _, t := range targets {
		dir, err := filepath.EvalSymlinks(filepath.Dir(t.Path))
		if err != nil {
			return Result{}, err
		}
		key := filepath.Join(dir, filepath.Base(t.Path))
		if other, dup := seen[key]; dup {
			return Result{}, fmt.Errorf("%s and %s are the same file; write each file once", other, t.Path)
		}
		seen[key] = t.Path
	}

	for _, t := range targets {
		if t.exists && bytes.Equal(t.old, t.Content) {
			continue
		}
		tmp, err := writeTemp(t)
		if err != nil {
			return Result{}, fmt.Errorf("cannot write %s: %w", t.Path, err)
		}
		t.tmp = tmp
	}

	for _, t := range targets {
		if t.tmp == "" {
			continue
		}
		if err := rename(t.tmp, t.Path); err != nil {
			err = fmt.Errorf("cannot write %s: %w", t.Path, unwrapPath(err))
			if rerr := restore(targets); rerr != nil {
				err = fmt.Errorf("%w; and putting back the files already replaced failed: %v", err, rerr)
			}
			return Result{}, err
		}
		t.renamed = true
	}
	ok = true
	return res, nil
}

// writeTemp writes t's content to a new temporary file beside t's path and
// returns its name.
func writeTemp(t *target) (string, error) {
	f, err := createTemp(filepath.Dir(t.Path), "."+filepath.Base(t.Path)+".scopegen-*.tmp")
	if err != nil {
		return "", unwrapPath(err)
	}
	_, err = f.Write(t.Content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), t.mode)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", unwrapPath(err)
	}
	return f.Name(), nil
}

// restore puts back the targets already renamed: the old bytes, permissions
// and modification time of those that existed, and no file for those that
// did not.
func restore(targets []*target) error {
	var errs []error
	for _, t := range targets {
		if !t.renamed {
			continue
		}
		if !t.exists {
			if err := os.Remove(t.Path); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		back := &target{File: File{Path: t.Path, Content: t.old}, mode: t.mode}
		tmp, err := writeTemp(back)
		if err == nil {
			err = os.Chtimes(tmp, time.Time{}, t.mtime)
		}
		if err == nil {
			err = os.Rename(tmp, t.Path)
		}
		if err != nil && tmp != "" {
			os.Remove(tmp)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Path, err))
		}
	}
	return errors.Join(errs...)
}

// Stale compares each file with what its path holds and returns a unified
// diff for each one that differs or is missing, "" when all are in sync. A
// missing directory is stale, not an error; a path that Write would refuse
// (a symbolic link, a directory, a directory link that points nowhere) is an
// error here too.
func Stale(files []File) (string, error) {
	var out strings.Builder
	for _, f := range files {
		old, info, err := inspect(f.Path)
		if err != nil {
			return "", err
		}
		if info == nil {
			if _, err := checkDir(filepath.Dir(f.Path)); err != nil {
				return "", err
			}
		}
		if info != nil && bytes.Equal(old, f.Content) {
			continue
		}
		name := filepath.ToSlash(f.Path)
		out.WriteString(textdiff.Unified(name, name+" (generated)", old, f.Content))
	}
	return out.String(), nil
}

// inspect reads the regular file at path. It returns a nil FileInfo when
// there is no file, and an error saying what to do when path is a symbolic
// link or not a regular file.
func inspect(path string) ([]byte, fs.FileInfo, error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, nil
	case err != nil:
		// A parent that is a file, say: checkDir names it.
		if _, derr := checkDir(filepath.Dir(path)); derr != nil {
			return nil, nil, derr
		}
		return nil, nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	case info.Mode()&fs.ModeSymlink != 0:
		to, _ := os.Readlink(path)
		return nil, nil, fmt.Errorf("%s is a symbolic link to %s; scopegen replaces generated files and does not write through links: remove the link, or write to the directory it points into", path, to)
	case info.IsDir():
		return nil, nil, fmt.Errorf("%s is a directory, where a file is to be written; move it away, or write to another directory", path)
	case !info.Mode().IsRegular():
		return nil, nil, fmt.Errorf("%s is not a regular file (%s), where a file is to be written; remove it, or write to another path", path, info.Mode().Type())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	return data, info, nil
}

// CheckDir reports whether dir can hold the files of Write: it returns nil
// when dir is a directory, a link to one, or does not exist yet below one,
// and an error saying what to do when dir or a directory above it is a
// file, or a symbolic link that points nowhere. Commands call it to refuse
// a bad output directory before doing any work; Write and Stale check again.
func CheckDir(dir string) error {
	_, err := checkDir(dir)
	return err
}

// checkDir reports whether dir can hold files: it returns the directories
// that do not exist yet, deepest first (which MkdirAll would create), and
// an error saying what to do when dir or one of its parents is a file or a
// symbolic link that points nowhere.
func checkDir(dir string) ([]string, error) {
	var (
		missing []string
		bad     error // a directory that cannot be looked at, unless a parent explains why
	)
	for d := filepath.Clean(dir); ; {
		info, err := os.Stat(d) // follows links
		if err == nil {
			if !info.IsDir() {
				return nil, fmt.Errorf("%s is a file, not a directory; move it away, or write to another directory", d)
			}
			if bad != nil {
				return nil, bad
			}
			return missing, nil
		}
		li, lerr := os.Lstat(d)
		switch {
		case lerr == nil && li.Mode()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(d)
			return nil, fmt.Errorf("%s is a symbolic link to %s, which does not exist; create that directory, or remove the link", d, to)
		case lerr == nil:
			return nil, fmt.Errorf("cannot use the directory %s: %w", d, unwrapPath(err))
		case errors.Is(lerr, fs.ErrNotExist):
			missing = append(missing, d)
		case bad == nil:
			bad = fmt.Errorf("cannot use the directory %s: %w", d, unwrapPath(lerr))
		}
		parent := filepath.Dir(d)
		if parent == d {
			if bad != nil {
				return nil, bad
			}
			return missing, nil
		}
		d = parent
	}
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// message around it already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
