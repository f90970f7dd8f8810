package gen_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/synth"
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
		if n := strings.Count(doc, "\n| `"+e.Method+"` | "); n != 1 {
			t.Errorf("endpoint %s has %d rows, want 1", e.Method, n)
		}
	}
	for _, want := range []string{
		"| `Inputs:Delete` | 31 | Delete inputs from an application. | `Inputs:Get` | inputs |",
		"| `/clarifai.api.V2/PostSearches` | app_key, pat | `Search` | `Predict` when the query searches by image or crop, which runs a prediction first | `hits.input.data.concepts` unless `Concepts:Get` |  |",
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

// TestDocsReverseIndex checks every row of "Scopes to endpoints" against
// the model, on the shipped spec and on synthetic ones: the endpoints that
// require each scope, that check it for some requests, and whose redacted
// fields it reveals, in spec order; one row per scope, by id.
func TestDocsReverseIndex(t *testing.T) {
	models := map[string]*model.Model{}
	m, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	models["spec/scopes.yaml"] = m
	for seed := range uint64(4) {
		name := fmt.Sprintf("synth seed %d", seed)
		f, err := spec.Parse(name, synth.Spec(synth.Options{Endpoints: 60, Seed: seed}))
		if err != nil {
			t.Fatal(err)
		}
		if models[name], err = model.Build(f); err != nil {
			t.Fatal(err)
		}
	}
	for name, m := range models {
		rows := docsTable(t, string(gen.Docs(m, name)), "Scopes to endpoints")
		if len(rows) != len(m.Scopes) {
			t.Fatalf("%s: %d rows, want one per scope (%d)", name, len(rows), len(m.Scopes))
		}
		requests, reveals := 0, 0
		for i, s := range m.Scopes {
			var required, request, reveal []string
			for _, e := range m.Endpoints {
				if slices.Contains(e.Requires, s) {
					required = append(required, "`"+e.Method+"`")
				}
				for _, r := range e.RequestScopes {
					if r.Scope == s {
						request = append(request, "`"+e.Method+"`")
					}
				}
				for _, r := range e.Redactions {
					if slices.Contains(r.Unless, s) {
						reveal = append(reveal, "`"+r.Field+"` of `"+e.Method+"`")
					}
				}
			}
			requests += len(request)
			reveals += len(reveal)
			want := []string{"`" + s.Name + "`", strings.Join(required, ", "), strings.Join(request, ", "), strings.Join(reveal, ", ")}
			switch {
			case s.GrantsAll:
				want = []string{"`" + s.Name + "`", "every endpoint: it grants every scope", "", ""}
			case len(required)+len(request)+len(reveal) == 0:
				want[1] = "no endpoint"
			}
			if !slices.Equal(rows[i], want) {
				t.Errorf("%s: row %d is\n\t%q\nwant\n\t%q", name, i, rows[i], want)
			}
		}
		if requests == 0 || reveals == 0 {
			t.Errorf("%s: no request-dependent scope or redaction to check (%d, %d)", name, requests, reveals)
		}
	}
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
		t.Errorf("the same spec written two ways gives two references:\n%s", gen.Diff("SCOPES.md", docs[0], docs[1]))
	}
}
