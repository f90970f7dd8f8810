package explain_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

func TestParseHTTP(t *testing.T) {
	for _, c := range []struct {
		in         string
		verb, path string
		ok         bool
	}{
		{"GET /v2/inputs", "GET", "/v2/inputs", true},
		{"DELETE /v2/inputs/a%2Fb", "DELETE", "/v2/inputs/a%2Fb", true},
		{"GET /v2/inputs?page=2", "GET", "/v2/inputs", true},
		{"GET /", "GET", "/", true},
		{"/clarifai.api.V2/ListInputs", "", "", false},
		{"get /v2/inputs", "", "", false},
		{"GET v2/inputs", "", "", false},
		{"GET /v2/a b", "", "", false},
		{" /v2", "", "", false},
		{"G3T /v2", "", "", false},
	} {
		verb, path, ok := explain.ParseHTTP(c.in)
		if verb != c.verb || path != c.path || ok != c.ok {
			t.Errorf("ParseHTTP(%q) = %q, %q, %v; want %q, %q, %v", c.in, verb, path, ok, c.verb, c.path, c.ok)
		}
	}
}

// TestExplainHTTPMatchesCheckHTTP decides HTTP requests of the shipped spec,
// made from its bindings and mangled, with random grants: explain's
// decision is the generated package's CheckHTTP's.
func TestExplainHTTPMatchesCheckHTTP(t *testing.T) {
	m, err := model.Load("../../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var scopeNames []string
	for _, s := range m.Scopes {
		scopeNames = append(scopeNames, s.Name)
	}
	var requests [][2]string
	fill := strings.NewReplacer("{user_app_id.user_id}", "me", "{user_app_id.app_id}", "main", "{", "x", "}", "")
	for _, e := range m.Endpoints {
		for _, b := range e.HTTP {
			path := fill.Replace(b.Path)
			requests = append(requests, [2]string{b.Verb, path}, [2]string{"HEAD", path}, [2]string{"PUT", path},
				[2]string{b.Verb, path + "/"}, [2]string{b.Verb, strings.Replace(path, "/me/", "/../", 1)}, [2]string{b.Verb, path + "/x"})
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var held []string
		for _, s := range scopeNames {
			if r.IntN(3) == 0 {
				held = append(held, s)
			}
		}
		kind := []scopes.Principal{scopes.AppKey, scopes.PersonalAccessToken}[r.IntN(2)]
		var endpoints []string
		if r.IntN(4) == 0 {
			endpoints = []string{m.Endpoints[r.IntN(len(m.Endpoints))].Name}
		}
		g, err := scopes.NewGrant(kind, held, endpoints)
		if err != nil {
			t.Fatal(err)
		}
		req := requests[r.IntN(len(requests))]
		want := g.CheckHTTP(req[0], req[1])
		x := explain.ExplainHTTP(m, explain.Call{Kind: kind.String(), Scopes: held, Endpoints: endpoints}, req[0], req[1])
		if x.Allowed != want.Allowed() || x.Reason != want.ReasonName() || x.Method != want.Method() || x.Code != want.Code() {
			t.Errorf("%s %s by %v: explain says %v %s %q %d, CheckHTTP %v %s %q %d", req[0], req[1], g, x.Allowed, x.Reason, x.Method, x.Code, want.Allowed(), want.ReasonName(), want.Method(), want.Code())
		}
		if e, ok := scopes.LookupRoute(req[0], req[1]); ok != (len(x.HTTP.Endpoints) == 1) || ok && x.HTTP.Endpoints[0] != e.FullMethod() {
			t.Errorf("%s %s: explain reached %v, LookupRoute %v %v", req[0], req[1], x.HTTP.Endpoints, e, ok)
		}
	}
}

// sharedSpec has two endpoints that share a binding, one of which only
// personal access tokens may call.
const sharedSpec = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: the key lacks scopes}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: the key is invalid}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: no such key}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: no such method}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: Read, id: 2, description: Read.}
  - {name: Write, id: 3, description: Write.}
endpoints:
  - method: /t.S/Retag
    http: ["POST /v1/items/{id}/tags", {shared: "PUT /v1/tags/**"}]
    principals: [pat]
    requires: [Write]
  - method: /t.S/Patch
    http: [{shared: "PUT /v1/tags/**"}]
    requires: [Read]
  - method: /t.S/Get
    http: ["GET /v1/items/{id}", "GET /v1/items/me"]
    requires: [Read]
`

// TestExplainHTTPShared: a request that reaches several endpoints is
// allowed only when each allows it, and explain names them all and says how
// each decided.
func TestExplainHTTPShared(t *testing.T) {
	m := load(t, sharedSpec)
	x := explain.ExplainHTTP(m, explain.Call{Kind: "app_key", Scopes: []string{"Read", "Write"}}, "PUT", "/v1/tags/a/b")
	text := x.Text()
	if x.Allowed || x.Reason != "principal" || x.Method != "/t.S/Retag" {
		t.Errorf("an app key: %v %s %s, want denied by /t.S/Retag's principal\n%s", x.Allowed, x.Reason, x.Method, text)
	}
	for _, want := range []string{
		"request    PUT /v1/tags/a/b: binding PUT /v1/tags/** of /t.S/Retag",
		"shared     2 endpoints share this binding (/t.S/Retag, /t.S/Patch): the request is allowed only when every one of them allows it",
		"endpoint   /t.S/Retag refuses it (principal)",
		"endpoint   /t.S/Patch allows it",
		"and /t.S/Retag refuses it",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	x = explain.ExplainHTTP(m, explain.Call{Kind: "pat", Scopes: []string{"Write"}}, "PUT", "/v1/tags/a")
	if x.Allowed || x.Reason != "missing_scopes" || x.Method != "/t.S/Patch" || !strings.Contains(x.Text(), "endpoint   /t.S/Retag allows it") {
		t.Errorf("a PAT without Read: %v %s %s, want denied by /t.S/Patch\n%s", x.Allowed, x.Reason, x.Method, x.Text())
	}
	x = explain.ExplainHTTP(m, explain.Call{Kind: "pat", Scopes: []string{"Read", "Write"}}, "PUT", "/v1/tags/a")
	if !x.Allowed || !strings.Contains(x.Message, "reaches 2 endpoints, and every one allows it") {
		t.Errorf("a PAT with both: %v %q", x.Allowed, x.Message)
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"http":{"verb":"PUT","path":"/v1/tags/a","endpoints":["/t.S/Retag","/t.S/Patch"],"binding":"PUT /v1/tags/**"}`; !strings.Contains(string(b), want) {
		t.Errorf("JSON %s\nlacks %s", b, want)
	}
}

// TestExplainHTTPBindings: the binding named is the one that matched (a
// literal beats a variable), and a request no binding matches is an unknown
// endpoint whose JSON has no endpoints.
func TestExplainHTTPBindings(t *testing.T) {
	m := load(t, sharedSpec)
	for path, binding := range map[string]string{"/v1/items/me": "GET /v1/items/me", "/v1/items/a": "GET /v1/items/{id}"} {
		x := explain.ExplainHTTP(m, explain.Call{Kind: "app_key", Scopes: []string{"Read"}}, "GET", path)
		if !x.Allowed || x.HTTP.Binding != binding || !strings.Contains(x.Text(), "binding "+binding+" of /t.S/Get") {
			t.Errorf("GET %s: %v, binding %q; want allowed by %s\n%s", path, x.Allowed, x.HTTP.Binding, binding, x.Text())
		}
	}
	x := explain.ExplainHTTP(m, explain.Call{Kind: "app_key", Scopes: []string{"Read"}}, "GET", "/v1/items/a/b")
	if x.Allowed || x.Reason != "unknown_endpoint" || x.Method != "" || x.HTTP == nil || len(x.HTTP.Endpoints) != 0 || x.HTTP.Binding != "" {
		t.Errorf("GET /v1/items/a/b: %+v", x)
	}
	if want := "  request    GET /v1/items/a/b: no binding matches\n  reason     unknown_endpoint: no HTTP binding of the spec matches GET /v1/items/a/b\n"; !strings.Contains(x.Text(), want) {
		t.Errorf("text:\n%s\nwant it to hold\n%s", x.Text(), want)
	}
	b, _ := json.Marshal(x)
	if !strings.Contains(string(b), `"http":{"verb":"GET","path":"/v1/items/a/b","endpoints":[],"binding":""}`) {
		t.Errorf("JSON %s", b)
	}
}

func load(t *testing.T, src string) *model.Model {
	t.Helper()
	f, err := spec.Parse("scopes.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
