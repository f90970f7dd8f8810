package spectest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// ItemKind is what a coverage item is.
type ItemKind string

// The kinds of coverage item, in the order reports count them. Each has
// its facets, the outcomes a passing test must show for the item to be
// covered:
//
//   - endpoint: "allowed" (a call of it is allowed) and, unless it is
//     public, "denied": refused for a rule of its own, a required scope
//     the key lacks (missing_scopes) or a kind of key it does not accept
//     (principal); for an endpoint that every kind of key may call holding
//     no op scope, any refusal (no_credentials, endpoint_not_granted).
//   - alternative, one of the alternatives of an endpoint that lists
//     several (any_of): "satisfied", a call allowed through that
//     alternative alone (the key holds it in full, and no other
//     alternative its kind may use). An endpoint of one alternative has no
//     such item: its "allowed" covers it.
//   - redaction, a field an endpoint redacts: "applied" (an allowed call
//     of the endpoint omits it) and "lifted" (an allowed call shows it).
//   - request_scope, a scope an endpoint's handler checks for some
//     requests: "refused" (a call with request: SCOPE by a key lacking it
//     is refused, missing_request_scope) and "held" (such a call by a key
//     holding it is allowed).
//
// The reports count and list items of any kind the same way.
const (
	EndpointItem     ItemKind = "endpoint"
	AlternativeItem  ItemKind = "alternative"
	RedactionItem    ItemKind = "redaction"
	RequestScopeItem ItemKind = "request_scope"
)

// ItemKinds lists the kinds of coverage item, in report order.
var ItemKinds = []ItemKind{EndpointItem, AlternativeItem, RedactionItem, RequestScopeItem}

// plural names a kind in a summary line: "endpoints 37/37".
var plural = map[ItemKind]string{
	EndpointItem:     "endpoints",
	AlternativeItem:  "alternatives",
	RedactionItem:    "redactions",
	RequestScopeItem: "request scopes",
}

// Item is one thing of the spec that tests should exercise.
type Item struct {
	Kind     ItemKind
	Endpoint string // the name of the endpoint it belongs to: its full method, or its operation
	// Element names the item: the method of an endpoint, the field of a
	// redaction, the scope of a request-dependent scope; an alternative by
	// its number, scopes and kinds: "2: Files:Read (oauth2)".
	Element string
	Pos     spec.Pos // where the spec writes it
	Facets  []Facet
}

// Facet is one outcome an item must be seen to get, and the passing tests
// that show it.
type Facet struct {
	Name  string   // allowed, denied, satisfied, applied, lifted, refused or held
	Tests []string // names of the passing tests that show it, in run order
	// Need says what test would show it, for messages: "a test whose key
	// lacks Concepts:Get (reason missing_scopes)".
	Need string
}

// Covered reports whether every facet of it is shown by a passing test.
func (it Item) Covered() bool {
	return !slices.ContainsFunc(it.Facets, func(f Facet) bool { return len(f.Tests) == 0 })
}

// What names it in words: "endpoint /a.B/C", "redaction f of /a.B/C".
func (it Item) What() string {
	switch it.Kind {
	case EndpointItem:
		return "endpoint " + it.Endpoint
	case RedactionItem:
		return "redaction " + it.Element + " of " + it.Endpoint
	case RequestScopeItem:
		return "request scope " + it.Element + " of " + it.Endpoint
	case AlternativeItem:
		return "alternative " + it.Element + " of " + it.Endpoint
	}
	return string(it.Kind) + " " + it.Element + " of " + it.Endpoint
}

// Message says which facets of it no passing test shows, and what a test
// that shows each would call with; "" when it is covered.
func (it Item) Message() string {
	var parts []string
	for _, f := range it.Facets {
		if len(f.Tests) == 0 {
			parts = append(parts, fmt.Sprintf("never %s: add %s", f.Name, f.Need))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return it.What() + " is " + strings.Join(parts, "; ")
}

// Coverage is the items of a spec and the passing tests that exercise each.
type Coverage struct {
	Items []Item // in the order of the spec
}

// Count returns how many items of kind are covered, and how many there are.
func (c Coverage) Count(kind ItemKind) (covered, total int) {
	for _, it := range c.Items {
		if it.Kind == kind {
			total++
			if it.Covered() {
				covered++
			}
		}
	}
	return covered, total
}

// Total returns how many items are covered, and how many there are.
func (c Coverage) Total() (covered, total int) {
	for _, it := range c.Items {
		total++
		if it.Covered() {
			covered++
		}
	}
	return covered, total
}

// Percent is the share of items covered, rounded down to a tenth, so that
// 100 means every one; a spec with no items is covered.
func (c Coverage) Percent() float64 {
	covered, total := c.Total()
	if total == 0 {
		return 100
	}
	return math.Floor(float64(covered)*1000/float64(total)) / 10
}

// AtLeast reports whether at least min percent of the items are covered.
func (c Coverage) AtLeast(min int) bool {
	covered, total := c.Total()
	return covered*100 >= min*total
}

// Uncovered returns the items not covered, in the order of the spec.
func (c Coverage) Uncovered() []Item {
	var out []Item
	for _, it := range c.Items {
		if !it.Covered() {
			out = append(out, it)
		}
	}
	return out
}

// Summary is the coverage in one line: "46 of 46 items (100.0%):
// endpoints 37/37, redactions 8/8, request scopes 1/1"; kinds the spec has
// none of are left out.
func (c Coverage) Summary() string {
	covered, total := c.Total()
	s := fmt.Sprintf("%d of %d items (%.1f%%)", covered, total, c.Percent())
	var kinds []string
	for _, k := range ItemKinds {
		if cov, tot := c.Count(k); tot > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d/%d", plural[k], cov, tot))
		}
	}
	if len(kinds) > 0 {
		s += ": " + strings.Join(kinds, ", ")
	}
	return s
}

// Measure lists the items of m, in the order of the spec, with the facets
// that the passing results show.
func Measure(m *model.Model, results []Result) Coverage {
	var c Coverage
	at := map[string][]int{} // endpoint name → indexes of its items in c.Items
	for _, e := range m.Endpoints {
		add := func(it Item) {
			at[e.Name] = append(at[e.Name], len(c.Items))
			c.Items = append(c.Items, it)
		}
		add(Item{Kind: EndpointItem, Endpoint: e.Name, Element: e.Name, Pos: e.Pos, Facets: endpointFacets(m, e)})
		if len(e.Alternatives) > 1 {
			for i, a := range e.Alternatives {
				add(Item{Kind: AlternativeItem, Endpoint: e.Name, Element: alternativeName(m, i, a), Pos: a.Pos, Facets: []Facet{
					{Name: "satisfied", Need: fmt.Sprintf("an allowed call whose key (%s) %s, and satisfies no other alternative", strings.Join(m.KindNames(a.Principals), " or "), holds(a.Requires))},
				}})
			}
		}
		for _, r := range e.RequestScopes {
			add(Item{Kind: RequestScopeItem, Endpoint: e.Name, Element: r.Scope.Name, Pos: r.Pos, Facets: []Facet{
				{Name: "refused", Need: fmt.Sprintf("a test with request: %s whose key may call the endpoint but lacks %s", r.Scope.Name, r.Scope.Name)},
				{Name: "held", Need: fmt.Sprintf("a test with request: %s whose key may call the endpoint and holds %s", r.Scope.Name, r.Scope.Name)},
			}})
		}
		for _, r := range e.Redactions {
			add(Item{Kind: RedactionItem, Endpoint: e.Name, Element: r.Field, Pos: r.Pos, Facets: []Facet{
				{Name: "applied", Need: "an allowed call whose key lacks " + strings.Join(model.Names(r.Unless), " or ")},
				{Name: "lifted", Need: "an allowed call whose key holds " + strings.Join(model.Names(r.Unless), " and ")},
			}})
		}
	}
	for _, res := range results {
		if !res.Passed() {
			continue
		}
		x, call := res.Decision, res.Case.Call
		e := m.Endpoint(call.Method)
		if e == nil {
			continue
		}
		for _, i := range at[e.Name] {
			it := &c.Items[i]
			var shows []string
			switch it.Kind {
			case EndpointItem:
				switch {
				case x.Allowed:
					shows = []string{"allowed"}
				case ownDenial(m, e, x.Reason):
					shows = []string{"denied"}
				}
			case AlternativeItem:
				if x.Allowed && satisfiedAlone(x.Alternatives, it.Element) {
					shows = []string{"satisfied"}
				}
			case RedactionItem:
				switch {
				case !x.Allowed:
				case slices.Contains(x.Redacted, it.Element):
					shows = []string{"applied"}
				default:
					shows = []string{"lifted"}
				}
			case RequestScopeItem:
				switch {
				case call.Request != it.Element:
				case x.Allowed:
					shows = []string{"held"}
				case x.Reason == string(reference.MissingRequestScope):
					shows = []string{"refused"}
				}
			}
			for j := range it.Facets {
				if slices.Contains(shows, it.Facets[j].Name) {
					it.Facets[j].Tests = append(it.Facets[j].Tests, res.Case.Name)
				}
			}
		}
	}
	slices.SortStableFunc(c.Items, func(a, b Item) int {
		switch {
		case a.Pos.Less(b.Pos):
			return -1
		case b.Pos.Less(a.Pos):
			return 1
		}
		return 0
	})
	return c
}

// alternativeName names alternative i of an endpoint, a, for reports:
// "2: Files:Read (oauth2)", "3: no op scope (api_key, pat)".
func alternativeName(m *model.Model, i int, a model.Alternative) string {
	scopes := strings.Join(model.Names(a.Requires), ", ")
	if scopes == "" {
		scopes = "no op scope"
	}
	return fmt.Sprintf("%d: %s (%s)", i+1, scopes, strings.Join(m.KindNames(a.Principals), ", "))
}

// satisfiedAlone reports whether the alternative named element (by
// alternativeName) is the only one that the grant of an explained call,
// whose alternatives are alts, holds in full and may use.
func satisfiedAlone(alts []explain.Alternative, element string) bool {
	n, _, _ := strings.Cut(element, ":")
	held := -1
	for i, a := range alts {
		if a.Usable && len(a.Missing) == 0 {
			if held >= 0 {
				return false
			}
			held = i
		}
	}
	return held >= 0 && strconv.Itoa(held+1) == n
}

// holds says what a key holding scopes holds, for messages.
func holds(scopes []*model.Scope) string {
	if len(scopes) == 0 {
		return "holds no op scope it needs"
	}
	return "holds " + strings.Join(model.Names(scopes), " and ")
}

// endpointFacets are the facets of endpoint e: allowed, and unless it is
// public, denied.
func endpointFacets(m *model.Model, e *model.Endpoint) []Facet {
	if e.Public {
		return []Facet{{Name: "allowed", Need: "a test that calls it (it is public)"}}
	}
	kinds := strings.Join(m.KindNames(e.Principals), " or ")
	allowed := fmt.Sprintf("a test whose key (%s) holds %s", kinds, strings.Join(model.Names(e.Requires), " and "))
	switch {
	case len(e.Alternatives) > 1:
		allowed = fmt.Sprintf("a test whose key holds one of its %d alternatives", len(e.Alternatives))
	case len(e.Requires) == 0:
		allowed = fmt.Sprintf("a test whose key is of kind %s", kinds)
	}
	var denied []string
	switch {
	case len(e.Alternatives) > 1 && e.OpenKinds() != e.Principals:
		denied = append(denied, "a test whose key lacks a scope of every alternative its kind may use (reason missing_scopes)")
	case len(e.Alternatives) <= 1 && len(e.Requires) > 0:
		denied = append(denied, fmt.Sprintf("a test whose key lacks %s (reason missing_scopes)", strings.Join(model.Names(e.Requires), " or ")))
	}
	if other := m.AllKinds() &^ e.Principals; other != 0 {
		denied = append(denied, fmt.Sprintf("a test whose key is of kind %s (reason principal)", strings.Join(m.KindNames(other), " or ")))
	}
	if len(denied) == 0 {
		denied = append(denied, "a test of a refused call, such as one without credentials (grant: {kind: none})")
	}
	return []Facet{
		{Name: "allowed", Need: allowed},
		{Name: "denied", Need: strings.Join(denied, ", or ")},
	}
}

// ownDenial reports whether a call of e, an endpoint of m, refused for
// reason shows e's own rules at work: a required scope the key lacks, or a
// kind of key e does not accept; for an endpoint that has neither rule
// (every kind of key may call it holding no op scope), any refusal but the
// handler's (missing_request_scope).
func ownDenial(m *model.Model, e *model.Endpoint, reason string) bool {
	switch reference.Reason(reason) {
	case reference.MissingScopes, reference.PrincipalNotAllowed:
		return true
	case reference.MissingRequestScope:
		return false
	}
	return e.OpenKinds() == m.AllKinds()
}
