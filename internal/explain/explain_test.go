package explain_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// testSpec has a redaction, an endpoint only PATs may call, a
// request-dependent scope, a public endpoint, a preset, a scope that
// grants every scope, and an endpoint with two alternatives (any_of), one
// only PATs may use.
const testSpec = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: the key lacks scopes}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: the key is invalid}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: no such key}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: no such method}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: All, id: 1, description: Everything., grants_all: true}
  - {name: Read, id: 2, description: Read items.}
  - {name: Write, id: 3, description: Write items., requires: [Read]}
  - {name: Search, id: 4, description: Search items.}
presets:
  - {name: editor, description: Edit., scopes: [Read, Write]}
endpoints:
  - method: /t.S/Get
    requires: [Read]
    redact:
      - {field: item.secret, unless: [Write]}
  - method: /t.S/Put
    principals: [pat]
    requires: [Read, Write]
  - method: /t.S/Find
    requires: [Search]
    request_scopes:
      - {scope: Read, when: it returns items}
  - method: /t.S/Health
    public: true
  - method: /t.S/Share
    any_of:
      - {requires: [Read, Write], principals: [pat]}
      - {requires: [Search]}
`

func testModel(t *testing.T) *model.Model {
	t.Helper()
	f, err := spec.Parse("scopes.yaml", []byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExplainText pins what scopegen explain prints for one call of each
// reason, a collaborator among them.
func TestExplainText(t *testing.T) {
	m := testModel(t)
	for _, tc := range []struct {
		call explain.Call
		want string
	}{
		{explain.Call{Method: "/t.S/Get", Kind: "app_key", Scopes: []string{"Read"}}, `ALLOWED
  method     /t.S/Get
  reason     allowed: the key (app_key) may call /t.S/Get; the response omits item.secret
  principal  app_key: accepted (the endpoint accepts app_key, pat)
  endpoints  any: the key is not restricted to endpoints
  requires   Read: held
  redacted   item.secret: removed from the response; Write would reveal it
  grant      app_key, scopes Read, any endpoint
`},
		{explain.Call{Method: "/t.S/Put", Kind: "pat", Scopes: []string{"All"}, Collaborator: true, InviteScopes: []string{"Read"}}, `DENIED 7 DENIED (PERMISSION_DENIED)
  method     /t.S/Put
  reason     missing_scopes: the collaborator lacks Write (the invite lacks it), which /t.S/Put requires
  principal  pat: accepted (the endpoint accepts pat)
  endpoints  any: the key is not restricted to endpoints
  requires   Read: held
  requires   Write: missing (the invite lacks it)
  key        pat, scopes All (every scope), any endpoint
  invite     app_key|pat, scopes Read, any endpoint
  effective  pat, scopes Read, any endpoint (what both allow)
`},
		{explain.Call{Method: "/t.S/Put", Kind: "app_key", Scopes: []string{"All"}, Collaborator: true, InviteScopes: []string{"Read"}}, `DENIED 7 DENIED (PERMISSION_DENIED)
  method     /t.S/Put
  reason     principal: /t.S/Put does not accept app_key keys; it accepts only pat
  principal  app_key: not accepted (the endpoint accepts only pat)
  endpoints  any: the key is not restricted to endpoints
  requires   Read: held
  requires   Write: missing (the invite lacks it)
  key        app_key, scopes All (every scope), any endpoint
  invite     app_key|pat, scopes Read, any endpoint
  effective  app_key, scopes Read, any endpoint (what both allow)
`},
		{explain.Call{Method: "/t.S/Find", Kind: "app_key", Scopes: []string{"Read"}, Endpoints: []string{"/t.S/Get"}}, `DENIED 7 DENIED (PERMISSION_DENIED)
  method     /t.S/Find
  reason     endpoint_not_granted: the key may call only /t.S/Get, not /t.S/Find
  principal  app_key: accepted (the endpoint accepts app_key, pat)
  endpoints  restricted to 1 endpoint, not this one: /t.S/Get
  requires   Search: missing
  request    Read, when it returns items: held
  grant      app_key, scopes Read, only /t.S/Get
`},
		{explain.Call{Method: "/t.S/Find", Kind: "app_key", Scopes: []string{"Search"}, Request: "Read"}, `DENIED 7 DENIED (PERMISSION_DENIED)
  method     /t.S/Find
  reason     missing_request_scope: the key lacks Read, which the handler of /t.S/Find checks for this request (when it returns items)
  principal  app_key: accepted (the endpoint accepts app_key, pat)
  endpoints  any: the key is not restricted to endpoints
  requires   Search: held
  request    Read, when it returns items: not held: such requests are refused
  grant      app_key, scopes Search, any endpoint
`},
		{explain.Call{Method: "/t.S/Health", Kind: explain.NoCredentials}, `ALLOWED
  method     /t.S/Health
  reason     public: /t.S/Health is public: anyone may call it, with or without a key
  grant      none: the call carries no credentials
`},
		{explain.Call{Method: "/t.S/Gte", Kind: "pta", Scopes: []string{"Raed"}, Endpoints: []string{"Get"}}, `DENIED 8 BAD_KEY (UNAUTHENTICATED)
  method     /t.S/Gte
  reason     invalid_grant: the key is invalid
  invalid    unknown key kind "pta" in -kind; did you mean "pat"?
  invalid    unknown scope "Raed" in -scopes; did you mean "Read"?
  invalid    unknown endpoint "Get" in -endpoints; did you mean "/t.S/Get"? (methods are full gRPC names)
  unknown    method "/t.S/Gte"; did you mean "/t.S/Get"?
  grant      none: a key that names what the spec does not define is refused outright
`},
		{explain.Call{Method: "/t.S/Share", Kind: "pat", Scopes: []string{"Read"}, Collaborator: true, InviteScopes: []string{"Read", "Search"}}, `DENIED 7 DENIED (PERMISSION_DENIED)
  method     /t.S/Share
  reason     missing_scopes: the collaborator lacks Write (neither the key nor the invite holds it), which alternative 1 of /t.S/Share requires, the closest of 2 (any one suffices)
  principal  pat: accepted (the endpoint accepts app_key, pat)
  endpoints  any: the key is not restricted to endpoints
  requires   any one of 2 alternatives
  any_of 1   pat: Read held, Write missing (neither the key nor the invite holds it); the closest
  any_of 2   app_key, pat: Search missing (the key lacks it)
  key        pat, scopes Read, any endpoint
  invite     app_key|pat, scopes Read, Search, any endpoint
  effective  pat, scopes Read, any endpoint (what both allow)
`},
		{explain.Call{Method: "/t.S/Share", Kind: "app_key", Scopes: []string{"Search"}}, `ALLOWED
  method     /t.S/Share
  reason     allowed: the key (app_key) may call /t.S/Share
  principal  app_key: accepted (the endpoint accepts app_key, pat)
  endpoints  any: the key is not restricted to endpoints
  requires   any one of 2 alternatives
  any_of 1   pat: Read missing, Write missing; not for app_key keys
  any_of 2   app_key, pat: Search held; held in full
  grant      app_key, scopes Search, any endpoint
`},
	} {
		if got := explain.Explain(m, tc.call).Text(); got != tc.want {
			t.Errorf("%+v:\n%s\nwant:\n%s", tc.call, got, tc.want)
		}
	}
}

// TestExplainJSON pins the JSON of an explanation: its field names and
// order are the command's public contract, and lists are never null.
func TestExplainJSON(t *testing.T) {
	m := testModel(t)
	for _, tc := range []struct {
		call explain.Call
		want string
	}{
		{explain.Call{Method: "/t.S/Get", Kind: "app_key", Scopes: []string{"Read"}},
			`{"method":"/t.S/Get","allowed":true,"code":0,"status":"OK","grpc_code":0,"grpc_status":"OK","reason":"allowed","missing":[],"required":[{"scope":"Read","held":true}],"alternatives":[{"scopes":["Read"],"principals":["app_key","pat"],"missing":[],"usable":true,"chosen":true}],"request_dependent":[],"redacted":["item.secret"],"reveal":{"item.secret":["Write"]},"collaborator":false,"grant":{"kind":"app_key","scopes":["Read"],"restricted":false,"endpoints":[]},"message":"the key (app_key) may call /t.S/Get; the response omits item.secret"}`},
		{explain.Call{Method: "/t.S/Find", Kind: "pat", Scopes: []string{"Read"}, Collaborator: true, InviteEndpoints: []string{"/t.S/Find"}},
			`{"method":"/t.S/Find","allowed":false,"code":7,"status":"DENIED","grpc_code":7,"grpc_status":"PERMISSION_DENIED","reason":"missing_scopes","missing":["Search"],"required":[{"scope":"Search","held":false}],"alternatives":[{"scopes":["Search"],"principals":["app_key","pat"],"missing":["Search"],"usable":true,"chosen":true}],"request_dependent":[{"scope":"Read","when":"it returns items","held":false}],"redacted":[],"reveal":{},"collaborator":true,"grant":{"kind":"pat","scopes":[],"restricted":true,"endpoints":["/t.S/Find"]},"message":"the collaborator lacks Search (neither the key nor the invite holds it), which /t.S/Find requires"}`},
		{explain.Call{Method: "/t.S/Get", Kind: explain.NoCredentials},
			`{"method":"/t.S/Get","allowed":false,"code":9,"status":"NO_KEY","grpc_code":16,"grpc_status":"UNAUTHENTICATED","reason":"no_credentials","missing":["Read"],"required":[{"scope":"Read","held":false}],"alternatives":[{"scopes":["Read"],"principals":["app_key","pat"],"missing":["Read"],"usable":false,"chosen":true}],"request_dependent":[],"redacted":[],"reveal":{},"collaborator":false,"grant":{"kind":"none","scopes":[],"restricted":false,"endpoints":[]},"message":"/t.S/Get is not public: a call needs an app_key or pat key, and this one carries no credentials"}`},
		{explain.Call{Method: "/t.S/Get", Kind: explain.NoCredentials, Scopes: []string{"Read"}},
			`{"method":"/t.S/Get","allowed":false,"code":8,"status":"BAD_KEY","grpc_code":16,"grpc_status":"UNAUTHENTICATED","reason":"invalid_grant","missing":[],"required":[],"alternatives":[],"request_dependent":[],"redacted":[],"reveal":{},"collaborator":false,"grant":{"kind":"none","scopes":[],"restricted":true,"endpoints":[]},"message":"invalid key: -kind none means a call without credentials, which holds no scopes and no endpoints and is no collaborator; drop -scopes, -endpoints, -invite-scopes and -invite-endpoints, or give -kind app_key or pat"}`},
		// Alternatives: the app_key key may use only the second, and lacks
		// its Search; the pat key holds the first in full.
		{explain.Call{Method: "/t.S/Share", Kind: "app_key", Scopes: []string{"Read", "Write"}},
			`{"method":"/t.S/Share","allowed":false,"code":7,"status":"DENIED","grpc_code":7,"grpc_status":"PERMISSION_DENIED","reason":"missing_scopes","missing":["Search"],"required":[],"alternatives":[{"scopes":["Read","Write"],"principals":["pat"],"missing":[],"usable":false,"chosen":false},{"scopes":["Search"],"principals":["app_key","pat"],"missing":["Search"],"usable":true,"chosen":true}],"request_dependent":[],"redacted":[],"reveal":{},"collaborator":false,"grant":{"kind":"app_key","scopes":["Read","Write"],"restricted":false,"endpoints":[]},"message":"the key lacks Search, which alternative 2 of /t.S/Share requires, the closest of 2 (any one suffices)"}`},
		{explain.Call{Method: "/t.S/Share", Kind: "pat", Scopes: []string{"Read", "Write"}},
			`{"method":"/t.S/Share","allowed":true,"code":0,"status":"OK","grpc_code":0,"grpc_status":"OK","reason":"allowed","missing":[],"required":[],"alternatives":[{"scopes":["Read","Write"],"principals":["pat"],"missing":[],"usable":true,"chosen":true},{"scopes":["Search"],"principals":["app_key","pat"],"missing":["Search"],"usable":true,"chosen":false}],"request_dependent":[],"redacted":[],"reveal":{},"collaborator":false,"grant":{"kind":"pat","scopes":["Read","Write"],"restricted":false,"endpoints":[]},"message":"the key (pat) may call /t.S/Share"}`},
		{explain.Call{Method: "/t.S/Health", Kind: "pat"},
			`{"method":"/t.S/Health","allowed":true,"code":0,"status":"OK","grpc_code":0,"grpc_status":"OK","reason":"public","missing":[],"required":[],"alternatives":[],"request_dependent":[],"redacted":[],"reveal":{},"collaborator":false,"grant":{"kind":"pat","scopes":[],"restricted":false,"endpoints":[]},"message":"/t.S/Health is public: anyone may call it, with or without a key"}`},
	} {
		b, err := json.Marshal(explain.Explain(m, tc.call))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%+v:\n%s\nwant:\n%s", tc.call, b, tc.want)
		}
	}
}

// TestExplainMatchesReference: on random grants, collaborators and
// requests, for every endpoint and a method that is not one, the decision
// explained is the reference's, and the reason is one of its Reason names.
func TestExplainMatchesReference(t *testing.T) {
	m := testModel(t)
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(from []string) []string {
		var out []string
		for _, s := range from {
			if r.IntN(3) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	methods := append(slices.Clone(methodsOf(m)), "/t.S/Nope")
	kinds := []model.Principal{model.AppKey, model.PersonalAccessToken, model.AppKey | model.PersonalAccessToken}
	for range 500 {
		kind := kinds[r.IntN(len(kinds))]
		c := explain.Call{Kind: strings.Join(m.KindNames(kind), "|"), Scopes: pick(m.ScopeNames()), Endpoints: pick(methodsOf(m))}
		key, err := reference.NewGrant(m, kind, c.Scopes, c.Endpoints)
		if err != nil {
			t.Fatal(err)
		}
		g := key
		if r.IntN(3) == 0 {
			c.Collaborator, c.InviteScopes, c.InviteEndpoints = true, pick(m.ScopeNames()), pick(methodsOf(m))
			invite, err := reference.NewGrant(m, model.AppKey|model.PersonalAccessToken, c.InviteScopes, c.InviteEndpoints)
			if err != nil {
				t.Fatal(err)
			}
			g = reference.Intersect(m, key, invite)
		}
		if r.IntN(4) == 0 {
			c.Request = "Read"
		}
		for _, method := range methods {
			c.Method = method
			x := explain.Explain(m, c)
			d := reference.DecideRequest(m, g, method, c.Request)
			if x.Allowed != d.Allowed || x.Reason != string(d.Reason) || !slices.Equal(x.Missing, nonNil(d.Missing)) ||
				!slices.Equal(x.Redacted, nonNil(d.Redacted)) || x.Code != d.Code(m) {
				t.Fatalf("%+v: explained %v %s %v %v %d, the reference says %+v", c, x.Allowed, x.Reason, x.Missing, x.Redacted, x.Code, d)
			}
			checkAlternatives(t, m, c, x)
		}
	}
}

// checkAlternatives: an explanation lists the endpoint's alternatives, and
// the one it marks chosen is what the decision is about: the one the
// missing scopes come from, or one the grant holds in full when allowed.
func checkAlternatives(t *testing.T, m *model.Model, c explain.Call, x *explain.Explanation) {
	t.Helper()
	e := m.Endpoint(c.Method)
	if e == nil || e.Public || x.Reason == string(explain.InvalidGrant) {
		if len(x.Alternatives) != 0 {
			t.Fatalf("%+v: alternatives %+v, want none", c, x.Alternatives)
		}
		return
	}
	if len(x.Alternatives) != len(e.Alternatives) {
		t.Fatalf("%+v: %d alternatives, the endpoint has %d", c, len(x.Alternatives), len(e.Alternatives))
	}
	chosen := slices.IndexFunc(x.Alternatives, func(a explain.Alternative) bool { return a.Chosen })
	if chosen < 0 {
		t.Fatalf("%+v: no alternative chosen: %+v", c, x.Alternatives)
	}
	a := x.Alternatives[chosen]
	switch {
	case x.Allowed && (!a.Usable || len(a.Missing) > 0):
		t.Fatalf("%+v: allowed, yet the chosen alternative is %+v", c, a)
	case x.Reason == string(reference.MissingScopes) && !slices.Equal(a.Missing, x.Missing):
		t.Fatalf("%+v: missing %v, the chosen alternative lacks %v", c, x.Missing, a.Missing)
	}
}

func methodsOf(m *model.Model) []string {
	var out []string
	for _, e := range m.Endpoints {
		out = append(out, e.Method)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestCheckRequest: -request must name a scope of the spec, whether or not
// the method's handler checks it.
func TestCheckRequest(t *testing.T) {
	m := testModel(t)
	if err := explain.CheckRequest(m, "Write"); err != nil {
		t.Errorf("Write: %v", err)
	}
	if err := explain.CheckRequest(m, "Raed"); err == nil || err.Error() != `-request Raed: the spec has no such scope; did you mean "Read"?` {
		t.Errorf("Raed: %v", err)
	}
}
