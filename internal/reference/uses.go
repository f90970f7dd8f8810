package reference

import (
	"slices"

	"github.com/scopegen/scopegen/internal/model"
)

// UseKind is how an endpoint refers to a scope.
type UseKind int

// The ways an endpoint refers to a scope, in the order UsesAt lists them.
const (
	UseRequired    UseKind = iota // the endpoint requires the scope (every alternative does)
	UseAlternative                // some alternatives of the endpoint (any_of) require the scope, not all
	UseRequest                    // the endpoint's handler checks the scope for some requests
	UseRedaction                  // the scope is one of those that reveal a field the endpoint redacts
)

// Use is one place where an endpoint refers to a scope.
type Use struct {
	Endpoint *model.Endpoint
	Kind     UseKind
	Field    string // the redacted field the scope helps reveal; "" unless Kind is UseRedaction
}

// UsesAt lists where endpoint e refers to scope s, as the spec writes it:
// its requirement (or, for a scope only some of its alternatives require,
// those), then each entry of its request-dependent scopes that
// names s, then each of its redactions whose scopes include s, in spec
// order. A scope that grants every scope is listed only where the spec
// names it. UsesAt returns nil when e does not refer to s.
func UsesAt(e *model.Endpoint, s *model.Scope) []Use {
	var out []Use
	switch {
	case slices.Contains(e.Requires, s):
		out = append(out, Use{Endpoint: e, Kind: UseRequired})
	case slices.ContainsFunc(e.Alternatives, func(a model.Alternative) bool { return slices.Contains(a.Requires, s) }):
		out = append(out, Use{Endpoint: e, Kind: UseAlternative})
	}
	for _, r := range e.RequestScopes {
		if r.Scope == s {
			out = append(out, Use{Endpoint: e, Kind: UseRequest})
		}
	}
	for _, r := range e.Redactions {
		if slices.Contains(r.Unless, s) {
			out = append(out, Use{Endpoint: e, Kind: UseRedaction, Field: r.Field})
		}
	}
	return out
}

// Uses lists where the endpoints of m refer to scope s: UsesAt of each
// endpoint, in spec order.
func Uses(m *model.Model, s *model.Scope) []Use {
	var out []Use
	for _, e := range m.Endpoints {
		out = append(out, UsesAt(e, s)...)
	}
	return out
}
