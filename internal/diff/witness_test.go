package diff_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// TestWitnessSearchIsComplete compares the witness search with one that
// tries every set of scopes, on random mutations of small specs: for every
// finding, the search finds a witness exactly when some key shows the
// change, and none larger than the smallest one (a key restricted to the
// endpoint it calls, of one kind; a key made from a preset as the preset
// gives it). A key that holds a scope granting every scope counts as larger
// than any key that does not.
func TestWitnessSearchIsComplete(t *testing.T) {
	iterations := *propertyIterations
	if testing.Short() {
		iterations = min(iterations, 40)
	}
	r := rand.New(rand.NewPCG(*propertySeed, 23))
	checked, absent, onAlts := 0, 0, 0 // onAlts: findings on endpoints with alternatives (any_of)
	for i := range iterations {
		base := randomSpec(r)
		old, err := diff.Load("old.yaml", base.yaml())
		if err != nil {
			t.Fatal(err)
		}
		mut := base.clone()
		var ops []string
		for range 1 + r.IntN(3) {
			ops = append(ops, mutate(r, mut))
		}
		new, err := diff.Load("new.yaml", mut.yaml())
		if err != nil || len(old.Model.Scopes)+len(new.Model.Scopes) > 20 {
			continue
		}
		got, all := diff.Compare(old, new), diff.CompareExhaustive(old, new)
		if len(got.Findings) != len(all.Findings) {
			t.Fatalf("iteration %d: %d findings, %d with the exhaustive search", i, len(got.Findings), len(all.Findings))
		}
		for j, f := range got.Findings {
			e := all.Findings[j]
			if !diff.RuleNamed(f.Rule).Witness {
				continue
			}
			checked++
			if e := new.Model.Endpoint(f.Element); e != nil && len(e.Alternatives) > 1 {
				onAlts++
			}
			switch {
			case f.Witness == nil && e.Witness != nil:
				t.Errorf("iteration %d (%s): %s %s has no witness, yet this key shows it: %+v\n-- old --\n%s-- new --\n%s",
					i, strings.Join(ops, ", "), f.Rule, f.Element, *e.Witness, base.yaml(), mut.yaml())
			case f.Witness != nil && e.Witness == nil:
				t.Errorf("iteration %d (%s): %s %s (%s) has a witness the exhaustive search does not find: %+v\n-- old --\n%s-- new --\n%s",
					i, strings.Join(ops, ", "), f.Rule, f.Element, f.Message, *f.Witness, base.yaml(), mut.yaml())
			case f.Witness == nil:
				absent++
			case size(old, new, f) > size(old, new, e):
				t.Errorf("iteration %d (%s): %s %s: the witness holds %v, but %v is enough: %+v\n-- old --\n%s-- new --\n%s",
					i, strings.Join(ops, ", "), f.Rule, f.Element, f.Witness.Grant.Scopes, e.Witness.Grant.Scopes, *e.Witness, base.yaml(), mut.yaml())
			}
			if t.Failed() {
				t.FailNow()
			}
		}
	}
	t.Logf("%d findings of rules that take a witness compared, %d without a witness on both sides, %d on endpoints with several alternatives", checked, absent, onAlts)
	if !testing.Short() && onAlts == 0 {
		t.Errorf("no finding on an endpoint with several alternatives was compared")
	}
}

// size orders witnesses' keys: by number of scopes, and a key holding a
// scope that grants every scope (other than the one the finding is about)
// after every key that does not.
func size(old, new *diff.Spec, f diff.Finding) int {
	n := len(f.Witness.Grant.Scopes)
	for _, s := range f.Witness.Grant.Scopes {
		if s == f.Element {
			continue
		}
		for _, m := range []*diff.Spec{old, new} {
			if sc := m.Model.Scope(s); sc != nil && sc.GrantsAll {
				return n + 1000
			}
		}
	}
	return n
}

// TestMissingRequestScopeReason checks that witnesses spell the reason of
// the request-dependent scope rule as package reference does.
func TestMissingRequestScopeReason(t *testing.T) {
	if diff.MissingRequestScope != string(reference.MissingRequestScope) {
		t.Errorf("diff.MissingRequestScope is %q, reference.MissingRequestScope %q", diff.MissingRequestScope, reference.MissingRequestScope)
	}
}

// TestOutcomeWitnesses checks which changed outcomes take a witness: a
// refusal for missing scopes or credentials does; key_invalid and
// unknown_endpoint, which no witness's call gets, do not, and the report
// does not miss one for them.
func TestOutcomeWitnesses(t *testing.T) {
	a, err := txtar.ParseFile("../../testdata/diff/outcome-changed.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var base []byte
	for _, f := range a.Files {
		if f.Name == "old.yaml" {
			base = f.Data
		}
	}
	old := load(t, "old.yaml", base)
	for role, code := range map[model.Role]string{
		model.InsufficientScopes: "11007",
		model.KeyInvalid:         "11008",
		model.KeyNotFound:        "11009",
		model.UnknownEndpoint:    "11101",
	} {
		changed := strings.Replace(string(base), "code: "+code+",", "code: 12345,", 1)
		r := diff.Compare(old, load(t, "new.yaml", []byte(changed)))
		if len(r.Findings) != 1 || r.Findings[0].Rule != "outcome-changed" || r.Findings[0].Element != string(role) {
			t.Fatalf("%s: findings %+v, want one outcome-changed", role, r.Findings)
		}
		want := role == model.InsufficientScopes || role == model.KeyNotFound
		if got := r.Findings[0].Witness != nil; got != want {
			t.Errorf("%s: witness %v, want %v", role, got, want)
		}
		if none := strings.Contains(string(render(t, r, "text")), "witness: none found"); none {
			t.Errorf("%s: the report says no witness was found:\n%s", role, render(t, r, "text"))
		}
	}
}
