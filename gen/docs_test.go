package gen_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
	"github.com/scopegen/scopegen/internal/textdiff"
)

// TestDocs checks that the reference names every scope, preset and endpoint
// of the shipped spec, one table row each, and is the same every time.
func TestDocs(t *testing.T) {
	m, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(gen.Docs(m, "../spec/scopes.yaml"))
	if !strings.HasPrefix(doc, "<!-- "+gen.Header+" -->\n<!-- Source: ../spec/scopes.yaml.") {
		t.Errorf("header:\n%s", doc[:200])
	}
	for _, s := range m.Scopes {
		// One row in the scopes table, one in the reverse index.
		if n := strings.Count(doc, "\n| `"+s.Name+"` |"); n != 2 {
			t.Errorf("scope %s has %d rows, want 2", s.Name, n)
		}
	}
	for _, p := range m.Presets {
		if !strings.Contains(doc, "\n| `"+p.Name+"` | ") {
			t.Errorf("preset %s has no row", p.Name)
		}
	}
	for _, e := range m.Endpoints {
		// Its name, then its HTTP bindings in the same cell, if any.
		if n := strings.Count(doc, "\n| `"+e.Name+"` | ") + strings.Count(doc, "\n| `"+e.Name+"`<br>"); n != 1 {
			t.Errorf("endpoint %s has %d rows, want 1", e.Name, n)
		}
	}
	for _, want := range []string{
		"| `Inputs:Delete` | 31 | Delete inputs from an application. | `Inputs:Get` | inputs |",
		"| `/clarifai.api.V2/PostSearches`<br>`POST /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/searches`<br>`POST /v2/searches` | app_key, pat | `Search` | `Predict` when the query searches by image or crop, which runs a prediction first | `hits.input.data.concepts` unless `Concepts:Get` |  |",
		"| `Predict` | `/clarifai.api.V2/PostModelOutputs`, `/clarifai.api.V2/PostWorkflowResults` | `/clarifai.api.V2/PostSearches` |  |",
		"| `Feedback` | no endpoint |  |  |",
		"| insufficient_scopes | 11007 | `CONN_INSUFFICIENT_SCOPES` | `PERMISSION_DENIED` (7) | the key lacks the scopes this call needs |",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the reference lacks %q", want)
		}
	}
	if again := gen.Docs(m, "../spec/scopes.yaml"); !bytes.Equal(again, []byte(doc)) {
		t.Error("two renderings differ")
	}
}

// TestDocsCells checks that text from the spec cannot break a table.
func TestDocsCells(t *testing.T) {
	f, err := spec.Parse("s.yaml", []byte(`scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: "a | b"}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
defaults:
  principals: [pat]
scopes:
  - {name: Read, id: 2, description: "Reads <b>|</b>\n  on two lines.", deprecated: "use Get | Peek"}
endpoints:
  - {method: /t.S/Get, requires: [Read], description: "x | y"}
  - {method: /t.S/Health, public: true}
  - {method: /t.S/List, requires: [Read], http: ["GET /v1/{parent=shelves/*}/books", {shared: "GET /v1/all"}]}
  - {operation: listAll, requires: [Read], http: [{shared: "GET /v1/all"}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(gen.Docs(m, "s.yaml"))
	for _, want := range []string{
		"| `Read` | 2 | Reads &lt;b&gt;\\|&lt;/b&gt; on two lines. **Deprecated**: use Get \\| Peek. |  |  |",
		"| `/t.S/Get` | pat | `Read` |  |  | x \\| y |",
		"| `/t.S/Health` | public: no credentials needed |  |  |  |  |",
		"| `/t.S/List`<br>`GET /v1/{parent=shelves/*}/books`<br>`GET /v1/all` (shared with `listAll`) | pat | `Read` |  |  |  |",
		"| `listAll`<br>`GET /v1/all` (shared with `/t.S/List`) | pat | `Read` |  |  |  |",
		"An endpoint's HTTP bindings follow its name.",
		"| insufficient_scopes | 7 | `DENIED` | `PERMISSION_DENIED` (7) | a \\| b |",
		"## Presets\n\nNone.\n",
		"- Ids: none\n- Names: none\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the reference lacks %q:\n%s", want, doc)
		}
	}
}

// TestGenerateDocs checks the Docs option: the reference comes with the code,
// and a name that is not a plain file name beside it is refused.
func TestGenerateDocs(t *testing.T) {
	m, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Generate(m, gen.Options{Package: "scopes", Docs: "SCOPES.md"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range files {
		if f.Name == "SCOPES.md" {
			found = bytes.Equal(f.Content, gen.Docs(m, m.Source))
		}
	}
	if !found {
		t.Error("Generate with Docs returns no SCOPES.md, or not the reference")
	}
	for _, bad := range []string{"docs/SCOPES.md", "scopes.go", ".hidden.md"} {
		if _, err := gen.Generate(m, gen.Options{Package: "scopes", Docs: bad}); err == nil || !strings.Contains(err.Error(), "plain file name") {
			t.Errorf("Docs %q: err %v", bad, err)
		}
	}
}

// docsTable returns the rows of the table under heading in doc, each split
// into trimmed cells.
func docsTable(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	_, section, ok := strings.Cut(doc, "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("the reference has no section %q", heading)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	return rows[1:] // without the header
}

// TestDocsReverseIndex checks every row of "Scopes to endpoints", on the
// shipped spec and on synthetic ones: the endpoints that require each scope,
// that check it for some requests, and whose redacted fields it reveals, in
// spec order; one row per scope, by id. The expected rows are not walked
// from the model scope by scope, as Docs walks it, but inverted from the
// parsed spec's endpoint lists in one pass; for the shipped spec, some rows
// are also written out by hand.
func TestDocsReverseIndex(t *testing.T) {
	files := map[string]*spec.File{}
	data, err := os.ReadFile("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if files["spec/scopes.yaml"], err = spec.Parse("spec/scopes.yaml", data); err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(4) {
		name := fmt.Sprintf("synth seed %d", seed)
		if files[name], err = spec.Parse(name, synth.Spec(synth.Options{Endpoints: 60, Seed: seed})); err != nil {
			t.Fatal(err)
		}
	}
	for name, f := range files {
		m, err := model.Build(f)
		if err != nil {
			t.Fatal(err)
		}
		rows := docsTable(t, string(gen.Docs(m, name)), "Scopes to endpoints")
		want, requests, reveals := reverseIndex(f)
		if !slices.EqualFunc(rows, want, slices.Equal) {
			for i := range max(len(rows), len(want)) {
				var got, w []string
				if i < len(rows) {
					got = rows[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if !slices.Equal(got, w) {
					t.Errorf("%s: row %d is\n\t%q\nwant\n\t%q", name, i, got, w)
				}
			}
		}
		if requests == 0 || reveals == 0 {
			t.Errorf("%s: no request-dependent scope or redaction to check (%d, %d)", name, requests, reveals)
		}
		if name != "spec/scopes.yaml" {
			continue
		}
		for _, row := range [][]string{
			{"`All`", "every endpoint: it grants every scope", "", ""},
			{"`Annotations:Get`", "no endpoint", "", ""},
			{"`Inputs:Delete`", "`/clarifai.api.V2/DeleteInput`, `/clarifai.api.V2/DeleteInputs`", "", ""},
			{"`Predict`", "`/clarifai.api.V2/PostModelOutputs`, `/clarifai.api.V2/PostWorkflowResults`", "`/clarifai.api.V2/PostSearches`", ""},
			{"`Concepts:Get`", "`/clarifai.api.V2/GetConcept`, `/clarifai.api.V2/GetConceptCounts`, `/clarifai.api.V2/ListConcepts`, `/clarifai.api.V2/PatchConcepts`, `/clarifai.api.V2/PostConceptsSearches`, `/clarifai.api.V2/GetModelOutputInfo`", "",
				"`input.data.concepts` of `/clarifai.api.V2/GetInput`, `inputs.data.concepts` of `/clarifai.api.V2/ListInputs`, `inputs.data.concepts` of `/clarifai.api.V2/ListModelInputs`, `inputs.data.concepts` of `/clarifai.api.V2/PatchInputs`, `inputs.data.concepts` of `/clarifai.api.V2/PostInputs`, `model.output_info.data.concepts` of `/clarifai.api.V2/GetModel`, `models.output_info.data.concepts` of `/clarifai.api.V2/ListModels`, `hits.input.data.concepts` of `/clarifai.api.V2/PostSearches`"},
		} {
			if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, row) }) {
				t.Errorf("%s: no row %q", name, row)
			}
		}
	}
}

// reverseIndex is the expected "Scopes to endpoints" table of f, as cells:
// each endpoint's lists, as written, are added to the rows of the scopes
// they name. It also counts the request-dependent scopes and redaction
// scopes seen.
func reverseIndex(f *spec.File) (rows [][]string, requests, reveals int) {
	type uses struct{ required, request, reveal []string }
	byName := map[string]*uses{}
	for _, s := range f.Scopes {
		byName[s.Name.Value] = &uses{}
	}
	for _, e := range f.Endpoints {
		method := "`" + e.Method.Value + "`"
		seen := map[string]bool{}
		for _, s := range e.Requires {
			if !seen[s.Value] {
				seen[s.Value] = true
				byName[s.Value].required = append(byName[s.Value].required, method)
			}
		}
		for _, r := range e.RequestScopes {
			byName[r.Scope.Value].request = append(byName[r.Scope.Value].request, method)
			requests++
		}
		for _, r := range e.Redact {
			seen := map[string]bool{}
			for _, s := range r.Unless {
				if !seen[s.Value] {
					seen[s.Value] = true
					byName[s.Value].reveal = append(byName[s.Value].reveal, "`"+r.Field.Value+"` of "+method)
					reveals++
				}
			}
		}
	}
	scopes := slices.Clone(f.Scopes)
	slices.SortFunc(scopes, func(a, b spec.Scope) int { return int(a.ID.Value - b.ID.Value) })
	for _, s := range scopes {
		u, name := byName[s.Name.Value], "`"+s.Name.Value+"`"
		switch {
		case s.GrantsAll.Value:
			rows = append(rows, []string{name, "every endpoint: it grants every scope", "", ""})
		case len(u.required)+len(u.request)+len(u.reveal) == 0:
			rows = append(rows, []string{name, "no endpoint", "", ""})
		default:
			rows = append(rows, []string{name, strings.Join(u.required, ", "), strings.Join(u.request, ", "), strings.Join(u.reveal, ", ")})
		}
	}
	return rows, requests, reveals
}

// TestDocsDeterministic checks that the reference depends on the spec's
// meaning and order of endpoints, not on how the YAML is written: scopes
// listed in another order, flow or block style, comments.
func TestDocsDeterministic(t *testing.T) {
	a := []byte(`scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: All, id: 1, description: Everything., grants_all: true}
  - {name: Read, id: 2, description: Reads.}
  - {name: Write, id: 3, description: Writes., requires: [Read]}
presets:
  - {name: rw, description: Both., scopes: [Read, Write]}
endpoints:
  - {method: /t.S/Get, requires: [Read], redact: [{field: a.b, unless: [Write]}]}
  - {method: /t.S/Put, requires: [Write, Read], request_scopes: [{scope: All, when: it overwrites}]}
`)
	b := []byte(`# the same spec, written differently
scopegen: 1
defaults:
  principals: [app_key, pat]
scopes:
  - name: Write
    id: 3
    description: Writes.
    requires: [Read]
  - name: Read   # listed after Write
    id: 2
    description: Reads.
  - {name: All, id: 1, description: Everything., grants_all: true}
endpoints:
  - method: /t.S/Get
    requires: [Read]
    redact:
      - field: a.b
        unless: [Write]
  - method: /t.S/Put
    requires: [Read, Write]
    request_scopes:
      - {scope: All, when: it overwrites}
presets:
  - {name: rw, description: Both., scopes: [Write, Read]}
outcomes:
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}
`)
	var docs [][]byte
	for i, data := range [][]byte{a, b} {
		f, err := spec.Parse("s.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Build(f)
		if err != nil {
			t.Fatalf("spec %d: %v", i, err)
		}
		docs = append(docs, gen.Docs(m, "s.yaml"))
	}
	if !bytes.Equal(docs[0], docs[1]) {
		t.Errorf("the same spec written two ways gives two references:\n%s", textdiff.Unified("SCOPES.md", "SCOPES.md", docs[0], docs[1]))
	}
}

// TestDocsAlternatives checks how the reference shows an endpoint that
// accepts any one of several alternatives (any_of): one a line, with its
// kinds of key when it takes fewer than the endpoint; and, in the reverse
// index, the scopes only some alternatives require.
func TestDocsAlternatives(t *testing.T) {
	m, err := model.Load("../testdata/alternatives/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(gen.Docs(m, "scopes.yaml"))
	for _, want := range []string{
		"\nAn endpoint that requires any one of several alternatives accepts a key that\n",
		"\n| `getFile`<br>`GET /files/{file_id}` | oauth2, api_key | any one of:<br>`Files:Write` (oauth2)<br>`Files:Read` (oauth2)<br>`Files:Read`, `Meta:Read` |  |  | Read a file. |\n",
		"\n| `batchGet`<br>`POST /batch` (shared with `putMeta`) | oauth2, api_key | any one of:<br>`Files:Read`<br>no op scope (api_key) |  |  |  |\n",
		"\n| `putMeta`<br>`PUT /files/{file_id}/meta`<br>`POST /batch` (shared with `batchGet`) | oauth2, api_key | `Meta:Read`, `Meta:Write` |  |  |  |\n",
		"\n| `Files:Read` | `getFile` (an alternative), `batchGet` (an alternative) |  |  |\n",
		"\n| `Meta:Read` | `getFile` (an alternative), `putMeta` |  |  |\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the reference lacks %q", want)
		}
	}
	// A spec without alternatives does not explain them.
	shipped, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(gen.Docs(shipped, "s")), "any one of") {
		t.Error("the shipped spec's reference mentions alternatives")
	}
}
