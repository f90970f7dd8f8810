package reference_test

import (
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// httpSpec binds endpoints to overlapping templates, to show each part of
// the matching rule.
const httpSpec = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: m}
defaults: {principals: [app_key, pat]}
scopes:
  - {name: Read, id: 1, description: r}
  - {name: Write, id: 2, description: w}
  - {name: Admin, id: 3, description: a}
  - {name: Secret, id: 4, description: s}
endpoints:
  - method: /a.V1/GetInput
    http: ["GET /v1/inputs/{input_id}", "GET /v1/users/{user_id}/inputs/{input_id}"]
    requires: [Read]
    redact: [{field: input.data, unless: [Secret]}]
  - operation: countInputs
    http: ["GET /v1/inputs/count"]
    requires: [Admin]
  - operation: getAnything
    http: ["GET /v1/**"]
    requires: [Admin]
  - method: /a.V1/CancelOperation
    http: ["POST /v1/{name=operations/**}:cancel"]
    requires: [Write]
  - operation: postOperation
    http: ["POST /v1/{name=operations/*}"]
    requires: [Write, Admin]
  - method: /a.V1/GetFile
    http: ["GET /v1/files/a%2Fb", "GET /v1/files/~x"]
    requires: [Read]
  - method: /a.V1/ListPipelines
    http: [{shared: "GET /v1/pipelines"}]
    requires: [Read]
    redact: [{field: pipeline.secret, unless: [Secret]}]
  - method: /a.V1/PostPipelines
    http: [{shared: "GET /v1/pipelines"}]
    requires: [Write]
    redact: [{field: pipeline.secret, unless: [Secret]}]
  - operation: root
    http: ["GET /"]
    public: true
`

// TestMatchHTTP checks each part of the rule the README states: exact verbs,
// literals before variables before **, a custom verb first, raw paths (an
// encoded slash is a character of its segment), no variable for an empty,
// . or .. segment, and shared bindings.
func TestMatchHTTP(t *testing.T) {
	m := buildHTTP(t)
	for _, tc := range []struct{ verb, path, want string }{
		{"GET", "/v1/inputs/7", "/a.V1/GetInput"},
		{"GET", "/v1/users/u/inputs/7", "/a.V1/GetInput"},
		{"HEAD", "/v1/inputs/7", "/a.V1/GetInput"},    // GET also for HEAD, as net/http
		{"get", "/v1/inputs/7", ""},                   // verbs are exact
		{"get", "/v1/inputs/7", ""},                   // and case-sensitive
		{"GET", "/v1/inputs/count", "countInputs"},    // a literal beats a variable
		{"GET", "/v1/inputs/7/x", "getAnything"},      // only ** matches
		{"GET", "/v1/inputs", "getAnything"},          // {input_id} needs a segment
		{"GET", "/v1", "getAnything"},                 // ** matches zero segments
		{"GET", "/v1/inputs/", ""},                    // a trailing slash: an empty segment
		{"GET", "/v1//inputs/7", ""},                  // an empty segment
		{"GET", "/v1/inputs/..", ""},                  // no variable matches . or ..
		{"GET", "/v1/inputs/%2e%2E", ""},              // however encoded
		{"GET", "/v1/inputs/./7", ""},                 // nor does **
		{"GET", "/v1/inputs/7%2F8", "/a.V1/GetInput"}, // an encoded slash is part of a segment
		{"GET", "/v1/files/a%2Fb", "/a.V1/GetFile"},   // literals are raw
		{"GET", "/v1/files/a/b", "getAnything"},       // not a%2Fb
		{"GET", "/v1/files/a%2fb", "getAnything"},     // hex case is not normalized
		{"GET", "/v1/files/%7Ex", "getAnything"},      // nor unreserved characters
		{"POST", "/v1/operations/o1:cancel", "/a.V1/CancelOperation"},
		{"POST", "/v1/operations/a/b:cancel", "/a.V1/CancelOperation"},
		{"POST", "/v1/operations/o1", "postOperation"},
		{"POST", "/v1/operations/o1:undo", "postOperation"}, // the variable holds "o1:undo"
		{"POST", "/v1/operations:cancel", "/a.V1/CancelOperation"},
		{"GET", "/v1/pipelines", "/a.V1/ListPipelines,/a.V1/PostPipelines"},
		{"GET", "/", "root"},
		{"GET", "", ""},
		{"GET", "v1/inputs/7", ""},
	} {
		var got []string
		for _, e := range reference.MatchHTTP(m, tc.verb, tc.path) {
			got = append(got, e.Name)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.verb, tc.path, got, tc.want)
		}
	}
}

// TestDecideHTTP checks that a request that a shared binding matches is
// allowed only when every endpoint of it allows it, with the fields any of
// them redacts.
func TestDecideHTTP(t *testing.T) {
	m := buildHTTP(t)
	grant := func(scopes ...string) reference.Grant {
		g, err := reference.NewGrant(m, model.AppKey, scopes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for _, tc := range []struct {
		g          reference.Grant
		verb, path string
		want       reference.Reason
		redacted   string
	}{
		{grant("Read"), "GET", "/v1/pipelines", reference.MissingScopes, ""},
		{grant("Write"), "GET", "/v1/pipelines", reference.MissingScopes, ""},
		{grant("Read", "Write"), "GET", "/v1/pipelines", reference.Allowed, "pipeline.secret"},
		{grant("Read", "Write", "Secret"), "GET", "/v1/pipelines", reference.Allowed, ""},
		{grant("Read"), "GET", "/v1/inputs/7", reference.Allowed, "input.data"},
		{grant("Read"), "GET", "/v1/inputs/count", reference.MissingScopes, ""},
		{grant("Read"), "GET", "/v1/nothing/../inputs/7", reference.UnknownEndpoint, ""},
		{reference.Grant{}, "GET", "/", reference.Public, ""},
	} {
		d := reference.DecideHTTP(m, tc.g, tc.verb, tc.path)
		if d.Reason != tc.want || strings.Join(d.Redacted, ",") != tc.redacted || d.Allowed != (tc.want == reference.Allowed || tc.want == reference.Public) {
			t.Errorf("%s %s by %v: %+v, want %s redacting %q", tc.verb, tc.path, tc.g.Scopes, d, tc.want, tc.redacted)
		}
	}
}

func buildHTTP(t *testing.T) *model.Model {
	t.Helper()
	f, err := spec.Parse("http.yaml", []byte(httpSpec))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
