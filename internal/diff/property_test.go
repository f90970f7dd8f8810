package diff_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// A tSpec is a small spec as plain data, so that a test can mutate it and
// write it out as YAML (with spec.Marshal).
type tSpec struct {
	codes     [4]int // insufficient_scopes, key_invalid, key_not_found, unknown_endpoint
	message   string // key_not_found's message
	scopes    []tScope
	endpoints []tEndpoint
	presets   []tPreset
	resIDs    []int
	resNames  []string
}

type tScope struct {
	name, desc string
	id         int
	requires   []string
	all        bool
	deprecated bool
}

type tEndpoint struct {
	method, desc string
	public       bool
	principals   []string // nil: defaults.principals
	requires     []string
	anyOf        []tAlt // nil: requires is the one alternative
	request      []tRequest
	redact       []tRedact
}

// tAlt is one alternative of an endpoint's any_of.
type tAlt struct {
	requires   []string
	principals []string // nil: the endpoint's
}

type tRequest struct{ scope, when string }

type tRedact struct {
	field  string
	unless []string
}

type tPreset struct {
	name   string
	scopes []string
}

func (s *tSpec) clone() *tSpec {
	c := *s
	c.scopes = slices.Clone(s.scopes)
	for i := range c.scopes {
		c.scopes[i].requires = slices.Clone(c.scopes[i].requires)
	}
	c.endpoints = slices.Clone(s.endpoints)
	for i := range c.endpoints {
		e := &c.endpoints[i]
		e.principals, e.requires, e.request = slices.Clone(e.principals), slices.Clone(e.requires), slices.Clone(e.request)
		e.anyOf = slices.Clone(e.anyOf)
		for j := range e.anyOf {
			e.anyOf[j].requires, e.anyOf[j].principals = slices.Clone(e.anyOf[j].requires), slices.Clone(e.anyOf[j].principals)
		}
		e.redact = slices.Clone(e.redact)
		for j := range e.redact {
			e.redact[j].unless = slices.Clone(e.redact[j].unless)
		}
	}
	c.presets = slices.Clone(s.presets)
	for i := range c.presets {
		c.presets[i].scopes = slices.Clone(c.presets[i].scopes)
	}
	c.resIDs, c.resNames = slices.Clone(s.resIDs), slices.Clone(s.resNames)
	return &c
}

// yaml writes s with spec.Marshal.
func (s *tSpec) yaml() []byte {
	str := func(v string) spec.Str { return spec.Str{Value: v} }
	strs := func(v []string) []spec.Str {
		out := make([]spec.Str, len(v))
		for i, x := range v {
			out[i] = str(x)
		}
		return out
	}
	num := func(n int) spec.Int { return spec.Int{Value: int64(n), Set: true} }
	f := &spec.File{Format: num(spec.Format), Principals: strs([]string{"app_key", "pat"})}
	for i, r := range model.Roles {
		msg := "denied"
		if r == model.KeyNotFound {
			msg = s.message
		}
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(r)), Code: num(s.codes[i]), Status: str(fmt.Sprintf("S_%d", i)),
			GRPC: str("PERMISSION_DENIED"), Message: str(msg)})
	}
	for _, sc := range s.scopes {
		x := spec.Scope{Name: str(sc.name), ID: num(sc.id), Description: str(sc.desc), GrantsAll: spec.Bool{Value: sc.all},
			Deprecated: spec.Deprecation{Set: sc.deprecated}}
		if len(sc.requires) > 0 {
			x.Requires = strs(sc.requires)
		}
		f.Scopes = append(f.Scopes, x)
	}
	f.Reserved.IDs = []spec.Int{}
	for _, id := range s.resIDs {
		f.Reserved.IDs = append(f.Reserved.IDs, num(id))
	}
	f.Reserved.Names = strs(s.resNames)
	for _, p := range s.presets {
		f.Presets = append(f.Presets, spec.Preset{Name: str(p.name), Description: str("A preset."), Scopes: strs(p.scopes)})
	}
	f.Endpoints = []spec.Endpoint{}
	for _, e := range s.endpoints {
		x := spec.Endpoint{Method: str(e.method), Description: str(e.desc), Public: spec.Bool{Value: e.public}}
		if !e.public {
			x.HasPrincipals, x.Principals = e.principals != nil, strs(e.principals)
			if e.anyOf == nil {
				x.Requires = strs(e.requires)
			}
			for _, a := range e.anyOf {
				x.AnyOf = append(x.AnyOf, spec.Alternative{Requires: strs(a.requires), HasPrincipals: a.principals != nil, Principals: strs(a.principals)})
			}
		}
		for _, r := range e.request {
			x.RequestScopes = append(x.RequestScopes, spec.RequestScope{Scope: str(r.scope), When: str(r.when)})
		}
		for _, r := range e.redact {
			x.Redact = append(x.Redact, spec.Redaction{Field: str(r.field), Unless: strs(r.unless)})
		}
		f.Endpoints = append(f.Endpoints, x)
	}
	return spec.Marshal(f)
}

var (
	scopePool  = []string{"A:Get", "A:Add", "B:Get", "B:Patch", "C", "D", "E:Get", "F"}
	fieldPool  = []string{"item.secret", "item.tags", "owner"}
	kindsPool  = [][]string{nil, {"app_key"}, {"pat"}, {"app_key", "pat"}}
	methodPool = []string{"/t.S/Get", "/t.S/Put", "/t.S/List", "/t.S/Del", "/t.S/Run"}
)

// pick returns a random subset of items, each kept with probability p.
func pick[T any](r *rand.Rand, items []T, p float64) []T {
	var out []T
	for _, x := range items {
		if r.Float64() < p {
			out = append(out, x)
		}
	}
	return out
}

func (s *tSpec) names() []string {
	var out []string
	for _, sc := range s.scopes {
		if !sc.all {
			out = append(out, sc.name)
		}
	}
	return out
}

func (s *tSpec) scope(name string) *tScope {
	for i := range s.scopes {
		if s.scopes[i].name == name {
			return &s.scopes[i]
		}
	}
	return nil
}

// closure is names with their prerequisites, transitively.
func (s *tSpec) closure(names []string) []string {
	out := slices.Clone(names)
	for i := 0; i < len(out); i++ {
		if sc := s.scope(out[i]); sc != nil {
			for _, r := range sc.requires {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

func (s *tSpec) unusedID(r *rand.Rand) int {
	for {
		id := 2 + r.IntN(20)
		if !slices.ContainsFunc(s.scopes, func(sc tScope) bool { return sc.id == id }) && !slices.Contains(s.resIDs, id) {
			return id
		}
	}
}

func (s *tSpec) unusedName(r *rand.Rand) string {
	for {
		name := fmt.Sprintf("N%d:Op", r.IntN(50))
		if s.scope(name) == nil && !slices.Contains(s.resNames, name) {
			return name
		}
	}
}

func randomSpec(r *rand.Rand) *tSpec {
	s := &tSpec{codes: [4]int{7, 8, 9, 10}, message: "no key"}
	if r.IntN(2) == 0 {
		s.scopes = append(s.scopes, tScope{name: "All", id: 1, desc: "Everything.", all: true})
	}
	for _, name := range pick(r, scopePool, 0.6) {
		sc := tScope{name: name, id: s.unusedID(r), desc: "Scope " + name + "."}
		sc.requires = pick(r, s.names(), 0.25) // only earlier scopes: never a cycle
		s.scopes = append(s.scopes, sc)
	}
	if len(s.names()) == 0 {
		s.scopes = append(s.scopes, tScope{name: "Only", id: 20, desc: "The only scope."})
	}
	for _, method := range pick(r, methodPool, 0.7) {
		s.endpoints = append(s.endpoints, randomEndpoint(r, s, method))
	}
	if len(s.endpoints) == 0 {
		s.endpoints = append(s.endpoints, randomEndpoint(r, s, methodPool[0]))
	}
	for i := range r.IntN(3) {
		s.presets = append(s.presets, tPreset{name: fmt.Sprintf("p%d", i), scopes: s.closure(pick(r, s.names(), 0.4))})
	}
	s.presets = slices.DeleteFunc(s.presets, func(p tPreset) bool { return len(p.scopes) == 0 })
	if r.IntN(2) == 0 {
		s.resIDs = []int{s.unusedID(r)}
	}
	if r.IntN(2) == 0 {
		s.resNames = []string{"Old:Gone"}
	}
	return s
}

func randomEndpoint(r *rand.Rand, s *tSpec, method string) tEndpoint {
	names := s.names()
	e := tEndpoint{method: method}
	if r.IntN(7) == 0 {
		e.public = true
	} else {
		e.principals = kindsPool[r.IntN(len(kindsPool))]
		if e.principals != nil && len(e.principals) == 0 {
			e.principals = nil
		}
		e.requires = pick(r, names, 0.35)
		if r.IntN(4) == 0 {
			e.anyOf = []tAlt{{requires: e.requires}}
			e.requires = nil
			for range 1 + r.IntN(2) {
				e.addAlternative(r, names)
			}
		}
	}
	if r.IntN(3) == 0 {
		e.request = []tRequest{{names[r.IntN(len(names))], "some requests"}}
	}
	if r.IntN(2) == 0 {
		e.redact = []tRedact{{fieldPool[r.IntN(len(fieldPool))], []string{names[r.IntN(len(names))]}}}
	}
	return e
}

// kinds are the kinds of key that may use an alternative of e that lists
// none: e's, or both.
func (e *tEndpoint) kinds() []string {
	if e.principals == nil {
		return []string{"app_key", "pat"}
	}
	return e.principals
}

// addAlternative adds a random alternative to e's any_of, unless it would
// be the same as one it has.
func (e *tEndpoint) addAlternative(r *rand.Rand, names []string) {
	a := tAlt{requires: pick(r, names, 0.3)}
	if k := e.kinds(); len(k) > 1 && r.IntN(2) == 0 {
		a.principals = []string{k[r.IntN(len(k))]}
	}
	if !slices.ContainsFunc(e.anyOf, func(b tAlt) bool { return e.sameAlt(a, b) }) {
		e.anyOf = append(e.anyOf, a)
	}
}

// sameAlt reports whether alternatives a and b of e are alike.
func (e *tEndpoint) sameAlt(a, b tAlt) bool {
	ka, kb := a.principals, b.principals
	if ka == nil {
		ka = e.kinds()
	}
	if kb == nil {
		kb = e.kinds()
	}
	ra, rb := slices.Clone(a.requires), slices.Clone(b.requires)
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ka, kb) && slices.Equal(ra, rb)
}

// remove drops name from every list of s.
func (s *tSpec) remove(name string) {
	drop := func(l []string) []string { return slices.DeleteFunc(l, func(x string) bool { return x == name }) }
	s.scopes = slices.DeleteFunc(s.scopes, func(sc tScope) bool { return sc.name == name })
	for i := range s.scopes {
		s.scopes[i].requires = drop(s.scopes[i].requires)
	}
	for i := range s.endpoints {
		e := &s.endpoints[i]
		e.requires = drop(e.requires)
		for j := range e.anyOf {
			e.anyOf[j].requires = drop(e.anyOf[j].requires)
		}
		e.request = slices.DeleteFunc(e.request, func(q tRequest) bool { return q.scope == name })
		for j := range e.redact {
			e.redact[j].unless = drop(e.redact[j].unless)
		}
		e.redact = slices.DeleteFunc(e.redact, func(x tRedact) bool { return len(x.unless) == 0 })
	}
	for i := range s.presets {
		s.presets[i].scopes = drop(s.presets[i].scopes)
	}
	s.presets = slices.DeleteFunc(s.presets, func(p tPreset) bool { return len(p.scopes) == 0 })
}

// rename renames a scope everywhere.
func (s *tSpec) rename(from, to string) {
	sub := func(l []string) {
		for i := range l {
			if l[i] == from {
				l[i] = to
			}
		}
	}
	for i := range s.scopes {
		if s.scopes[i].name == from {
			s.scopes[i].name = to
		}
		sub(s.scopes[i].requires)
	}
	for i := range s.endpoints {
		e := &s.endpoints[i]
		sub(e.requires)
		for j := range e.anyOf {
			sub(e.anyOf[j].requires)
		}
		for j := range e.request {
			if e.request[j].scope == from {
				e.request[j].scope = to
			}
		}
		for j := range e.redact {
			sub(e.redact[j].unless)
		}
	}
	for i := range s.presets {
		sub(s.presets[i].scopes)
	}
}

// mutate makes one random change to s.
func mutate(r *rand.Rand, s *tSpec) string {
	names := s.names()
	if len(names) == 0 {
		return "nothing" // every scope is gone: the spec is invalid anyway
	}
	anyName := func() string { return names[r.IntN(len(names))] }
	toggle := func(l []string, x string) []string {
		if i := slices.Index(l, x); i >= 0 {
			return slices.Delete(l, i, i+1)
		}
		return append(l, x)
	}
	var e *tEndpoint
	if len(s.endpoints) > 0 {
		e = &s.endpoints[r.IntN(len(s.endpoints))]
	}
	switch op := r.IntN(29); {
	case op == 0:
		from, to := anyName(), s.unusedName(r)
		s.rename(from, to)
		return "rename " + from
	case op == 1:
		s.scope(anyName()).id = s.unusedID(r)
		return "renumber"
	case op == 2:
		s.remove(anyName())
		return "remove scope"
	case op == 3:
		s.scopes = append(s.scopes, tScope{name: s.unusedName(r), id: s.unusedID(r), desc: "New."})
		return "add scope"
	case op == 4:
		a, b := anyName(), anyName()
		if a != b {
			s.scope(a).requires = toggle(s.scope(a).requires, b)
		}
		return "toggle prerequisite"
	case op == 5 && e != nil:
		e.public = !e.public
		e.requires, e.anyOf = nil, nil
		if !e.public {
			e.requires = []string{anyName()}
		}
		return "toggle public"
	case op == 6 && e != nil && !e.public:
		e.principals = kindsPool[1+r.IntN(3)]
		for i := range e.anyOf {
			if e.anyOf[i].principals != nil && !slices.Contains(e.principals, e.anyOf[i].principals[0]) {
				e.anyOf[i].principals = nil
			}
		}
		return "principals"
	case op == 7 && e != nil && !e.public && e.anyOf != nil:
		a := &e.anyOf[r.IntN(len(e.anyOf))]
		a.requires = toggle(a.requires, anyName())
		return "toggle requirement of an alternative"
	case op == 7 && e != nil && !e.public:
		e.requires = toggle(e.requires, anyName())
		return "toggle requirement"
	case op == 8 && e != nil:
		if len(e.redact) > 0 {
			e.redact = nil
		} else {
			e.redact = []tRedact{{"item.secret", []string{anyName()}}}
		}
		return "toggle redaction"
	case op == 9 && e != nil && len(e.redact) > 0:
		if u := toggle(e.redact[0].unless, anyName()); len(u) > 0 {
			e.redact[0].unless = u
		}
		return "toggle unless"
	case op == 10 && e != nil:
		if len(e.request) > 0 {
			e.request = nil
		} else {
			e.request = []tRequest{{anyName(), "some requests"}}
		}
		return "toggle request scope"
	case op == 11 && e != nil && len(e.request) > 0:
		e.request[0].when = "other requests"
		return "request when"
	case op == 12 && e != nil:
		i := slices.IndexFunc(s.endpoints, func(x tEndpoint) bool { return x.method == e.method })
		s.endpoints = slices.Delete(s.endpoints, i, i+1)
		return "remove endpoint"
	case op == 13:
		for _, m := range methodPool {
			if !slices.ContainsFunc(s.endpoints, func(x tEndpoint) bool { return x.method == m }) {
				s.endpoints = append(s.endpoints, randomEndpoint(r, s, m))
				break
			}
		}
		return "add endpoint"
	case op == 14 && len(s.presets) > 0:
		p := &s.presets[r.IntN(len(s.presets))]
		p.scopes = s.closure(toggle(p.scopes, anyName()))
		return "preset scopes"
	case op == 15:
		s.codes[r.IntN(4)] = 100 + r.IntN(3)
		return "outcome code"
	case op == 16:
		s.message = "no such key"
		return "outcome message"
	case op == 17:
		if len(s.resIDs) > 0 && r.IntN(2) == 0 { // reuse a reserved id
			id := s.resIDs[0]
			s.resIDs = nil
			s.scope(anyName()).id = id
			return "reuse reserved id"
		}
		s.resIDs = append(s.resIDs, s.unusedID(r))
		return "reserve id"
	case op == 18:
		if len(s.resNames) > 0 && r.IntN(2) == 0 {
			s.resNames = nil
			return "unreserve name"
		}
		s.resNames = append(s.resNames, s.unusedName(r))
		return "reserve name"
	case op == 19:
		sc := s.scope(anyName())
		sc.desc, sc.deprecated = "Changed.", !sc.deprecated
		return "describe"
	case op == 20:
		for i := range s.scopes {
			if s.scopes[i].all {
				s.scopes[i].all = false
				return "drop grants_all"
			}
		}
		sc := s.scope(anyName())
		sc.all, sc.requires = true, nil
		return "grants_all"
	case op == 21 && e != nil:
		e.desc = "Changed."
		return "endpoint description"
	case op == 22 && len(names) > 1: // a scope goes, another takes its id
		gone, taker := anyName(), anyName()
		if gone == taker {
			return "nothing"
		}
		id := s.scope(gone).id
		s.remove(gone)
		if r.IntN(2) == 0 {
			s.scope(taker).id = id
			return "move id of " + gone + " to " + taker
		}
		s.scopes = append(s.scopes, tScope{name: s.unusedName(r), id: id, desc: "Takes an old id."})
		return "new scope takes the id of " + gone
	case op == 23 && len(names) > 1: // two scopes swap ids
		a, b := s.scope(anyName()), s.scope(anyName())
		a.id, b.id = b.id, a.id
		return "swap the ids of " + a.name + " and " + b.name
	case op == 24: // a scope is renamed, and a new scope takes its old name
		from := anyName()
		s.rename(from, s.unusedName(r))
		s.scopes = append(s.scopes, tScope{name: from, id: s.unusedID(r), desc: "Takes an old name."})
		switch {
		case e != nil && !e.public && e.anyOf != nil:
			e.anyOf[0].requires = append(e.anyOf[0].requires, from) // which an endpoint requires
		case e != nil && !e.public:
			e.requires = append(e.requires, from)
		}
		return "give the name of " + from + " to a new scope"
	case op == 25 && e != nil && !e.public: // an alternative is added
		if e.anyOf == nil {
			e.anyOf, e.requires = []tAlt{{requires: e.requires}}, nil
		}
		e.addAlternative(r, names)
		return "add an alternative"
	case op == 26 && e != nil && len(e.anyOf) > 1:
		i := r.IntN(len(e.anyOf))
		e.anyOf = slices.Delete(e.anyOf, i, i+1)
		return "remove an alternative"
	case op == 27 && e != nil && e.anyOf != nil:
		a := &e.anyOf[r.IntN(len(e.anyOf))]
		if a.principals != nil {
			a.principals = nil
		} else if k := e.kinds(); len(k) > 1 {
			a.principals = []string{k[r.IntN(len(k))]}
		}
		return "principals of an alternative"
	case op == 28 && e != nil && len(e.anyOf) == 1 && e.anyOf[0].principals == nil: // one alternative becomes requires again
		e.requires, e.anyOf = e.anyOf[0].requires, nil
		return "any_of of one becomes requires"
	}
	return "nothing"
}

// TestPropertyRandomMutations compares random small specs with random
// mutations of them. Every witness must decide differently under OLD and
// NEW when decided again from its printed names; and when the diff reports
// no escalation and nothing breaking, no key may decide differently on any
// endpoint OLD defines (in any request), nor be made on one side only.
var (
	propertyIterations = flag.Int("property.iterations", 400, "spec pairs TestPropertyRandomMutations compares (60 with -short)")
	propertySeed       = flag.Uint64("property.seed", 7, "the seed of TestPropertyRandomMutations")
)

func TestPropertyRandomMutations(t *testing.T) {
	iterations := *propertyIterations
	if testing.Short() {
		iterations = min(iterations, 60)
	}
	r := rand.New(rand.NewPCG(*propertySeed, 11))
	compared, quiet, empty, witnesses := 0, 0, 0, 0
	stored := map[string]int{} // findings of the rules of reused ids and names
	alts := map[string]int{}   // findings on endpoints with several alternatives, by rule
	for i := range iterations {
		base := randomSpec(r)
		old, err := diff.Load("old.yaml", base.yaml())
		if err != nil {
			t.Fatalf("the generator made an invalid spec: %v\n%s", err, base.yaml())
		}
		mut := base.clone()
		var ops []string
		for range 1 + r.IntN(3) {
			ops = append(ops, mutate(r, mut))
		}
		new, err := diff.Load("new.yaml", mut.yaml())
		if err != nil {
			continue // the mutation broke a rule of the model; nothing to compare
		}
		compared++
		rep := diff.Compare(old, new)
		failing, escalates := false, false
		for _, f := range rep.Findings {
			// Each finding points at a line: in OLD exactly when the element is gone.
			if file := map[bool]string{true: "old.yaml", false: "new.yaml"}[f.Old]; f.Pos.File != file || f.Pos.Line < 1 || f.Pos.Col < 1 {
				t.Errorf("%s %s: position %s, want a line of %s", f.Rule, f.Element, f.Pos, file)
			}
			if f.Old != (f.Rule == "scope-removed" || f.Rule == "endpoint-removed" || f.Rule == "preset-removed" ||
				f.Rule == "reserved-id-removed" || f.Rule == "reserved-name-removed" ||
				f.Rule == "scope-grants-all-removed" && new.Model.Scope(f.Element) == nil) {
				t.Errorf("%s %s: positioned in OLD: %v", f.Rule, f.Element, f.Old)
			}
			if f.Witness != nil {
				witnesses++
				checkWitness(t, old, new, f)
			}
			if strings.HasSuffix(f.Rule, "-reused-gains") {
				stored[f.Rule]++
			}
			if e := new.Model.Endpoint(f.Element); e != nil && len(e.Alternatives) > 1 || strings.Contains(f.Rule, "alternative") {
				alts[f.Rule+map[bool]string{true: " witnessed", false: ""}[f.Witness != nil]]++
			}
			failing = failing || f.Category != diff.Safe
			escalates = escalates || f.Category == diff.Escalation
		}
		if t.Failed() {
			t.Fatalf("iteration %d (%s):\n%s\n-- new --\n%s", i, strings.Join(ops, ", "), base.yaml(), mut.yaml())
		}
		if !escalates {
			// New reach is an escalation: without one, every new endpoint
			// is behind op scopes.
			for _, e := range new.Model.Endpoints {
				if old.Model.Endpoint(e.Method) == nil && (e.Public || slices.ContainsFunc(e.Alternatives, func(a model.Alternative) bool { return len(a.Requires) == 0 })) {
					t.Fatalf("iteration %d (%s): no escalation, yet new endpoint %s is open to anyone or any key\n-- old --\n%s\n-- new --\n%s", i, strings.Join(ops, ", "), e.Method, base.yaml(), mut.yaml())
				}
			}
			if msg := anyStoredGain(r, old.Model, new.Model); msg != "" {
				t.Fatalf("iteration %d (%s): no escalation, yet %s\n-- old --\n%s\n-- new --\n%s", i, strings.Join(ops, ", "), msg, base.yaml(), mut.yaml())
			}
		}
		if failing {
			continue
		}
		quiet++
		if len(rep.Findings) == 0 {
			empty++
		}
		if msg := anyDifference(r, old.Model, new.Model, len(rep.Findings) == 0); msg != "" {
			t.Fatalf("iteration %d (%s): no escalation or breaking finding, yet %s\n-- old --\n%s\n-- new --\n%s", i, strings.Join(ops, ", "), msg, base.yaml(), mut.yaml())
		}
	}
	t.Logf("%d pairs compared, %d without escalation or breaking findings (%d without any), %d witnesses checked, keys stored by id or name gain in %v; on endpoints with alternatives: %v", compared, quiet, empty, witnesses, stored, alts)
	if compared < iterations/2 || quiet < iterations/20 || witnesses < iterations/4 || !testing.Short() && len(stored) < 2 {
		t.Errorf("too few useful cases: %d compared, %d quiet, %d witnesses of %d, reused ids and names %v", compared, quiet, witnesses, iterations, stored)
	}
	for _, rule := range []string{"endpoint-alternative-added", "endpoint-alternative-removed", "endpoint-requirement-added", "endpoint-requirement-removed"} {
		if !testing.Short() && alts[rule+" witnessed"] == 0 {
			t.Errorf("no witnessed %s on an endpoint with alternatives: %v", rule, alts)
		}
	}
}

// anyDifference looks for a key that decides differently on old and new, or
// is made on one side only; it returns what it found, or "". It calls OLD's
// endpoints and one neither defines; with all (the diff is empty), NEW's too
// (where a new endpoint, a safe change, is expected to differ), and on a
// spec of at most 8 scopes it tries every set of scopes. Otherwise it tries
// 300 random keys.
func anyDifference(r *rand.Rand, old, new *model.Model, all bool) string {
	var names []string // every scope name of either side
	for _, m := range []*model.Model{old, new} {
		for _, s := range m.Scopes {
			if !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
	}
	var methods []string // OLD's endpoints, and one neither defines
	for _, e := range old.Endpoints {
		methods = append(methods, e.Method)
	}
	if all {
		for _, e := range new.Endpoints {
			if !slices.Contains(methods, e.Method) {
				methods = append(methods, e.Method)
			}
		}
	}
	methods = append(methods, "/t.S/Unknown")
	var requests []string // every request-dependent scope of either side, and none
	for _, m := range []*model.Model{old, new} {
		for _, e := range m.Endpoints {
			for _, q := range e.RequestScopes {
				if !slices.Contains(requests, q.Scope.Name) {
					requests = append(requests, q.Scope.Name)
				}
			}
		}
	}
	requests = append(requests, "")
	type key struct {
		kind       model.Principal
		scopes     []string
		restricted bool
		endpoints  []string
	}
	var keys []key
	kinds := []model.Principal{0, model.AppKey, model.PersonalAccessToken}
	if all && len(names) <= 8 {
		// An empty diff on a small spec: every set of scopes, of each kind,
		// unrestricted and restricted to some endpoints.
		for bits := range 1 << len(names) {
			var scopes []string
			for i, n := range names {
				if bits&(1<<i) != 0 {
					scopes = append(scopes, n)
				}
			}
			for _, k := range kinds {
				// A key restricted to endpoints names one at least: one
				// that names none is not restricted (reference.NewGrant).
				endpoints := pick(r, methods, 0.5)
				keys = append(keys, key{k, scopes, false, nil}, key{k, scopes, len(endpoints) > 0, endpoints})
			}
		}
	} else {
		for range 300 {
			k := key{kind: kinds[r.IntN(3)], scopes: pick(r, names, 0.4), restricted: r.IntN(3) == 0}
			if k.restricted {
				k.endpoints = pick(r, methods, 0.5)
				k.restricted = len(k.endpoints) > 0
			}
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		kind, scopes, restricted, endpoints := k.kind, k.scopes, k.restricted, k.endpoints
		// Calls: only by keys that could be made under OLD (keys that exist);
		// an invalid key is refused when it is made.
		for _, method := range methods {
			if !validGrant(old, kind, scopes, restricted, endpoints) {
				break
			}
			for _, q := range requests {
				o := decideKey(old, kind, scopes, restricted, endpoints, method, q)
				n := decideKey(new, kind, scopes, restricted, endpoints, method, q)
				if diff.Differs(o, n) {
					return fmt.Sprintf("kind %d with %v (endpoints %v) calling %s (request %q): old %+v, new %+v", kind, scopes, endpoints, method, q, o, n)
				}
			}
		}
		// Validity: only for keys whose scopes both sides define.
		if kind != 0 && !slices.ContainsFunc(scopes, func(s string) bool { return old.Scope(s) == nil || new.Scope(s) == nil }) {
			if o, n := create(old, kind, scopes), create(new, kind, scopes); o.Allowed != n.Allowed {
				return fmt.Sprintf("a key with %v may be made on one side only: old %+v, new %+v", scopes, o, n)
			}
		}
	}
	return ""
}

// anyStoredGain looks for a key, kept by a key store by scope id or by
// scope name, that could be made under old and may do more under new on an
// endpoint old defines: what a reused id or name gives. It tries every set
// of scopes of a spec of at most 8 scopes, else 300 random keys, each of
// each kind, unrestricted and restricted to some endpoints.
func anyStoredGain(r *rand.Rand, old, new *model.Model) string {
	names := old.ScopeNames()
	var methods, requests []string
	for _, e := range old.Endpoints {
		methods = append(methods, e.Method)
		for _, q := range e.RequestScopes {
			// Requests for a scope that keeps its name and id: the same
			// request on both sides, however diff matches renamed scopes.
			if n := new.Scope(q.Scope.Name); n != nil && n.ID == q.Scope.ID {
				requests = append(requests, q.Scope.Name)
			}
		}
	}
	requests = append(requests, "")
	var sets [][]string
	if len(names) <= 8 {
		for bits := range 1 << len(names) {
			var scopes []string
			for i, n := range names {
				if bits&(1<<i) != 0 {
					scopes = append(scopes, n)
				}
			}
			sets = append(sets, scopes)
		}
	} else {
		for range 300 {
			sets = append(sets, pick(r, names, 0.4))
		}
	}
	for _, scopes := range sets {
		for _, kind := range []model.Principal{model.AppKey, model.PersonalAccessToken} {
			for _, endpoints := range [][]string{nil, pick(r, methods, 0.5)} {
				restricted := endpoints != nil
				if !validGrant(old, kind, scopes, restricted, endpoints) {
					continue
				}
				for _, by := range []string{"id", "name"} {
					var kept []string
					for _, s := range scopes {
						if n := stored(old, new, s, by); n != "" {
							kept = append(kept, n)
						}
					}
					for _, method := range methods {
						for _, q := range requests {
							o := decideKey(old, kind, scopes, restricted, endpoints, method, q)
							n := decideKey(new, kind, kept, restricted, endpoints, method, q)
							if diff.Gained(o, n) {
								return fmt.Sprintf("a key stored by %s with %v (under NEW: %v, endpoints %v) gains on %s (request %q): old %+v, new %+v", by, scopes, kept, endpoints, method, q, o, n)
							}
						}
					}
				}
			}
		}
	}
	return ""
}
