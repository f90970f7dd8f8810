package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scopegen/scopegen/internal/openapiimport"
	"github.com/scopegen/scopegen/internal/output"
	"github.com/scopegen/scopegen/internal/spec"
)

const importOpenAPIArgs = "[-o FILE] [-prev FILE] [-merge-schemes KIND=A,B]... [-server-path] FILE"

const importOpenAPIDetail = "Reads an OpenAPI description (Swagger 2.0, OpenAPI 3.0 or 3.1; JSON or YAML)\n" +
	"and writes the spec:\n" +
	"  - each security scheme is a principal kind named as its key (a key that\n" +
	"    cannot name a kind is converted, with a warning);\n" +
	"  - each scope of an oauth2 or openIdConnect scheme is a scope, named exactly\n" +
	"    as written, with its description; ids follow the names' order, or -prev's;\n" +
	"  - each operation is an endpoint named by its operationId (or VERB:/path when\n" +
	"    it has none), with one HTTP binding: its verb and its paths key;\n" +
	"  - its security (or the document's) lists alternatives, any one of which\n" +
	"    suffices: a scheme with scopes needs them all and a credential of that\n" +
	"    kind, one without scopes (API key, HTTP basic or bearer) a credential of\n" +
	"    that kind; security: [] or an empty requirement {} makes it public.\n" +
	"A requirement naming several schemes at once needs two credentials, which one\n" +
	"grant cannot hold: it is left out, with a warning, so the spec never allows\n" +
	"more than the description. -merge-schemes KIND=A,B declares schemes A and B one\n" +
	"credential of kind KIND (Google's Oauth2 and Oauth2c): such a requirement then\n" +
	"needs one credential of KIND holding all the scopes it lists. An operation no\n" +
	"grant can call, or whose path a binding cannot hold, is left out and listed at\n" +
	"the end of the spec: its requests are refused as an unknown endpoint.\n\n" +
	"-prev names the spec of the previous import: scopes and endpoints that persist\n" +
	"keep their ids and order, new ones get fresh ids, and removed scopes are\n" +
	"reserved, so that scopegen diff of the two specs reads as the API's change.\n\n" +
	"$refs are resolved within the file only; a description larger than 64 MiB or\n" +
	"nested deeper than 256 levels is refused. Warnings go to standard error as\n" +
	"file:line:col lines. The same description and flags give the same bytes.\n\n" +
	"Example:\n" +
	"  scopegen import-openapi -o spec/scopes.yaml openapi.yaml\n" +
	"  scopegen import-openapi -merge-schemes oauth2=Oauth2,Oauth2c -prev spec/scopes.yaml \\\n" +
	"      -o spec/scopes.yaml compute-v1.json\n\n" +
	"Exit status: 0 written, 1 the description cannot be read or imported, 2 usage\n" +
	"error."

// mergeFlag collects -merge-schemes values.
type mergeFlag []openapiimport.Merge

func (m *mergeFlag) String() string { return fmt.Sprint(len(*m)) }
func (m *mergeFlag) Set(s string) error {
	v, err := openapiimport.ParseMerge(s)
	if err != nil {
		return err
	}
	*m = append(*m, v)
	return nil
}

func runImportOpenAPI(set *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var (
		out, prev  string
		merge      mergeFlag
		serverPath bool
	)
	set.StringVar(&out, "o", "", "write the spec to `file`, replacing it whole (not through a symbolic link, which is refused) and leaving it untouched when it holds the same bytes (default: standard output)")
	set.StringVar(&prev, "prev", "", "the spec `file` a previous import wrote: scopes and endpoints that persist keep their ids and order, and removed scopes are reserved (default: none: ids follow the names' order); it may be the -o file")
	set.Var(&merge, "merge-schemes", "security schemes A and B (`KIND=A,B`) are one credential, the principal kind KIND; repeat for more (default: none: each scheme is a kind)")
	set.BoolVar(&serverPath, "server-path", false, "prepend the path of the first server's URL (basePath in Swagger 2.0) to every binding, e.g. /v1 (default false: the paths keys as written)")
	files, err := parse(set, args)
	if err != nil {
		return err
	}
	switch {
	case len(files) == 0:
		return usagef("no description given; pass the OpenAPI file to import")
	case len(files) > 1:
		return usagef("one description at a time; got %d files", len(files))
	}
	name := files[0]
	data, err := readDescription(name)
	if err != nil {
		return err
	}
	opts := openapiimport.Options{Merge: merge, ServerPath: serverPath, Source: filepath.ToSlash(filepath.Base(name))}
	if opts.Prev, err = readPrev(prev); err != nil {
		return err
	}
	res, err := openapiimport.Import(name, data, opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, oneLine(w.String()))
	}
	if out == "" {
		_, err := stdout.Write(res.YAML)
		return err
	}
	if _, err := output.Write([]output.File{{Path: out, Content: res.YAML}}); err != nil {
		return fmt.Errorf("cannot write the spec: %v", err)
	}
	return nil
}

// readPrev reads and parses the spec of -prev, or returns nil for "".
func readPrev(name string) (*spec.File, error) {
	if name == "" {
		return nil, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("cannot read -prev: %v", unwrapPath(err))
		}
		return nil, fmt.Errorf("cannot read -prev: %v", unwrapPath(err))
	}
	return spec.Parse(name, b)
}

// readDescription reads a description, refusing one past openapiimport.MaxBytes
// before reading it all.
func readDescription(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, openapiimport.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", name, unwrapPath(err))
	}
	return data, nil
}
