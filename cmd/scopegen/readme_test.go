package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readme returns README.md.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// readmeSection returns the section of the README under the heading (a
// whole line, such as "## The command"), up to the next heading of the same
// or a higher level outside code blocks.
func readmeSection(t *testing.T, text, heading string) string {
	t.Helper()
	_, section, ok := strings.Cut(text, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q", heading)
	}
	level := strings.IndexByte(heading, ' ')
	lines := strings.SplitAfter(section, "\n")
	fenced := false
	for i, line := range lines {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if hashes, _, ok := strings.Cut(line, " "); !fenced && ok && hashes != "" && strings.Trim(hashes, "#") == "" && len(hashes) <= level {
			return strings.Join(lines[:i], "")
		}
	}
	return section
}

// codeBlocks returns the contents of the fenced code blocks of lang (the word
// after the opening ```) in text, in order.
func codeBlocks(text, lang string) []string {
	var out []string
	for _, part := range strings.Split(text, "```"+lang+"\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out = append(out, block)
	}
	return out
}

// TestREADMEExamples runs every ```console block of README.md that starts
// with "$ go run ./cmd/scopegen ..." and compares what it prints with the
// rest of the block, so the README's examples stay true: its standard
// output, or, when it prints nothing there (import-proto -o), its standard
// error, as a terminal shows it. When the block shows warnings, the text
// before it must say how many.
func TestREADMEExamples(t *testing.T) {
	text := readme(t)
	t.Chdir("../..")
	const prompt = "$ go run ./cmd/scopegen"
	parts := strings.Split(text, "```console\n")
	if len(parts) == 1 {
		t.Fatal("README.md has no console examples")
	}
	for i, part := range parts[1:] {
		block, _, _ := strings.Cut(part, "```")
		command, want, _ := strings.Cut(block, "\n")
		if !strings.HasPrefix(command, prompt) {
			t.Errorf("console block does not start with %q: %q", prompt, command)
			continue
		}
		args := shellFields(strings.TrimPrefix(command, prompt))
		var stdout, stderr bytes.Buffer
		run(args, &stdout, &stderr)
		got := stdout.String()
		if got == "" {
			got = stderr.String()
		}
		if got != want {
			t.Errorf("README: %s\nprints:\n%s\nREADME says:\n%s", command, got, want)
		}
		if n := strings.Count(want, ": warning: "); n > 0 {
			before := parts[i]
			if j := strings.LastIndex(before, "```"); j >= 0 {
				before = before[j:]
			}
			claim := numberWord(n) + " warnings"
			if n == 1 {
				claim = "one warning"
			}
			if !strings.Contains(strings.Join(strings.Fields(before), " "), claim) {
				t.Errorf("README: %s prints %d warnings; the text before it does not say %q:\n%s", command, n, claim, before)
			}
		}
	}
}

// shellFields splits a command line into words as a shell does for the
// README's examples: at spaces, except inside double quotes, which are
// removed ("GET /v2/inputs" is one word).
func shellFields(line string) []string {
	var words []string
	var word strings.Builder
	in, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, word.String())
				word.Reset()
			}
			in = false
		default:
			word.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, word.String())
	}
	return words
}

// numberWord spells n as the README does: in words up to ten.
func numberWord(n int) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// TestREADMEGeneratedAPI holds the README's table of the generated package
// to the package: every exported type, function and method of generated/ is
// in the table (a method in the row of its type), a package-level function
// with its parameters exactly as declared, and every name the table shows
// with parameters is declared with them.
func TestREADMEGeneratedAPI(t *testing.T) {
	section := readmeSection(t, readme(t), "## The generated package")
	var rows []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	if len(rows) == 0 {
		t.Fatal("the README's section \"The generated package\" has no table")
	}
	spans := func(s string) []string {
		var out []string
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	name := func(span string) string {
		n, _, _ := strings.Cut(span, "(")
		return n
	}
	// typeRow is the row whose first cell names the type.
	typeRow := func(typ string) string {
		for _, row := range rows {
			first := strings.Split(row, "|")[1]
			if slices.Contains(spans(first), typ) {
				return row
			}
		}
		return ""
	}
	all := spans(strings.Join(rows, "\n"))

	fset := token.NewFileSet()
	pkgs := parseDir(t, fset, "../../generated")
	funcs := map[string]string{} // package-level function → its parameters
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				switch d := decl.(type) {
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.IsExported() && !slices.Contains(all, ts.Name.Name) {
							t.Errorf("the README's table of the generated package lacks the type %s", ts.Name.Name)
						}
					}
				case *ast.FuncDecl:
					if !d.Name.IsExported() {
						continue
					}
					if d.Recv == nil {
						var params bytes.Buffer
						printer.Fprint(&params, fset, &ast.FuncType{Params: d.Type.Params})
						funcs[d.Name.Name] = d.Name.Name + strings.TrimPrefix(params.String(), "func")
						continue
					}
					recv := d.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					typ := recv.(*ast.Ident).Name
					row := typeRow(typ)
					if row == "" {
						t.Errorf("the README's table of the generated package has no row for %s, whose method %s it should list", typ, d.Name.Name)
						continue
					}
					if !slices.ContainsFunc(spans(row), func(s string) bool {
						return slices.Contains(strings.Split(name(s), "/"), d.Name.Name)
					}) {
						t.Errorf("the README's row of %s lacks its method %s", typ, d.Name.Name)
					}
				}
			}
		}
	}
	for fn, decl := range funcs {
		if !slices.Contains(all, decl) {
			t.Errorf("the README's table of the generated package lacks the function %s as it is declared: `%s`", fn, decl)
		}
	}
	for _, span := range all {
		if strings.Contains(span, "(") && !strings.Contains(span, "\"") {
			if decl, ok := funcs[name(span)]; ok && decl != span {
				t.Errorf("the README shows `%s`; the function is declared %s", span, decl)
			}
		}
	}
}

// TestREADMEGeneratedFiles: the files the README's section "The generated
// package" lists, and their number, are the generated files of generated/.
func TestREADMEGeneratedFiles(t *testing.T) {
	section := readmeSection(t, readme(t), "## The generated package")
	intro, _, _ := strings.Cut(section, "\n| ")
	var listed []string
	for _, m := range regexp.MustCompile("`([a-z]+\\.go)`").FindAllStringSubmatch(intro, -1) {
		listed = append(listed, m[1])
	}
	paths, err := filepath.Glob("../../generated/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var generated []string
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil && bytes.HasPrefix(data, []byte("// Code generated by scopegen. DO NOT EDIT.")) {
			generated = append(generated, filepath.Base(p))
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, generated) {
		t.Errorf("the README's section \"The generated package\" lists the files %q; scopegen generates %q", listed, generated)
	}
	if want := strconv.Itoa(len(generated)) + " Go files"; !strings.Contains(strings.Join(strings.Fields(intro), " "), want) {
		t.Errorf("the README's section \"The generated package\" does not say %q", want)
	}
}

// TestREADMEGlueNames: the names the README's section "Enforcing on a gRPC
// server" says the glue of -grpc defines are the exported names of the glue
// generated for the shipped spec.
func TestREADMEGlueNames(t *testing.T) {
	section := readmeSection(t, readme(t), "## Enforcing on a gRPC server")
	_, para, ok := strings.Cut(section, "Beside the checker it writes")
	if !ok {
		t.Fatal("the README's section \"Enforcing on a gRPC server\" no longer says what the glue defines; update this test")
	}
	para, _, _ = strings.Cut(para, "```")
	said := map[string]bool{}
	for _, m := range regexp.MustCompile("`([A-Za-z]+\\*?)`").FindAllStringSubmatch(para, -1) {
		said[m[1]] = true
	}
	fset := token.NewFileSet()
	pkgs := parseDir(t, fset, "../../examples/clarifai/generatedgrpc")
	var names []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						names = append(names, d.Name.Name)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch sp := spec.(type) {
						case *ast.TypeSpec:
							names = append(names, sp.Name.Name)
						case *ast.ValueSpec:
							for _, id := range sp.Names {
								names = append(names, id.Name)
							}
						}
					}
				}
			}
		}
	}
	n := 0
	for _, name := range names {
		if !token.IsExported(name) {
			continue
		}
		n++
		if !said[name] && !(strings.HasPrefix(name, "Metadata") && said["Metadata*"]) {
			t.Errorf("the README does not say that the glue defines %s", name)
		}
	}
	if n == 0 {
		t.Fatal("examples/clarifai/generatedgrpc defines nothing")
	}
}

// TestREADMEVersions: the Go version the README promises is the go line of
// go.mod (the one .ci/run tests with), and the versions of gRPC, protobuf
// and genproto it names are those go.mod requires.
func TestREADMEVersions(t *testing.T) {
	text := readme(t)
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)(\.\d+)?$`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	if want := "Requirements: Go " + string(goLine[1]) + " or newer."; !strings.Contains(text, want) {
		t.Errorf("README.md does not say %q, which go.mod's go line promises", want)
	}
	versions := readmeSection(t, text, "### gRPC and Go versions")
	versions = strings.Join(strings.Fields(versions), " ")
	for _, m := range []struct{ module, readme string }{
		{"google.golang.org/grpc", "gRPC %s"},
		{"google.golang.org/protobuf", "protobuf %s"},
		{"google.golang.org/genproto/googleapis/rpc", "`googleapis/rpc` %s"},
	} {
		req := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(m.module) + ` (v\S+)`).FindSubmatch(gomod)
		if req == nil {
			t.Errorf("go.mod does not require %s", m.module)
			continue
		}
		if want := strings.Replace(m.readme, "%s", string(req[1]), 1); !strings.Contains(versions, "requires "+want) && !strings.Contains(versions, ", "+want) && !strings.Contains(versions, " and genproto's "+want) {
			t.Errorf("the README's section \"gRPC and Go versions\" does not name %s %s, which go.mod requires:\n%s", m.module, req[1], versions)
		}
	}
}

// TestREADMELayout: every package of the module, and every module beside
// it, has a row in the README's table "Layout", and every path the table
// names exists.
func TestREADMELayout(t *testing.T) {
	section := readmeSection(t, readme(t), "## Layout")
	listed := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(first, -1) {
			listed[m[1]] = true
			if _, err := os.Stat(filepath.Join("../..", m[1])); err != nil {
				t.Errorf("the README's layout names %s: %v", m[1], err)
			}
		}
	}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", path)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() || rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
			if !listed[rel+"/"] {
				t.Errorf("the README's layout lacks the module %s/", rel)
			}
			return filepath.SkipDir
		}
		if goFiles, _ := filepath.Glob(filepath.Join(path, "*.go")); len(goFiles) > 0 && !listed[rel] {
			t.Errorf("the README's layout lacks the package %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// downstreamPrograms holds the programs TestDownstream builds in a module
// made by the README's steps.
const downstreamPrograms = "../../testdata/downstream"

// TestREADMEGoExamples: every ```go block of the README is a //go:generate
// line, which TestDownstream runs as the README's steps say, or is quoted
// verbatim (but for its indentation) from a program of testdata/downstream,
// which TestDownstream builds and runs, or from the example server in
// examples/clarifai (not its generated code), which .ci/run builds and whose
// tests it runs.
func TestREADMEGoExamples(t *testing.T) {
	var programs []string
	for _, dir := range []string{downstreamPrograms, "../../examples/clarifai"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "api" {
				return filepath.SkipDir
			}
			if err == nil && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				programs = append(programs, unindent(string(data)))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	blocks := codeBlocks(readme(t), "go")
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go examples")
	}
	for _, block := range blocks {
		if strings.HasPrefix(block, "//go:generate ") && strings.Count(block, "\n") == 1 {
			continue
		}
		if !slices.ContainsFunc(programs, func(p string) bool { return strings.Contains(p, unindent(block)) }) {
			t.Errorf("this Go example of the README is not in a program of testdata/downstream or examples/clarifai, so nothing runs it:\n%s", block)
		}
	}
}

// unindent removes the leading tabs of every line.
func unindent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// TestREADMEContributingCommands: the commands of the section "Contributing"
// that regenerate the committed packages name them as they are: run as
// check, each passes.
func TestREADMEContributingCommands(t *testing.T) {
	blocks := codeBlocks(readmeSection(t, readme(t), "## Contributing"), "sh")
	if len(blocks) == 0 {
		t.Fatal("the README's section \"Contributing\" has no commands")
	}
	t.Chdir("../..")
	n := 0
	for _, line := range strings.Split(blocks[0], "\n") {
		args, ok := strings.CutPrefix(line, "go run ./cmd/scopegen")
		if !ok {
			continue
		}
		n++
		words := strings.Fields(args)
		if len(words) > 0 && words[0] == "generate" {
			words = words[1:]
		}
		if code, stdout, stderr := scopegen(t, append([]string{"check"}, words...)...); code != 0 {
			t.Errorf("README: %s\nas check: exit %d\n%.2000s%s", line, code, stdout, stderr)
		}
	}
	if n == 0 {
		t.Error("the README's section \"Contributing\" has no go run ./cmd/scopegen lines")
	}
}

// goPackage is the files of one package of a directory, by name.
type goPackage struct {
	Files map[string]*ast.File
}

// parseDir parses the .go files of dir but its tests, by package name: what
// the deprecated parser.ParseDir gave, for a directory without build tags.
func parseDir(t *testing.T, fset *token.FileSet, dir string) map[string]*goPackage {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]*goPackage{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		p := pkgs[f.Name.Name]
		if p == nil {
			p = &goPackage{Files: map[string]*ast.File{}}
			pkgs[f.Name.Name] = p
		}
		p.Files[name] = f
	}
	return pkgs
}
