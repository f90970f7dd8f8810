package scopehttp_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopehttp"
)

// keys are the test's keys, by id.
var keys = map[string]scopes.Grant{
	"reader":  scopes.MakeGrant(scopes.AppKey, scopes.NewSet(scopes.ItemsGet)),
	"full":    scopes.MakeGrant(scopes.AppKey, scopes.NewSet(scopes.ItemsGet, scopes.ConceptsGet, scopes.SecretsGet)),
	"writer":  scopes.MakeGrant(scopes.AppKey, scopes.NewSet(scopes.ItemsGet, scopes.ItemsPut)),
	"pat":     scopes.MakeGrant(scopes.PersonalAccessToken, scopes.NewSet(scopes.ItemsGet, scopes.ItemsPut)),
	"patread": scopes.MakeGrant(scopes.PersonalAccessToken, scopes.NewSet(scopes.ItemsGet)),
	"nothing": scopes.MakeGrant(scopes.AppKey, scopes.Set{}),
}

// resolve finds the key of "Authorization: Key <id>"; the key "down"
// stands for a key store that fails.
func resolve(r *http.Request) (scopes.Grant, error) {
	id, err := scopehttp.KeyFromRequest(r)
	if err != nil {
		return scopes.Grant{}, err
	}
	switch id {
	case "down":
		return scopes.Grant{}, errors.New("the key store at 10.0.0.7 is down")
	case "expired":
		return scopes.Grant{}, fmt.Errorf("%w: expired", scopehttp.ErrKeyInvalid)
	}
	g, ok := keys[id]
	if !ok {
		return scopes.Grant{}, scopehttp.ErrKeyNotFound
	}
	return g, nil
}

// server is the middleware in front of a ServeMux whose handlers answer
// with the endpoint and the redacted fields the context holds.
func server(t *testing.T) (http.Handler, *int) {
	t.Helper()
	resolved := 0
	mw := scopehttp.New[scopes.Grant, scopes.Decision](func(r *http.Request) (scopes.Grant, error) {
		resolved++
		return resolve(r)
	})
	mux := http.NewServeMux()
	handle := func(w http.ResponseWriter, r *http.Request) {
		g, d, ok := scopehttp.FromContext[scopes.Grant, scopes.Decision](r.Context())
		if !ok {
			t.Errorf("%s %s: no decision in the handler's context", r.Method, r.URL)
		}
		var redacted []string
		for f := range d.Redacted() {
			redacted = append(redacted, f)
		}
		fmt.Fprintf(w, "%s %s %s", d.Endpoint(), g.Kind(), strings.Join(redacted, ","))
	}
	for _, p := range []string{"GET /v1/items/{id}", "GET /v1/items", "PUT /v1/items/{id}", "POST /v1/items:search", "GET /healthz"} {
		mux.HandleFunc(p, handle)
	}
	return mw.Handler(mux), &resolved
}

func TestMiddleware(t *testing.T) {
	h, resolved := server(t)
	for _, tc := range []struct {
		method, path, key string
		status            int
		reason            string   // the body's reason; "" for an allowed request
		missing           []string // the body's missing scopes
		body              string   // the handler's answer, for an allowed request
		challenge         string   // a part of WWW-Authenticate
		resolves          bool
	}{
		{"GET", "/v1/items/1", "reader", 200, "", nil, "/scopegen.test.Items/GetItem app_key item.data.concepts,item.secret", "", true},
		{"GET", "/v1/items/1", "full", 200, "", nil, "/scopegen.test.Items/GetItem app_key ", "", true},
		{"GET", "/v1/items", "reader", 200, "", nil, "/scopegen.test.Items/ListItems app_key items.data.concepts,items.variants.concepts,items.children.secret", "", true},
		{"GET", "/healthz", "", 200, "", nil, "/scopegen.test.Items/Health none featured.secret", "", true},
		{"GET", "/healthz", "full", 200, "", nil, "/scopegen.test.Items/Health app_key ", "", true},
		{"GET", "/v1/items/a%2Fb", "reader", 200, "", nil, "/scopegen.test.Items/GetItem app_key item.data.concepts,item.secret", "", true},
		{"GET", "/v1/items/1", "", 401, "no_credentials", []string{"Items:Get"}, "", `realm="scopegen"`, true},
		{"GET", "/v1/items/1", "nobody", 401, "key_not_found", nil, "", `error="invalid_token"`, true},
		{"GET", "/v1/items/1", "expired", 401, "key_invalid", nil, "", `error="invalid_token"`, true},
		{"GET", "/healthz", "nobody", 401, "key_not_found", nil, "", `error="invalid_token"`, true},
		{"GET", "/v1/items/1", "nothing", 403, "missing_scopes", []string{"Items:Get"}, "", `error="insufficient_scope", scope="Items:Get"`, true},
		{"PUT", "/v1/items/1", "patread", 403, "missing_scopes", []string{"Items:Put"}, "", `scope="Items:Put"`, true},
		{"PUT", "/v1/items/1", "writer", 403, "principal", nil, "", "", true},
		{"PUT", "/v1/items/1", "pat", 200, "", nil, "/scopegen.test.Items/PutItem pat ", "", true},
		{"POST", "/v1/items:search", "reader", 403, "missing_scopes", []string{"Search"}, "", `scope="Search"`, true},
		{"GET", "/v1/items/a/b", "full", 404, "unknown_endpoint", nil, "", "", false},
		{"GET", "/v1/items/", "full", 404, "unknown_endpoint", nil, "", "", false},
		{"GET", "/v1/items/..", "full", 404, "unknown_endpoint", nil, "", "", false},
		{"DELETE", "/v1/items/1", "full", 404, "unknown_endpoint", nil, "", "", false},
		{"GET", "/admin", "", 404, "unknown_endpoint", nil, "", "", false},
		{"GET", "/v1/items/1", "down", 500, "", nil, "", "", true},
	} {
		name := fmt.Sprintf("%s %s with %q", tc.method, tc.path, tc.key)
		req := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.key != "" {
			req.Header.Set("Authorization", "Key "+tc.key)
		}
		before := *resolved
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", name, rec.Code, tc.status, body)
			continue
		}
		if ran := *resolved > before; ran != tc.resolves {
			t.Errorf("%s: the Resolver ran: %v, want %v", name, ran, tc.resolves)
		}
		switch {
		case tc.status == 200:
			if string(body) != tc.body {
				t.Errorf("%s: the handler answered %q, want %q", name, body, tc.body)
			}
		case tc.status == 500:
			if strings.Contains(string(body), "10.0.0.7") {
				t.Errorf("%s: the answer tells the Resolver's error: %s", name, body)
			}
		default:
			var b scopehttp.Body
			if err := json.Unmarshal(body, &b); err != nil || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%s: body %s (%v), content type %q", name, body, err, rec.Header().Get("Content-Type"))
				continue
			}
			if b.Allowed || b.Reason != tc.reason || !slices.Equal(b.Missing, append([]string{}, tc.missing...)) || b.Code == 0 || b.Status == "" || b.Message == "" {
				t.Errorf("%s: body %+v, want reason %s, missing %v", name, b, tc.reason, tc.missing)
			}
			if got := rec.Header().Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) || tc.challenge == "" && got != "" {
				t.Errorf("%s: WWW-Authenticate %q, want one with %q", name, got, tc.challenge)
			}
		}
	}
}

// TestBodyFieldsAreExplains: the body's JSON fields are scopegen explain
// -json's, by name.
func TestBodyFieldsAreExplains(t *testing.T) {
	data, _ := json.Marshal(scopehttp.Body{})
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"method", "allowed", "code", "status", "reason", "missing", "message", "grpc_code"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("the body lacks %q", name)
		}
	}
}

func TestCredentials(t *testing.T) {
	for _, tc := range []struct {
		header []string
		key    string
		keyErr error
		bearer string
		berr   error
	}{
		{nil, "", scopehttp.ErrNoCredentials, "", scopehttp.ErrNoCredentials},
		{[]string{"Key abc"}, "abc", nil, "", scopehttp.ErrKeyInvalid},
		{[]string{"key  abc "}, "abc", nil, "", scopehttp.ErrKeyInvalid},
		{[]string{"Bearer t.o.k"}, "", scopehttp.ErrKeyInvalid, "t.o.k", nil},
		{[]string{"Key a b"}, "", scopehttp.ErrKeyInvalid, "", scopehttp.ErrKeyInvalid},
		{[]string{"Key"}, "", scopehttp.ErrKeyInvalid, "", scopehttp.ErrKeyInvalid},
		{[]string{"Key a", "Key b"}, "", scopehttp.ErrKeyInvalid, "", scopehttp.ErrKeyInvalid},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for _, h := range tc.header {
			r.Header.Add("Authorization", h)
		}
		if k, err := scopehttp.KeyFromRequest(r); k != tc.key || !errors.Is(err, tc.keyErr) || (tc.keyErr == nil) != (err == nil) {
			t.Errorf("KeyFromRequest(%q) = %q, %v; want %q, %v", tc.header, k, err, tc.key, tc.keyErr)
		}
		if b, err := scopehttp.BearerFromRequest(r); b != tc.bearer || !errors.Is(err, tc.berr) || (tc.berr == nil) != (err == nil) {
			t.Errorf("BearerFromRequest(%q) = %q, %v; want %q, %v", tc.header, b, err, tc.bearer, tc.berr)
		}
	}
}

func BenchmarkMiddleware(b *testing.B) {
	mw := scopehttp.New[scopes.Grant, scopes.Decision](resolve)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct{ name, path string }{{"allowed", "/v1/items/1"}, {"unknown", "/nowhere"}} {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.Header.Set("Authorization", "Key reader")
		b.Run(tc.name, func(b *testing.B) {
			h := mw.Handler(ok)
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}

// TestAllowedAllocs: an allowed request costs the middleware two
// allocations, the copy of the request that http.Request.WithContext makes
// and the context that holds the grant and the decision; the check itself
// allocates nothing.
func TestAllowedAllocs(t *testing.T) {
	mw := scopehttp.New[scopes.Grant, scopes.Decision](resolve)
	seen := false
	h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, d, ok := scopehttp.FromContext[scopes.Grant, scopes.Decision](r.Context())
		seen = ok && d.Allowed()
	}))
	req := httptest.NewRequest("GET", "/v1/items/1", nil)
	req.Header.Set("Authorization", "Key reader")
	w := httptest.NewRecorder()
	if n := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, req) }); n != 2 {
		t.Errorf("an allowed request allocates %v times in the middleware, want 2", n)
	}
	if !seen {
		t.Error("the handler did not find the decision in its context")
	}
}

// TestContextString: printing an allowed request's context names it and
// its parent, as context.WithValue's do, and never prints the grant.
func TestContextString(t *testing.T) {
	mw := scopehttp.New[scopes.Grant, scopes.Decision](resolve)
	var got string
	h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = fmt.Sprint(r.Context()) }))
	req := httptest.NewRequest("GET", "/v1/items/1", nil)
	req.Header.Set("Authorization", "Key reader")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if want := "context.Background.WithValue(scopehttp.grant)"; got != want {
		t.Errorf("the context prints as %q, want %q", got, want)
	}
}
