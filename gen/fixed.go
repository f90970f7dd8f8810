package gen

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// core holds gen/internal/core: the code that is the same in every generated
// package (sets, grants, decisions, the check path), as ordinary Go that is
// compiled, vetted and tested in this repository. There it is package core,
// completed by data files generated from a small spec (dataFiles); the
// generator copies the other files into every output with their package
// clause renamed.
//
//go:embed internal/core/*.go
var core embed.FS

// dataFiles are the files the generator prints from the spec. In
// gen/internal/core they hold the data of its test spec, and are not copied;
// nor is core.go, the package's doc comment there.
var dataFiles = map[string]bool{"scopes.go": true, "spec.go": true, "endpoints.go": true, "lookup.go": true}

// notCopied reports whether the file base of gen/internal/core stays there.
func notCopied(base string) bool {
	return dataFiles[base] || base == "core.go" || strings.HasSuffix(base, "_test.go")
}

// corePackage is the package clause of the fixed files.
const corePackage = "package core\n"

// fixedFiles returns the fixed files of a generated package named pkg, each
// under the header lines.
func fixedFiles(pkg string, header []string) ([]File, error) {
	names, err := fs.Glob(core, "internal/core/*.go")
	if err != nil {
		return nil, err
	}
	var out []File
	for _, name := range names {
		base := path.Base(name)
		if notCopied(base) {
			continue
		}
		src, err := core.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(src, []byte(corePackage)) {
			return nil, fmt.Errorf("gen/%s does not start with %q (this is a scopegen bug)", name, corePackage)
		}
		var b bytes.Buffer
		for _, line := range header {
			b.WriteString("// " + line + "\n")
		}
		fmt.Fprintf(&b, "// This file is the same for every spec: scopegen copies it from gen/%s.\n\npackage %s\n", name, pkg)
		b.Write(src[len(corePackage):])
		out = append(out, File{Name: base, Content: b.Bytes()})
	}
	return out, nil
}
