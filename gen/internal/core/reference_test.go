package core_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
)

// This file checks Check against a plain reference implementation of the
// decision rules, written from the spec (testdata/scopes.yaml) and the rules
// as core.go and the doc comments state them, with maps and names instead of
// bit sets: nothing here calls the code under test to build an expectation.

// refScope is a scope of the spec.
type refScope struct {
	name      string
	grantsAll bool
}

// refScopes are the spec's scopes, in id order.
var refScopes = []refScope{
	{"All", true},
	{"Predict", false},
	{"Files:Get", false},
	{"Files:Add", false},
	{"Files:Delete", false},
	{"Legacy:Read", false},
	{"Tags:Get", false},
	{"Tags:Patch", false},
}

// refRedaction is a response field removed unless the caller holds every
// scope of unless.
type refRedaction struct {
	field  string
	unless []string
}

// refEndpoint is an endpoint of the spec.
type refEndpoint struct {
	method     string
	public     bool
	principals []string
	requires   []string
	redact     []refRedaction
}

// refDefaultPrincipals are the spec's defaults.principals.
var refDefaultPrincipals = []string{"app_key", "pat"}

// refEndpoints are the spec's endpoints, in spec order.
var refEndpoints = []refEndpoint{
	{method: "/files.v1.Health/Check", public: true, redact: []refRedaction{{"version.build", []string{"Files:Get"}}}},
	{method: "/files.v1.Files/GetFile", principals: refDefaultPrincipals, requires: []string{"Files:Get"}, redact: []refRedaction{
		{"file.tags", []string{"Tags:Get"}},
		{"file.owner.tags", []string{"Tags:Get", "Files:Add"}},
	}},
	{method: "/files.v1.Files/DeleteFile", principals: refDefaultPrincipals, requires: []string{"Files:Delete", "Files:Get"}},
	{method: "/files.v1.Files/RetagFile", principals: []string{"pat"}, requires: []string{"Files:Add", "Files:Delete", "Files:Get", "Tags:Get", "Tags:Patch"}},
	{method: "/files.v1.Files/SearchFiles", principals: refDefaultPrincipals, requires: []string{"Files:Get"}},
	{method: "/files.v1.Tags/PatchTags", principals: refDefaultPrincipals, requires: []string{"Tags:Get", "Tags:Patch"}},
}

// refGrant is a credential: nil is no credentials (the zero Grant).
type refGrant struct {
	kinds      map[string]bool
	scopes     map[string]bool // as given; see holds for grants_all
	restricted bool
	endpoints  map[string]bool // the methods a restricted grant may call
}

// holds reports whether g holds the named scope: it is listed, or a listed
// scope grants all.
func (g *refGrant) holds(name string) bool {
	if g == nil {
		return false
	}
	if g.scopes[name] {
		return true
	}
	for _, s := range refScopes {
		if s.grantsAll && g.scopes[s.name] {
			return true
		}
	}
	return false
}

// mayCall reports whether g's endpoint restriction lets it call method.
func (g *refGrant) mayCall(method string) bool {
	return !g.restricted || g.endpoints[method]
}

// refDecision is what the reference decides.
type refDecision struct {
	reason   string
	missing  []string // required scopes g lacks, in id order
	redacted []string // fields removed, in spec order
}

// refDecide decides a call of ep by g: public endpoints are allowed (removing
// each field whose unless scopes the caller lacks); otherwise no credentials,
// then a principal kind the endpoint does not accept, then an endpoint the
// grant is restricted away from, then missing required scopes deny, in that
// order, each reporting every required scope the grant lacks.
func refDecide(g *refGrant, ep refEndpoint) refDecision {
	if ep.public {
		return refDecision{reason: "public", redacted: refRedacted(g, ep)}
	}
	var missing []string
	for _, s := range refScopes { // id order
		if slices.Contains(ep.requires, s.name) && !g.holds(s.name) {
			missing = append(missing, s.name)
		}
	}
	switch {
	case g == nil:
		return refDecision{reason: "no_credentials", missing: missing}
	case !slices.ContainsFunc(ep.principals, func(k string) bool { return g.kinds[k] }):
		return refDecision{reason: "principal", missing: missing}
	case !g.mayCall(ep.method):
		return refDecision{reason: "endpoint_not_granted", missing: missing}
	case missing != nil:
		return refDecision{reason: "missing_scopes", missing: missing}
	}
	return refDecision{reason: "allowed", redacted: refRedacted(g, ep)}
}

// refRedacted lists the fields of ep that g may not see.
func refRedacted(g *refGrant, ep refEndpoint) []string {
	var out []string
	for _, r := range ep.redact {
		for _, s := range r.unless {
			if !g.holds(s) {
				out = append(out, r.field)
				break
			}
		}
	}
	return out
}

// refIntersect is what both a and b allow: common kinds, scopes both hold,
// and endpoints both may call, restricted if either is.
func refIntersect(a, b *refGrant) *refGrant {
	if a == nil || b == nil {
		return nil
	}
	r := &refGrant{kinds: map[string]bool{}, scopes: map[string]bool{}, endpoints: map[string]bool{}}
	for k := range a.kinds {
		if a.kinds[k] && b.kinds[k] {
			r.kinds[k] = true
		}
	}
	for _, s := range refScopes {
		if a.holds(s.name) && b.holds(s.name) {
			r.scopes[s.name] = true
		}
	}
	r.restricted = a.restricted || b.restricted
	for _, ep := range refEndpoints {
		if a.mayCall(ep.method) && b.mayCall(ep.method) {
			r.endpoints[ep.method] = true
		}
	}
	return r
}

// randomRefGrant returns a random grant: sometimes none, of a random set of
// kinds (sometimes none), holding each scope at random (All rarely, so that
// most grants are denied something), and restricted to a random non-empty set
// of endpoints a third of the time.
func randomRefGrant(r *rand.Rand) *refGrant {
	if r.IntN(16) == 0 {
		return nil
	}
	g := &refGrant{kinds: map[string]bool{}, scopes: map[string]bool{}, endpoints: map[string]bool{}}
	for _, k := range refDefaultPrincipals {
		g.kinds[k] = r.IntN(3) != 0
	}
	for _, s := range refScopes {
		p := 2 // one in p
		if s.grantsAll {
			p = 10
		}
		g.scopes[s.name] = r.IntN(p) == 0
	}
	if r.IntN(3) == 0 {
		g.restricted = true
		for _, ep := range refEndpoints {
			g.endpoints[ep.method] = r.IntN(2) == 0
		}
		g.endpoints[refEndpoints[r.IntN(len(refEndpoints))].method] = true
	}
	return g
}

// makeGrant builds the Grant of g: by NewGrant from names when useNames and g
// has a kind (NewGrant refuses none), by MakeGrant from typed values otherwise.
func makeGrant(t *testing.T, g *refGrant, useNames bool) core.Grant {
	t.Helper()
	if g == nil {
		return core.Grant{}
	}
	kindOf := map[string]core.Principal{"app_key": core.AppKey, "pat": core.PersonalAccessToken}
	var kind core.Principal
	for k, ok := range g.kinds {
		if ok {
			kind |= kindOf[k]
		}
	}
	var scopes, methods []string
	for _, s := range refScopes {
		if g.scopes[s.name] {
			scopes = append(scopes, s.name)
		}
	}
	if g.restricted {
		for _, ep := range refEndpoints {
			if g.endpoints[ep.method] {
				methods = append(methods, ep.method)
			}
		}
	}
	if useNames && kind != 0 {
		return mustGrant(t, kind, scopes, methods...)
	}
	var set core.Set
	for _, name := range scopes {
		s, ok := core.ParseScope(name)
		if !ok {
			t.Fatalf("ParseScope(%q) failed", name)
		}
		set.Add(s)
	}
	var eps []core.Endpoint
	for _, m := range methods {
		e, ok := core.LookupEndpoint(m)
		if !ok {
			t.Fatalf("LookupEndpoint(%q) failed", m)
		}
		eps = append(eps, e)
	}
	return core.MakeGrant(kind, set, eps...)
}

// compareWithReference checks the decision of g on every endpoint, and on a
// method that is none, against the reference's on ref, and counts reasons.
func compareWithReference(t *testing.T, g core.Grant, ref *refGrant, seen map[string]int) {
	t.Helper()
	for i, ep := range refEndpoints {
		want := refDecide(ref, ep)
		d := g.Check(ep.method)
		var missing []string
		for s := range d.Missing().Scopes() {
			missing = append(missing, s.String())
		}
		got := refDecision{reason: d.Reason().String(), missing: missing, redacted: collect(d.Redacted())}
		if got.reason != want.reason || !slices.Equal(got.missing, want.missing) || !slices.Equal(got.redacted, want.redacted) {
			t.Fatalf("%v: Check(%s) = %+v, reference %+v", g, ep.method, got, want)
		}
		allowed := want.reason == "allowed" || want.reason == "public"
		if d.Allowed() != allowed || d.Endpoint() != core.Endpoint(i+1) {
			t.Fatalf("%v: Check(%s): Allowed, Endpoint = %v, %v", g, ep.method, d.Allowed(), d.Endpoint())
		}
		if de := g.CheckEndpoint(core.Endpoint(i + 1)); de != d {
			t.Fatalf("%v: %s: CheckEndpoint = %+v, Check = %+v", g, ep.method, de, d)
		}
		seen[want.reason]++
	}
	if d := g.Check("/files.v1.Files/PatchFile"); d.Reason() != core.ReasonUnknownEndpoint || d.Allowed() {
		t.Fatalf("%v: unknown method: %v", g, d.Reason())
	}
}

// TestReference compares Check with the reference on every endpoint for a few
// thousand random grants, and for the intersections of consecutive ones.
func TestReference(t *testing.T) {
	const n = 3000
	r := rand.New(rand.NewPCG(1, 2))
	refs := make([]*refGrant, n)
	grants := make([]core.Grant, n)
	seen := map[string]int{}
	for i := range refs {
		refs[i] = randomRefGrant(r)
		grants[i] = makeGrant(t, refs[i], i%2 == 0)
		compareWithReference(t, grants[i], refs[i], seen)
	}
	seenIntersect := map[string]int{}
	for i := range refs {
		j := (i + 1) % n
		compareWithReference(t, grants[i].Intersect(grants[j]), refIntersect(refs[i], refs[j]), seenIntersect)
	}
	// The random grants reach every reason a check gives, so that the
	// comparison says something about each.
	for _, m := range []map[string]int{seen, seenIntersect} {
		for _, reason := range []string{"allowed", "public", "no_credentials", "principal", "endpoint_not_granted", "missing_scopes"} {
			if m[reason] < 20 {
				t.Errorf("only %d decisions %s (%v)", m[reason], reason, m)
			}
		}
	}
}
