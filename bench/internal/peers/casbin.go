package peers

import (
	"fmt"
	"strconv"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"

	"github.com/scopegen/scopegen/internal/model"
)

// casbinModel expresses the rules in casbin's PERM language.
//
// A request is (key, method). Each endpoint has one "allow" rule per
// principal kind it accepts (kind "public" for a public endpoint) and one
// "deny" rule per op scope it requires: the call is allowed when an allow rule
// matches (the key is of that kind and may call the endpoint) and no deny rule
// does (the key lacks none of the scopes). Role links say what a key holds:
// g (key, scope), g2 (key, kind) and g3 (key, method it is restricted to, or
// "*" when it is not restricted). A redaction is a pseudo-endpoint
// "method#field", allowed for everyone, with a deny rule per scope of its
// unless list: allowed means the field is shown.
const casbinModel = `
[request_definition]
r = key, method

[policy_definition]
p = method, kind, scope, eft

[role_definition]
g = _, _
g2 = _, _
g3 = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.method == p.method && (p.eft == "allow" && (p.kind == "public" || g2(r.key, p.kind) && (g3(r.key, "*") || g3(r.key, r.method))) || p.eft == "deny" && !g(r.key, p.scope) && !g(r.key, "%s"))
`

// Casbin decides calls with a casbin enforcer.
type Casbin struct {
	m       *model.Model
	enforce func(rvals ...any) (bool, error)
	keys    int
	add     func(ptype string, rule ...any) (bool, error)
}

// CasbinKey is a credential registered with a Casbin checker.
type CasbinKey string

// NewCasbin builds a casbin checker for m: plain (every Enforce scans the
// policy), cached (casbin.CachedEnforcer: a decision is kept per request) or,
// for use from many goroutines, synced and cached.
func NewCasbin(m *model.Model, kind string) (*Casbin, error) {
	all := "\x00no All scope"
	if m.AllScope != nil {
		all = m.AllScope.Name
	}
	cm, err := casbinmodel.NewModelFromString(fmt.Sprintf(casbinModel, all))
	if err != nil {
		return nil, err
	}
	c := &Casbin{m: m}
	var rules [][]string
	for _, e := range m.Endpoints {
		if e.Public {
			rules = append(rules, []string{e.Method, "public", "-", "allow"})
		}
		for _, k := range m.KindNames(e.Principals) {
			rules = append(rules, []string{e.Method, k, "-", "allow"})
		}
		for _, s := range e.Requires {
			rules = append(rules, []string{e.Method, "-", s.Name, "deny"})
		}
		for _, r := range e.Redactions {
			pseudo := e.Method + "#" + r.Field
			rules = append(rules, []string{pseudo, "public", "-", "allow"})
			for _, s := range r.Unless {
				rules = append(rules, []string{pseudo, "-", s.Name, "deny"})
			}
		}
	}
	switch kind {
	case "plain":
		e, err := casbin.NewEnforcer(cm)
		if err != nil {
			return nil, err
		}
		_, err = e.AddPolicies(rules)
		c.enforce, c.add = e.Enforce, e.AddNamedGroupingPolicy
		return c, err
	case "cached":
		e, err := casbin.NewCachedEnforcer(cm)
		if err != nil {
			return nil, err
		}
		_, err = e.AddPolicies(rules)
		c.enforce, c.add = e.Enforce, e.AddNamedGroupingPolicy
		return c, err
	case "synced":
		e, err := casbin.NewSyncedCachedEnforcer(cm)
		if err != nil {
			return nil, err
		}
		_, err = e.AddPolicies(rules)
		c.enforce, c.add = e.Enforce, e.AddNamedGroupingPolicy
		return c, err
	}
	return nil, fmt.Errorf("unknown casbin enforcer %q", kind)
}

// Grant registers g as a new key and returns it. Register every key before
// deciding calls: adding one does not clear the cache of a cached enforcer.
func (c *Casbin) Grant(g Grant) (CasbinKey, error) {
	c.keys++
	key := "key:" + strconv.Itoa(c.keys)
	if g.None {
		return CasbinKey(key), nil
	}
	links := []struct {
		ptype string
		to    []string
	}{{"g", g.Scopes}, {"g2", c.m.KindNames(g.Kinds)}, {"g3", g.Endpoints}}
	if len(g.Endpoints) == 0 {
		links[2].to = []string{"*"}
	}
	for _, l := range links {
		for _, to := range l.to {
			if _, err := c.add(l.ptype, key, to); err != nil {
				return "", err
			}
		}
	}
	return CasbinKey(key), nil
}

// Check decides a call of method by key: one Enforce, and one more per
// redaction of an allowed call.
func (c *Casbin) Check(key CasbinKey, method string) (Result, error) {
	ok, err := c.enforce(string(key), method)
	if err != nil || !ok {
		return Result{}, err
	}
	res := Result{Allowed: true}
	e := c.m.Endpoint(method)
	for i, r := range e.Redactions {
		shown, err := c.enforce(string(key), method+"#"+r.Field)
		if err != nil {
			return Result{}, err
		}
		if !shown {
			res.Redacted |= 1 << i
		}
	}
	return res, nil
}
