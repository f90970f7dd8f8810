package diff

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// Witness is a concrete key whose decision differs between OLD and NEW: the
// smallest one found, decided on both sides by package reference.
type Witness struct {
	// Action is "call" (the key calls Endpoint) or "create" (the key is made,
	// and its prerequisites are checked).
	Action   string   `json:"action"`
	Endpoint string   `json:"endpoint"` // the full method called; "" for create
	Request  *Request `json:"request"`  // the kind of request made; null when it does not matter
	Grant    Grant    `json:"grant"`
	Old      Decision `json:"old"`
	New      Decision `json:"new"`
}

// Request is a request for which the handler checks a request-dependent
// scope on one side or both.
type Request struct {
	OldScope string `json:"old_scope"` // the scope as OLD names it; "" when OLD lacks it
	NewScope string `json:"new_scope"` // the scope as NEW names it; "" when NEW lacks it
	When     string `json:"when"`      // which requests, as the spec says (OLD's words when OLD checks the scope)
}

// Grant is a witness's key.
type Grant struct {
	Kind   string `json:"kind"`   // "app_key", "pat", or "none": no credentials
	Preset string `json:"preset"` // the preset the key is made from, or ""
	// Scopes are the op scopes the key holds as OLD names them (a scope OLD
	// lacks is named as NEW names it); NewScopes as NEW names them, without
	// the scopes NEW lacks. They differ after a rename, a removal, or when
	// the key is made from a preset whose scopes changed.
	Scopes     []string `json:"scopes"`
	NewScopes  []string `json:"new_scopes"`
	Restricted bool     `json:"restricted"` // only Endpoints may be called
	Endpoints  []string `json:"endpoints"`
	// Stored is how the key's scopes are stored when NewScopes are not the
	// scopes diff matches with Scopes: "id" (a key store that keeps scope
	// ids: on NEW the key holds the scopes that now have those ids) or
	// "name" (one that keeps names); "" otherwise.
	Stored string `json:"stored"`
}

// Decision is one side's decision on a witness.
type Decision struct {
	Allowed bool   `json:"allowed"` // for create: the key may be made
	Code    int    `json:"code"`    // the outcome's code; 0 when allowed
	Status  string `json:"status"`  // the outcome's status, "OK" when allowed, "" for create
	GRPC    string `json:"grpc"`    // the outcome's gRPC code name, "OK" when allowed, "" for create
	// Reason is a reason of package reference (allowed, public,
	// no_credentials, unknown_endpoint, principal, endpoint_not_granted,
	// missing_scopes, missing_request_scope), or for create valid or
	// missing_prerequisites.
	Reason   string   `json:"reason"`
	Missing  []string `json:"missing"`  // the scopes the key lacks
	Redacted []string `json:"redacted"` // the response fields removed

	outcome model.Role
}

// Reasons a witness decision has, as plain strings: MissingRequestScope is
// reference.MissingRequestScope, for witnesses with a request; the others
// are those of a key being made.
const (
	MissingRequestScope  = "missing_request_scope" // the handler refuses the request: the key lacks its request-dependent scope
	Valid                = "valid"                 // the key may be made
	MissingPrerequisites = "missing_prerequisites" // the key may not be made: it lacks prerequisites of its scopes or endpoints
)

// Gained reports whether n lets the key do more than o: a call refused
// before goes through, or a field redacted before is shown.
func Gained(o, n Decision) bool {
	return !o.Allowed && n.Allowed || o.Allowed && n.Allowed && len(minusStr(o.Redacted, n.Redacted)) > 0
}

// Lost reports whether n lets the key do less than o.
func Lost(o, n Decision) bool { return Gained(n, o) }

// Recoded reports whether a call refused on both sides is refused with
// another code, status or gRPC code.
func Recoded(o, n Decision) bool {
	return !o.Allowed && !n.Allowed && (o.Code != n.Code || o.Status != n.Status || o.GRPC != n.GRPC)
}

// Differs reports whether a caller can tell o and n apart.
func Differs(o, n Decision) bool { return Gained(o, n) || Lost(o, n) || Recoded(o, n) }

func minusStr(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// probe is a key and what it does, as both sides see it.
type probe struct {
	kind     model.Principal // 0: no credentials
	old, new []int           // the scopes the key holds on each side (places in univ)
	preset   string
	method   string // the endpoint called; "" when the key is being made
	request  int    // a request-dependent scope the request needs (a place in univ), or -1
	// store: how the key keeps its scopes, which says what new holds.
	store store
	// open: the key may call every endpoint; otherwise it is restricted to
	// method. A key restricted to an endpoint must hold what the endpoint
	// requires, and an endpoint list naming an endpoint a side lacks makes
	// the grant invalid there, so some witnesses are open keys.
	open bool
	// to, when set, is the endpoint a key that is not open is restricted
	// to instead of method: it calls an endpoint it may not call.
	to string
}

// restriction is the endpoint p's key is restricted to, unless it is open.
func (p probe) restriction() string { return cmp.Or(p.to, p.method) }

// store says how a key keeps its scopes from one version of the spec to the
// next.
type store int

const (
	// matched: the key holds, under NEW, the scopes diff matches with those
	// it held under OLD (by name, or by id after a rename). This is how a
	// key is read by code that follows the spec's references.
	matched store = iota
	// byID: the key store keeps scope ids, so under NEW the key holds the
	// scopes that now have those ids.
	byID
	// byName: the key store keeps scope names, so under NEW the key holds
	// the scopes that now have those names.
	byName
)

// String is how a witness's grant names the store: "", "id" or "name".
func (s store) String() string { return [...]string{"", "id", "name"}[s] }

// carry is what a key holding set (places in univ, as OLD has them) holds
// under NEW when it keeps its scopes as st says.
func (c *comparer) carry(set []int, st store) []int {
	if st == matched {
		return set
	}
	var out []int
	for _, x := range set {
		o := c.univ[x].old
		if o == nil {
			continue
		}
		n := c.nm.Scope(o.Name)
		if st == byID {
			n = c.newByID[o.ID]
		}
		if n != nil {
			out = append(out, c.newIdx[n])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// uncarry is what a key must hold under OLD to hold set (places in univ, as
// NEW has them) under NEW, when it keeps its scopes as st says; the scopes
// no such key can hold are left out.
func (c *comparer) uncarry(set []int, st store) []int {
	if st == matched {
		return set
	}
	var out []int
	for _, x := range set {
		n := c.univ[x].new
		if n == nil {
			continue
		}
		o := c.om.Scope(n.Name)
		if st == byID {
			o = c.oldByID[n.ID]
		}
		if o != nil {
			out = append(out, c.oldIdx[o])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// valid reports whether p's key could have been made under OLD, so that it
// is a key that exists: it holds only scopes OLD defines, with their
// prerequisites, and is restricted only to an endpoint OLD defines whose
// required scopes it holds. A key made from a preset must also be one NEW
// makes. Keys made before NEW are not checked again under NEW, so a call
// witness's key need not be one NEW would make. Keys being made (create)
// and calls without credentials are always valid.
func (c *comparer) valid(p probe) bool {
	if p.kind == 0 || p.method == "" {
		return true
	}
	for _, x := range p.old {
		if c.univ[x].old == nil {
			return false
		}
	}
	if !p.open && (c.om.Endpoint(p.restriction()) == nil || c.nm.Endpoint(p.restriction()) == nil) {
		return false
	}
	if !c.holdsPrerequisites(p, p.old, true) {
		return false
	}
	return p.preset == "" || c.holdsPrerequisites(p, p.new, false)
}

// holdsPrerequisites reports whether p's key, holding set on one side,
// holds what that side's rules ask of a key being made: the prerequisites
// of each scope it holds and, when it is restricted to p.method, the scopes
// that endpoint requires with their prerequisites; a scope that grants
// every scope holds them all. It is reference.MissingPrerequisites on the
// places of univ, without building a grant.
func (c *comparer) holdsPrerequisites(p probe, set []int, old bool) bool {
	m := c.nm
	if old {
		m = c.om
	}
	idx := c.newIdx
	if old {
		idx = c.oldIdx
	}
	if a := m.AllScope; a != nil && slices.Contains(set, idx[a]) {
		return true
	}
	held := func(s *model.Scope) bool { i, ok := idx[s]; return ok && slices.Contains(set, i) }
	for _, x := range set {
		if s := c.scopeOn(x, old); s != nil {
			for _, q := range s.Closure {
				if !held(q) {
					return false
				}
			}
		}
	}
	if !p.open {
		if e := m.Endpoint(p.restriction()); e != nil {
			for _, r := range e.Requires {
				if !held(r) { // and its prerequisites, held with it (above)
					return false
				}
			}
		}
	}
	return true
}

// grantOn is p's key as one side sees it.
func (c *comparer) grantOn(p probe, set []int, old bool) reference.Grant {
	var g reference.Grant // no credentials
	if p.kind != 0 {
		g = reference.Grant{Kinds: p.kind, Scopes: map[string]bool{}, Endpoints: map[string]bool{}}
		for _, x := range set {
			if s := c.scopeOn(x, old); s != nil {
				g.Scopes[s.Name] = true
			}
		}
		if p.method != "" && !p.open {
			g.Restricted, g.Endpoints[p.restriction()] = true, true
		}
	}
	return g
}

// closeOld adds to set the prerequisites OLD gives its scopes, and drops
// the scopes OLD lacks: the smallest key of OLD holding set.
func (c *comparer) closeOld(set []int) []int {
	var out []int
	for _, x := range set {
		s := c.univ[x].old
		if s == nil {
			continue
		}
		out = append(out, x)
		for _, p := range s.Closure {
			out = append(out, c.oldIdx[p])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// decide decides p on both sides.
func (c *comparer) decide(p probe) (o, n Decision) {
	return c.decideOn(c.om, p, p.old, true), c.decideOn(c.nm, p, p.new, false)
}

// scopeOn is scope x of univ as one side defines it, or nil.
func (c *comparer) scopeOn(x int, old bool) *model.Scope {
	if old {
		return c.univ[x].old
	}
	return c.univ[x].new
}

func (c *comparer) decideOn(m *model.Model, p probe, set []int, old bool) Decision {
	g := c.grantOn(p, set, old)
	if p.method == "" {
		return creation(m, g)
	}
	var request string // the request-dependent scope the request needs, as this side names it
	if p.request >= 0 {
		if s := c.scopeOn(p.request, old); s != nil {
			request = s.Name
		}
	}
	d := reference.DecideRequest(m, g, p.method, request)
	out := Decision{Allowed: d.Allowed, Reason: string(d.Reason), Missing: nonNil(d.Missing),
		Redacted: nonNil(d.Redacted), Status: "OK", GRPC: "OK", outcome: d.Outcome}
	if !d.Allowed {
		o := m.Outcome(d.Outcome)
		out.Code, out.Status, out.GRPC = o.Code, o.Status, o.GRPCName
	}
	return out
}

// creation decides whether g may be made: whether it holds every
// prerequisite of its scopes and endpoints.
func creation(m *model.Model, g reference.Grant) Decision {
	var missing []string
	for _, miss := range reference.MissingPrerequisites(m, g) {
		missing = append(missing, miss...)
	}
	slices.SortFunc(missing, func(a, b string) int { return m.Scope(a).ID - m.Scope(b).ID })
	missing = slices.Compact(missing)
	d := Decision{Allowed: len(missing) == 0, Reason: Valid, Missing: nonNil(missing), Redacted: []string{}}
	if !d.Allowed {
		d.Reason = MissingPrerequisites
	}
	return d
}

// search is what a witness must show.
type search struct {
	methods []string // the endpoints to call
	must    []int    // scopes every candidate key holds
	request int      // a request-dependent scope the request needs, or -1
	want    func(o, n Decision) bool
	// control: the same key without must must not show want, so that what
	// the witness shows comes from the scopes of must and not from another
	// change to the endpoint (one that becomes public, say).
	control bool
	store   store // how the key keeps its scopes
	// kinds, when not 0, are the only kinds of key tried: those of the
	// alternative a finding is about, so that its witness may use it.
	kinds model.Principal
}

// find returns the smallest key that shows s on one of its endpoints (the
// first endpoint wins a tie), or nil.
func (c *comparer) find(s search) *Witness {
	var best *probe
	for _, method := range s.methods {
		if p, ok := c.findOn(method, s); ok && (best == nil || c.smaller(s.must)(p.old, best.old) < 0) {
			best = &p
		}
		if best != nil && len(best.old) == len(s.must) {
			break // no key is smaller
		}
	}
	if best == nil {
		return nil
	}
	return c.witness(*best)
}

// findOn tries candidate keys calling method, smallest first, and shrinks
// the first that shows s by dropping scopes while it still does.
func (c *comparer) findOn(method string, s search) (probe, bool) {
	for _, set := range c.candidates(method, s) {
		if len(minus(s.must, set)) > 0 {
			continue // closeOld dropped a scope of must that OLD lacks: no key holds it
		}
		for _, k := range c.kinds {
			if k == 0 && len(set) > 0 || s.kinds != 0 && k&s.kinds == 0 {
				continue
			}
			for _, open := range []bool{false, true} {
				p := probe{kind: k, old: set, new: c.carry(set, s.store), method: method, request: s.request, open: open && k != 0, store: s.store}
				if open && k == 0 || !c.valid(p) {
					continue
				}
				if o, n := c.decide(p); !s.want(o, n) {
					continue
				}
				if s.control {
					q := p
					q.old = minus(p.old, s.must)
					q.new = c.carry(q.old, s.store)
					if o, n := c.decide(q); s.want(o, n) {
						continue
					}
				}
				return c.shrink(p, s.must, s.want), true
			}
		}
	}
	return probe{}, false
}

// candidates are the keys worth trying on method: the scopes each side
// requires, their intersection and union, each with the scopes that reveal
// redacted fields, without and with each scope that grants every scope on a
// side, plus s.must and without s.request; smallest first.
func (c *comparer) candidates(method string, s search) [][]int {
	if c.exhaustive {
		return c.everySet(s.must, s.request)
	}
	// What each side requires: every alternative's scopes (an endpoint
	// of one alternative has those it requires), or none.
	ros, rns := [][]int{nil}, [][]int{nil}
	reveal := [][]int{nil}
	if e := c.om.Endpoint(method); e != nil {
		for _, a := range e.Alternatives {
			ros = append(ros, c.set(a.Requires, true))
		}
		for _, r := range e.Redactions {
			reveal = append(reveal, c.set(r.Unless, true))
		}
	}
	if e := c.nm.Endpoint(method); e != nil {
		for _, a := range e.Alternatives {
			rns = append(rns, c.uncarry(c.set(a.Requires, false), s.store))
		}
		for _, r := range e.Redactions {
			reveal = append(reveal, c.uncarry(c.set(r.Unless, false), s.store))
		}
	}
	if len(ros) > 1 {
		ros = ros[1:]
	}
	if len(rns) > 1 {
		rns = rns[1:]
	}
	bases := [][]int{nil}
	if len(ros)*len(rns) <= maxCrossed {
		for _, ro := range ros {
			for _, rn := range rns {
				bases = append(bases, inter(ro, rn), ro, rn, union(ro, rn))
			}
		}
	} else {
		// Many alternatives: each alone, and each of NEW with the one of OLD
		// that shares the most scopes with it (a changed alternative's old
		// self), so that the candidates grow with the alternatives, not
		// with their product.
		bases = append(bases, ros...)
		for _, rn := range rns {
			ro := closestSet(ros, rn)
			bases = append(bases, rn, inter(ro, rn), union(ro, rn))
		}
	}
	var all []int
	for _, r := range reveal {
		all = union(all, r)
	}
	reveal = append(reveal, all)
	givers := [][]int{nil} // with no scope that grants every scope, or with one
	for x := range c.univ {
		if c.givesAll(x) {
			givers = append(givers, []int{x})
		}
	}
	if a := c.nm.AllScope; a != nil && s.store != matched {
		if g := c.uncarry([]int{c.newIdx[a]}, s.store); len(g) > 0 {
			givers = append(givers, g)
		}
	}
	var out [][]int
	seen := map[string]bool{}
	for _, base := range bases {
		for _, r := range reveal {
			for _, g := range givers {
				raw := union(union(union(base, r), g), s.must)
				// The set as it is (valid when a scope that grants every
				// scope holds the prerequisites), and with OLD's prerequisites.
				for _, set := range [][]int{raw, c.closeOld(raw)} {
					if s.request >= 0 {
						set = minus(set, []int{s.request})
					}
					if key := setKey(set); !seen[key] {
						seen[key] = true
						out = append(out, set)
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, c.smaller(s.must))
	return out
}

// maxCrossed is how many pairs of an endpoint's alternatives (OLD's times
// NEW's) candidates crosses in full; 8 on each side, past what real edits
// and the property tests hold.
const maxCrossed = 64

// closestSet returns the set of sets that shares the most places with set
// (the first on a tie).
func closestSet(sets [][]int, set []int) []int {
	var best []int
	shared := -1
	for _, s := range sets {
		if k := len(inter(s, set)); k > shared {
			best, shared = s, k
		}
	}
	return best
}

// setKey is a set of places as a map key.
func setKey(set []int) string {
	b := make([]byte, 0, 4*len(set))
	for _, x := range set {
		b = binary.AppendUvarint(b, uint64(x))
	}
	return string(b)
}

// everySet lists every set of scopes of univ that holds must and not
// request, smallest first (see smaller).
func (c *comparer) everySet(must []int, request int) [][]int {
	var free []int
	for x := range c.univ {
		if x != request && !slices.Contains(must, x) {
			free = append(free, x)
		}
	}
	var out [][]int
	for bits := range 1 << len(free) {
		set := slices.Clone(must)
		for i, x := range free {
			if bits&(1<<i) != 0 {
				set = append(set, x)
			}
		}
		slices.Sort(set)
		out = append(out, set)
	}
	slices.SortStableFunc(out, c.smaller(must))
	return out
}

// givesAll reports whether scope x of univ grants every scope on a side.
func (c *comparer) givesAll(x int) bool {
	l := c.univ[x]
	return l.old != nil && l.old.GrantsAll || l.new != nil && l.new.GrantsAll
}

// findPreset returns a key made from preset name (with oldSet on OLD and
// newSet on NEW) whose call of one of methods, endpoints of both sides,
// shows want, in any request; or nil. methods are those where the scopes
// the preset gains or loses matter (Finding.Affects): elsewhere a key
// decides alike. Endpoints where a key holding oldSet on both sides
// already shows want are skipped: there, the preset is not what changed.
func (c *comparer) findPreset(name string, oldSet, newSet []int, methods []string, want func(o, n Decision) bool) *Witness {
	for _, method := range methods {
		if c.om.Endpoint(method) == nil || c.nm.Endpoint(method) == nil {
			continue
		}
		for _, request := range c.requests(method) {
			for _, k := range c.kinds[1:] {
				for _, open := range []bool{false, true} {
					p := probe{kind: k, old: oldSet, new: newSet, preset: name, method: method, request: request, open: open}
					same := p
					same.new = oldSet
					if !c.valid(p) {
						continue
					}
					if o, n := c.decide(p); want(o, n) && !want(c.decide(same)) {
						return c.witness(p)
					}
				}
			}
		}
	}
	return nil
}

// requests are the kinds of request worth making of method: one for which
// the handler checks no request-dependent scope (-1), then one for each
// scope it checks on either side (places in univ).
func (c *comparer) requests(method string) []int {
	out := []int{-1}
	for _, side := range []struct {
		m   *model.Model
		old bool
	}{{c.om, true}, {c.nm, false}} {
		if e := side.m.Endpoint(method); e != nil {
			for _, r := range e.RequestScopes {
				x := c.newIdx[r.Scope]
				if side.old {
					x = c.oldIdx[r.Scope]
				}
				if !slices.Contains(out, x) {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// findCreate returns the key holding set, as it is made on both sides, if
// that shows want, shrunk by dropping scopes other than must while it still
// does; or nil.
func (c *comparer) findCreate(must, set []int, want func(o, n Decision) bool) *Witness {
	if c.exhaustive {
		for _, set := range c.everySet(must, -1) {
			p := probe{kind: model.AppKey, old: set, new: set, request: -1}
			if o, n := c.decide(p); want(o, n) {
				return c.witness(p)
			}
		}
		return nil
	}
	p := probe{kind: model.AppKey, old: set, new: set, request: -1}
	if o, n := c.decide(p); !want(o, n) {
		return nil
	}
	return c.witness(c.shrink(p, must, want))
}

// shrink drops scopes other than must from p's key while it still shows
// want: first the scopes that grant every scope, then the others.
func (c *comparer) shrink(p probe, must []int, want func(o, n Decision) bool) probe {
	for _, all := range []bool{true, false} {
		for i := 0; i < len(p.old); i++ {
			if slices.Contains(must, p.old[i]) || all && !c.givesAll(p.old[i]) {
				continue
			}
			q := p
			q.old = slices.Delete(slices.Clone(p.old), i, i+1)
			q.new = c.carry(q.old, p.store)
			if !c.valid(q) {
				continue
			}
			if o, n := c.decide(q); want(o, n) {
				p = q
				i--
			}
		}
	}
	return p
}

// smaller orders sets of scopes, smallest first: by number of scopes, and
// those holding a scope that grants every scope (other than must) after
// every set that does not, since such a scope is the largest grant of all.
func (c *comparer) smaller(must []int) func(a, b []int) int {
	all := func(set []int) int {
		if slices.ContainsFunc(minus(set, must), c.givesAll) {
			return 1
		}
		return 0
	}
	return func(a, b []int) int { return cmp.Or(all(a)-all(b), len(a)-len(b)) }
}

// witness decides p again on both sides and describes it; nil when the
// decisions cannot be told apart, so no report shows a witness that does
// not hold.
func (c *comparer) witness(p probe) *Witness {
	o, n := c.decide(p)
	if !Differs(o, n) {
		return nil
	}
	w := &Witness{Action: "call", Endpoint: p.method, Old: o, New: n}
	if p.method == "" {
		w.Action = "create"
	}
	if p.request >= 0 {
		l := c.univ[p.request]
		w.Request = &Request{When: c.when(c.om, p.method, l.old)}
		if w.Request.When == "" {
			w.Request.When = c.when(c.nm, p.method, l.new)
		}
		if l.old != nil {
			w.Request.OldScope = l.old.Name
		}
		if l.new != nil {
			w.Request.NewScope = l.new.Name
		}
	}
	w.Grant = Grant{Kind: c.kindName(p.kind), Preset: p.preset, Scopes: nonNil(c.names(p.old)),
		NewScopes: nonNil(c.newNames(p.new)), Endpoints: []string{}, Stored: p.store.String()}
	if p.kind != 0 && p.method != "" && !p.open {
		w.Grant.Restricted, w.Grant.Endpoints = true, []string{p.restriction()}
	}
	return w
}

// findElsewhere returns the smallest key, of each kind and holding what
// another endpoint of both sides requires, restricted to that endpoint,
// whose call of one of methods shows want: a call refused because the key
// may not call the endpoint (endpoint_not_granted); or nil. It is what
// shows a changed outcome when no other refusal gets it (every endpoint
// open to every key).
func (c *comparer) findElsewhere(methods []string, want func(o, n Decision) bool) *Witness {
	for _, method := range methods {
		for _, to := range c.common() {
			if to == method {
				continue
			}
			set := c.closeOld(c.set(c.om.Endpoint(to).Requires, true))
			for _, k := range c.kinds[1:] {
				p := probe{kind: k, old: set, new: c.carry(set, matched), method: method, request: -1, to: to}
				if !c.valid(p) {
					continue
				}
				if o, n := c.decide(p); want(o, n) {
					return c.witness(c.shrink(p, nil, want))
				}
			}
		}
	}
	return nil
}

// when is the condition under which endpoint method of m checks s, or "".
func (c *comparer) when(m *model.Model, method string, s *model.Scope) string {
	if e := m.Endpoint(method); e != nil && s != nil {
		for _, r := range e.RequestScopes {
			if r.Scope == s {
				return r.When
			}
		}
	}
	return ""
}

// kindName spells a principal kind; 0 is "none", no credentials.
func (c *comparer) kindName(k model.Principal) string {
	if k == 0 {
		return "none"
	}
	return strings.Join(c.nm.KindNames(k), "|")
}
