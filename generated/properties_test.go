package generated_test

// The properties of any generated checker, over random grants. This file uses
// only the API every generated package has, so gen's random-spec test copies
// it next to packages generated from random specs and runs it there too.

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
)

// propertyRounds is the number of random grants (or triples of grants) each
// property is checked on.
const propertyRounds = 1500

// firstKind is the spec's first principal kind (bit 1), whatever its name.
const firstKind scopes.Principal = 1

// kinds are the principal kinds a grant may have: each kind alone and all
// of them.
var kinds = func() []scopes.Principal {
	var out []scopes.Principal
	for k := firstKind; k&scopes.AllPrincipals != 0; k <<= 1 {
		out = append(out, k)
	}
	return append(out, scopes.AllPrincipals)
}()

func allScopeList() []scopes.Scope    { return slices.Collect(scopes.AllScopes().Scopes()) }
func endpointList() []scopes.Endpoint { return slices.Collect(scopes.Endpoints()) }

// randomGrant returns a random grant: sometimes none, sometimes restricted to
// endpoints, with a random density of scopes; grantsAll may be picked too.
func randomGrant(r *rand.Rand) scopes.Grant {
	if r.IntN(12) == 0 {
		return scopes.Grant{}
	}
	var set scopes.Set
	density := []float64{0, 0.05, 0.3, 0.7, 1}[r.IntN(5)]
	for _, s := range allScopeList() {
		if r.Float64() < density {
			set.Add(s)
		}
	}
	var eps []scopes.Endpoint
	if r.IntN(3) == 0 {
		for _, e := range endpointList() {
			if r.IntN(3) == 0 {
				eps = append(eps, e)
			}
		}
	}
	// MakeGrant keeps an empty endpoint list unrestricted; a restriction
	// that allows nothing comes from Intersect.
	return scopes.MakeGrant(kinds[r.IntN(len(kinds))], set, eps...)
}

// sameGrant reports whether a and b hold the same and decide every endpoint
// (and a name that is not one) the same way.
func sameGrant(a, b scopes.Grant) bool {
	if a.IsZero() != b.IsZero() || a.Kind() != b.Kind() || a.Scopes() != b.Scopes() || a.Restricted() != b.Restricted() {
		return false
	}
	if !slices.Equal(slices.Collect(a.Endpoints()), slices.Collect(b.Endpoints())) {
		return false
	}
	for _, e := range endpointList() {
		if a.CheckEndpoint(e) != b.CheckEndpoint(e) {
			return false
		}
	}
	return a.Check("/not.An/Endpoint") == b.Check("/not.An/Endpoint")
}

// redactedSet returns the fields d redacts.
func redactedSet(d scopes.Decision) map[string]bool {
	out := map[string]bool{}
	for f := range d.Redacted() {
		out[f] = true
	}
	return out
}

// atMost reports, for every endpoint, that what less allows more allows
// too, with no more redacted: less never exceeds more.
func atMost(t *testing.T, what string, less, more scopes.Grant) {
	t.Helper()
	for _, e := range endpointList() {
		dl, dm := less.CheckEndpoint(e), more.CheckEndpoint(e)
		if dl.Allowed() && !dm.Allowed() {
			t.Fatalf("%s: %v may call %v (%v) but %v may not (%v)", what, less, e, dl.Reason(), more, dm.Reason())
		}
		if dl.Allowed() {
			rl := redactedSet(dl)
			for f := range redactedSet(dm) {
				if !rl[f] {
					t.Fatalf("%s: %v sees %s of %v, which %v does not", what, less, f, e, more)
				}
			}
		}
	}
}

func rng(t *testing.T) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(len(t.Name())), 0x9e3779b97f4a7c15))
}

func TestPropertyIntersect(t *testing.T) {
	r := rng(t)
	for range propertyRounds {
		a, b, c := randomGrant(r), randomGrant(r), randomGrant(r)
		ab := a.Intersect(b)
		if !sameGrant(ab, b.Intersect(a)) {
			t.Fatalf("not commutative: %v ∩ %v = %v, but %v", a, b, ab, b.Intersect(a))
		}
		if l, rr := ab.Intersect(c), a.Intersect(b.Intersect(c)); !sameGrant(l, rr) {
			t.Fatalf("not associative: (%v ∩ %v) ∩ %v = %v, but %v", a, b, c, l, rr)
		}
		if aa := a.Intersect(a); !sameGrant(aa, a) {
			t.Fatalf("not idempotent: %v ∩ itself = %v", a, aa)
		}
		if !a.Covers(ab) || !b.Covers(ab) {
			t.Fatalf("%v ∩ %v = %v exceeds a side (covered by a: %v, by b: %v)", a, b, ab, a.Covers(ab), b.Covers(ab))
		}
		atMost(t, "a ∩ b vs a", ab, a)
		atMost(t, "a ∩ b vs b", ab, b)
	}
}

func TestPropertyCovers(t *testing.T) {
	r := rng(t)
	for range propertyRounds {
		a, b := randomGrant(r), randomGrant(r)
		if !a.Covers(a) {
			t.Fatalf("%v does not cover itself", a)
		}
		if a.Covers(b) {
			atMost(t, "a covers b", b, a)
		}
		if a.Covers(b) && b.Covers(a) && !sameGrant(a, b) {
			t.Fatalf("%v and %v cover each other but differ", a, b)
		}
	}
}

// More scopes, more kinds or no endpoint restriction never turn an allowed
// call into a denied one, nor reveal less.
func TestPropertyMonotone(t *testing.T) {
	r := rng(t)
	for range propertyRounds {
		g := randomGrant(r)
		if g.IsZero() {
			continue
		}
		eps := slices.Collect(g.Endpoints())
		extra := g.Scopes()
		for _, s := range allScopeList() {
			if r.IntN(4) == 0 {
				extra.Add(s)
			}
		}
		more := scopes.MakeGrant(g.Kind(), extra, eps...)
		if !more.Covers(g) {
			t.Fatalf("%v with more scopes (%v) does not cover it", g, more)
		}
		atMost(t, "more scopes", g, more)
		atMost(t, "more kinds", g, scopes.MakeGrant(g.Kind()|kinds[r.IntN(len(kinds))], g.Scopes(), eps...))
		atMost(t, "no restriction", g, scopes.MakeGrant(g.Kind(), g.Scopes()))
		if len(eps) > 0 {
			atMost(t, "fewer endpoints", scopes.MakeGrant(g.Kind(), g.Scopes(), eps[:len(eps)/2+1]...), g)
		}
	}
}

func TestPropertyClosure(t *testing.T) {
	r := rng(t)
	for range propertyRounds {
		a, b := randomGrant(r), randomGrant(r)
		ca := a.Closure()
		if !sameGrant(ca.Closure(), ca) {
			t.Fatalf("closure not idempotent: %v → %v → %v", a, ca, ca.Closure())
		}
		if !ca.Covers(a) {
			t.Fatalf("closure %v of %v does not cover it", ca, a)
		}
		if miss := ca.MissingPrerequisites(); len(miss) != 0 {
			t.Fatalf("closure %v of %v still misses %v", ca, a, miss)
		}
		if len(a.MissingPrerequisites()) == 0 && !sameGrant(ca, a) {
			t.Fatalf("%v misses nothing, but its closure is %v", a, ca)
		}
		// Monotone: when a covers c, a's closure covers c's. The exception is
		// an unrestricted a and a restricted c: a restricted key needs the
		// scopes of its endpoints, an unrestricted one needs none.
		for _, c := range []scopes.Grant{a.Intersect(b), b, scopes.MakeGrant(a.Kind(), a.Scopes().Intersect(b.Scopes()), slices.Collect(a.Endpoints())...)} {
			if a.Covers(c) && (a.Restricted() || !c.Restricted()) && !ca.Covers(c.Closure()) {
				t.Fatalf("closure not monotone: %v covers %v, but %v does not cover %v", a, c, ca, c.Closure())
			}
		}
	}
}

// grantsAllScope returns the scope that grants every scope, if the spec has one.
func grantsAllScope() (scopes.Scope, bool) {
	for _, s := range allScopeList() {
		g, err := scopes.NewGrant(firstKind, []string{s.String()}, nil)
		if err == nil && g.Scopes() == scopes.AllScopes() {
			return s, true
		}
	}
	return 0, false
}

func TestPropertyAllAllowsEveryEndpointOfItsKind(t *testing.T) {
	all, ok := grantsAllScope()
	if !ok {
		t.Skip("the spec has no scope that grants all")
	}
	for _, k := range kinds {
		g, err := scopes.NewGrant(k, []string{all.String()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range endpointList() {
			d := g.CheckEndpoint(e)
			want := e.Public() || e.Principals()&k != 0
			if d.Allowed() != want {
				t.Errorf("%v: %v allowed %v (%v); the endpoint accepts %v", g, e, d.Allowed(), d.Reason(), e.Principals())
			}
			if d.Allowed() && d.Redacts() {
				t.Errorf("%v: %v redacts %v", g, e, redactedSet(d))
			}
			if grpc(e) && d != g.Check(e.FullMethod()) {
				t.Errorf("%v: CheckEndpoint(%v) differs from Check", g, e)
			}
		}
	}
}

// grpc reports whether e is a gRPC method, which Check finds by name; an
// HTTP-only endpoint's operation name never starts with "/".
func grpc(e scopes.Endpoint) bool {
	return strings.HasPrefix(e.FullMethod(), "/")
}

// nearMisses returns strings close to name that differ from it: prefixes,
// suffixes, a changed byte, a changed case, NUL bytes, spaces.
func nearMisses(name string) []string {
	out := []string{"", " ", name + " ", " " + name, name + "\x00", "\x00" + name, strings.ToUpper(name), strings.ToLower(name), name + name}
	for i := range len(name) {
		out = append(out, name[:i], name[i+1:], name[:i]+"\x00"+name[i:], name[:i]+string(name[i]^0x20)+name[i+1:], name[:i]+string(name[i]^1)+name[i+1:])
	}
	return out
}

func TestPropertyUnknownNamesAreDenied(t *testing.T) {
	names := map[string]bool{}
	for _, s := range allScopeList() {
		names[s.String()] = true
	}
	methods := map[string]bool{}
	for _, e := range endpointList() {
		if grpc(e) {
			methods[e.FullMethod()] = true
		}
	}
	full := scopes.MakeGrant(scopes.AllPrincipals, scopes.AllScopes())
	for name := range names {
		for _, miss := range nearMisses(name) {
			if names[miss] {
				continue
			}
			if s, ok := scopes.ParseScope(miss); ok {
				t.Errorf("ParseScope(%q) = %v, a scope", miss, s)
			}
			if g, err := scopes.NewGrant(firstKind, []string{name, miss}, nil); err == nil || !g.IsZero() {
				t.Errorf("NewGrant with scope %q: %v, %v; want an error", miss, g, err)
			}
			if t := strings.TrimSpace(miss); t == "" || names[t] {
				continue // UnmarshalText ignores spaces around names, and empty names
			}
			set := scopes.NewSet(allScopeList()[0])
			if err := set.UnmarshalText([]byte(name + "," + miss)); err == nil || set != scopes.NewSet(allScopeList()[0]) {
				t.Errorf("UnmarshalText(%q): %v, set %v; want an error and the set unchanged", name+","+miss, err, set)
			}
		}
	}
	for method := range methods {
		for _, miss := range nearMisses(method) {
			if methods[miss] {
				continue
			}
			if e, ok := scopes.LookupEndpoint(miss); ok {
				t.Errorf("LookupEndpoint(%q) = %v", miss, e)
			}
			if d := full.Check(miss); d.Allowed() || d.Reason() != scopes.ReasonUnknownEndpoint {
				t.Errorf("Check(%q) = %v", miss, d.Reason())
			}
			if g, err := scopes.NewGrant(firstKind, nil, []string{method, miss}); err == nil || !g.IsZero() {
				t.Errorf("NewGrant with endpoint %q: %v, %v; want an error", miss, g, err)
			}
		}
	}
	for _, p := range []string{"", "App_key", "app_key ", "APP_KEY", "pat\x00", "all"} {
		if k, ok := scopes.ParsePrincipal(p); ok {
			t.Errorf("ParsePrincipal(%q) = %v", p, k)
		}
	}
	bad := []scopes.Principal{0}
	if undeclared := ^scopes.AllPrincipals; undeclared != 0 {
		lowest := undeclared & -undeclared
		bad = append(bad, undeclared, lowest, firstKind|lowest)
	}
	for _, k := range bad {
		if g, err := scopes.NewGrant(k, nil, nil); err == nil || !g.IsZero() {
			t.Errorf("NewGrant(kind %d) = %v, %v; want an error", k, g, err)
		}
	}
	// Ids and values that are not scopes or endpoints take nothing.
	for id := range scopes.MaxScopeID + 66 {
		s := scopes.Scope(id)
		if s.Valid() != names[s.String()] {
			t.Errorf("Scope(%d): Valid %v, String %q", id, s.Valid(), s.String())
		}
	}
	g := scopes.MakeGrant(firstKind, scopes.Set{}, scopes.Endpoint(0), scopes.Endpoint(scopes.NumEndpoints+1))
	for _, e := range endpointList() {
		if g.CheckEndpoint(e).Allowed() && !e.Public() {
			t.Errorf("a grant restricted to invalid endpoints may call %v", e)
		}
	}
}

func TestPropertyDeprecatedScopesStillParse(t *testing.T) {
	n := 0
	for _, s := range allScopeList() {
		if !s.Deprecated() {
			continue
		}
		n++
		if p, ok := scopes.ParseScope(s.String()); !ok || p != s {
			t.Errorf("deprecated scope %v does not parse: %v, %v", s, p, ok)
		}
		g, err := scopes.NewGrant(firstKind, []string{s.String()}, nil)
		if err != nil || !g.Has(s) {
			t.Errorf("NewGrant with deprecated scope %v: %v, %v", s, g, err)
		}
		for _, e := range endpointList() {
			for kinds, required := range e.Alternatives() {
				if required == scopes.NewSet(s) && kinds&firstKind != 0 && !g.CheckEndpoint(e).Allowed() {
					t.Errorf("deprecated scope %v no longer grants %v", s, e)
				}
			}
		}
	}
	t.Logf("%d deprecated scopes", n)
}

// TestPropertyConcurrentUse shares grants between 32 goroutines that check,
// intersect, close and print them, and compares each answer with the one
// computed alone first; go test -race checks that nothing is written.
func TestPropertyConcurrentUse(t *testing.T) {
	r := rng(t)
	grants := make([]scopes.Grant, 16)
	for i := range grants {
		grants[i] = randomGrant(r)
	}
	type answer struct {
		decisions []scopes.Decision
		str       string
		closure   string
		covers    []bool
	}
	compute := func(i int) answer {
		g := grants[i]
		var a answer
		for _, e := range endpointList() {
			if grpc(e) {
				a.decisions = append(a.decisions, g.Check(e.FullMethod()))
			}
			a.decisions = append(a.decisions, g.CheckEndpoint(e), g.Intersect(grants[(i+1)%len(grants)]).CheckEndpoint(e))
			for f := range g.CheckEndpoint(e).Redacted() {
				a.str += f
			}
		}
		a.str += g.String() + g.Scopes().String()
		a.closure = g.Closure().String()
		for _, o := range grants {
			a.covers = append(a.covers, g.Covers(o))
		}
		return a
	}
	want := make([]answer, len(grants))
	for i := range grants {
		want[i] = compute(i)
	}
	errs := make(chan string, 32)
	for w := range 32 {
		go func() {
			for k := range 40 {
				i := (w + k) % len(grants)
				got := compute(i)
				if !slices.Equal(got.decisions, want[i].decisions) || got.str != want[i].str || got.closure != want[i].closure || !slices.Equal(got.covers, want[i].covers) {
					errs <- "grant " + grants[i].String() + " answered differently under concurrency"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 32 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
