// Package diff compares two versions of a scopes spec by their resolved
// models, not their text, and classifies every change:
//
//   - escalation: the same key can do more than before;
//   - breaking: existing keys or clients lose access, or stored values
//     (scope names and ids, outcome codes) change meaning;
//   - safe: new scopes and endpoints nobody holds yet, descriptions,
//     deprecations.
//
// Each escalation and each lost access comes with a witness when one exists:
// the smallest concrete key whose decision differs between the two versions,
// found and checked with package reference.
//
// Scopes are matched across versions by name first and then by id (by id
// first when the old id now carries a new name, the old name another id, and
// the spec's references follow the id: a rename whose old name is reused),
// so a
// scope whose id is unchanged but whose name changed is reported as a rename,
// not as a removal and an addition. A key holds the matched scope on both
// sides: a rename or an id change does not change what it may call, but it is
// breaking on its own, for keys and code that store the old name or id.
package diff

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// Category says what a change means for existing keys and clients.
type Category string

// The categories, from the most to the least serious for a reviewer.
const (
	Escalation Category = "escalation" // the same key can do more than before
	Breaking   Category = "breaking"   // keys or clients lose access, or stored values change meaning
	Safe       Category = "safe"       // nothing an existing key or client notices
)

// Categories lists the categories in report order.
var Categories = []Category{Escalation, Breaking, Safe}

// Spec is one side of a comparison: its resolved model, which keeps the
// position of everything a finding points at.
type Spec struct {
	Name  string // as positions show it, e.g. spec/scopes.yaml or origin/main:spec/scopes.yaml
	Model *model.Model
}

// Load parses and validates a spec. name is used in positions; problems come
// back as spec.Errors.
func Load(name string, data []byte) (*Spec, error) {
	f, err := spec.Parse(name, data)
	if err != nil {
		return nil, err
	}
	m, err := model.Build(f)
	if err != nil {
		return nil, err
	}
	return &Spec{Name: name, Model: m}, nil
}

// Empty is a spec that defines nothing, named name, with like's outcomes
// and defaults: what a spec that did not exist is compared as, so that every
// scope, endpoint and preset of like is reported as new, and an endpoint
// that anyone or any key may call as an escalation.
func Empty(name string, like *Spec) *Spec {
	m := like.Model
	return &Spec{Name: name, Model: &model.Model{Source: name, Outcomes: m.Outcomes, DefaultPrincipals: m.DefaultPrincipals, Words: 1}}
}

// Finding is one change between the two specs.
type Finding struct {
	Category Category
	Rule     string   // one of Rules, e.g. "endpoint-requirement-removed"
	Element  string   // the scope or preset name, full method, outcome role or reserved id or name
	Pos      spec.Pos // in NEW, or in OLD when the element is gone from NEW
	Old      bool     // Pos is in OLD
	Message  string   // one line, naming the element
	Affects  []string // the endpoints whose decisions the change concerns, NEW's order first
	// Elements are what one edit changes when it changes several (each
	// endpoint that takes defaults.principals, each scope that needs a
	// scope whose prerequisites changed): the finding stands for them all,
	// and Element names the edit. Empty for a finding about Element alone.
	Elements []string
	Witness  *Witness // nil when the rule takes none or no key decides differently
	// NoEffect says why no key decides differently, for a finding of an
	// escalation or breaking rule that no witness shows: it is then
	// reported as safe. "" otherwise.
	NoEffect string
	Accepted *Allowance
	// Severity says how much the finding counts: Error for an escalation
	// or breaking finding, Info for a safe one, unless a Config says
	// otherwise (Report.Configure).
	Severity Severity

	why    string   // why no key would show the change, when the rule can tell; see unwitnessed
	keep   bool     // the finding keeps its category without a witness; see unwitnessed
	group  string   // the edit the finding shares with others of its rule, named as Element names it; see group
	effect []string // what the change is, beyond rule, element and affects: see Fingerprint
	// seek searches for the finding's witness. Searches run once the
	// findings are grouped (see seekWitnesses), so that a group of
	// thousands stops at its first witness.
	seek func() *Witness
}

// pin records what the change is, for Fingerprint: the scopes, kinds,
// fields, ids or codes that a finding's rule and element do not name.
func (f *Finding) pin(effect ...string) *Finding {
	f.effect = append(f.effect, effect...)
	return f
}

// Fingerprint pins the effect of f, so that an allowance accepts this
// change and not a wider one: 16 hex digits of a hash of its rule,
// element, category, what changed (the scopes dropped from a requirement,
// the kinds of key an endpoint opens to, the codes of an outcome, ...), the
// endpoints it affects and the elements it stands for. Any change of
// these, wider or narrower, gives another fingerprint. Positions,
// messages, witnesses and descriptions are left out: moving the spec's
// lines or upgrading scopegen keeps it.
func (f *Finding) Fingerprint() string {
	h := sha256.New()
	for _, part := range [][]string{{"scopegen diff fingerprint 1", f.Rule, f.Element, string(f.Category)},
		sorted(f.effect), sorted(f.Affects), sorted(f.Elements)} {
		for _, s := range part {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// Report is the result of a comparison.
type Report struct {
	Old, New string // the specs' names
	Findings []Finding
	Stale    []Allowance // allowances that match no finding, or whose fingerprint no longer matches (Allowance.Current is set)
	Unpinned []Allowance // allowances without a fingerprint that accept a finding
	Allow    []Category  // categories accepted as a whole (scopegen diff -allow)
	// Base is the git revision OLD was read from, or "" when OLD is a file.
	// Positions in OLD then name no file of the checkout.
	Base string
	// OldSpec and NewSpec name the specs to scopegen explain -spec in the
	// commands that replay a witness (Replay): a path, or a shell
	// expression such as <(git show main:spec/scopes.yaml); "" for Old and
	// New, "-" for a side that has no spec to replay on.
	OldSpec, NewSpec string
	// FailOn is the level of -fail-on: which findings make the run fail
	// (FailOnLevels); "" is FailOnBreaking.
	FailOn string
	// Excluded counts the findings a Config left out (severity off).
	Excluded int
}

// Rule is a kind of change.
type Rule struct {
	Name     string
	Category Category
	Witness  bool   // a witness is searched for its findings (see Finding.searchesWitness)
	Summary  string // what the rule detects
}

// Rules lists every rule, by element and category. The names are stable:
// allowances and scripts refer to them.
var Rules = []Rule{
	{"scope-removed", Breaking, true, "a scope is removed: keys, configs and code that name it break"},
	{"scope-renamed", Breaking, false, "a scope keeps its id under a new name: keys and code that store the old name break"},
	{"scope-id-changed", Breaking, false, "a scope keeps its name under a new id: keys stored by id lose it"},
	{"scope-id-reused", Breaking, false, "a scope takes the id another scope had: keys stored by id would hold it"},
	{"scope-reserved-id-reused", Breaking, false, "a scope takes an id the old spec reserves (a retired scope)"},
	{"scope-reserved-name-reused", Breaking, false, "a scope takes a name the old spec reserves (a retired scope)"},
	{"scope-name-reused", Breaking, false, "a new scope takes the name a renamed or removed scope had: keys and configs that store the name would hold it"},
	{"scope-prerequisite-added", Breaking, true, "a scope needs more prerequisites: keys without them can no longer be made"},
	{"scope-grants-all-removed", Breaking, true, "a scope no longer grants every scope, or the scope that did is removed"},
	{"scope-go-name-changed", Breaking, false, "a scope's Go constant is renamed: code that uses it no longer compiles"},
	{"scope-prerequisite-removed", Escalation, true, "a scope needs fewer prerequisites: a key may hold it without them"},
	{"scope-grants-all-added", Escalation, true, "a scope now grants every scope"},
	{"scope-id-reused-gains", Escalation, true, "a scope takes the id another scope had, and keys stored by id gain access through it (reported beside scope-id-reused when some key gains)"},
	{"scope-name-reused-gains", Escalation, true, "a scope takes the name another scope had, and keys stored by name gain access through it (reported beside scope-name-reused when some key gains)"},
	{"scope-sunset", Safe, false, "a deprecated scope is removed on or after its sunset date, as announced"},
	{"scope-added", Safe, false, "a new scope"},
	{"scope-description-changed", Safe, false, "a scope's description changes"},
	{"scope-deprecation-changed", Safe, false, "a scope is deprecated or no longer deprecated, or its reason or sunset date changes"},

	{"endpoint-removed", Breaking, true, "an endpoint is removed: its clients get unknown_endpoint"},
	{"endpoint-not-public", Breaking, true, "a public endpoint now needs credentials"},
	{"endpoint-principal-removed", Breaking, true, "an endpoint no longer accepts a kind of key"},
	{"endpoint-requirement-added", Breaking, true, "an endpoint requires more op scopes (in one of its alternatives, for an endpoint with any_of)"},
	{"endpoint-alternative-removed", Breaking, true, "an endpoint no longer accepts one of its alternatives (any_of), or an alternative's kinds of key change"},
	{"endpoint-redaction-added", Breaking, true, "an endpoint redacts a new response field"},
	{"endpoint-redaction-unless-added", Breaking, true, "revealing a redacted field needs more scopes"},
	{"endpoint-request-scope-added", Breaking, true, "the handler checks a new scope for some requests"},
	{"endpoint-go-name-changed", Breaking, false, "an endpoint's Go constant is renamed: code that uses it no longer compiles"},
	{"endpoint-binding-removed", Breaking, false, "an HTTP binding of an endpoint is removed: its requests get unknown_endpoint, or another endpoint's binding decides them"},
	{"endpoint-public", Escalation, true, "an endpoint becomes public: callable without credentials"},
	{"endpoint-principal-added", Escalation, true, "an endpoint opens to another kind of key"},
	{"endpoint-requirement-removed", Escalation, true, "an endpoint requires fewer op scopes (in one of its alternatives, for an endpoint with any_of)"},
	{"endpoint-alternative-added", Escalation, true, "an endpoint accepts a new alternative (any_of): a key holding what it needs may call it"},
	{"endpoint-redaction-removed", Escalation, true, "an endpoint no longer redacts a response field"},
	{"endpoint-redaction-unless-removed", Escalation, true, "revealing a redacted field needs fewer scopes"},
	{"endpoint-request-scope-removed", Escalation, true, "the handler no longer checks a scope for some requests"},
	{"endpoint-binding-overlaps", Escalation, false, "a new HTTP binding matches requests that another endpoint's binding matched: another endpoint's rules may decide them"},
	{"endpoint-sunset", Safe, false, "a deprecated endpoint is removed on or after its sunset date, as announced"},
	{"endpoint-added-open", Escalation, true, "a new endpoint is public or requires no op scope: anyone, or every key it accepts, may call it"},
	{"endpoint-added", Safe, false, "a new endpoint behind op scopes"},
	{"endpoint-binding-added", Safe, false, "an endpoint is reached by a new HTTP binding, needing what the endpoint requires"},
	{"endpoint-description-changed", Safe, false, "an endpoint's description changes"},
	{"endpoint-deprecation-changed", Safe, false, "an endpoint is deprecated or no longer deprecated, or its reason or sunset date changes"},
	{"endpoint-request-scope-when-changed", Safe, false, "the requests a request-dependent scope is checked for are described differently"},

	{"preset-removed", Breaking, false, "a preset is removed: portals and code that offer it break"},
	{"preset-scope-removed", Breaking, true, "keys made from a preset get fewer scopes"},
	{"preset-scope-added", Escalation, true, "keys made from a preset get more scopes"},
	{"preset-added", Safe, false, "a new preset"},
	{"preset-description-changed", Safe, false, "a preset's description changes"},

	{"outcome-changed", Breaking, true, "a denial's code, status or gRPC code changes: clients that check it break"},
	{"outcome-message-changed", Safe, false, "a denial's message changes"},

	{"reserved-id-removed", Breaking, false, "a retired id is no longer reserved, so a scope may take it again"},
	{"reserved-name-removed", Breaking, false, "a retired name is no longer reserved, so a scope may take it again"},
	{"reserved-id-added", Safe, false, "an id is retired"},
	{"reserved-name-added", Safe, false, "a name is retired"},
}

// searchesWitness reports whether a witness is searched for f: its rule
// takes witnesses, except for a change of an outcome that no witness can
// get (key_invalid: a witness's key is valid; unknown_endpoint: a witness
// calls an endpoint both sides define).
func (f *Finding) searchesWitness() bool {
	if f.Rule == "outcome-changed" && (f.Element == string(model.KeyInvalid) || f.Element == string(model.UnknownEndpoint)) {
		return false
	}
	r := RuleNamed(f.Rule)
	return r != nil && r.Witness
}

// RuleNamed returns the rule called name, or nil.
func RuleNamed(name string) *Rule {
	for i := range Rules {
		if Rules[i].Name == name {
			return &Rules[i]
		}
	}
	return nil
}

// RuleNames returns the names of every rule.
func RuleNames() []string {
	out := make([]string, len(Rules))
	for i, r := range Rules {
		out[i] = r.Name
	}
	return out
}

// Compare reports every change from old to new, sorted by category, then
// position, rule and element. No sunset date has passed: removing a
// deprecated scope or endpoint is breaking (see CompareWith).
func Compare(old, new *Spec) *Report {
	return CompareWith(old, new, Options{})
}

// Options are the settings of a comparison.
type Options struct {
	// Now is the day of the comparison, YYYY-MM-DD: a deprecated scope or
	// endpoint removed on or after its sunset date is expected (safe), and
	// before it, breaking. "" is before every sunset. scopegen diff takes
	// it from -now, never from the clock in tests.
	Now string
}

// CompareWith is Compare with options.
func CompareWith(old, new *Spec, o Options) *Report {
	c := newComparer(old, new)
	c.now = o.Now
	return compare(c)
}

func compare(c *comparer) *Report {
	c.scopes()
	c.grantsAll()
	c.prerequisites()
	c.endpoints()
	c.presets()
	c.outcomes()
	c.reserved()
	c.group()
	c.seekWitnesses()
	c.unwitnessed()
	sortFindings(c.findings)
	for i := range c.findings {
		c.findings[i].Severity = defaultSeverity(c.findings[i].Category)
	}
	return &Report{Old: c.old.Name, New: c.new.Name, Findings: c.findings}
}

// NoGain ends the message of an escalation whose witness search finds no
// key: the finding is then reported as safe. When the rule can tell why,
// the reason follows after a colon, inside the parentheses.
const NoGain = " (no key that can be made under the old spec gains from this, so it is not an escalation)"

// NoLoss ends the message of a breaking finding whose witness search finds
// no key, as NoGain does for an escalation.
const NoLoss = " (no key that can be made under the old spec loses from this, so it is not breaking)"

// unwitnessed reports as safe each escalation and each breaking finding
// that no key shows: a change (such as a dropped requirement that another
// requirement still implies, or a redaction every caller already holds the
// scopes to see) that lets no existing key do more or less. The witness
// search tries every key that matters (see candidates), so no witness means
// no key gains or loses; the message and NoEffect say why.
//
// Some findings keep their category without a witness (Finding.keep),
// because a key's calls are not all they change:
//   - a removed scope or endpoint breaks the configs and code that name it;
//   - a scope that keys hold and that now grants every scope also lets keys
//     holding it be made without the prerequisites of their other scopes,
//     and one that no longer does refuses such keys.
func (c *comparer) unwitnessed() {
	for i := range c.findings {
		f := &c.findings[i]
		if f.Category == Safe || f.Witness != nil || !f.searchesWitness() || f.keep {
			continue
		}
		note := NoGain
		f.NoEffect = "no key that can be made under the old spec gains from this"
		if f.Category == Breaking {
			note = NoLoss
			f.NoEffect = "no key that can be made under the old spec loses from this"
		}
		if f.why != "" {
			f.NoEffect += ": " + f.why
			note = strings.TrimSuffix(note, ")") + ": " + f.why + ")"
		}
		f.Category = Safe
		f.Message += note
	}
}

// group turns the findings of one rule that share an edit (Finding.group)
// into one finding that lists what the edit changes: a change of
// defaults.principals is one finding, not one per endpoint that takes the
// defaults, and one allowance accepts it. The group keeps a member's
// witness, which replays as it did.
func (c *comparer) group() {
	var out []Finding
	at := map[[2]string]int{}      // rule and group → place in out
	members := map[int][]Finding{} // place in out → the findings it groups
	for _, f := range c.findings {
		if f.group == "" {
			out = append(out, f)
			continue
		}
		k := [2]string{f.Rule, f.group}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, f)
		}
		members[i] = append(members[i], f)
	}
	for i, ms := range members {
		if len(ms) > 1 {
			out[i] = c.merge(ms)
		}
	}
	c.findings = out
}

// merge is the finding that stands for ms, findings of one rule that share
// an edit: the one about the edit itself leads, if any (a scope whose
// prerequisites changed, ahead of the scopes that need it).
func (c *comparer) merge(ms []Finding) Finding {
	lead := ms[0]
	for _, f := range ms {
		if f.Element == f.group {
			lead = f
			break
		}
	}
	g := lead
	g.Element, g.Elements, g.Affects = lead.group, nil, nil
	var others []string
	g.effect = nil
	seeks := []func() *Witness{lead.seek} // the lead's witness first
	for _, f := range ms {
		g.Elements = append(g.Elements, f.Element)
		g.effect = append(g.effect, f.effect...)
		g.Affects = append(g.Affects, f.Affects...)
		if f.Element != lead.Element {
			others = append(others, f.Element)
			seeks = append(seeks, f.seek)
		}
	}
	g.seek = func() *Witness {
		for _, seek := range seeks {
			if seek == nil {
				continue
			}
			if w := seek(); w != nil {
				return w
			}
		}
		return nil
	}
	g.Affects = c.inOrder(g.Affects)
	if g.Element == DefaultPrincipals {
		kinds := func(p model.Principal) string { return list(c.nm.KindNames(p)) }
		added, removed := c.nm.DefaultPrincipals&^c.om.DefaultPrincipals, c.om.DefaultPrincipals&^c.nm.DefaultPrincipals
		switch g.Rule {
		case "endpoint-principal-added":
			g.Message = fmt.Sprintf("defaults.principals now include %s: the %d endpoints that take the defaults now accept %s keys too", kinds(added), len(ms), kinds(added))
		case "endpoint-principal-removed":
			g.Message = fmt.Sprintf("defaults.principals no longer include %s: the %d endpoints that take the defaults no longer accept %s keys", kinds(removed), len(ms), kinds(removed))
		}
		return g
	}
	g.Message += fmt.Sprintf("; the same holds for the %d scopes that need %s: %s", len(others), g.Element, list(others))
	return g
}

// seekWitnesses searches for the witness of each finding that takes one.
func (c *comparer) seekWitnesses() {
	for i := range c.findings {
		if f := &c.findings[i]; f.Witness == nil && f.seek != nil {
			f.Witness = f.seek()
		}
	}
}

// DefaultPrincipals is the element of a finding that a change of
// defaults.principals makes, for every endpoint that takes them.
const DefaultPrincipals = "defaults.principals"

// inOrder sorts methods as Finding.Affects lists them, NEW's endpoints in
// its order, then those only OLD has in OLD's, and drops repeats.
func (c *comparer) inOrder(methods []string) []string {
	rank := func(m string) int {
		if e := c.nm.Endpoint(m); e != nil {
			return e.Index
		}
		if e := c.om.Endpoint(m); e != nil {
			return len(c.nm.Endpoints) + e.Index
		}
		return 1 << 30
	}
	out := slices.Clone(methods)
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return slices.Compact(out)
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if d := slices.Index(Categories, a.Category) - slices.Index(Categories, b.Category); d != 0 {
			return d
		}
		if a.Pos != b.Pos {
			if a.Pos.Less(b.Pos) {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.Rule, b.Rule), strings.Compare(a.Element, b.Element))
	})
}

// lscope is a scope as both sides see it: matched, or only on one side.
type lscope struct{ old, new *model.Scope }

// name is how reports name the scope: as OLD does, or NEW for a new scope.
func (l lscope) name() string {
	if l.old != nil {
		return l.old.Name
	}
	return l.new.Name
}

// comparer holds the two sides and the scope matching between them.
type comparer struct {
	old, new *Spec
	om, nm   *model.Model
	univ     []lscope             // every scope of either side: OLD's by id, then NEW-only ones by id
	oldIdx   map[*model.Scope]int // OLD scope → its place in univ
	newIdx   map[*model.Scope]int // NEW scope → its place in univ
	oldByID  map[int]*model.Scope // OLD scope by id
	newByID  map[int]*model.Scope // NEW scope by id
	findings []Finding
	now      string     // Options.Now
	refs     [2][][]int // for each place of univ, the endpoints that refer to its scope: OLD's, NEW's (see uses)
	// kinds are the kinds of key tried, smallest first: no credentials,
	// then each kind of credential either side declares.
	kinds []model.Principal
	// exhaustive makes witness searches try every set of scopes, smallest
	// first, instead of the candidates worth trying: tests compare the two.
	exhaustive bool
}

// sameKinds renumbers the kinds of credential of old and new alike, NEW's
// in its order and then those only OLD declares, so that their principals
// compare bit for bit. Beyond model.MaxKinds kinds between them, the models
// are compared as they are.
func sameKinds(old, new *model.Model) (*model.Model, *model.Model) {
	names := new.KindNames(new.AllKinds())
	for _, k := range old.Kinds {
		if !slices.Contains(names, k.Name) {
			names = append(names, k.Name)
		}
	}
	if slices.Equal(names, old.KindNames(old.AllKinds())) && slices.Equal(names, new.KindNames(new.AllKinds())) || len(names) > model.MaxKinds {
		return old, new
	}
	return old.Rekind(names), new.Rekind(names)
}

// newComparer matches scopes: by name, then by id for a scope whose name is
// gone (a rename). Everything left over is removed or added.
func newComparer(old, new *Spec) *comparer {
	om, nm := sameKinds(old.Model, new.Model)
	c := &comparer{old: old, new: new, om: om, nm: nm, kinds: []model.Principal{0},
		oldIdx: map[*model.Scope]int{}, newIdx: map[*model.Scope]int{},
		oldByID: map[int]*model.Scope{}, newByID: map[int]*model.Scope{}}
	for _, k := range nm.Kinds {
		c.kinds = append(c.kinds, k.Bit)
	}
	toNew := map[*model.Scope]*model.Scope{}
	taken := map[*model.Scope]bool{}
	for _, o := range c.om.Scopes {
		c.oldByID[o.ID] = o
	}
	for _, n := range c.nm.Scopes {
		c.newByID[n.ID] = n
	}
	newByID := c.newByID
	// A scope whose id now belongs to a scope of a new name, while a scope
	// of another id takes its name, is either renamed (its old name reused)
	// or renumbered (its old id reused). The spec's references tell: the
	// scope that the endpoints, presets and scopes referring to OLD's now
	// refer to is its counterpart; by name when that does not decide.
	for _, o := range c.om.Scopes {
		n, byID := c.nm.Scope(o.Name), newByID[o.ID]
		if n == nil || n.ID == o.ID || byID == nil || c.om.Scope(byID.Name) != nil {
			continue
		}
		was := refs(c.om, o)
		if len(inter(was, refs(c.nm, byID))) > len(inter(was, refs(c.nm, n))) {
			toNew[o], taken[byID] = byID, true
		}
	}
	for _, o := range c.om.Scopes {
		if n := c.nm.Scope(o.Name); toNew[o] == nil && n != nil && !taken[n] {
			toNew[o], taken[n] = n, true
		}
	}
	for _, o := range c.om.Scopes {
		if n := newByID[o.ID]; toNew[o] == nil && n != nil && !taken[n] {
			toNew[o], taken[n] = n, true
		}
	}
	for _, o := range c.om.Scopes {
		c.add(lscope{o, toNew[o]})
	}
	for _, n := range c.nm.Scopes {
		if !taken[n] {
			c.add(lscope{nil, n})
		}
	}
	return c
}

// refs lists what refers to s in m, as sorted hashes of strings naming the
// referrer (an endpoint's requirement, request scope or redaction, a preset,
// a scope's prerequisite), comparable across the two sides.
func refs(m *model.Model, s *model.Scope) []int {
	var names []string
	for _, u := range reference.Uses(m, s) {
		switch u.Kind {
		case reference.UseRequired:
			names = append(names, "requires "+u.Endpoint.Name)
		case reference.UseAlternative:
			names = append(names, "alternative "+u.Endpoint.Name)
		case reference.UseRequest:
			names = append(names, "request "+u.Endpoint.Name)
		case reference.UseRedaction:
			names = append(names, "unless "+u.Endpoint.Name+" "+u.Field)
		}
	}
	for _, p := range m.Presets {
		if slices.Contains(p.Scopes, s) {
			names = append(names, "preset "+p.Name)
		}
	}
	for _, d := range m.Scopes {
		if slices.Contains(d.Requires, s) {
			names = append(names, "scope "+strconv.Itoa(d.ID))
		}
	}
	out := make([]int, len(names))
	for i, n := range names {
		h := fnv.New32a()
		h.Write([]byte(n))
		out[i] = int(h.Sum32())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (c *comparer) add(l lscope) {
	i := len(c.univ)
	c.univ = append(c.univ, l)
	if l.old != nil {
		c.oldIdx[l.old] = i
	}
	if l.new != nil {
		c.newIdx[l.new] = i
	}
}

// set turns scopes of one side into a sorted set of places in univ.
func (c *comparer) set(scopes []*model.Scope, old bool) []int {
	idx := c.newIdx
	if old {
		idx = c.oldIdx
	}
	out := make([]int, 0, len(scopes))
	for _, s := range scopes {
		out = append(out, idx[s])
	}
	slices.Sort(out)
	return out
}

// names lists the names of a set of places in univ: as OLD names them,
// or NEW for new scopes.
func (c *comparer) names(set []int) []string {
	out := make([]string, len(set))
	for i, x := range set {
		out[i] = c.univ[x].name()
	}
	return out
}

// newNames lists a set as NEW names it, by NEW's ids: new names for renamed
// scopes, and without the scopes NEW lacks.
func (c *comparer) newNames(set []int) []string {
	var scopes []*model.Scope
	for _, x := range set {
		if n := c.univ[x].new; n != nil {
			scopes = append(scopes, n)
		}
	}
	slices.SortFunc(scopes, func(a, b *model.Scope) int { return a.ID - b.ID })
	return model.Names(scopes)
}

// finding records a change. The rule's category applies.
func (c *comparer) finding(rule, element string, pos spec.Pos, old bool, affects []string, msg string) *Finding {
	r := RuleNamed(rule)
	if r == nil {
		panic("diff: unknown rule " + rule)
	}
	c.findings = append(c.findings, Finding{Category: r.Category, Rule: rule, Element: element,
		Pos: pos, Old: old, Message: msg, Affects: nonNil(affects)})
	return &c.findings[len(c.findings)-1]
}

// common lists the endpoints both sides define, in NEW's order.
func (c *comparer) common() []string {
	var out []string
	for _, e := range c.nm.Endpoints {
		if c.om.Endpoint(e.Name) != nil {
			out = append(out, e.Name)
		}
	}
	return out
}

// uses lists the endpoints that refer to a scope of set on either side
// (requires, request scopes, redactions): NEW's in its order, then those
// only OLD has. A scope that grants every scope, on a side, refers to every
// endpoint of that side whose decision depends on the scopes a key holds.
func (c *comparer) uses(set []int) []string {
	if c.refs[0] == nil {
		c.refs = [2][][]int{c.index(c.om, c.oldIdx), c.index(c.nm, c.newIdx)}
	}
	var out []string
	seen := map[string]bool{}
	for _, side := range []struct {
		m   *model.Model
		old bool
		ref [][]int
	}{{c.nm, false, c.refs[1]}, {c.om, true, c.refs[0]}} {
		var at []int // places of side.m.Endpoints
		for _, x := range set {
			s := c.scopeOn(x, side.old)
			switch {
			case s == nil:
			case s == side.m.AllScope:
				for i, e := range side.m.Endpoints {
					if !e.Public || len(e.Redactions) > 0 {
						at = append(at, i)
					}
				}
				fallthrough
			default:
				at = append(at, side.ref[x]...)
			}
		}
		slices.Sort(at)
		for _, i := range slices.Compact(at) {
			if m := side.m.Endpoints[i].Name; !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// index lists, for each place of univ, the endpoints of m (their places in
// m.Endpoints, in order) that refer to the scope m has there, as
// reference.UsesAt finds them.
func (c *comparer) index(m *model.Model, idx map[*model.Scope]int) [][]int {
	out := make([][]int, len(c.univ))
	add := func(s *model.Scope, i int) {
		x := idx[s]
		if n := len(out[x]); n == 0 || out[x][n-1] != i {
			out[x] = append(out[x], i)
		}
	}
	for i, e := range m.Endpoints {
		for _, s := range e.Requires {
			add(s, i)
		}
		for _, a := range e.Alternatives {
			for _, s := range a.Requires {
				add(s, i)
			}
		}
		for _, r := range e.RequestScopes {
			add(r.Scope, i)
		}
		for _, r := range e.Redactions {
			for _, s := range r.Unless {
				add(s, i)
			}
		}
	}
	return out
}

// Set operations on sorted sets of places in univ.

func minus(a, b []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func union(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func inter(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
