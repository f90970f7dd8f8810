package spec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

const name = "scopes.yaml"

// parseErrors parses src, which must fail, and returns its diagnostics as
// "line:col: message" lines.
func parseErrors(t *testing.T, src string) []string {
	t.Helper()
	f, err := spec.Parse(name, []byte(src))
	if err == nil {
		t.Fatalf("Parse(%q) succeeded; want an error", src)
	}
	if f != nil {
		t.Errorf("Parse(%q) returned a file with its error", src)
	}
	var errs spec.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse(%q) error is %T, not spec.Errors", src, err)
	}
	var out []string
	for _, d := range errs {
		if d.Pos.File != name || d.Pos.Line < 1 || d.Pos.Col < 1 {
			t.Errorf("Parse(%q): bad position in %q", src, d)
		}
		out = append(out, fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg))
	}
	return out
}

// parse parses src, which must succeed.
func parse(t *testing.T, src string) *spec.File {
	t.Helper()
	f, err := spec.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return f
}

// wantOne checks that src fails with exactly one diagnostic, at pos
// ("line:col") and containing msg.
func wantOne(t *testing.T, src, pos, msg string) {
	t.Helper()
	got := parseErrors(t, src)
	if len(got) != 1 || !strings.HasPrefix(got[0], pos+": ") || !strings.Contains(got[0], msg) {
		t.Errorf("Parse(%q) =\n%s\nwant one error at %s containing %q", src, strings.Join(got, "\n"), pos, msg)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "   \n\n", "# only a comment\n", "---\n", "---\n...\n"} {
		wantOne(t, src, "1:1", "spec is empty")
	}
}

func TestParseMultipleDocuments(t *testing.T) {
	wantOne(t, "scopegen: 1\n---\nscopegen: 1\n", "2:1", "a spec is one YAML document; remove this second one")
	wantOne(t, "scopegen: 1\n---\n", "2:1", "a spec is one YAML document")
	wantOne(t, "scopegen: 1\n...\n---\n# two\nscopes: []\n", "3:1", "a spec is one YAML document")
	// A syntax error in a second document is reported, not ignored.
	wantOne(t, "scopegen: 1\n---\nscopes: [a\n", "3:9", "invalid YAML: did not find expected ',' or ']'")
	// One document with explicit markers is fine.
	parse(t, "---\nscopegen: 1\n...\n")
}

func TestParseTopLevelNotMapping(t *testing.T) {
	for src, kind := range map[string]string{
		"- scopegen: 1\n": "a list",
		"scopegen\n":      `"scopegen"`,
		"1\n":             "the number 1",
		"null\n":          "empty",
		"true\n":          "true",
	} {
		got := parseErrors(t, src)
		want := []string{
			`1:1: missing "scopegen: 1" (the spec format version) at the top of the spec`,
			"1:1: the spec must be a mapping (key: value lines), not " + kind,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) =\n%s\nwant\n%s", src, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	wantOne(t, "scopegen: 1\nscopes: []\nscopegen: 1\n", "3:1", `the spec has key "scopegen" twice; keep one`)
	wantOne(t, "{scopegen: 1, scopegen: 1}\n", "1:15", `the spec has key "scopegen" twice`)
	wantOne(t, "scopegen: 1\nscopes:\n  - name: A\n    name: B\n", "4:5", `scope has key "name" twice`)
	wantOne(t, "scopegen: 1\noutcomes:\n  key_invalid: {code: 1, code: 2}\n", "3:26", `outcome "key_invalid" has key "code" twice`)
	wantOne(t, "scopegen: 1\nendpoints:\n  - {method: /a.B/C, redact: [{field: f, field: g}]}\n", "3:42", `redaction has key "field" twice`)
	// An outcome role given twice is a model error, reported by package model.
	f := parse(t, "scopegen: 1\noutcomes:\n  key_invalid: {code: 1}\n  key_invalid: {code: 2}\n")
	if len(f.Outcomes) != 2 {
		t.Errorf("got %d outcomes, want both", len(f.Outcomes))
	}
}

func TestParseDeprecated(t *testing.T) {
	for _, tc := range []struct {
		value  string // "" for no deprecated key
		want   spec.Deprecation
		hasPos bool
	}{
		{"", spec.Deprecation{}, false},
		{"true", spec.Deprecation{Set: true}, true},
		{"false", spec.Deprecation{}, true},
		{"use Inputs:Get", spec.Deprecation{Set: true, Reason: "use Inputs:Get"}, true},
		{`"true"`, spec.Deprecation{Set: true, Reason: "true"}, true}, // a quoted true is a reason
		{"2024", spec.Deprecation{Set: true, Reason: "2024"}, true},
	} {
		src := "scopegen: 1\nscopes:\n  - name: A\n"
		if tc.value != "" {
			src += "    deprecated: " + tc.value + "\n"
		}
		f := parse(t, src)
		got := f.Scopes[0].Deprecated
		if got.Set != tc.want.Set || got.Reason != tc.want.Reason {
			t.Errorf("deprecated: %s: got %+v, want %+v", tc.value, got, tc.want)
		}
		if want := (spec.Pos{File: name, Line: 4, Col: 17}); tc.hasPos && got.Pos != want {
			t.Errorf("deprecated: %s: position %v, want %v", tc.value, got.Pos, want)
		}
	}
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: A, deprecated: \"\"}\n", "3:27", "deprecated needs a reason or true")
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: A, deprecated: [x]}\n", "3:27", "deprecated (true, or the reason) must be a string, not a list")
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: A, deprecated: }\n", "3:27", "must be a string, not empty")
}

// TestParseSunset: a sunset is a calendar date, YYYY-MM-DD, plain or quoted,
// on a scope or an endpoint.
func TestParseSunset(t *testing.T) {
	f, err := spec.Parse(name, []byte("scopegen: 1\nscopes:\n  - {name: A, deprecated: true, sunset: 2027-01-31}\nendpoints:\n  - {method: /a.B/C, deprecated: gone, sunset: '2024-02-29'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Scopes[0].Sunset; got.Value != "2027-01-31" || got.Pos.Line != 3 || got.Pos.Col != 41 {
		t.Errorf("scope sunset %+v", got)
	}
	if e := f.Endpoints[0]; e.Sunset.Value != "2024-02-29" || !e.Deprecated.Set || e.Deprecated.Reason != "gone" {
		t.Errorf("endpoint %+v", e)
	}
	for value, col := range map[string]string{"2027-02-30": "3:41", "31/01/2027": "3:41", "2027-1-31": "3:41", "yes": "3:41"} {
		wantOne(t, "scopegen: 1\nscopes:\n  - {name: A, deprecated: true, sunset: "+value+"}\n", col,
			fmt.Sprintf("sunset must be a date, YYYY-MM-DD (e.g. 2027-01-31), not %q", value))
	}
}

func TestParseMaxBytes(t *testing.T) {
	big := make([]byte, spec.MaxBytes+1)
	copy(big, "scopegen: 1\n#")
	start := time.Now()
	_, err := spec.Parse(name, big)
	want := fmt.Sprintf("%s:1:1: spec is %d bytes, more than the limit of %d (4 MiB); remove what it does not need (long descriptions, unused scopes) or split the API into several specs", name, len(big), spec.MaxBytes)
	if err == nil || err.Error() != want {
		t.Errorf("Parse of %d bytes: %v, want %s", len(big), err, want)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing a file over MaxBytes took %v; it should not parse it", d)
	}
}

func TestParseValues(t *testing.T) {
	f := parse(t, `# a comment first
scopegen: 0x1
scopes:
  - name: Inputs:Get
    id: 1_000
    grants_all: true
    requires: [B, C]
reserved:
  ids: [+5, 0o17, 0b11]
endpoints:
  - method: /a.B/C
    principals: []
  - method: /a.B/D
    request_scopes: [{scope: A, when: always}]
    redact: [{field: f.g, unless: [A]}]
  - operation: listRepos
    http: [GET /repos, {shared: "GET /users/{u}/repos"}]
`)
	if want := (spec.Pos{File: name, Line: 2, Col: 1}); f.Pos != want {
		t.Errorf("file position %v, want %v (the first key)", f.Pos, want)
	}
	if f.Format.Value != 1 || !f.Format.Set {
		t.Errorf("format %+v, want 1", f.Format)
	}
	s := f.Scopes[0]
	if s.Name.Value != "Inputs:Get" || s.Name.Pos != (spec.Pos{File: name, Line: 4, Col: 11}) {
		t.Errorf("scope name %+v", s.Name)
	}
	if s.ID.Value != 1000 || s.ID.Pos != (spec.Pos{File: name, Line: 5, Col: 9}) {
		t.Errorf("scope id %+v", s.ID)
	}
	if !s.GrantsAll.Value || len(s.Requires) != 2 || s.Requires[1].Value != "C" || s.Requires[1].Pos.Col != 19 {
		t.Errorf("scope %+v", s)
	}
	var ids []int64
	for _, id := range f.Reserved.IDs {
		ids = append(ids, id.Value)
	}
	if !slices.Equal(ids, []int64{5, 15, 3}) {
		t.Errorf("reserved ids %v, want [5 15 3]", ids)
	}
	e := f.Endpoints[0]
	if !e.HasPrincipals || e.Principals == nil || len(e.Principals) != 0 {
		t.Errorf("endpoint with principals: [] has HasPrincipals %v, Principals %#v", e.HasPrincipals, e.Principals)
	}
	if e := f.Endpoints[1]; e.HasPrincipals || e.RequestScopes[0].When.Value != "always" || e.Redact[0].Unless[0].Value != "A" {
		t.Errorf("endpoint %+v", e)
	}
	e = f.Endpoints[2]
	want := []spec.Binding{
		{Pos: spec.Pos{File: name, Line: 17, Col: 12}, Rule: spec.Str{Value: "GET /repos", Pos: spec.Pos{File: name, Line: 17, Col: 12}}},
		{Pos: spec.Pos{File: name, Line: 17, Col: 24}, Rule: spec.Str{Value: "GET /users/{u}/repos", Pos: spec.Pos{File: name, Line: 17, Col: 33}}, Shared: true},
	}
	if e.Operation.Value != "listRepos" || e.Method.Value != "" || !reflect.DeepEqual(e.HTTP, want) {
		t.Errorf("HTTP-only endpoint %+v", e)
	}
}

func TestParseNumbers(t *testing.T) {
	wantOne(t, "scopegen: 1\nscopes: [{id: 1.5}]\n", "2:15", "id must be a whole number, not the number 1.5")
	wantOne(t, "scopegen: 1\nscopes: [{id: '7'}]\n", "2:15", `id must be a whole number, not "7"`)
	wantOne(t, "scopegen: 1\nscopes: [{id: 18446744073709551615}]\n", "2:15", "is not a whole number that fits in 64 bits")
	wantOne(t, "scopegen: 1\nscopes: [{id: 010}]\n", "2:15", "id 010 starts with 0, so YAML reads it as the octal number 8; remove the leading zeros")
	wantOne(t, "scopegen: 2\n", "1:11", "spec format 2 is not supported; write scopegen: 1")
	// A bad version is reported once, not again as an unsupported one.
	wantOne(t, "scopegen: one\n", "1:11", `scopegen (the format version) must be a whole number, not "one"`)
	wantOne(t, "scopegen:\n", "1:10", "must be a whole number, not empty")
}

func TestParseYAMLErrors(t *testing.T) {
	// yaml.v3 reports a scanner error's line, and the 0-based line of the
	// block a parser error is in; either way the line is 1-based here.
	wantOne(t, "scopegen: 1\nscopes:\n  - name: a\n    id: 1\n   x: 2\n", "3:1", "invalid YAML: did not find expected '-' indicator; check the indentation")
	wantOne(t, "scopegen: 1\nscopes: [a,\n", "3:1", "invalid YAML: did not find expected node content")
	// Aliases are refused, and so is one to an anchor that does not exist.
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: &n A}\n  - {name: *n}\n", "4:12", "YAML aliases (*name) are not allowed in a spec")
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: A, description: *Read this* first}\n", "3:28", "*Read is a YAML alias, and no anchor &Read is defined; aliases are not allowed in a spec: write the value out, or quote it if it is text")
	// Characters YAML refuses are located by the parser itself.
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: A\x01}\n", "3:13", "invalid YAML: control characters are not allowed; a spec is UTF-8 text without control characters (other than tab and newline): remove this one")
	wantOne(t, "scopegen: 1\nscopes:\n  - {name: é\xff}\n", "3:13", "invalid YAML: invalid")
}

// TestParseYAMLSyntaxColumns checks the column recovered for the common
// YAML syntax errors, which yaml.v3 reports with a line only, and that an
// error whose character cannot be found for certain stays at the start of
// its line, saying what to do.
func TestParseYAMLSyntaxColumns(t *testing.T) {
	const (
		tab       = "; YAML indents with spaces only: replace this tab with spaces"
		colon     = "invalid YAML: mapping values are not allowed in this context; quote a value that holds \": \", or start a key on its own line, indented as the other keys of its mapping"
		startList = "invalid YAML: did not find expected ',' or ']'; the list this [ starts is not closed where it should be: separate its entries with commas, close it with ], and quote an entry that holds \": \""
		startMap  = "invalid YAML: did not find expected ',' or '}'; the mapping this { starts is not closed where it should be: separate its entries with commas, close it with }, and quote an entry that holds \": \""
		hint      = "; check the indentation and quoting from this line on"
	)
	for _, tc := range []struct{ src, want string }{
		// A tab in the indentation, where a token starts or inside a value.
		{"scopegen: 1\nscopes:\n\t- a\n", "3:1: invalid YAML: found character that cannot start any token" + tab},
		{"scopegen: 1\nscopes:\n  - {name: a}\n  -\t{name: b}\n", "4:4: invalid YAML: found character that cannot start any token" + tab},
		{"scopegen: 1\nscopes:\n  - name: a\n  \t  id: 1\n", "4:3: invalid YAML: found a tab character that violates indentation" + tab},
		{"x: a\n\tb\n", "2:1: invalid YAML: found a tab character that violates indentation" + tab},
		// Characters that cannot start a plain value.
		{"scopegen: 1\nscopes: [{name: a, description: @admin only}]\n", "2:33: invalid YAML: found character that cannot start any token; @ cannot start a plain YAML value: quote the value that starts with it"},
		{"scopegen: 1\nx: `a`\n", "2:4: invalid YAML: found character that cannot start any token; ` cannot start a plain YAML value: quote the value that starts with it"},
		// A ": " in a value, or a key indented too far.
		{"scopegen: 1\nscopes:\n  - name: a: b\n", "3:12: " + colon},
		{"a: b: c\n", "1:5: " + colon},
		{"scopegen: 1\nscopes:\n  - name: a\n     id: 1\n", "4:8: " + colon},
		{"scopegen: 1\nscopes:\n  - {name: a}\n  - description: see: a:b\n", "4:21: " + colon},
		// A "- " where a list entry cannot start.
		{"scopegen: 1\nscopes:\n  - name: a\n    requires: - b\n", "4:15: invalid YAML: block sequence entries are not allowed in this context; start a list entry \"- \" on its own line, indented under its key, or quote a value that starts with \"- \""},
		{"a: ? b\n", "1:4: invalid YAML: mapping keys are not allowed in this context; quote a value that starts with \"? \""},
		// Unclosed quotes: yaml.v3 gives the quote's line, or the last line
		// for a quote on the first.
		{"scopegen: 1\nscopes:\n  - name: \"Inputs:Get\n    id: 1\n", "3:11: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		{"scopegen: 1\nscopes:\n  - {name: 'it''s, id: 1}\n", "3:12: invalid YAML: found unexpected end of stream; this ' starts a quoted value that is never closed: add the closing '"},
		{"scopegen: 1\nscopes: [{name: \"a\", description: \"say 'hi}]\n", "2:35: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		{"scopegen: \"1\nscopes: []\n", "1:11: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		{"x: \"a\\\"\n", "1:4: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		{"x: \"abc\n  y: 'd\n", "1:4: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		{"x: \"abc\n  y: 'd\n  z: e", "1:4: invalid YAML: found unexpected end of stream; this \" starts a quoted value that is never closed: add the closing \""},
		// Unclosed or mismatched brackets: yaml.v3 gives the bracket's line,
		// or the problem's for a bracket on the first line.
		{"scopegen: 1\nendpoints:\n  - method: /a.B/C\n    requires: [A, B\n  - method: /a.B/D\n", "4:15: " + startList},
		{"scopegen: 1\nscopes: [a, b}\n", "2:9: " + startList},
		{"# \"[\"\nscopes: [\"a]\", b # [\n", "2:9: " + startList},
		{"scopegen: 1\noutcomes: {key_invalid: x\nscopes: []\n", "2:11: " + startMap},
		{"x: [a\n", "1:4: " + startList},
		{"x: {a: b\n", "1:4: " + startMap},
		{"x: [a: b: c]\n", "1:4: " + startList},
		// Not certain, so at the start of the line: two brackets on the
		// line; a bracket on the first line and on the line given; an
		// escape; a block that yaml.v3 reports at its start.
		{"scopegen: 1\nscopes: [{name: a, requires: [b, c}]\n", "2:1: invalid YAML: did not find expected ',' or ']'" + hint},
		{"scopegen: 1\noutcomes: {key_invalid: {code: 1}\nscopes: []\n", "2:1: invalid YAML: did not find expected ',' or '}'" + hint},
		{"x: [a, [b: c: d]]\n", "1:1: invalid YAML: did not find expected ',' or ']'" + hint},
		{"x: [a,\n  [b], c d: e: f]\n", "2:1: invalid YAML: did not find expected ',' or ']'" + hint},
		{"scopegen: 1\nx: \"ab\\qc\"\n", "2:1: invalid YAML: found unknown escape character" + hint},
		{"x: 'abc\n  y: \"d", "2:1: invalid YAML: found unexpected end of stream" + hint},
		{"scopegen: 1\nscopes:\n  - name: a\n    id: 1\n   x: 2\n", "3:1: invalid YAML: did not find expected '-' indicator" + hint},
		// Lines that end with \r\n are lines; with a lone \r (or NEL, LS, PS)
		// they are yaml.v3's, not the ones found here.
		{"scopegen: 1\r\nscopes:\r\n  - name: a: b\r\n", "3:12: " + colon},
		{"scopegen: 1\rscopes:\r  - name: a: b\r", "3:1: invalid YAML: mapping values are not allowed in this context" + hint},
		{"scopegen: 1\u2028scopes: [a\n", "2:1: invalid YAML: did not find expected ',' or ']'" + hint},
	} {
		got := parseErrors(t, tc.src)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("Parse(%q) =\n%s\nwant\n%s", tc.src, strings.Join(got, "\n"), tc.want)
		}
	}
}

// TestParseYAMLSyntaxColumnsLimit checks that the syntax error of a spec too
// big to parse again stays at the start of its line, found at once.
func TestParseYAMLSyntaxColumnsLimit(t *testing.T) {
	src := "scopegen: 1\nscopes:\n" + strings.Repeat("  - {name: a}\n", 30000) + "  - name: a: b\n"
	if len(src) <= 256<<10 {
		t.Fatalf("the spec is %d bytes, not past the limit", len(src))
	}
	got := parseErrors(t, src)
	want := "30003:1: invalid YAML: mapping values are not allowed in this context; check the indentation and quoting from this line on"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

func TestParseShapes(t *testing.T) {
	wantOne(t, "scopegen: 1\nscopes: {}\n", "2:9", "scopes must be a list, not a mapping")
	wantOne(t, "scopegen: 1\nscopes: [A]\n", "2:10", `scope must be a mapping (key: value lines), not "A"`)
	wantOne(t, "scopegen: 1\nscopes: [{requires: A}]\n", "2:21", `requires must be a list, not "A"`)
	wantOne(t, "scopegen: 1\nscopes: [{requires: [[A]]}]\n", "2:22", "requires entry must be a string, not a list")
	wantOne(t, "scopegen: 1\nscopes: [{grants_all: 1}]\n", "2:23", "grants_all must be true or false, not the number 1")
	wantOne(t, "scopegen: 1\noutcomes: []\n", "2:11", "outcomes must be a mapping from role")
	wantOne(t, "scopegen: 1\noutcomes: {[a]: {}}\n", "2:12", "outcome role must be a string, not a list")
	wantOne(t, "scopegen: 1\nendpoints: [{http: GET /a}]\n", "2:20", `http must be a list, not "GET /a"`)
	wantOne(t, "scopegen: 1\nendpoints: [{http: [~]}]\n", "2:21", `http entry must be a string "VERB /path" (or {shared: "VERB /path"}), not empty`)
	wantOne(t, "scopegen: 1\nendpoints: [{http: [{shared: [GET /a]}]}]\n", "2:30", "shared must be a string, not a list")
	wantOne(t, "scopegen: 1\n[a]: 1\n", "2:1", "the spec keys must be plain names")
	wantOne(t, "scopegen: 1\nendpionts: []\n", "2:1", `unknown key "endpionts" in the spec; did you mean "endpoints"? (known keys: defaults, endpoints, outcomes, presets, principals, reserved, scopegen, scopes)`)
}

// parserKeys returns the keys the parser accepts in the mapping at path
// (keys, with "[]" for a list entry), as its "unknown key" error lists them.
// ok is false when the parser reports no unknown key there: it does not
// read a mapping with fixed keys at path.
func parserKeys(t *testing.T, path []string) (keys []string, ok bool) {
	t.Helper()
	const probe = "zz_unknown_key"
	src := "{" + probe + ": 1}"
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == "[]" {
			src = "[" + src + "]"
		} else {
			src = "{" + path[i] + ": " + src + "}"
		}
	}
	_, err := spec.Parse(name, []byte(src))
	var errs spec.Errors
	errors.As(err, &errs)
	prefix := fmt.Sprintf("unknown key %q in ", probe)
	for _, d := range errs {
		if !strings.HasPrefix(d.Msg, prefix) {
			continue
		}
		i := strings.LastIndex(d.Msg, "(known keys: ")
		if i < 0 || !strings.HasSuffix(d.Msg, ")") {
			t.Fatalf("%s: cannot read the known keys from %q", src, d.Msg)
		}
		return strings.Split(d.Msg[i+len("(known keys: "):len(d.Msg)-1], ", "), true
	}
	return nil, false
}

// TestSchema checks spec/scopes.schema.json: valid JSON, draft-07, a
// description on every property, additionalProperties false on every object,
// and at every level exactly the keys the parser accepts there.
func TestSchema(t *testing.T) {
	data, err := os.ReadFile("../../spec/scopes.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkJSONKeys(json.NewDecoder(bytes.NewReader(data))); err != nil {
		t.Fatalf("scopes.schema.json: %v", err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("scopes.schema.json is not valid JSON: %v", err)
	}
	if got := schema["$schema"]; got != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema is %v, want draft-07", got)
	}
	first, _, _ := bytes.Cut(mustRead(t, "../../spec/scopes.yaml"), []byte("\n"))
	if string(first) != "# yaml-language-server: $schema=scopes.schema.json" {
		t.Errorf("spec/scopes.yaml does not start with the yaml-language-server schema comment: %q", first)
	}
	w := &schemaWalker{t: t, root: schema, objects: map[string]bool{}}
	w.walk(nil, schema)
	// Every mapping the parser reads must be described: a parser key missing
	// from the schema fails above, at its parent; these are the roots.
	for _, path := range []string{"", "outcomes.insufficient_scopes", "defaults", "scopes.[]", "reserved", "presets.[]", "endpoints.[]", "endpoints.[].http.[]", "endpoints.[].request_scopes.[]", "endpoints.[].redact.[]"} {
		if !w.objects[path] {
			t.Errorf("the schema does not describe the mapping at %q", path)
		}
	}
}

type schemaWalker struct {
	t       *testing.T
	root    map[string]any
	objects map[string]bool // paths of the objects walked
}

// resolve returns node with its $ref, allOf and oneOf schemas: the schemas
// whose properties and items apply to the value (for oneOf, to the values
// of one shape: a string or a mapping).
func (w *schemaWalker) resolve(node map[string]any) []map[string]any {
	out := []map[string]any{node}
	if ref, ok := node["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/definitions/")
		def, _ := w.root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok || def == nil {
			w.t.Fatalf("unresolvable $ref %q", ref)
		}
		out = append(out, w.resolve(def)...)
	}
	for _, key := range []string{"allOf", "oneOf"} {
		if all, ok := node[key].([]any); ok {
			for _, s := range all {
				out = append(out, w.resolve(s.(map[string]any))...)
			}
		}
	}
	return out
}

func (w *schemaWalker) walk(path []string, node map[string]any) {
	t := w.t
	where := strings.Join(path, ".")
	var props map[string]any
	var items map[string]any
	for _, s := range w.resolve(node) {
		if p, ok := s["properties"].(map[string]any); ok {
			if props != nil {
				t.Errorf("%s: properties given twice", where)
			}
			props = p
			if s["additionalProperties"] != false {
				t.Errorf("%s: an object without additionalProperties: false", where)
			}
		}
		if it, ok := s["items"].(map[string]any); ok {
			items = it
		}
	}
	keys, isMapping := parserKeys(t, path)
	switch {
	case props != nil:
		w.objects[where] = true
		var names []string
		for k, v := range props {
			names = append(names, k)
			if d, _ := v.(map[string]any)["description"].(string); strings.TrimSpace(d) == "" {
				t.Errorf("%s: property %q has no description", where, k)
			}
		}
		sort.Strings(names)
		if where == "outcomes" {
			// The parser takes any role; package model knows the roles.
			keys, isMapping = nil, true
			for _, r := range model.Roles {
				keys = append(keys, string(r))
			}
			sort.Strings(keys)
		}
		if !isMapping {
			t.Errorf("%s: the schema describes an object, but the parser does not read a mapping with known keys there", where)
		} else if !slices.Equal(names, keys) {
			t.Errorf("%s: the schema's properties are\n\t%v\nbut the parser accepts\n\t%v", where, names, keys)
		}
		for _, k := range names {
			w.walk(append(slices.Clip(path), k), props[k].(map[string]any))
		}
	case isMapping:
		t.Errorf("%s: the parser reads a mapping with keys %v, but the schema does not describe one", where, keys)
	}
	if items != nil {
		w.walk(append(slices.Clip(path), "[]"), items)
	}
}

// checkJSONKeys reports a JSON object that has a key twice, which
// encoding/json would accept silently.
func checkJSONKeys(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			if seen[k.(string)] {
				return fmt.Errorf("key %q twice in an object", k)
			}
			seen[k.(string)] = true
			if err := checkJSONKeys(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := checkJSONKeys(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

func mustRead(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
