package openapiimport

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// oracle says what a description allows, read from the description itself
// (not from the spec the import wrote): the rules of OpenAPI security
// requirements for one credential of one kind.
type oracle struct {
	doc     *document
	opts    Options
	kindOf  map[string]string // scheme key → kind name
	pattern map[*operation]string
	byPat   map[string][]*operation
}

func newOracle(t *testing.T, file string, data []byte, opts Options) *oracle {
	t.Helper()
	doc, _, err := read(file, data)
	if err != nil {
		t.Fatal(err)
	}
	o := &oracle{doc: doc, opts: opts, kindOf: map[string]string{}, pattern: map[*operation]string{}, byPat: map[string][]*operation{}}
	// The README's rule: a merged scheme is its -merge-schemes kind; any
	// other is its key, converted when it cannot name a kind, with _2, _3,
	// ... when that name is taken (by a merge, or an earlier scheme in key
	// order).
	taken := map[string]bool{}
	for _, m := range opts.Merge {
		taken[m.Kind] = true
		for _, s := range m.Schemes {
			o.kindOf[s] = m.Kind
		}
	}
	for _, s := range doc.schemes {
		if _, merged := o.kindOf[s.key]; merged {
			continue
		}
		name := kindName(s.key)
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s_%d", kindName(s.key), i)
		}
		taken[name] = true
		o.kindOf[s.key] = name
	}
	for _, op := range doc.ops {
		b, err := model.ParseBinding(op.verb + " " + o.path(op))
		if err != nil {
			continue
		}
		o.pattern[op] = b.Pattern()
		o.byPat[b.Pattern()] = append(o.byPat[b.Pattern()], op)
	}
	return o
}

func (o *oracle) path(op *operation) string {
	if o.opts.ServerPath {
		return o.doc.serverPath + op.path
	}
	return op.path
}

// requirements are the operation's, or the document's.
func (o *oracle) requirements(op *operation) []requirement {
	if op.security != nil {
		return *op.security
	}
	return o.doc.security
}

func (o *oracle) public(op *operation) bool {
	rs := o.requirements(op)
	return len(rs) == 0 || slices.ContainsFunc(rs, func(r requirement) bool { return len(r.keys) == 0 })
}

// kinds are the kinds of credential requirement r names.
func (o *oracle) kinds(r requirement) []string {
	var out []string
	for _, k := range r.keys {
		if kind := o.kindOf[k]; !slices.Contains(out, kind) {
			out = append(out, kind)
		}
	}
	return out
}

func (o *oracle) scopes(r requirement) []string {
	var out []string
	for _, k := range r.keys {
		for _, s := range r.scopes[k] {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// holdable reports whether one credential can meet r: it names schemes of
// one kind only, and scopes a spec can name.
func (o *oracle) holdable(r requirement) bool {
	if len(o.kinds(r)) != 1 || len(o.scopes(r)) > model.MaxRequiredPerEndpoint {
		return false
	}
	for _, s := range o.scopes(r) {
		if !model.ValidScopeName(s) {
			return false
		}
	}
	return true
}

// allows says whether one credential of kind holding scopes may call op:
// public, or some holdable requirement of that kind is held in full.
func (o *oracle) allows(op *operation, kind string, scopes []string) bool {
	if o.public(op) {
		return true
	}
	for _, r := range o.requirements(op) {
		if o.holdable(r) && o.kinds(r)[0] == kind && subset(o.scopes(r), scopes) {
			return true
		}
	}
	return false
}

// allowsRequest is allows for every operation whose binding matches the
// same requests as op's: a shared binding allows a request only when each
// of them does.
func (o *oracle) allowsRequest(op *operation, kind string, scopes []string) bool {
	for _, x := range o.byPat[o.pattern[op]] {
		if !o.allows(x, kind, scopes) {
			return false
		}
	}
	return true
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// concrete is a request path for a template: each variable a value.
func concrete(path string) string {
	var b strings.Builder
	depth := 0
	for _, r := range path {
		switch {
		case r == '{':
			if depth == 0 {
				b.WriteString("v1")
			}
			depth++
		case r == '}':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkBehaviour imports the description and checks the spec against the
// oracle with the reference rules (internal/reference, which the generated
// checker is tested against): for every operation and every requirement, a
// grant holding exactly that requirement (of its kind) is allowed on a
// concrete path; one lacking any one scope is denied, naming a missing
// scope, unless another requirement allows it; a requirement naming several
// kinds is never met by one grant of any of them; public operations need no
// credentials; an unknown path or verb is unknown. It returns the number of
// operations and of decisions checked.
func checkBehaviour(t *testing.T, file string, data []byte, opts Options) (ops, checks int) {
	t.Helper()
	res, err := Import(file, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	o := newOracle(t, file, data, opts)
	decide := func(kind string, scopes []string, verb, path string) reference.Decision {
		checks++
		if kind == "" {
			return reference.DecideHTTP(m, reference.Grant{}, verb, path)
		}
		k := m.Kind(kind)
		if k == nil {
			t.Fatalf("kind %q is not in the spec", kind)
		}
		var known []string
		for _, s := range scopes {
			if m.Scope(s) != nil {
				known = append(known, s)
			}
		}
		g, err := reference.NewGrant(m, k.Bit, known, nil)
		if err != nil {
			t.Fatal(err)
		}
		return reference.DecideHTTP(m, g, verb, path)
	}
	for _, op := range o.doc.ops {
		ops++
		path := concrete(o.path(op))
		what := op.verb + " " + o.path(op)
		if _, ok := o.pattern[op]; !ok {
			// Left out: no binding; the request reaches no endpoint of this
			// operation, and whatever else it matches decides it.
			continue
		}
		if d := decide("", nil, "PURGE", path); d.Reason != reference.UnknownEndpoint {
			t.Errorf("%s: PURGE %s: %s, want unknown endpoint", what, path, d.Reason)
		}
		if d := decide("", nil, op.verb, "/no-such-prefix"+path); d.Reason != reference.UnknownEndpoint {
			t.Errorf("%s: %s /no-such-prefix%s: %s, want unknown endpoint", what, op.verb, path, d.Reason)
		}
		if o.public(op) {
			if d := decide("", nil, op.verb, path); d.Allowed != o.allowsRequest(op, "", nil) {
				t.Errorf("%s: without credentials: allowed %v, want %v (%s)", what, d.Allowed, !d.Allowed, d.Reason)
			}
			continue
		}
		if d := decide("", nil, op.verb, path); d.Allowed {
			t.Errorf("%s: allowed without credentials", what)
		}
		for i, r := range o.requirements(op) {
			scopes := o.scopes(r)
			for _, kind := range o.kinds(r) {
				want := o.allowsRequest(op, kind, scopes)
				if o.holdable(r) && !o.allows(op, kind, scopes) {
					t.Errorf("%s: the oracle denies requirement %d to its own grant", what, i+1)
				}
				d := decide(kind, scopes, op.verb, path)
				if d.Allowed != want {
					t.Errorf("%s: requirement %d (%s) as one %s credential: allowed %v, want %v (%s, missing %v)", what, i+1, fmt.Sprint(r.scopes), kind, d.Allowed, want, d.Reason, d.Missing)
				}
				if !o.holdable(r) {
					continue
				}
				for _, s := range scopes {
					less := slices.DeleteFunc(slices.Clone(scopes), func(x string) bool { return x == s })
					want := o.allowsRequest(op, kind, less)
					d := decide(kind, less, op.verb, path)
					switch {
					case d.Allowed != want:
						t.Errorf("%s: requirement %d without %s: allowed %v, want %v (%s, missing %v)", what, i+1, s, d.Allowed, want, d.Reason, d.Missing)
					case !want && (d.Reason != reference.MissingScopes || len(d.Missing) == 0):
						t.Errorf("%s: requirement %d without %s: %s, missing %v; want missing scopes", what, i+1, s, d.Reason, d.Missing)
					case !want && len(o.byPat[o.pattern[op]]) == 1 && o.closest(op, kind, less) == 1 && !slices.Contains(d.Missing, s) && !o.otherMissingOne(op, kind, less, r):
						t.Errorf("%s: requirement %d without %s: missing %v, want %s", what, i+1, s, d.Missing, s)
					}
				}
			}
		}
		// A kind that no requirement of the operation names is refused.
		for _, k := range m.Kinds {
			named := false
			for _, r := range o.requirements(op) {
				named = named || slices.Contains(o.kinds(r), k.Name)
			}
			if !named && !o.allowsRequest(op, k.Name, allScopes(m)) {
				if d := decide(k.Name, allScopes(m), op.verb, path); d.Allowed {
					t.Errorf("%s: a %s credential holding every scope is allowed, but no requirement names %s", what, k.Name, k.Name)
				}
			}
		}
	}
	return ops, checks
}

// closest is the fewest scopes a grant of kind holding scopes lacks for a
// holdable requirement of op.
func (o *oracle) closest(op *operation, kind string, scopes []string) int {
	best := -1
	for _, r := range o.requirements(op) {
		if !o.holdable(r) || o.kinds(r)[0] != kind {
			continue
		}
		n := 0
		for _, s := range o.scopes(r) {
			if !slices.Contains(scopes, s) {
				n++
			}
		}
		if best < 0 || n < best {
			best = n
		}
	}
	return best
}

// otherMissingOne reports whether a requirement of op other than r also
// lacks exactly one scope: Missing may then name its scope.
func (o *oracle) otherMissingOne(op *operation, kind string, scopes []string, r requirement) bool {
	for _, x := range o.requirements(op) {
		if !o.holdable(x) || o.kinds(x)[0] != kind || fmt.Sprint(x.scopes) == fmt.Sprint(r.scopes) {
			continue
		}
		n := 0
		for _, s := range o.scopes(x) {
			if !slices.Contains(scopes, s) {
				n++
			}
		}
		if n == 1 {
			return true
		}
	}
	return false
}

func allScopes(m *model.Model) []string {
	var out []string
	for _, s := range m.Scopes {
		out = append(out, s.Name)
	}
	return out
}

// TestBehaviour checks every golden description's import against the
// oracle.
func TestBehaviour(t *testing.T) {
	for _, tf := range goldens(t) {
		t.Run(tf.name, func(t *testing.T) {
			ops, checks := checkBehaviour(t, tf.file, tf.data, tf.opts)
			t.Logf("%d operations, %d decisions", ops, checks)
		})
	}
}
