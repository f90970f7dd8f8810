package core

import (
	"fmt"
	"iter"
)

// Principal is a kind of credential. Kinds are bits, so a set of kinds is a
// Principal too (AppKey|PersonalAccessToken).
type Principal uint32

// String returns the kinds' names in the spec, joined by "|", e.g. "app_key|pat";
// no kind gives "none".
func (p Principal) String() string {
	s := ""
	for _, n := range principalNames {
		if p&n.kind != 0 {
			if s != "" {
				s += "|"
			}
			s += n.name
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// ParsePrincipal returns the principal kind with the given spec name, e.g.
// "app_key" or "pat".
func ParsePrincipal(name string) (Principal, bool) {
	for _, n := range principalNames {
		if n.name == name {
			return n.kind, true
		}
	}
	return 0, false
}

// endpointSet is a set of endpoints: bit e%64 of word e/64 is endpoint e.
type endpointSet [endpointWords]uint64

// grant is the immutable content of a Grant.
type grant struct {
	kinds      Principal
	restricted bool        // endpoints lists the only endpoints it may call
	scopes     Set         // op scopes, with grantsAll expanded
	endpoints  endpointSet // allEndpoints when not restricted
}

// expandAll widens g's scopes to every scope when they hold the spec's scope
// that grants all; a spec without one compiles this away.
func (g *grant) expandAll() {
	if grantsAll != 0 && g.scopes.Has(grantsAll) {
		g.scopes = allScopes
	}
}

// Grant is what a credential may do: its principal kind, its op-level scopes and,
// if it is restricted to endpoints, the only endpoints it may call.
//
// The zero Grant is no credentials at all: it may call public endpoints only.
// A Grant is immutable and cheap to copy; share it between goroutines freely.
type Grant struct {
	g *grant
}

// NewGrant returns the grant of a credential of the given kind holding the named
// op scopes, restricted to the named endpoints (full method names, or the
// operation names of HTTP-only endpoints) unless that list is empty. A non-empty list restricts even a key that holds every scope.
// Unknown names and kinds are an error. A scope that the spec marks grants_all
// (e.g. "All") grants every op scope.
func NewGrant(kind Principal, scopes, endpoints []string) (Grant, error) {
	if kind == 0 || kind&^AllPrincipals != 0 {
		return Grant{}, fmt.Errorf("unknown principal kind %d", kind)
	}
	g := &grant{
		endpoints: allEndpoints,
		kinds:     kind,
	}
	for _, name := range scopes {
		s, ok := ParseScope(name)
		if !ok {
			return Grant{}, fmt.Errorf("unknown scope %q", name)
		}
		g.scopes.Add(s)
	}
	g.expandAll()
	if len(endpoints) > 0 {
		g.restricted = true
		g.endpoints = endpointSet{}
		for _, name := range endpoints {
			e, ok := LookupEndpoint(name)
			if !ok {
				e, ok = lookupOperation(name)
			}
			if !ok {
				return Grant{}, fmt.Errorf("unknown endpoint %q", name)
			}
			g.endpoints[e/64] |= 1 << (e % 64)
		}
	}
	return Grant{g}, nil
}

// MakeGrant is NewGrant for typed values: a grant of the given kind holding
// scopes, restricted to endpoints unless none are given. Bits that are not
// principal kinds, ids that are not scopes and values that are not endpoints
// are dropped, so a bad value can only take access away.
func MakeGrant(kind Principal, scopes Set, endpoints ...Endpoint) Grant {
	g := &grant{
		endpoints: allEndpoints,
		kinds:     kind & AllPrincipals,
		scopes:    scopes.Intersect(allScopes),
	}
	g.expandAll()
	if len(endpoints) > 0 {
		g.restricted = true
		g.endpoints = endpointSet{}
		for _, e := range endpoints {
			if e.Valid() {
				g.endpoints[e/64] |= 1 << (e % 64)
			}
		}
	}
	return Grant{g}
}

// IsZero reports whether g is the zero Grant: no credentials.
func (g Grant) IsZero() bool {
	return g.g == nil
}

// Kind returns the grant's principal kinds.
func (g Grant) Kind() Principal {
	if g.g == nil {
		return 0
	}
	return g.g.kinds
}

// Scopes returns the op scopes the grant holds, with every scope expanded when
// it holds one that grants all.
func (g Grant) Scopes() Set {
	if g.g == nil {
		return Set{}
	}
	return g.g.scopes
}

// Has reports whether the grant holds op scope s; handlers use it for
// request-dependent scopes.
func (g Grant) Has(s Scope) bool {
	return g.g != nil && g.g.scopes.Has(s)
}

// Restricted reports whether the grant may call only the endpoints it lists.
func (g Grant) Restricted() bool {
	return g.g != nil && g.g.restricted
}

// Endpoints returns an iterator over the endpoints a restricted grant may call,
// in spec order; it yields nothing for an unrestricted grant.
func (g Grant) Endpoints() iter.Seq[Endpoint] {
	return func(yield func(Endpoint) bool) {
		if !g.Restricted() {
			return
		}
		for e := range Endpoints() {
			if g.g.endpoints[e/64]&(1<<(e%64)) != 0 && !yield(e) {
				return
			}
		}
	}
}

// Intersect returns what a collaborator may do: only what both g (their own key)
// and o (the invite) allow. The result never exceeds either side; two disjoint
// endpoint restrictions give a grant that can call no endpoint. Intersecting
// with the zero Grant gives the zero Grant.
func (g Grant) Intersect(o Grant) Grant {
	if g.g == nil || o.g == nil {
		return Grant{}
	}
	a, b := g.g, o.g
	r := &grant{
		kinds:      a.kinds & b.kinds,
		restricted: a.restricted || b.restricted,
		scopes:     a.scopes.Intersect(b.scopes),
	}
	for i := range r.endpoints {
		r.endpoints[i] = a.endpoints[i] & b.endpoints[i]
	}
	return Grant{r}
}

// Covers reports whether g holds everything o holds: its kinds, its scopes and
// its endpoints. A key or collaborator may create keys and invites only within
// what it holds itself, so nobody can grant more than they have.
func (g Grant) Covers(o Grant) bool {
	switch {
	case o.g == nil:
		return true
	case g.g == nil:
		return false
	}
	a, b := g.g, o.g
	if b.kinds&^a.kinds != 0 || !a.scopes.ContainsAll(b.scopes) {
		return false
	}
	if a.restricted && !b.restricted {
		return false
	}
	for i := range a.endpoints {
		if b.endpoints[i]&^a.endpoints[i] != 0 {
			return false
		}
	}
	return true
}

// Prerequisite is a part of a grant that needs op scopes the grant lacks: a held
// scope (Scope set) or an endpoint the grant is restricted to (Endpoint set).
type Prerequisite struct {
	Scope    Scope    // the held scope that needs more, or 0
	Endpoint Endpoint // the endpoint that needs more, or 0
	Missing  Set      // what it needs that the grant lacks, prerequisites included
}

// MissingPrerequisites lists what a key with this grant lacks to be made: each
// held scope whose prerequisites it lacks, then each endpoint it is restricted
// to whose required scopes (and their prerequisites) it lacks. An empty list
// means the key is valid.
func (g Grant) MissingPrerequisites() []Prerequisite {
	if g.g == nil {
		return nil
	}
	var out []Prerequisite
	held := g.g.scopes
	for s := range held.Scopes() {
		if miss := s.Prerequisites().Difference(held); !miss.IsEmpty() {
			out = append(out, Prerequisite{
				Missing: miss,
				Scope:   s,
			})
		}
	}
	for e := range g.Endpoints() {
		need := e.Required()
		for s := range need.Scopes() {
			need = need.Union(s.Prerequisites())
		}
		if miss := need.Difference(held); !miss.IsEmpty() {
			out = append(out, Prerequisite{
				Endpoint: e,
				Missing:  miss,
			})
		}
	}
	return out
}

// Closure returns g with every missing prerequisite added: what a portal
// selects by itself when a key is made.
func (g Grant) Closure() Grant {
	if g.g == nil {
		return g
	}
	r := *g.g
	for _, p := range g.MissingPrerequisites() {
		r.scopes = r.scopes.Union(p.Missing)
	}
	r.expandAll()
	return Grant{&r}
}

// String describes the grant for logs, e.g. "app_key{Inputs:Get}" or
// "pat{Search} endpoints{/pkg.Svc/Method}"; the zero Grant is "none".
func (g Grant) String() string {
	if g.g == nil {
		return "none"
	}
	s := g.g.kinds.String() + "{" + g.g.scopes.String() + "}"
	if g.g.restricted {
		s += " endpoints{"
		sep := ""
		for e := range g.Endpoints() {
			s += sep + e.FullMethod()
			sep = ","
		}
		s += "}"
	}
	return s
}
