package reference

import (
	"slices"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/route"
)

// MatchHTTP returns the endpoints that decide an HTTP request, by the rule
// internal/route states and the README repeats ("Matching an HTTP
// request"), the plain way: route.Match tries every binding and keeps the
// most specific. verb is the request's method, as sent; path its raw
// (percent-encoded) path, without the query. It returns nil when no binding
// matches (the request is an unknown endpoint), the endpoint of the winning
// binding, or, for a binding shared by several endpoints, each of them in
// spec order: the request is then allowed only when every one of them
// allows it (DecideHTTP).
func MatchHTTP(m *model.Model, verb, path string) []*model.Endpoint {
	var out []*model.Endpoint
	for _, i := range route.Match(route.FromModel(m), verb, path) {
		out = append(out, m.Endpoints[i-1])
	}
	slices.SortFunc(out, func(a, b *model.Endpoint) int { return a.Index - b.Index })
	return out
}

// DecideHTTP decides an HTTP request by g: unknown when no binding
// matches; else the decision of the endpoint it matches, or for a shared
// binding, the first denial among its endpoints in spec order, or, when all
// allow it, the first endpoint's decision. Endpoints that share a binding
// redact the same fields (the model refuses others), so its redactions are
// every handler's that could serve the request.
func DecideHTTP(m *model.Model, g Grant, verb, path string) Decision {
	return DecideMatched(m, g, MatchHTTP(m, verb, path))
}

// DecideMatched is DecideHTTP for a request already matched: eps is what
// MatchHTTP returned for it. Matching depends on the request alone, so a
// caller deciding one request under many grants matches it once.
func DecideMatched(m *model.Model, g Grant, eps []*model.Endpoint) Decision {
	if eps == nil {
		return Decision{Reason: UnknownEndpoint, Outcome: model.UnknownEndpoint}
	}
	first := Decide(m, g, eps[0].Name)
	for _, e := range eps {
		if d := Decide(m, g, e.Name); !d.Allowed {
			return d
		}
	}
	return first
}
