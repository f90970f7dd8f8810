package main

import (
	"flag"
	"io"
	"path/filepath"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/output"
)

func runDocs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var specPath, out string
	fs.StringVar(&specPath, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&out, "o", "", "write the reference to `file`, replacing it whole (not through a symbolic link, which is refused) and leaving it untouched when it holds the same bytes (default: standard output)")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	m, err := loadModel(specPath)
	if err != nil {
		return err
	}
	if out == "" {
		_, err := stdout.Write(gen.Docs(m, filepath.ToSlash(specPath)))
		return err
	}
	// Name the spec as the file's directory sees it, as generate does.
	doc := output.File{Path: out, Content: gen.Docs(m, relativeSource(specPath, filepath.Dir(out)))}
	_, err = output.Write([]output.File{doc})
	return err
}
