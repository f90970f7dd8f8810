package protoimport_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// hostileConfig is the config of the hostile-input tests: package t, its
// enum Scope, options requires and auth.
const hostileConfig = `enum: t.Scope
grants_all: All
options:
  requires: t.requires
  auth: t.auth
auth:
  NONE: public
  KEY: app_key|pat
`

// importFiles imports files, given as name and contents in turn, with
// hostileConfig; imports are found among the same files by name. A file
// named import/PATH is not named on the command line: it is only found, as
// the import PATH.
func importFiles(t *testing.T, files ...string) (*protoimport.Result, error) {
	t.Helper()
	c, err := protoimport.ParseConfig("config.yaml", []byte(hostileConfig))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	var srcs []protoimport.Source
	for i := 0; i+1 < len(files); i += 2 {
		name, imported := strings.CutPrefix(files[i], "import/")
		byName[name] = []byte(files[i+1])
		if !imported {
			srcs = append(srcs, protoimport.Source{Name: name, Data: []byte(files[i+1])})
		}
	}
	return protoimport.Import(c, srcs, func(path string) (protoimport.Source, bool, error) {
		data, ok := byName[path]
		return protoimport.Source{Name: path, Data: data}, ok, nil
	})
}

// diagnostics returns the spec.Errors err holds, failing the test when it
// holds none.
func diagnostics(t *testing.T, err error) spec.Errors {
	t.Helper()
	var diags spec.Errors
	if !errors.As(err, &diags) {
		t.Fatalf("error %v; want spec.Errors", err)
	}
	return diags
}

// TestTooManyErrors checks that an import lists at most spec.MaxErrors
// errors, and warnings, then says how many more there were, in the words a
// spec's errors use.
func TestTooManyErrors(t *testing.T) {
	const n = 2000
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage t;\nenum Scope {\n  UNSET = 0;\n  All = 1;\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  V%d = %d;\n", i, 20000+i) // past the largest scope id
	}
	b.WriteString("}\n")
	_, err := importFiles(t, "a.proto", b.String())
	diags := diagnostics(t, err)
	if len(diags) != spec.MaxErrors+1 {
		t.Errorf("%d errors listed; want spec.MaxErrors (%d) and a note", len(diags), spec.MaxErrors)
	}
	want := fmt.Sprintf("a.proto:%d:10: and %d more errors, not listed (the next one is here); fix these and run again", 6+spec.MaxErrors, n-spec.MaxErrors)
	if last := diags[len(diags)-1].String(); last != want {
		t.Errorf("last error\n%s\nwant\n%s", last, want)
	}

	// Warnings: an RPC that lists a scope n+1 times.
	b.Reset()
	b.WriteString("syntax = \"proto3\";\npackage t;\nenum Scope { UNSET = 0; All = 1; Read = 2; }\nmessage M {}\nservice S {\n  rpc A (M) returns (M) {\n    option (auth) = KEY;\n")
	for i := 0; i <= n; i++ {
		b.WriteString("    option (requires) = Read;\n")
	}
	b.WriteString("  }\n}\n")
	res, err := importFiles(t, "a.proto", b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != spec.MaxErrors+1 {
		t.Errorf("%d warnings listed; want spec.MaxErrors (%d) and a note", len(res.Warnings), spec.MaxErrors)
	}
	want = fmt.Sprintf("a.proto:%d:25: warning: and %d more warnings, not listed (the next one is here)", 9+spec.MaxErrors, n-spec.MaxErrors)
	if last := res.Warnings[len(res.Warnings)-1].String(); last != want {
		t.Errorf("last warning\n%s\nwant\n%s", last, want)
	}
}

// nested is an importable file whose line 5 is line: an option, say.
func nested(line string) string {
	return "syntax = \"proto3\";\npackage t;\nenum Scope { UNSET = 0; All = 1; Read = 2; }\nmessage M {}\n" + line +
		"\nservice S { rpc A (M) returns (M) { option (auth) = KEY; option (requires) = Read; } }\n"
}

// TestDeepNesting checks that a file nested deeper than
// protoimport.MaxNesting, or whose option value holds more than
// protoimport.MaxLiteralTokens tokens in literals not yet closed, is refused
// before it is parsed, at the bracket or token past the limit, and that a
// file at the limits is imported.
func TestDeepNesting(t *testing.T) {
	literal := func(depth int) string {
		return "option (x) = " + strings.Repeat("{a:", depth) + "1" + strings.Repeat("}", depth) + ";"
	}
	messages := func(depth int) string {
		return strings.Repeat("message A { ", depth) + strings.Repeat("}", depth)
	}
	fields := func(n int) string { return "option (x) = {" + strings.Repeat("a:1,", n) + "};" }
	// The column of the n-th (1-based) occurrence of s in line 5.
	col := func(line, s string, n int) int {
		off := -1
		for ; n > 0; n-- {
			off += 1 + strings.Index(line[off+1:], s)
		}
		return off + 1
	}
	const (
		nesting = "brackets ({, [, ( and <) nest more than 256 deep here: protocompile's parser keeps about 9 KB per level, so the file is refused before parsing; " +
			"a .proto nests a few levels: close the brackets opened before this one, or look for a run of them that is never closed"
		tokens = "the message literals open here (an option's value) hold more than 10000 tokens"
	)
	for _, c := range []struct {
		name, line string
		want       string // "" when the import succeeds
		at         int    // its column
	}{
		{"literal at the limit", literal(protoimport.MaxNesting), "", 0},
		{"literal past the limit", literal(protoimport.MaxNesting + 1), nesting, col(literal(300), "{", protoimport.MaxNesting+1)},
		{"literal far past the limit", literal(5000), nesting, col(literal(300), "{", protoimport.MaxNesting+1)},
		{"messages at the limit", messages(protoimport.MaxNesting), "", 0},
		{"messages past the limit", messages(protoimport.MaxNesting + 1), nesting, col(messages(300), "{", protoimport.MaxNesting+1)},
		{"fields at the limit", fields(protoimport.MaxLiteralTokens / 4), "", 0},
		{"fields past the limit", fields(protoimport.MaxLiteralTokens/4 + 1), tokens, len("option (x) = {") + protoimport.MaxLiteralTokens + 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := importFiles(t, "a.proto", nested(c.line))
			if c.want == "" {
				if err != nil {
					t.Fatalf("import: %.500v", err)
				}
				return
			}
			diags := diagnostics(t, err)
			want := fmt.Sprintf("a.proto:5:%d: %s", c.at, c.want)
			if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), want) {
				t.Errorf("errors\n%.1000v\nwant one starting\n%s", err, want)
			}
		})
	}
}

// TestDeceptiveComments checks that characters that make text read
// differently from what it is (model.Deceptive), which a spec refuses, are
// left out of the descriptions that comments give, each with a warning at
// the character, and that an HTTP binding holding one is left out, with a
// warning at its path.
func TestDeceptiveComments(t *testing.T) {
	src := "syntax = \"proto3\";\npackage t;\nenum Scope {\n  UNSET = 0;\n  All = 1;\n" +
		"  // Read \u202Eitems.\n" +
		"  Read = 2;\n}\nmessage M {}\nservice S {\n" +
		"  /* Gets\tan\u2028item. */\n" +
		"  rpc A (M) returns (M) {\n    option (auth) = KEY;\n    option (requires) = Read;\n" +
		"    option (google.api.http) = {get: \"/v1/\\u2066items\"};\n" +
		"  }\n}\n"
	res, err := importFiles(t, "a.proto", src)
	if err != nil {
		t.Fatal(err)
	}
	const tail = ", which can make generated code and SCOPES.md read differently from what they are; it is left out of the description: remove it from the .proto file"
	want := []string{
		"a.proto:6:11: warning: the comment on Read holds U+202E (RIGHT-TO-LEFT OVERRIDE)" + tail,
		"a.proto:11:19: warning: the comment on rpc /t.S/A holds U+2028 (LINE SEPARATOR)" + tail,
		`a.proto:15:38: warning: rpc /t.S/A: HTTP binding path "/v1/\u2066items": literal segment "\u2066items" holds "\u2066", which cannot appear in a raw path segment; percent-encode it: %E2%81%A6; it is left out, so the checker refuses its requests as an unknown endpoint: correct the .proto file`,
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := res.Model.Scope("Read").Description; d != "Read items." {
		t.Errorf("scope Read: description %q", d)
	}
	if e := res.Model.Endpoint("/t.S/A"); e.Description != "Gets an item." || len(e.HTTP) != 0 {
		t.Errorf("rpc A: description %q, %d bindings", e.Description, len(e.HTTP))
	}
	for _, r := range string(res.YAML) {
		if _, bad := model.Deceptive(r); bad {
			t.Errorf("the spec holds %U", r)
		}
	}
}

// TestImportCycles checks that a file importing itself, directly or through
// others, is reported, once, at the import statement that closes the cycle:
// among the files named, and among the imports read to find the enum.
func TestImportCycles(t *testing.T) {
	const (
		enum    = "enum Scope { UNSET = 0; All = 1; Read = 2; }\n"
		service = "message M {}\nservice S { rpc A (M) returns (M) { option (auth) = KEY; option (requires) = Read; } }\n"
		head    = "syntax = \"proto3\";\npackage t;\n"
		refuses = "protoc refuses this (\"File recursively imports itself\"): "
	)
	for _, c := range []struct {
		name  string
		files []string
		want  []string
	}{
		{"none", []string{"a.proto", head + "import \"b.proto\";\n" + service, "b.proto", head + enum}, nil},
		{"self", []string{"a.proto", head + "import \"a.proto\";\n" + enum + service},
			[]string{"a.proto:3:1: warning: a.proto imports itself; " + refuses + "remove this import"}},
		{"two files named", []string{"a.proto", head + "import \"b.proto\";\n" + enum + service, "b.proto", head + "import \"a.proto\";\n"},
			[]string{"b.proto:3:1: warning: import cycle: a.proto → b.proto → a.proto; " + refuses + "remove one of these imports"}},
		{"through imports", []string{
			"s.proto", head + "import \"x.proto\";\n" + service,
			"import/x.proto", head + "import \"y.proto\";\n",
			"import/y.proto", head + "\nimport \"x.proto\";\n" + enum},
			[]string{"y.proto:4:1: warning: import cycle: x.proto → y.proto → x.proto; " + refuses + "remove one of these imports"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := importFiles(t, c.files...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
