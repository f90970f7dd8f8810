package diff_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the want.* files of testdata/diff with the current output")

// outputs maps a want file of an archive to the format it holds.
var outputs = map[string]string{
	"want.txt":   "text",
	"want.json":  "json",
	"want.md":    "markdown",
	"want.gha":   "github-actions",
	"want.allow": "allowances",
	"want.junit": "junit",
}

// TestGolden compares scopegen diff's output for each spec pair of
// testdata/diff (old.yaml, new.yaml, and now, config.yaml and allow.yaml
// when present) with the
// archive's want files. want.txt starts with the exit status. Run
// go test ./internal/diff -update to accept a change, then review the diff.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/diff/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives in testdata/diff: %v", err)
	}
	reported := map[string]bool{}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			for _, f := range a.Files {
				files[f.Name] = f.Data
			}
			old, new := load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"])
			r := diff.CompareWith(old, new, options(files))
			if data, ok := files["config.yaml"]; ok {
				c, err := diff.ParseConfig("config.yaml", data)
				if err != nil {
					t.Fatal(err)
				}
				r.Configure(c)
			}
			if data, ok := files["allow.yaml"]; ok {
				allow, err := diff.ParseAllowances("allow.yaml", data)
				if err != nil {
					t.Fatal(err)
				}
				r.Accept(allow)
			}
			for _, f := range r.Findings {
				reported[f.Rule] = true
				if f.Witness != nil {
					checkWitness(t, old, new, f)
				}
			}
			if _, ok := files["want.txt"]; !ok {
				t.Fatalf("%s has no want.txt", path)
			}
			changed := false
			for i, f := range a.Files {
				format, ok := outputs[f.Name]
				if !ok {
					continue
				}
				got := render(t, r, format)
				if *update {
					changed = changed || !bytes.Equal(got, f.Data)
					a.Files[i].Data = got
					continue
				}
				if !bytes.Equal(got, f.Data) {
					t.Errorf("%s differs (go test ./internal/diff -update to accept):\n%s", f.Name, textdiff.Unified(f.Name, f.Name, f.Data, got))
				}
			}
			if changed {
				if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	if t.Failed() {
		return
	}
	for _, rule := range diff.Rules {
		if !reported[rule.Name] {
			t.Errorf("no archive of testdata/diff reports rule %s; add a spec pair for it", rule.Name)
		}
	}
}

// TestOneArchivePerRule checks that every rule has an archive of
// testdata/diff named after it, which reports that rule in its category;
// for a rule that takes a witness, with a witness.
func TestOneArchivePerRule(t *testing.T) {
	for _, rule := range diff.Rules {
		path := "../../testdata/diff/" + rule.Name + ".txtar"
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Errorf("rule %s has no archive: %v; add %s with a spec pair that shows it", rule.Name, err, path)
			continue
		}
		files := map[string][]byte{}
		for _, f := range a.Files {
			files[f.Name] = f.Data
		}
		old, new := load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"])
		found := false
		for _, f := range diff.CompareWith(old, new, options(files)).Findings {
			if f.Rule != rule.Name {
				continue
			}
			found = true
			if f.Category != rule.Category {
				t.Errorf("%s: %s reported as %s, want %s", path, rule.Name, f.Category, rule.Category)
			}
			if rule.Witness && f.Witness == nil {
				t.Errorf("%s: %s on %s has no witness; the archive should show one", path, rule.Name, f.Element)
			}
			if !rule.Witness && f.Witness != nil {
				t.Errorf("%s: %s takes no witness, yet has one", path, rule.Name)
			}
		}
		if !found {
			t.Errorf("%s does not report %s", path, rule.Name)
		}
	}
}

// options are the options of an archive's comparison: Now is its file now,
// if any (the day the archive compares as of, never the clock's).
func options(files map[string][]byte) diff.Options {
	return diff.Options{Now: strings.TrimSpace(string(files["now"]))}
}

// archive reads the files of a txtar archive by name.
func archive(t *testing.T, path string) map[string][]byte {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range a.Files {
		files[f.Name] = f.Data
	}
	return files
}

func render(t *testing.T, r *diff.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if format == "text" {
		fmt.Fprintf(&b, "exit %d\n", r.ExitCode())
	}
	if err := r.Write(&b, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func load(t *testing.T, name string, data []byte) *diff.Spec {
	t.Helper()
	if data == nil {
		t.Fatalf("no %s in the archive", name)
	}
	s, err := diff.Load(name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// checkWitness decides f's witness again from its printed names, on each
// side with package reference, and fails unless the decisions differ as
// printed and in the direction of f's category.
func checkWitness(t *testing.T, old, new *diff.Spec, f diff.Finding) {
	t.Helper()
	w := f.Witness
	var oldReq, newReq string
	if w.Request != nil {
		oldReq, newReq = w.Request.OldScope, w.Request.NewScope
	}
	o := decideWitness(t, old.Model, w, w.Grant.Scopes, oldReq)
	n := decideWitness(t, new.Model, w, w.Grant.NewScopes, newReq)
	if !diff.Differs(o, n) {
		t.Errorf("%s %s: the witness decides the same on both sides: %+v", f.Rule, f.Element, w)
	}
	if !sameDecision(o, w.Old) || !sameDecision(n, w.New) {
		t.Errorf("%s %s: the witness prints old %+v new %+v, reference decides old %+v new %+v", f.Rule, f.Element, w.Old, w.New, o, n)
	}
	if w.Action == "call" && !slices.Contains(f.Affects, w.Endpoint) {
		t.Errorf("%s %s: the witness calls %s, which the finding does not list as affected (%v)", f.Rule, f.Element, w.Endpoint, f.Affects)
	}
	if w.Action == "call" && !validKey(old.Model, w) {
		t.Errorf("%s %s: the witness's key could not be made under OLD: %+v", f.Rule, f.Element, w.Grant)
	}
	checkMinimal(t, old, new, f)
	switch f.Category {
	case diff.Escalation:
		if !diff.Gained(o, n) {
			t.Errorf("%s %s: an escalation's witness does not gain: old %+v new %+v", f.Rule, f.Element, o, n)
		}
	case diff.Breaking:
		if f.Rule != "outcome-changed" && !diff.Lost(o, n) {
			t.Errorf("%s %s: a breaking finding's witness does not lose: old %+v new %+v", f.Rule, f.Element, o, n)
		}
	}
}

// checkMinimal fails when a key with one scope fewer than f's witness
// decides exactly as the witness does on both sides: the witness would not
// be the smallest. A key made from a preset is what the preset gives, and a
// witness of a change to scope X (its prerequisites, granting every scope)
// holds X, so neither is shrunk.
func checkMinimal(t *testing.T, old, new *diff.Spec, f diff.Finding) {
	t.Helper()
	w := f.Witness
	if w.Grant.Preset != "" {
		return
	}
	var oldReq, newReq string
	if w.Request != nil {
		oldReq, newReq = w.Request.OldScope, w.Request.NewScope
	}
	// on is the scope the key holds under NEW for name under OLD.
	on := func(name string) string { return diff.Counterpart(old, new, name) }
	if w.Grant.Stored != "" {
		on = func(name string) string { return stored(old.Model, new.Model, name, w.Grant.Stored) }
	}
	exempt := alternativeHeld(old, new, f)
	for i, s := range w.Grant.Scopes {
		if s == f.Element || on(s) == f.Element {
			continue // the scope the finding is about: every key that shows it holds it
		}
		if exempt[s] || exempt[on(s)] {
			continue // the alternative the finding is about: its witness holds all of it
		}
		smaller := *w
		smaller.Grant.Scopes = slices.Delete(slices.Clone(w.Grant.Scopes), i, i+1)
		smaller.Grant.NewScopes = slices.DeleteFunc(slices.Clone(w.Grant.NewScopes), func(n string) bool {
			return n == on(s)
		})
		if w.Action == "call" && !validKey(old.Model, &smaller) {
			continue // a key that cannot be made under OLD is no witness
		}
		o := decideWitness(t, old.Model, &smaller, smaller.Grant.Scopes, oldReq)
		n := decideWitness(t, new.Model, &smaller, smaller.Grant.NewScopes, newReq)
		if sameDecision(o, w.Old) && sameDecision(n, w.New) {
			t.Errorf("%s %s: the witness is not the smallest: without %s the key decides the same (old %s, new %s): %+v", f.Rule, f.Element, s, o, n, w.Grant)
		}
	}
}

// alternativeHeld lists the scopes of the alternatives the witness of f
// holds in full, when f is about an alternative of an endpoint with several
// (any_of) on a side: NEW's for an escalation, OLD's for a breaking change.
// Such a witness holds exactly what the alternative the finding is about
// needs, even when another alternative that changed too would need less.
func alternativeHeld(old, new *diff.Spec, f diff.Finding) map[string]bool {
	w := f.Witness
	if w.Action != "call" {
		return nil
	}
	switch f.Rule {
	case "endpoint-alternative-added", "endpoint-alternative-removed", "endpoint-requirement-added", "endpoint-requirement-removed":
	default:
		return nil
	}
	o, n := old.Model.Endpoint(w.Endpoint), new.Model.Endpoint(w.Endpoint)
	if o == nil || n == nil || len(o.Alternatives) <= 1 && len(n.Alternatives) <= 1 {
		return nil
	}
	m, e, scopes := new.Model, n, w.Grant.NewScopes
	if f.Category == diff.Breaking {
		m, e, scopes = old.Model, o, w.Grant.Scopes
	}
	kind, err := reference.ParseKinds(m, w.Grant.Kind)
	if err != nil {
		return nil
	}
	g, err := reference.NewGrant(m, kind, scopes, nil)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, a := range e.Alternatives {
		if a.Principals&kind != 0 && !slices.ContainsFunc(a.Requires, func(s *model.Scope) bool { return !reference.Has(m, g, s) }) {
			for _, s := range a.Requires {
				out[s.Name] = true
			}
		}
	}
	return out
}

// stored is the name of the scope NEW gives the id (by "id") or the name
// (by "name") that OLD's scope name has, or "": what a key store that keeps
// ids or names holds under NEW.
func stored(old, new *model.Model, name, by string) string {
	o := old.Scope(name)
	if o == nil {
		return ""
	}
	for _, n := range new.Scopes {
		if by == "id" && n.ID == o.ID || by == "name" && n.Name == o.Name {
			return n.Name
		}
	}
	return ""
}

func sameDecision(a, b diff.Decision) bool {
	return a.Allowed == b.Allowed && a.Code == b.Code && a.Status == b.Status && a.GRPC == b.GRPC &&
		a.Reason == b.Reason && slices.Equal(a.Missing, b.Missing) && slices.Equal(a.Redacted, b.Redacted)
}

// decideWitness decides w on m with reference, for a key holding scopes
// (names m does not define are dropped: the key holds nothing under them),
// in a request that needs scope request ("" for none).
func decideWitness(t *testing.T, m *model.Model, w *diff.Witness, scopes []string, request string) diff.Decision {
	t.Helper()
	kind := model.Principal(0)
	if w.Grant.Kind != "none" {
		k, err := reference.ParseKinds(m, w.Grant.Kind)
		if err != nil {
			t.Fatal(err)
		}
		kind = k
	}
	if w.Action == "create" {
		return create(m, kind, scopes)
	}
	return decideKey(m, kind, scopes, w.Grant.Restricted, w.Grant.Endpoints, w.Endpoint, request)
}

// validKey reports whether w's key could be made under old: it names only
// scopes old defines, holds their prerequisites, and is restricted only to
// endpoints old defines whose required scopes it holds.
func validKey(old *model.Model, w *diff.Witness) bool {
	if w.Grant.Kind == "none" {
		return true
	}
	k, err := reference.ParseKinds(old, w.Grant.Kind)
	if err != nil {
		return false
	}
	return validGrant(old, k, w.Grant.Scopes, w.Grant.Restricted, w.Grant.Endpoints)
}

// validGrant reports whether a key could be made under m.
func validGrant(m *model.Model, kind model.Principal, scopes []string, restricted bool, endpoints []string) bool {
	if kind == 0 {
		return true
	}
	for _, s := range scopes {
		if m.Scope(s) == nil {
			return false
		}
	}
	for _, e := range endpoints {
		if restricted && m.Endpoint(e) == nil {
			return false
		}
	}
	return len(reference.MissingPrerequisites(m, grantOf(m, kind, scopes, restricted, endpoints))) == 0
}

// grantOf builds a reference grant; kind 0 is no credentials.
func grantOf(m *model.Model, kind model.Principal, scopes []string, restricted bool, endpoints []string) reference.Grant {
	if kind == 0 {
		return reference.Grant{}
	}
	g := reference.Grant{Kinds: kind, Scopes: map[string]bool{}, Endpoints: map[string]bool{}, Restricted: restricted}
	for _, s := range scopes {
		if m.Scope(s) != nil {
			g.Scopes[s] = true
		}
	}
	for _, e := range endpoints {
		g.Endpoints[e] = true
	}
	return g
}

// create decides whether a key holding scopes may be made on m.
func create(m *model.Model, kind model.Principal, scopes []string) diff.Decision {
	var missing []string
	for _, miss := range reference.MissingPrerequisites(m, grantOf(m, kind, scopes, false, nil)) {
		missing = append(missing, miss...)
	}
	slices.SortFunc(missing, func(a, b string) int { return m.Scope(a).ID - m.Scope(b).ID })
	missing = slices.Compact(missing)
	if len(missing) == 0 {
		return diff.Decision{Allowed: true, Reason: diff.Valid, Missing: []string{}, Redacted: []string{}}
	}
	return diff.Decision{Reason: diff.MissingPrerequisites, Missing: missing, Redacted: []string{}}
}

// decideKey decides a call of method on m with reference; when request
// names a scope that method's handler checks, the call is a request that
// needs it.
func decideKey(m *model.Model, kind model.Principal, scopes []string, restricted bool, endpoints []string, method, request string) diff.Decision {
	g := grantOf(m, kind, scopes, restricted, endpoints)
	d := reference.Decide(m, g, method)
	if e := m.Endpoint(method); e != nil && request != "" && d.Allowed {
		for _, r := range e.RequestScopes {
			if r.Scope.Name == request && !reference.Has(m, g, r.Scope) {
				d = reference.Decision{Reason: diff.MissingRequestScope, Outcome: model.InsufficientScopes, Missing: []string{r.Scope.Name}}
			}
		}
	}
	out := diff.Decision{Allowed: d.Allowed, Reason: string(d.Reason), Missing: nonNil(d.Missing), Redacted: nonNil(d.Redacted), Status: "OK", GRPC: "OK"}
	if !d.Allowed {
		o := m.Outcome(d.Outcome)
		out.Code, out.Status, out.GRPC = o.Code, o.Status, o.GRPCName
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestDeterministic compares each pair of testdata/diff several times: the
// output must not depend on map order.
func TestDeterministic(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/diff/*.txtar")
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var old, new []byte
		for _, f := range a.Files {
			switch f.Name {
			case "old.yaml":
				old = f.Data
			case "new.yaml":
				new = f.Data
			}
		}
		var first []byte
		for i := range 3 {
			r := diff.Compare(load(t, "old.yaml", old), load(t, "new.yaml", new))
			got := render(t, r, "json")
			if i == 0 {
				first = got
			} else if !bytes.Equal(first, got) {
				t.Fatalf("%s: run %d differs:\n%s", path, i, textdiff.Unified("json", "json", first, got))
			}
		}
	}
}
