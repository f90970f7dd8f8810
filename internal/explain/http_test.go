package explain_test

import (
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestExplainHTTP checks that an HTTP-only endpoint is explained by its
// operation name, and that the explanation lists the endpoint's bindings,
// saying of a shared one that the other endpoints must allow its requests
// too.
func TestExplainHTTP(t *testing.T) {
	f, err := spec.Parse("scopes.yaml", []byte(`scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: the key lacks scopes}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: the key is invalid}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: no such key}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: no such method}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: Read, id: 1, description: Read items.}
  - {name: Write, id: 2, description: Write items.}
endpoints:
  - operation: listItems
    http: ["GET /v1/items", {shared: "GET /v1/items:all"}]
    requires: [Read]
  - method: /t.S/PostItems
    http: [{shared: "GET /v1/items:all"}]
    requires: [Write]
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	x := explain.Explain(m, explain.Call{Method: "listItems", Kind: "pat", Scopes: []string{"Read"}, Endpoints: []string{"listItems"}})
	want := `ALLOWED
  method     listItems
  reason     allowed: the key (pat) may call listItems
  principal  pat: accepted (the endpoint accepts app_key, pat)
  endpoints  restricted to 1 endpoint, including this one
  requires   Read: held
  http       GET /v1/items
  http       GET /v1/items:all: shared with /t.S/PostItems, so such a request is allowed only when /t.S/PostItems allows it too (fail closed)
  grant      pat, scopes Read, only listItems
`
	if got := x.Text(); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	x = explain.Explain(m, explain.Call{Method: "listItem", Kind: "pat", Scopes: []string{"Read"}})
	if !strings.Contains(x.Message, `did you mean "listItems"?`) {
		t.Errorf("an unknown operation: %s", x.Message)
	}
}
