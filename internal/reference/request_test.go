package reference_test

import (
	"slices"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// requestSpec has an endpoint whose handler checks a request-dependent
// scope, a public one whose handler does too, and a scope that grants every
// scope.
const requestSpec = `scopes:
  - {name: All, id: 1, description: Everything., grants_all: true}
  - {name: Search, id: 2, description: Searches.}
  - {name: Predict, id: 3, description: Predicts.}
  - {name: Other, id: 4, description: Unrelated.}
endpoints:
  - method: /t.S/Find
    requires: [Search]
    request_scopes:
      - {scope: Predict, when: it searches by image}
  - method: /t.S/Health
    public: true
    request_scopes:
      - {scope: Predict, when: it runs a model}
`

// specHead is what every test spec here starts with: the format, the
// outcomes and the default principals.
const specHead = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
defaults:
  principals: [app_key, pat]
`

// build parses and builds a test spec that follows specHead.
func build(t *testing.T, body string) *model.Model {
	t.Helper()
	f, err := spec.Parse("s.yaml", []byte(specHead+body))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRequestScopeRule checks the request-dependent scope rule: an allowed
// call that is a request for which the handler checks scope S is refused
// with reason missing_request_scope when the grant lacks S; a scope the
// handler does not check adds nothing, and a call refused already keeps its
// reason.
func TestRequestScopeRule(t *testing.T) {
	m := build(t, requestSpec)
	key := func(scopes ...string) reference.Grant {
		g, err := reference.NewGrant(m, model.AppKey, scopes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	refused := reference.Decision{Reason: reference.MissingRequestScope, Outcome: model.InsufficientScopes, Missing: []string{"Predict"}}
	for _, c := range []struct {
		name          string
		g             reference.Grant
		method, scope string
		want          reference.Decision
		wantWhen      string // the entry LackedRequestScope returns, "" for none
	}{
		{"lacks the checked scope", key("Search"), "/t.S/Find", "Predict", refused, "it searches by image"},
		{"holds it", key("Search", "Predict"), "/t.S/Find", "Predict", reference.Decision{Allowed: true, Reason: reference.Allowed}, ""},
		{"holds it through All", key("All"), "/t.S/Find", "Predict", reference.Decision{Allowed: true, Reason: reference.Allowed}, ""},
		{"a scope the handler does not check", key("Search"), "/t.S/Find", "Other", reference.Decision{Allowed: true, Reason: reference.Allowed}, ""},
		{"a request that needs none", key("Search"), "/t.S/Find", "", reference.Decision{Allowed: true, Reason: reference.Allowed}, ""},
		{"refused already", key(), "/t.S/Find", "Predict",
			reference.Decision{Reason: reference.MissingScopes, Outcome: model.InsufficientScopes, Missing: []string{"Search"}}, "it searches by image"},
		{"public, without credentials", reference.Grant{}, "/t.S/Health", "Predict", refused, "it runs a model"},
		{"public, with the scope", key("Predict"), "/t.S/Health", "Predict", reference.Decision{Allowed: true, Reason: reference.Public}, ""},
		{"unknown endpoint", key("Search"), "/t.S/Nope", "Predict", reference.Decision{Reason: reference.UnknownEndpoint, Outcome: model.UnknownEndpoint}, ""},
	} {
		got := reference.DecideRequest(m, c.g, c.method, c.scope)
		if got.Allowed != c.want.Allowed || got.Reason != c.want.Reason || got.Outcome != c.want.Outcome ||
			!slices.Equal(got.Missing, c.want.Missing) || len(got.Redacted) != 0 {
			t.Errorf("%s: DecideRequest = %+v, want %+v", c.name, got, c.want)
		}
		r, ok := reference.LackedRequestScope(m, m.Endpoint(c.method), c.g, c.scope)
		if ok != (c.wantWhen != "") || ok && (r.Scope.Name != c.scope || r.When != c.wantWhen) {
			t.Errorf("%s: LackedRequestScope = %+v, %v; want when %q", c.name, r, ok, c.wantWhen)
		}
	}
}
