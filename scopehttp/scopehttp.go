// Package scopehttp enforces a spec on an HTTP server: a net/http middleware
// that decides every request with the checker package that scopegen
// generated from the spec, by the spec's HTTP bindings, before the handler
// runs. It matches requests on its own (the generated LookupRoute), so it
// works in front of Go's ServeMux or any router, and imports only the
// standard library.
//
//	mw := scopehttp.New[checker.Grant, checker.Decision](resolve)
//	http.ListenAndServe(addr, mw.Handler(mux))
//
// resolve is the service's own Resolver: it finds the credentials a request
// carries (KeyFromRequest reads "Authorization: Key <id>", BearerFromRequest
// "Authorization: Bearer <token>") and returns their grant.
//
// A denied request gets the spec's outcome as an HTTP status (Status): 401
// without credentials or with a refused key, 403 for missing scopes or a
// principal or endpoint the key may not use, 404 for a request no binding
// matches, 500 when the Resolver fails; a JSON body with the fields of
// scopegen explain -json (Body); and, for missing scopes, the
// WWW-Authenticate header RFC 6750 describes. An allowed request reaches the
// handler with its grant and decision in the context (FromContext).
package scopehttp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/scopegen/scopegen/enforce"
)

// Resolver returns the grant of the caller of a request. It returns
// ErrNoCredentials when the request carries none, and ErrKeyNotFound or
// ErrKeyInvalid, or an error wrapping them, for credentials it refuses; any
// other error ends the request with 500, without the error's text.
//
// It runs only for requests that a binding of the spec matches.
type Resolver[G any] func(r *http.Request) (G, error)

// The errors a Resolver returns for a request whose credentials give no
// grant: those of package enforce, which every adapter shares.
var (
	ErrNoCredentials = enforce.ErrNoCredentials
	ErrKeyNotFound   = enforce.ErrKeyNotFound
	ErrKeyInvalid    = enforce.ErrKeyInvalid
)

// Middleware decides requests by the spec of the checker package whose Grant
// and Decision types are G and D. Make one with New; it is safe for
// concurrent use.
type Middleware[G enforce.HTTPGrant[D], D enforce.Decision[D]] struct {
	resolve Resolver[G]
}

// New returns a Middleware that finds the grant of each request with
// resolve.
func New[G enforce.HTTPGrant[D], D enforce.Decision[D]](resolve Resolver[G]) *Middleware[G, D] {
	if resolve == nil {
		panic("scopehttp.New: nil Resolver")
	}
	return &Middleware[G, D]{resolve: resolve}
}

// Handler returns next behind the check: a request the spec denies is
// answered here, and next never sees it.
func (m *Middleware[G, D]) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, d, err := m.Decide(r)
		switch {
		case err != nil:
			http.Error(w, "the credentials could not be checked", http.StatusInternalServerError)
		case !d.Allowed():
			Deny(w, d)
		default:
			next.ServeHTTP(w, r.WithContext(&decided[G, D]{r.Context(), g, d}))
		}
	})
}

// Decide decides r: the grant it was decided on, the decision, and the
// Resolver's error when it is none of the credential errors.
func (m *Middleware[G, D]) Decide(r *http.Request) (G, D, error) {
	return enforce.DecideHTTP[G, D](r.Method, r.URL.EscapedPath(), func() (G, error) { return m.resolve(r) })
}

// key is the context key of a request's grant and decision.
type key[G, D any] struct{}

// decided is the context of an allowed request: its parent's, with the
// grant and the decision. It is its own value, under key[G, D], so that
// passing them to the handler costs one allocation (context.WithValue would
// take two, the context and the boxed value).
type decided[G, D any] struct {
	context.Context
	g G
	d D
}

// Value returns the decided context itself for key[G, D], and otherwise
// what the parent holds.
func (c *decided[G, D]) Value(k any) any {
	if _, ok := k.(key[G, D]); ok {
		return c
	}
	return c.Context.Value(k)
}

// String names the context as context.WithValue's do, without printing the
// grant.
func (c *decided[G, D]) String() string {
	return fmt.Sprint(c.Context) + ".WithValue(scopehttp.grant)"
}

// FromContext returns the grant and the decision of an allowed request, in
// its handler.
func FromContext[G, D any](ctx context.Context) (G, D, bool) {
	if c, ok := ctx.Value(key[G, D]{}).(*decided[G, D]); ok {
		return c.g, c.d, true
	}
	var (
		g G
		d D
	)
	return g, d, false
}

// Status returns the HTTP status of a denial: 401 when the caller has no
// credentials or they were refused, 404 for a request no binding matches,
// 403 otherwise.
func Status[D enforce.Decision[D]](d D) int {
	switch d.ReasonName() {
	case enforce.ReasonNoCredentials, enforce.ReasonKeyNotFound, enforce.ReasonKeyInvalid:
		return http.StatusUnauthorized
	case enforce.ReasonUnknownEndpoint:
		return http.StatusNotFound
	}
	return http.StatusForbidden
}

// Body is the JSON body of a denied request: the fields of scopegen explain
// -json that a client may read.
type Body struct {
	Method   string   `json:"method"`  // the endpoint; "" for a request no binding matches
	Allowed  bool     `json:"allowed"` // false
	Code     int      `json:"code"`    // the outcome's code, e.g. 11007
	Status   string   `json:"status"`  // the outcome's status, e.g. "CONN_INSUFFICIENT_SCOPES"
	Reason   string   `json:"reason"`  // why, e.g. "missing_scopes"
	Missing  []string `json:"missing"` // the required scopes the caller lacks
	Message  string   `json:"message"` // the outcome's message
	GRPCCode int      `json:"grpc_code"`
}

// BodyOf returns the body of a denial.
func BodyOf[D enforce.Decision[D]](d D) Body {
	b := Body{Method: d.Method(), Code: d.Code(), Status: d.Status(), Reason: d.ReasonName(), Message: d.Message(), GRPCCode: d.GRPCCode(), Missing: []string{}}
	for s := range d.MissingNames() {
		b.Missing = append(b.Missing, s)
	}
	return b
}

// Deny writes the answer to a denied request: its status, the
// WWW-Authenticate header (for a request without credentials, a Bearer
// challenge; for missing scopes, error="insufficient_scope" and the scopes,
// as RFC 6750 says), and the JSON Body.
func Deny[D enforce.Decision[D]](w http.ResponseWriter, d D) {
	b := BodyOf(d)
	status := Status(d)
	switch {
	case status == http.StatusUnauthorized && b.Reason == enforce.ReasonNoCredentials:
		w.Header().Set("WWW-Authenticate", `Bearer realm="scopegen"`)
	case status == http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	case b.Reason == enforce.ReasonMissingScopes && len(b.Missing) > 0:
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+strings.Join(b.Missing, " ")+`"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(b)
}

// KeyFromRequest returns the key of a request: the <id> of
// "Authorization: Key <id>" (the scheme is case-insensitive). It returns
// ErrNoCredentials when the request has no Authorization header, and
// ErrKeyInvalid when it is not one Key credential.
func KeyFromRequest(r *http.Request) (string, error) {
	return credential(r, "Key")
}

// BearerFromRequest returns the token of "Authorization: Bearer <token>", as
// KeyFromRequest returns a key.
func BearerFromRequest(r *http.Request) (string, error) {
	return credential(r, "Bearer")
}

// credential returns the credential of scheme in r's Authorization header.
func credential(r *http.Request, scheme string) (string, error) {
	values := r.Header["Authorization"] // the canonical key, as Header.Values would look up
	switch len(values) {
	case 0:
		return "", ErrNoCredentials
	case 1:
	default:
		return "", ErrKeyInvalid
	}
	got, id, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	id = strings.TrimSpace(id)
	if !ok || !strings.EqualFold(got, scheme) || id == "" || strings.ContainsAny(id, " \t") {
		return "", ErrKeyInvalid
	}
	return id, nil
}
