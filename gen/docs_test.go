package gen_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
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
		"| `Feedback` | no endpoint | | |",
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
