// Package reference decides calls by the rules of a model the plain way: sets
// of names, no bitsets, no tables. It is the oracle that generated checkers
// are tested against, and what `scopegen explain` and `scopegen grant` use for
// a spec that has no generated package at hand. Rules that more than one
// tool states live here once: the request-dependent scope rule
// (DecideRequest), which scopegen diff's witnesses follow too, and where
// endpoints refer to a scope (Uses), for the docs' reverse index and diff.
package reference

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/internal/model"
)

// Grant is what a credential holds: its principal kinds, op scopes and,
// when Restricted, the only endpoints it may call. The zero Grant (nil
// Scopes) is no credentials at all.
type Grant struct {
	Kinds      model.Principal
	Scopes     map[string]bool // op scope names as granted ("All" is not expanded)
	Restricted bool
	Endpoints  map[string]bool // full method names; meaningful only when Restricted
}

// NewGrant builds a grant from names; unknown names are an error.
func NewGrant(m *model.Model, kinds model.Principal, scopes, endpoints []string) (Grant, error) {
	g := Grant{Kinds: kinds, Scopes: map[string]bool{}, Endpoints: map[string]bool{}}
	if kinds == 0 || kinds&^m.AllKinds() != 0 {
		return Grant{}, fmt.Errorf("unknown principal kind %d", kinds)
	}
	for _, s := range scopes {
		if m.Scope(s) == nil {
			return Grant{}, fmt.Errorf("unknown scope %q", s)
		}
		g.Scopes[s] = true
	}
	for _, e := range endpoints {
		if m.Endpoint(e) == nil {
			return Grant{}, fmt.Errorf("unknown endpoint %q", e)
		}
		g.Endpoints[e] = true
	}
	g.Restricted = len(endpoints) > 0
	return g, nil
}

// Has reports whether g holds scope s, directly or through the All scope.
func Has(m *model.Model, g Grant, s *model.Scope) bool {
	return g.Scopes[s.Name] || (m.AllScope != nil && g.Scopes[m.AllScope.Name])
}

// effective is every scope g holds, with All expanded, as a set.
func effective(m *model.Model, g Grant) map[string]bool {
	out := map[string]bool{}
	for _, s := range Effective(m, g) {
		out[s] = true
	}
	return out
}

// Intersect is what a collaborator may do: only what both the invite and the
// collaborator's own key allow.
func Intersect(m *model.Model, a, b Grant) Grant {
	if a.Scopes == nil || b.Scopes == nil {
		return Grant{}
	}
	out := Grant{Kinds: a.Kinds & b.Kinds, Scopes: map[string]bool{}, Endpoints: map[string]bool{}}
	ea, eb := effective(m, a), effective(m, b)
	for s := range ea {
		if eb[s] {
			out.Scopes[s] = true
		}
	}
	switch {
	case !a.Restricted && !b.Restricted:
	case !a.Restricted:
		out.Restricted, out.Endpoints = true, b.Endpoints
	case !b.Restricted:
		out.Restricted, out.Endpoints = true, a.Endpoints
	default:
		out.Restricted = true
		for e := range a.Endpoints {
			if b.Endpoints[e] {
				out.Endpoints[e] = true
			}
		}
	}
	return out
}

// Covers reports whether everything b holds, a holds too: a key may create
// keys or invites only within what it holds itself.
func Covers(m *model.Model, a, b Grant) bool {
	if b.Scopes == nil {
		return true
	}
	if a.Scopes == nil {
		return false
	}
	if b.Kinds&^a.Kinds != 0 {
		return false
	}
	ea := effective(m, a)
	for s := range effective(m, b) {
		if !ea[s] {
			return false
		}
	}
	if !a.Restricted {
		return true
	}
	if !b.Restricted {
		return false
	}
	for e := range b.Endpoints {
		if !a.Endpoints[e] {
			return false
		}
	}
	return true
}

// Reason says why a call was decided as it was.
type Reason string

// The reasons, in the order they are checked, named as package enforce names
// them for every adapter (and as the generated Reason's String spells them,
// which enforce's tests check).
const (
	Allowed             Reason = enforce.ReasonAllowed
	Public              Reason = enforce.ReasonPublic
	NoCredentials       Reason = enforce.ReasonNoCredentials
	UnknownEndpoint     Reason = enforce.ReasonUnknownEndpoint
	PrincipalNotAllowed Reason = enforce.ReasonPrincipal
	EndpointNotGranted  Reason = enforce.ReasonEndpointNotGranted
	MissingScopes       Reason = enforce.ReasonMissingScopes
)

// Decision is the reference answer for one call.
type Decision struct {
	Allowed  bool
	Reason   Reason
	Outcome  model.Role // empty when allowed
	Missing  []string   // required op scopes the grant lacks, by id
	Redacted []string   // response fields removed, in spec order (allowed calls only)
}

// Decide applies the rules to a call of method by g.
func Decide(m *model.Model, g Grant, method string) Decision {
	e := m.Endpoint(method)
	if e == nil {
		return Decision{Reason: UnknownEndpoint, Outcome: model.UnknownEndpoint}
	}
	redacted := func() []string {
		var out []string
		for _, r := range e.Redactions {
			for _, s := range r.Unless {
				if !Has(m, g, s) {
					out = append(out, r.Field)
					break
				}
			}
		}
		return out
	}
	if e.Public {
		return Decision{Allowed: true, Reason: Public, Redacted: redacted()}
	}
	d := Decision{Reason: MissingScopes, Outcome: model.InsufficientScopes}
	// usable are the kinds whose alternatives count: the grant's, or every
	// kind when none of its kinds is accepted (or it has none), so that
	// Missing still says what a key would need.
	usable := g.Kinds
	switch {
	case g.Scopes == nil:
		d.Reason, d.Outcome, usable = NoCredentials, model.KeyNotFound, m.AllKinds()
	case g.Kinds&e.Principals == 0:
		d.Reason, usable = PrincipalNotAllowed, m.AllKinds()
	case g.Restricted && !g.Endpoints[method]:
		d.Reason = EndpointNotGranted
	}
	closest := -1
	for _, a := range e.Alternatives {
		if a.Principals&usable == 0 {
			continue
		}
		var missing []string
		for _, s := range a.Requires {
			if !Has(m, g, s) {
				missing = append(missing, s.Name)
			}
		}
		if len(missing) == 0 && d.Reason == MissingScopes {
			return Decision{Allowed: true, Reason: Allowed, Redacted: redacted()}
		}
		if closest < 0 || len(missing) < closest {
			closest, d.Missing = len(missing), missing
		}
	}
	return d
}

// Code is the decision's numeric outcome code in m; 0 when allowed.
func (d Decision) Code(m *model.Model) int {
	if d.Allowed {
		return 0
	}
	return m.Outcome(d.Outcome).Code
}

// MissingPrerequisites lists, for each held scope and each endpoint g is
// restricted to, the op scopes it needs that g lacks. Keys are scope names and
// full method names; values are scope names by id.
func MissingPrerequisites(m *model.Model, g Grant) map[string][]string {
	out := map[string][]string{}
	need := func(key string, scopes []*model.Scope) {
		var miss []string
		for _, s := range scopes {
			if !Has(m, g, s) && !slices.Contains(miss, s.Name) {
				miss = append(miss, s.Name)
			}
		}
		if len(miss) > 0 {
			slices.SortFunc(miss, func(a, b string) int { return m.Scope(a).ID - m.Scope(b).ID })
			out[key] = miss
		}
	}
	for _, s := range m.Scopes {
		if g.Scopes[s.Name] {
			need(s.Name, s.Closure)
		}
	}
	if g.Restricted {
		for _, e := range m.Endpoints {
			if g.Endpoints[e.Name] {
				var all []*model.Scope
				for _, r := range e.Requires {
					all = append(all, r)
					all = append(all, r.Closure...)
				}
				need(e.Name, all)
			}
		}
	}
	return out
}

// Closure is g with every missing prerequisite added: what a portal
// auto-selects when a key is made.
func Closure(m *model.Model, g Grant) Grant {
	if g.Scopes == nil {
		return g
	}
	out := Grant{Kinds: g.Kinds, Scopes: map[string]bool{}, Restricted: g.Restricted, Endpoints: g.Endpoints}
	for s := range g.Scopes {
		out.Scopes[s] = true
	}
	for _, miss := range MissingPrerequisites(m, g) {
		for _, s := range miss {
			out.Scopes[s] = true
		}
	}
	return out
}

// ScopeList returns the names g holds directly, by id.
func ScopeList(m *model.Model, g Grant) []string {
	var out []string
	for _, s := range m.Scopes {
		if g.Scopes[s.Name] {
			out = append(out, s.Name)
		}
	}
	return out
}

// EndpointList returns the endpoints g is restricted to, in spec order.
func EndpointList(m *model.Model, g Grant) []string {
	var out []string
	for _, e := range m.Endpoints {
		if g.Endpoints[e.Name] {
			out = append(out, e.Name)
		}
	}
	return out
}

// ParseKinds turns "app_key", "pat" or "app_key|pat" (kinds of m, joined by
// "|") into principal kinds.
func ParseKinds(m *model.Model, s string) (model.Principal, error) {
	var p model.Principal
	for _, part := range strings.Split(s, "|") {
		k := m.Kind(strings.TrimSpace(part))
		if k == nil {
			return 0, fmt.Errorf("unknown principal kind %q; use %s", part, strings.Join(m.KindNames(m.AllKinds()), " or "))
		}
		p |= k.Bit
	}
	return p, nil
}

// KeyOf says in words which keys principal kinds p of m accept, as messages
// name them: "an app_key key", "a pat key", "an app_key or pat key",
// "an oauth2 key".
func KeyOf(m *model.Model, p model.Principal) string {
	kinds := strings.Join(m.KindNames(p), " or ")
	if kinds != "" && strings.ContainsRune("aeiouAEIOU", rune(kinds[0])) {
		return "an " + kinds + " key"
	}
	return "a " + kinds + " key"
}

// Effective returns every scope g holds, with All expanded, by id.
func Effective(m *model.Model, g Grant) []string {
	var out []string
	for _, s := range m.Scopes {
		if Has(m, g, s) {
			out = append(out, s.Name)
		}
	}
	return out
}
