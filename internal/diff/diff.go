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

// Spec is one side of a comparison: its resolved model and its parsed file,
// which keeps the positions of list entries that the model does not.
type Spec struct {
	Name  string // as positions show it, e.g. spec/scopes.yaml or origin/main:spec/scopes.yaml
	Model *model.Model
	File  *spec.File
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
	return &Spec{Name: name, Model: m, File: f}, nil
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
	Witness  *Witness // nil when the rule takes none or no key decides differently
	Accepted *Allowance
}

// Report is the result of a comparison.
type Report struct {
	Old, New string // the specs' names
	Findings []Finding
	Stale    []Allowance // allowances that match no finding
	Allow    []Category  // categories accepted as a whole (scopegen diff -allow)
	// Base is the git revision OLD was read from, or "" when OLD is a file.
	// Positions in OLD then name no file of the checkout.
	Base string
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
	{"scope-added", Safe, false, "a new scope"},
	{"scope-description-changed", Safe, false, "a scope's description changes"},
	{"scope-deprecation-changed", Safe, false, "a scope is deprecated or no longer deprecated, or the reason changes"},

	{"endpoint-removed", Breaking, true, "an endpoint is removed: its clients get unknown_endpoint"},
	{"endpoint-not-public", Breaking, true, "a public endpoint now needs credentials"},
	{"endpoint-principal-removed", Breaking, true, "an endpoint no longer accepts a kind of key"},
	{"endpoint-requirement-added", Breaking, true, "an endpoint requires more op scopes"},
	{"endpoint-redaction-added", Breaking, true, "an endpoint redacts a new response field"},
	{"endpoint-redaction-unless-added", Breaking, true, "revealing a redacted field needs more scopes"},
	{"endpoint-request-scope-added", Breaking, true, "the handler checks a new scope for some requests"},
	{"endpoint-go-name-changed", Breaking, false, "an endpoint's Go constant is renamed: code that uses it no longer compiles"},
	{"endpoint-public", Escalation, true, "an endpoint becomes public: callable without credentials"},
	{"endpoint-principal-added", Escalation, true, "an endpoint opens to another kind of key"},
	{"endpoint-requirement-removed", Escalation, true, "an endpoint requires fewer op scopes"},
	{"endpoint-redaction-removed", Escalation, true, "an endpoint no longer redacts a response field"},
	{"endpoint-redaction-unless-removed", Escalation, true, "revealing a redacted field needs fewer scopes"},
	{"endpoint-request-scope-removed", Escalation, true, "the handler no longer checks a scope for some requests"},
	{"endpoint-added", Safe, false, "a new endpoint"},
	{"endpoint-description-changed", Safe, false, "an endpoint's description changes"},
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
// position, rule and element.
func Compare(old, new *Spec) *Report {
	return compare(newComparer(old, new))
}

func compare(c *comparer) *Report {
	c.scopes()
	c.grantsAll()
	c.prerequisites()
	c.endpoints()
	c.presets()
	c.outcomes()
	c.reserved()
	c.unwitnessed()
	sortFindings(c.findings)
	return &Report{Old: c.old.Name, New: c.new.Name, Findings: c.findings}
}

// NoGain ends the message of an escalation whose witness search finds no
// key: the finding is then reported as safe.
const NoGain = " (no key that can be made under the old spec gains from this, so it is not an escalation)"

// unwitnessed reports as safe each escalation that no key shows: a change
// (such as a dropped requirement that another requirement still implies, or
// one only an invalid key would notice) that lets no existing key do more.
// The witness search tries every key that matters (see candidates), so no
// witness means no key gains.
func (c *comparer) unwitnessed() {
	for i := range c.findings {
		f := &c.findings[i]
		// A scope that now grants every scope also lets keys holding it be
		// made without the prerequisites of their other scopes: it stays an
		// escalation.
		if f.Category == Escalation && f.Witness == nil && f.searchesWitness() && f.Rule != "scope-grants-all-added" {
			f.Category = Safe
			f.Message += NoGain
		}
	}
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
	oi, ni   *index
	univ     []lscope             // every scope of either side: OLD's by id, then NEW-only ones by id
	oldIdx   map[*model.Scope]int // OLD scope → its place in univ
	newIdx   map[*model.Scope]int // NEW scope → its place in univ
	findings []Finding
	// exhaustive makes witness searches try every set of scopes, smallest
	// first, instead of the candidates worth trying: tests compare the two.
	exhaustive bool
}

// newComparer matches scopes: by name, then by id for a scope whose name is
// gone (a rename). Everything left over is removed or added.
func newComparer(old, new *Spec) *comparer {
	c := &comparer{old: old, new: new, om: old.Model, nm: new.Model,
		oi: newIndex(old.File), ni: newIndex(new.File),
		oldIdx: map[*model.Scope]int{}, newIdx: map[*model.Scope]int{}}
	toNew := map[*model.Scope]*model.Scope{}
	taken := map[*model.Scope]bool{}
	newByID := map[int]*model.Scope{}
	for _, n := range c.nm.Scopes {
		newByID[n.ID] = n
	}
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
			names = append(names, "requires "+u.Endpoint.Method)
		case reference.UseRequest:
			names = append(names, "request "+u.Endpoint.Method)
		case reference.UseRedaction:
			names = append(names, "unless "+u.Endpoint.Method+" "+u.Field)
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
		if c.om.Endpoint(e.Method) != nil {
			out = append(out, e.Method)
		}
	}
	return out
}

// uses lists the endpoints that refer to a scope of set on either side
// (requires, request scopes, redactions): NEW's in its order, then those
// only OLD has. A scope that grants every scope, on a side, refers to every
// endpoint of that side whose decision depends on the scopes a key holds.
func (c *comparer) uses(set []int) []string {
	var out []string
	refers := func(e *model.Endpoint, m *model.Model, old bool) bool {
		for _, x := range set {
			s := c.scopeOn(x, old)
			if s == nil {
				continue
			}
			if s == m.AllScope && (!e.Public || len(e.Redactions) > 0) || len(reference.UsesAt(e, s)) > 0 {
				return true
			}
		}
		return false
	}
	for _, e := range c.nm.Endpoints {
		if refers(e, c.nm, false) {
			out = append(out, e.Method)
		}
	}
	for _, e := range c.om.Endpoints {
		if refers(e, c.om, true) && !slices.Contains(out, e.Method) {
			out = append(out, e.Method)
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

// index finds the positions of list entries in a parsed spec.
type index struct {
	f         *spec.File
	scopes    map[string]*spec.Scope
	endpoints map[string]*spec.Endpoint
	presets   map[string]*spec.Preset
	resIDs    map[int]spec.Pos
	resNames  map[string]spec.Pos
}

func newIndex(f *spec.File) *index {
	x := &index{f: f, scopes: map[string]*spec.Scope{}, endpoints: map[string]*spec.Endpoint{},
		presets: map[string]*spec.Preset{}, resIDs: map[int]spec.Pos{}, resNames: map[string]spec.Pos{}}
	for i := range f.Scopes {
		x.scopes[f.Scopes[i].Name.Value] = &f.Scopes[i]
	}
	for i := range f.Endpoints {
		x.endpoints[f.Endpoints[i].Method.Value] = &f.Endpoints[i]
	}
	for i := range f.Presets {
		x.presets[f.Presets[i].Name.Value] = &f.Presets[i]
	}
	for _, id := range f.Reserved.IDs {
		x.resIDs[int(id.Value)] = id.Pos
	}
	for _, n := range f.Reserved.Names {
		x.resNames[n.Value] = n.Pos
	}
	return x
}

// strPos returns the position of value in list, or fallback.
func strPos(list []spec.Str, value string, fallback spec.Pos) spec.Pos {
	for _, s := range list {
		if s.Value == value {
			return s.Pos
		}
	}
	return fallback
}

// idPos is where scope s's id is written, or its name.
func (x *index) idPos(s *model.Scope) spec.Pos {
	if ss := x.scopes[s.Name]; ss != nil && ss.ID.Pos.Line > 0 {
		return ss.ID.Pos
	}
	return s.Pos
}

// requirePos is where endpoint method's requires list names scope, or the method.
func (x *index) requirePos(e *model.Endpoint, scope string) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		return strPos(se.Requires, scope, e.Pos)
	}
	return e.Pos
}

// redactPos is where endpoint e redacts field, or the method.
func (x *index) redactPos(e *model.Endpoint, field string) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		for _, r := range se.Redact {
			if r.Field.Value == field {
				return r.Field.Pos
			}
		}
	}
	return e.Pos
}

// requestPos is where endpoint e lists request scope scope, or the method.
func (x *index) requestPos(e *model.Endpoint, scope string) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		for _, r := range se.RequestScopes {
			if r.Scope.Value == scope {
				return r.Scope.Pos
			}
		}
	}
	return e.Pos
}

// principalPos is where endpoint e lists principal, or, when it takes
// defaults.principals and those changed (old lists OLD's), where the defaults
// list it; or the method.
func (x *index) principalPos(e *model.Endpoint, principal string, old *index) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil && se.HasPrincipals {
		return strPos(se.Principals, principal, e.Pos)
	}
	if x.defaultsChanged(old) {
		return strPos(x.f.Principals, principal, firstPos(x.f.Principals, e.Pos))
	}
	return e.Pos
}

// principalsPos is where endpoint e's principals list starts, or, when it
// takes defaults.principals and those changed, where the defaults list
// starts; or the method.
func (x *index) principalsPos(e *model.Endpoint, old *index) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil && se.HasPrincipals {
		return firstPos(se.Principals, e.Pos)
	}
	if x.defaultsChanged(old) {
		return firstPos(x.f.Principals, e.Pos)
	}
	return e.Pos
}

// defaultsChanged reports whether defaults.principals differ from old's.
func (x *index) defaultsChanged(old *index) bool {
	a, b := x.f.Principals, old.f.Principals
	if len(a) != len(b) {
		return true
	}
	for i := range a {
		if a[i].Value != b[i].Value {
			return true
		}
	}
	return false
}

// publicPos is where endpoint e says public, or the method.
func (x *index) publicPos(e *model.Endpoint) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil && se.Public.Pos.Line > 0 {
		return se.Public.Pos
	}
	return e.Pos
}

// presetScopePos is where preset p lists scope, or its first scope when
// scope is "" (the line that changed when a scope is dropped from it), or
// the preset's name.
func (x *index) presetScopePos(p *model.Preset, scope string) spec.Pos {
	if sp := x.presets[p.Name]; sp != nil {
		if scope == "" {
			return firstPos(sp.Scopes, p.Pos)
		}
		return strPos(sp.Scopes, scope, p.Pos)
	}
	return p.Pos
}

// prerequisitesPos is where scope s lists the first of names that it lists
// (a prerequisite may also come through another scope), or its first
// prerequisite when names is empty, or its name.
func (x *index) prerequisitesPos(s *model.Scope, names ...string) spec.Pos {
	ss := x.scopes[s.Name]
	if ss == nil {
		return s.Pos
	}
	for _, name := range names {
		if p := strPos(ss.Requires, name, spec.Pos{}); p.Line > 0 {
			return p
		}
	}
	if len(names) > 0 {
		return s.Pos
	}
	return firstPos(ss.Requires, s.Pos)
}

// listPos is where endpoint e's list (as list picks it) starts: the line
// that changed when an entry was dropped from it; or the method when the
// list is empty.
func (x *index) listPos(e *model.Endpoint, list func(*spec.Endpoint) []spec.Str) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		return firstPos(list(se), e.Pos)
	}
	return e.Pos
}

// redactFields lists the fields an endpoint redacts.
func redactFields(e *spec.Endpoint) []spec.Str {
	var out []spec.Str
	for _, r := range e.Redact {
		out = append(out, r.Field)
	}
	return out
}

// requestScopes lists the scopes an endpoint's handler checks for some requests.
func requestScopes(e *spec.Endpoint) []spec.Str {
	var out []spec.Str
	for _, r := range e.RequestScopes {
		out = append(out, r.Scope)
	}
	return out
}

// outcomePos is where NEW's outcome n writes the first value that differs
// from OLD's o: code, status, grpc or message; or the role.
func (x *index) outcomePos(n, o *model.Outcome) spec.Pos {
	for _, so := range x.f.Outcomes {
		if so.Role.Value != string(n.Role) {
			continue
		}
		for _, v := range []struct {
			differs bool
			pos     spec.Pos
		}{
			{n.Code != o.Code, so.Code.Pos},
			{n.Status != o.Status, so.Status.Pos},
			{n.GRPCCode != o.GRPCCode, so.GRPC.Pos},
			{n.Message != o.Message, so.Message.Pos},
		} {
			if v.differs && v.pos.Line > 0 {
				return v.pos
			}
		}
	}
	return n.Pos
}

// scopeField is where NEW's scope s writes the key field picks, or its name
// when the key is not written (it was removed).
func (x *index) scopeField(s *model.Scope, field func(*spec.Scope) spec.Pos) spec.Pos {
	if ss := x.scopes[s.Name]; ss != nil {
		if p := field(ss); p.Line > 0 {
			return p
		}
	}
	return s.Pos
}

// endpointField is where NEW's endpoint e writes the key field picks, or its
// method when the key is not written.
func (x *index) endpointField(e *model.Endpoint, field func(*spec.Endpoint) spec.Pos) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		if p := field(se); p.Line > 0 {
			return p
		}
	}
	return e.Pos
}

// presetDescriptionPos is where preset p's description is written, or its name.
func (x *index) presetDescriptionPos(p *model.Preset) spec.Pos {
	if sp := x.presets[p.Name]; sp != nil && sp.Description.Pos.Line > 0 {
		return sp.Description.Pos
	}
	return p.Pos
}

// whenPos is where endpoint e says when its handler checks scope, or the method.
func (x *index) whenPos(e *model.Endpoint, scope string) spec.Pos {
	if se := x.endpoints[e.Method]; se != nil {
		for _, r := range se.RequestScopes {
			if r.Scope.Value == scope && r.When.Pos.Line > 0 {
				return r.When.Pos
			}
		}
	}
	return e.Pos
}

// firstPos is the position of list's first entry, or fallback.
func firstPos(list []spec.Str, fallback spec.Pos) spec.Pos {
	if len(list) > 0 && list[0].Pos.Line > 0 {
		return list[0].Pos
	}
	return fallback
}
