package spec_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/spec"
)

// withoutPositions zeroes every spec.Pos in f, so that two files can be
// compared by their values.
func withoutPositions(f *spec.File) *spec.File {
	var zero func(v reflect.Value)
	zero = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				zero(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[spec.Pos]() {
				v.SetZero()
				return
			}
			for i := range v.NumField() {
				zero(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				zero(v.Index(i))
			}
		}
	}
	zero(reflect.ValueOf(f))
	return f
}

// firstDifference describes where the values of a and b first differ.
func firstDifference(a, b *spec.File) string {
	x, y := fmt.Sprintf("%+v", *a), fmt.Sprintf("%+v", *b)
	i := 0
	for i < len(x) && i < len(y) && x[i] == y[i] {
		i++
	}
	from := max(0, i-150)
	return fmt.Sprintf("first difference at byte %d:\n  %s\n  %s", i, x[from:min(len(x), i+150)], y[from:min(len(y), i+150)])
}

// checkRoundTrip checks that the file Parse reads from data (which must
// parse) is written by Marshal as a spec that Parse reads back with the same
// values and comments, and that Marshal writes that one byte for byte the
// same again. It returns the written spec.
func checkRoundTrip(t *testing.T, what string, data []byte) []byte {
	t.Helper()
	f, err := spec.Parse(name, data)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	out := spec.Marshal(f)
	again, err := spec.Parse(name, out)
	if err != nil {
		t.Fatalf("%s: the written spec does not parse: %v\n%s", what, err, out)
	}
	if a, b := withoutPositions(f), withoutPositions(again); !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: the written spec reads back differently; %s\n-- written --\n%s", what, firstDifference(a, b), out)
	}
	if twice := spec.Marshal(again); !bytes.Equal(twice, out) {
		t.Fatalf("%s: Marshal is not idempotent:\n-- once --\n%s\n-- twice --\n%s", what, out, twice)
	}
	return out
}

// testdataSpecs returns every spec under testdata/ that parses, and the
// shipped one, by name: the .yaml files, and the .yaml files of txtar
// archives (golden specs, diff pairs, bad specs whose problem is in the
// model).
func testdataSpecs(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	add := func(name string, data []byte) {
		if _, err := spec.Parse(name, data); err == nil {
			out[name] = data
		}
	}
	add("spec/scopes.yaml", mustRead(t, "../../spec/scopes.yaml"))
	err := filepath.WalkDir("../../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml":
			add(path, mustRead(t, path))
		case ".txtar":
			ar, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".yaml") {
					add(path+"/"+f.Name, f.Data)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMarshalRoundTrip checks the round trip on the shipped spec and every
// spec under testdata/ that parses.
func TestMarshalRoundTrip(t *testing.T) {
	specs := testdataSpecs(t)
	if len(specs) < 150 {
		t.Fatalf("only %d specs found under testdata/", len(specs))
	}
	for name, data := range specs {
		checkRoundTrip(t, name, data)
	}
}

// TestMarshalShipped checks that the shipped spec, which is laid out as
// Marshal writes, comes back line for line, comments included. Blank lines
// are left out of the comparison: Marshal also separates the bare scopes
// Predict and Feedback, of different resources.
func TestMarshalShipped(t *testing.T) {
	data := mustRead(t, "../../spec/scopes.yaml")
	out := checkRoundTrip(t, "spec/scopes.yaml", data)
	lines := func(b []byte) []string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	if got, want := lines(out), lines(data); !slices.Equal(got, want) {
		t.Errorf("spec/scopes.yaml written back differs:\n%s", out)
	}
}

// TestMarshalLayout checks the canonical layout on a spec with one of each
// thing, and values that must be quoted.
func TestMarshalLayout(t *testing.T) {
	str := func(s string) spec.Str { return spec.Str{Value: s} }
	strs := func(s ...string) []spec.Str {
		out := []spec.Str{}
		for _, x := range s {
			out = append(out, str(x))
		}
		return out
	}
	id := func(n int64) spec.Int { return spec.Int{Value: n, Set: true} }
	var long []string
	for i := range 12 {
		long = append(long, fmt.Sprintf("Resource%d:Get", i))
	}
	f := &spec.File{
		Comment:         "The header.\n\nTwo paragraphs.",
		SectionComments: map[string]string{"scopes": "Op scopes.", "reserved": "Retired."},
		FootComment:     "The end.",
		Format:          id(1),
		Outcomes: []spec.Outcome{
			{Role: str("insufficient_scopes"), Code: id(7), Status: str("DENIED"), GRPC: str("PERMISSION_DENIED"), Message: str("the key lacks: a scope")},
			{Role: str("key_invalid")},
		},
		Principals: strs("app_key", "pat"),
		Scopes: []spec.Scope{
			{Name: str("All"), ID: id(1), Description: str("Everything."), GrantsAll: spec.Bool{Value: true}},
			{Name: str("Inputs:Get"), ID: id(2), Description: str("true"), Deprecated: spec.Deprecation{Set: true}},
			{Name: str("Inputs:Patch"), ID: id(3), GoName: str("Patch"), Description: str("#1 \"edit\""), Requires: strs("Inputs:Get"),
				Deprecated: spec.Deprecation{Set: true, Reason: "use Inputs:Edit"}, Sunset: str("2027-01-31")},
			{Name: str("Models:Get"), ID: id(4), Description: str("Read models."), Requires: strs(long...), Comment: "Models."},
		},
		Reserved: spec.Reserved{IDs: []spec.Int{id(9), id(10), id(11), id(13), id(20), id(21)}, Names: strs("Old", "a, b")},
		Presets:  []spec.Preset{{Name: str("inputs"), Description: str("Inputs."), Scopes: strs("Inputs:Get", "Inputs:Patch")}},
		Endpoints: []spec.Endpoint{
			{Method: str("/a.B/Get"), Requires: strs("Inputs:Get"), Comment: "service a.B",
				RequestScopes: []spec.RequestScope{{Scope: str("Models:Get"), When: str("with models, always")}},
				Redact:        []spec.Redaction{{Field: str("inputs.data"), Unless: strs("Models:Get")}}},
			{Method: str("/a.B/Health"), Description: str("Up?"), Public: spec.Bool{Value: true},
				HTTP:       []spec.Binding{{Rule: str("GET /health")}},
				Deprecated: spec.Deprecation{Set: true, Reason: "use /a.B/Status"}, Sunset: str("2026-12-01")},
			{Operation: str("listReposForUser"), Requires: strs("Inputs:Get"), HTTP: []spec.Binding{
				{Rule: str("GET /users/{username}/repos")},
				{Rule: str("GET /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/repos"), Shared: true},
				{Rule: str("POST /v1/{name=projects/*/secrets/*}:cancel")}}},
			{Operation: str("short"), HTTP: []spec.Binding{{Rule: str("GET /a")}, {Rule: str("PUT /a/{b}"), Shared: true}}},
			{Method: str("/a.B/Put"), GoName: str("PutIt"), HasPrincipals: true, Principals: strs("pat"), Requires: []spec.Str{}},
			{},
			{Method: str("/a.C/Get"), Comment: "service a.C\nsecond line"},
		},
	}
	want := `# The header.
#
# Two paragraphs.
scopegen: 1

outcomes:
  insufficient_scopes:
    code: 7
    status: DENIED
    grpc: PERMISSION_DENIED
    message: "the key lacks: a scope"
  key_invalid: {}

defaults:
  principals: [app_key, pat]

# Op scopes.
scopes:
  - name: All
    id: 1
    description: Everything.
    grants_all: true

  - name: Inputs:Get
    id: 2
    description: "true"
    deprecated: true
  - name: Inputs:Patch
    id: 3
    go_name: Patch
    description: "#1 \"edit\""
    requires: [Inputs:Get]
    deprecated: use Inputs:Edit
    sunset: 2027-01-31

  # Models.
  - name: Models:Get
    id: 4
    description: Read models.
    requires:
      - Resource0:Get
      - Resource1:Get
      - Resource2:Get
      - Resource3:Get
      - Resource4:Get
      - Resource5:Get
      - Resource6:Get
      - Resource7:Get
      - Resource8:Get
      - Resource9:Get
      - Resource10:Get
      - Resource11:Get

# Retired.
reserved:
  ids: [9-11, 13, 20, 21]
  names: [Old, "a, b"]

presets:
  - name: inputs
    description: Inputs.
    scopes: [Inputs:Get, Inputs:Patch]

endpoints:
  # service a.B
  - method: /a.B/Get
    requires: [Inputs:Get]
    request_scopes:
      - {scope: Models:Get, when: "with models, always"}
    redact:
      - {field: inputs.data, unless: [Models:Get]}
  - method: /a.B/Health
    http: ["GET /health"]
    description: Up?
    deprecated: use /a.B/Status
    sunset: 2026-12-01
    public: true
  - operation: listReposForUser
    http:
      - "GET /users/{username}/repos"
      - {shared: "GET /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/repos"}
      - "POST /v1/{name=projects/*/secrets/*}:cancel"
    requires: [Inputs:Get]
  - operation: short
    http: ["GET /a", {shared: "PUT /a/{b}"}]
  - method: /a.B/Put
    go_name: PutIt
    principals: [pat]
    requires: []
  - {}

  # service a.C
  # second line
  - method: /a.C/Get

# The end.
`
	got := spec.Marshal(f)
	if string(got) != want {
		t.Errorf("Marshal wrote:\n%s\nwant:\n%s", got, want)
	}
	back, err := spec.Parse(name, got)
	if err != nil {
		t.Fatal(err)
	}
	// What Parse reads back is f, but for the id range, read one id at a
	// time, and the name of the file.
	f.Name = name
	if a, b := withoutPositions(f), withoutPositions(back); !reflect.DeepEqual(a, b) {
		t.Errorf("the written spec reads back differently; %s", firstDifference(a, b))
	}
}

// TestMarshalLongKey checks that an outcome role too long for an implicit
// YAML key is written as an explicit one ("? key"), which Parse reads.
func TestMarshalLongKey(t *testing.T) {
	role := strings.Repeat("r", 1100)
	for _, src := range []string{
		"scopegen: 1\noutcomes:\n  ? " + role + "\n  : {code: 1, message: m}\n",
		"scopegen: 1\noutcomes:\n  ? " + role + "\n  : {}\n",
	} {
		out := checkRoundTrip(t, "a long role", []byte(src))
		if !bytes.Contains(out, []byte("  ? "+role+"\n  :")) {
			t.Errorf("the long role is not an explicit key:\n%.300s", out)
		}
	}
}

// oddStrings are strings that YAML reads as something else unless quoted.
var oddStrings = []string{
	"plain", "a: b", "- x", "true", "True", "null", "~", "", " x", "x ", "1.5", "0x10", "1_000", "2001-12-14", ".inf",
	"#x", "x #y", "x:", "'q'", `"q"`, "é", "\t", "a\nb", "\x00", "\u2028", "\u0085", "\uFEFF", "[a]", "{a}", "a, b", "a,b",
	"*a", "&a", "!t", "%x", "@x", "`x", "<<", "? x", "00?000", "|", ">", "---", "...", `a\b`, "a\u00a0b", "💡",
}

// FuzzScalar checks that every string, written by Marshal wherever it writes
// a string (a mapping key, a value, a list entry in a flow and in a block
// list, a value in a flow mapping), reads back as itself and on one line.
func FuzzScalar(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Parse returns valid UTF-8; writers make their text valid
		}
		checkScalar(t, s)
	})
}

func TestScalars(t *testing.T) {
	for _, s := range oddStrings {
		checkScalar(t, s)
	}
}

func checkScalar(t *testing.T, s string) {
	t.Helper()
	str := spec.Str{Value: s}
	long := make([]spec.Str, 40) // a block list
	for i := range long {
		long[i] = str
	}
	f := &spec.File{
		Format:   spec.Int{Value: 1, Set: true},
		Outcomes: []spec.Outcome{{Role: str, Status: str, Code: spec.Int{Value: 1, Set: true}}},
		Scopes:   []spec.Scope{{Name: str, Description: str, Requires: []spec.Str{str}, Deprecated: spec.Deprecation{Set: true, Reason: s}}},
		Presets:  []spec.Preset{{Scopes: long}},
		Endpoints: []spec.Endpoint{{Method: str,
			RequestScopes: []spec.RequestScope{{Scope: str, When: str}},
			Redact:        []spec.Redaction{{Field: str, Unless: []spec.Str{str, str}}}}},
	}
	out := spec.Marshal(f)
	back, err := spec.Parse(name, out)
	if err != nil {
		t.Fatalf("%q: the written spec does not parse: %v\n%s", s, err, out)
	}
	if s == "" {
		return // an empty string is written as no key at all
	}
	got := []string{back.Outcomes[0].Role.Value, back.Outcomes[0].Status.Value, back.Scopes[0].Name.Value, back.Scopes[0].Description.Value,
		back.Scopes[0].Requires[0].Value, back.Scopes[0].Deprecated.Reason, back.Presets[0].Scopes[39].Value, back.Endpoints[0].Method.Value,
		back.Endpoints[0].RequestScopes[0].Scope.Value, back.Endpoints[0].RequestScopes[0].When.Value,
		back.Endpoints[0].Redact[0].Field.Value, back.Endpoints[0].Redact[0].Unless[1].Value}
	for i, g := range got {
		if g != s {
			t.Fatalf("%q: value %d reads back as %q:\n%s", s, i, g, out)
		}
	}
	if strings.ContainsAny(string(out), "\r\u0085\u2028\u2029") {
		t.Fatalf("%q: written with a line break other than \\n:\n%q", s, out)
	}
}

// FuzzFormatRoundTrip checks the round trip on any input that parses:
// Marshal writes a spec that Parse reads back with the same values and
// comments, and Marshal of that is the same bytes.
//
//	go test ./internal/spec -run '^$' -fuzz FuzzFormatRoundTrip -fuzztime 60s
func FuzzFormatRoundTrip(f *testing.F) {
	for _, data := range testdataSpecs(f) {
		f.Add(data)
	}
	for _, src := range []string{
		"# head\n\n# more\nscopegen: 1\n# s\nscopes:\n  # c\n  - {name: 'a: b', requires: [\"x,y\"]}\n\n# foot\n",
		"scopegen: 1\noutcomes: {}\ndefaults: {}\nreserved: {ids: [1, 2, 3, 5, 16381-16383], names: []}\npresets: []\nendpoints: [{}]\n",
		"scopegen: 1\nendpoints:\n  - {principals: [], request_scopes: [{}], redact: [{unless: []}]}\n",
		"scopegen: 1\nendpoints:\n  - {operation: o, http: [GET /a, '', {}, {shared: ''}, {shared: \"PUT /a/{b}\"}]}\n  - {method: m, http: []}\n",
		"scopegen: 1\nscopes: [{deprecated: 'true', description: \"\\t\\u2028\"}, {deprecated: yes}]\n",
		"scopegen: 1\nscopes: [{deprecated: true, sunset: 2027-01-31}, {sunset: '2024-02-29'}]\nendpoints: [{deprecated: gone, sunset: \"2026-12-01\"}]\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := spec.Parse(name, data); err != nil {
			return
		}
		checkRoundTrip(t, "the input", data)
	})
}

// TestMarshalCommentsHoldNoDeceptiveText: a comment may quote a file name,
// which can hold a line break or a bidirectional control; Marshal keeps the
// first from starting a YAML line and the second from reaching the reader.
func TestMarshalCommentsHoldNoDeceptiveText(t *testing.T) {
	f := &spec.File{Format: spec.Int{Value: spec.Format, Set: true}, Comment: "from evil\u202e.proto\nscopes: [injected]\u2066"}
	out := string(spec.Marshal(f))
	if strings.ContainsAny(out, "\u202e\u2066") {
		t.Errorf("a bidirectional control reached the spec:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "scopes:") {
			t.Errorf("a comment's line break started a YAML line: %q", out)
		}
	}
	back, err := spec.Parse("x.yaml", []byte(out))
	if err != nil || len(back.Scopes) != 0 {
		t.Errorf("Marshal's output does not read back as the same empty spec: %v, %d scopes", err, len(back.Scopes))
	}
}
