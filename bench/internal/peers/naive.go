package peers

import "github.com/scopegen/scopegen/internal/model"

// Naive is the checker most services start with: maps keyed by strings,
// built from the spec at startup.
type Naive struct {
	m         *model.Model
	endpoints map[string]*naiveEndpoint
	all       string // the name of the scope that grants all, or ""
}

type naiveEndpoint struct {
	public     bool
	principals []string // "app_key", "pat"
	requires   []string
	redactions []naiveRedaction
}

type naiveRedaction struct {
	field  string
	unless []string
}

// NaiveGrant is a credential as the naive checker holds it.
type NaiveGrant struct {
	kinds      map[string]bool
	scopes     map[string]bool
	all        bool // holds the scope that grants all
	restricted bool
	endpoints  map[string]bool
}

// NewNaive builds the naive checker for m.
func NewNaive(m *model.Model) *Naive {
	n := &Naive{m: m, endpoints: map[string]*naiveEndpoint{}}
	if m.AllScope != nil {
		n.all = m.AllScope.Name
	}
	for _, e := range m.Endpoints {
		ne := &naiveEndpoint{public: e.Public, principals: m.KindNames(e.Principals), requires: model.Names(e.Requires)}
		for _, r := range e.Redactions {
			ne.redactions = append(ne.redactions, naiveRedaction{r.Field, model.Names(r.Unless)})
		}
		n.endpoints[e.Method] = ne
	}
	return n
}

// Grant builds g for the naive checker; nil is no credentials.
func (n *Naive) Grant(g Grant) *NaiveGrant {
	if g.None {
		return nil
	}
	ng := &NaiveGrant{kinds: map[string]bool{}, scopes: map[string]bool{}, endpoints: map[string]bool{}}
	for _, k := range n.m.KindNames(g.Kinds) {
		ng.kinds[k] = true
	}
	for _, s := range g.Scopes {
		ng.scopes[s] = true
		if s == n.all {
			ng.all = true
		}
	}
	for _, e := range g.Endpoints {
		ng.endpoints[e] = true
	}
	ng.restricted = len(g.Endpoints) > 0
	return ng
}

func (g *NaiveGrant) has(scope string) bool {
	return g != nil && (g.all || g.scopes[scope])
}

// Check decides a call of method by g.
func (n *Naive) Check(g *NaiveGrant, method string) Result {
	e, ok := n.endpoints[method]
	if !ok {
		return Result{}
	}
	if !e.public {
		if g == nil {
			return Result{}
		}
		kind := false
		for _, k := range e.principals {
			if g.kinds[k] {
				kind = true
				break
			}
		}
		if !kind || g.restricted && !g.endpoints[method] {
			return Result{}
		}
		for _, s := range e.requires {
			if !g.has(s) {
				return Result{}
			}
		}
	}
	res := Result{Allowed: true}
	for i, r := range e.redactions {
		for _, s := range r.unless {
			if !g.has(s) {
				res.Redacted |= 1 << i
				break
			}
		}
	}
	return res
}
