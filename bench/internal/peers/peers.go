// Package peers implements the decisions of a scopes spec the ways people
// usually do, to measure generated checkers against them on the same inputs:
// a naive map-of-strings checker, casbin (cached and uncached) and OPA (a
// prepared Rego query). Each gives, for a grant and a full method name,
// whether the call is allowed and which of the endpoint's redactions apply.
//
// The rules are those of internal/reference: an unknown method is denied; a
// public endpoint is allowed (with redactions by what the caller holds); a
// call without credentials is denied; otherwise the grant needs a principal
// kind the endpoint accepts, the endpoint itself if it is restricted to
// endpoints, and every required op scope, where the All scope grants every
// scope.
package peers

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// Result is one implementation's answer: allowed or not, and for an allowed
// call the redactions that apply (bit i: the endpoint's i-th redaction, in
// spec order).
type Result struct {
	Allowed  bool
	Redacted uint64
}

func (r Result) String() string {
	return fmt.Sprintf("allowed=%v redacted=%b", r.Allowed, r.Redacted)
}

// Grant is a credential by names: what every implementation builds its own
// grant from.
type Grant struct {
	None      bool // no credentials at all
	Kinds     model.Principal
	Scopes    []string // op scope names, "All" not expanded
	Endpoints []string // full methods; restricted when not empty
}

func (g Grant) String() string {
	if g.None {
		return "none"
	}
	return fmt.Sprintf("kinds %#x %v endpoints%v", uint32(g.Kinds), g.Scopes, g.Endpoints)
}

// Reference is internal/reference's checker for one grant.
type Reference struct {
	m *model.Model
	g reference.Grant
}

// NewReference builds the reference grant of g.
func NewReference(m *model.Model, g Grant) (*Reference, error) {
	r := &Reference{m: m}
	if !g.None {
		var err error
		if r.g, err = reference.NewGrant(m, g.Kinds, g.Scopes, g.Endpoints); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Check is the reference decision on a call of method, as a Result.
func (r *Reference) Check(method string) Result {
	d := reference.Decide(r.m, r.g, method)
	return Result{Allowed: d.Allowed, Redacted: RedactionMask(r.m, method, d.Redacted)}
}

// RedactionMask turns a list of redacted fields of endpoint method into a mask.
func RedactionMask(m *model.Model, method string, fields []string) uint64 {
	var mask uint64
	if e := m.Endpoint(method); e != nil {
		for i, r := range e.Redactions {
			if slices.Contains(fields, r.Field) {
				mask |= 1 << i
			}
		}
	}
	return mask
}

// Methods returns every endpoint's full method and a few strings that are
// not endpoints.
func Methods(m *model.Model) []string {
	var out []string
	for _, e := range m.Endpoints {
		out = append(out, e.Method)
	}
	first := m.Endpoints[0].Method
	return append(out, "", "/", first+"x", first[:len(first)-1], "/nope.Svc/Method")
}

// RandomGrants returns n grants: none, All, each endpoint's exact needs, and
// random ones of every density, kind and restriction, deterministically for
// seed.
func RandomGrants(m *model.Model, seed uint64, n int) []Grant {
	r := rand.New(rand.NewPCG(seed, 0xbe4c4))
	out := []Grant{{None: true}}
	if m.AllScope != nil {
		out = append(out, Grant{Kinds: model.AppKey, Scopes: []string{m.AllScope.Name}},
			Grant{Kinds: model.PersonalAccessToken, Scopes: []string{m.AllScope.Name}, Endpoints: []string{m.Endpoints[0].Method}})
	}
	for len(out) < n {
		g := Grant{Kinds: model.Principal(1 + r.IntN(3))}
		if r.IntN(3) == 0 {
			// Exactly what one endpoint needs, or that minus one scope.
			e := m.Endpoints[r.IntN(len(m.Endpoints))]
			g.Scopes = model.Names(e.Requires)
			if len(g.Scopes) > 0 && r.IntN(2) == 0 {
				k := r.IntN(len(g.Scopes))
				g.Scopes = slices.Delete(g.Scopes, k, k+1)
			}
			if r.IntN(2) == 0 {
				g.Endpoints = []string{e.Method}
			}
			out = append(out, g)
			continue
		}
		density := []float64{0.05, 0.3, 0.7, 0.95}[r.IntN(4)]
		for _, s := range m.Scopes {
			if s.GrantsAll && r.IntN(10) != 0 {
				continue
			}
			if r.Float64() < density {
				g.Scopes = append(g.Scopes, s.Name)
			}
		}
		if r.IntN(3) == 0 {
			d := 0.1 + 0.6*r.Float64()
			for _, e := range m.Endpoints {
				if r.Float64() < d {
					g.Endpoints = append(g.Endpoints, e.Method)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// Call is one benchmark input: a grant and a method, and the answer every
// implementation must give.
type Call struct {
	Name   string // allowed, denied, unknown, redacted
	Grant  Grant
	Method string
	Want   Result
	GoName string // the endpoint's Go constant, or "" when it is not an endpoint
}

// Scenarios picks the benchmark inputs for m: an allowed call of an endpoint
// that requires three scopes (in one bitset word, without redactions, near
// the middle of the spec), the same call denied for lack of one scope, a
// method that is not an endpoint (one letter off), and an allowed call whose
// response has a field redacted.
func Scenarios(m *model.Model) []Call {
	mid := len(m.Endpoints) / 2
	pick := func(ok func(e *model.Endpoint) bool) *model.Endpoint {
		var best *model.Endpoint
		dist := func(e *model.Endpoint) int { return max(e.Index-1-mid, mid-e.Index+1) }
		for _, e := range m.Endpoints {
			if !e.Public && e.Principals&model.AppKey != 0 && ok(e) && (best == nil || dist(e) < dist(best)) {
				best = e
			}
		}
		return best
	}
	oneWord := func(scopes []*model.Scope) bool {
		for _, s := range scopes {
			if s.ID/64 != scopes[0].ID/64 {
				return false
			}
		}
		return true
	}
	allowed := pick(func(e *model.Endpoint) bool {
		return len(e.Requires) == 3 && len(e.Redactions) == 0 && oneWord(e.Requires)
	})
	if allowed == nil {
		allowed = pick(func(e *model.Endpoint) bool { return len(e.Requires) > 0 && len(e.Redactions) == 0 })
	}
	redacted := pick(func(e *model.Endpoint) bool {
		if len(e.Redactions) != 1 || len(e.Requires) == 0 {
			return false
		}
		for _, s := range e.Redactions[0].Unless {
			if slices.Contains(e.Requires, s) {
				return false
			}
		}
		return true
	})
	req := model.Names(allowed.Requires)
	unknown := allowed.Method[:len(allowed.Method)-1] + "z"
	if m.Endpoint(unknown) != nil {
		unknown += "z"
	}
	calls := []Call{
		{Name: "allowed", Grant: Grant{Kinds: model.AppKey, Scopes: req}, Method: allowed.Method, GoName: allowed.GoName, Want: Result{Allowed: true}},
		{Name: "denied", Grant: Grant{Kinds: model.AppKey, Scopes: req[:len(req)-1]}, Method: allowed.Method, GoName: allowed.GoName},
		{Name: "unknown", Grant: Grant{Kinds: model.AppKey, Scopes: []string{allName(m)}}, Method: unknown},
	}
	if redacted != nil {
		calls = append(calls, Call{Name: "redacted", Grant: Grant{Kinds: model.AppKey, Scopes: model.Names(redacted.Requires)},
			Method: redacted.Method, GoName: redacted.GoName, Want: Result{Allowed: true, Redacted: 1}})
	}
	return calls
}

func allName(m *model.Model) string {
	if m.AllScope != nil {
		return m.AllScope.Name
	}
	return m.Scopes[0].Name
}
