package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// list joins names for a message: "A", "A and B", "A, B and C".
func list(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// described says that what's description changed to desc.
func described(what, desc string) string {
	if desc == "" {
		return what + "'s description is removed"
	}
	return fmt.Sprintf("%s's description changes to %q", what, desc)
}

// itThem is the pronoun for n things.
func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// guarded lists the endpoints of m that are not public, or that redact
// fields: those whose decisions depend on the scopes a key holds.
func guarded(m *model.Model) []string {
	var out []string
	for _, e := range m.Endpoints {
		if !e.Public || len(e.Redactions) > 0 {
			out = append(out, e.Name)
		}
	}
	return out
}

// held explains why every key that may call method, which requires req
// (places in univ), already holds each scope of set, by OLD's
// prerequisites (a key that exists was made under OLD): each is required,
// a prerequisite of a required scope, or granted by a required scope that
// grants every scope. It returns "" when some scope of set is not explained.
func (c *comparer) held(method string, set, req []int) string {
	if len(set) == 0 {
		return ""
	}
	for _, r := range req {
		if o := c.univ[r].old; o != nil && o.GrantsAll {
			return fmt.Sprintf("every key that may call %s holds %s, which grants every scope", method, o.Name)
		}
	}
	var parts []string
	for _, x := range set {
		if slices.Contains(req, x) {
			parts = append(parts, "it requires "+c.univ[x].name())
			continue
		}
		s := c.univ[x].old
		i := slices.IndexFunc(req, func(r int) bool { o := c.univ[r].old; return s != nil && o != nil && slices.Contains(o.Closure, s) })
		if i < 0 {
			return ""
		}
		parts = append(parts, fmt.Sprintf("it requires %s, which needs %s", c.univ[req[i]].name(), s.Name))
	}
	return fmt.Sprintf("every key that may call %s holds %s: %s", method, list(c.names(set)), strings.Join(parts, "; "))
}

// unheld explains why no key that exists may call method on NEW, which
// requires req there: a scope of req that OLD does not define, which no
// key made under OLD holds. It returns "" when every scope of req is OLD's.
func (c *comparer) unheld(method string, req []int) string {
	for _, x := range req {
		if c.univ[x].old == nil {
			return fmt.Sprintf("%s requires %s, a new scope that no key made under the old spec holds", method, c.univ[x].new.Name)
		}
	}
	return ""
}

// sunsetPassed reports whether a sunset date is set and the comparison's
// day is that date or later.
func (c *comparer) sunsetPassed(sunset string) bool {
	return sunset != "" && c.now != "" && c.now >= sunset
}

// early says, for a removal's message, that it comes before the sunset
// date announced, if there is one.
func early(sunset string) string {
	if sunset == "" {
		return ""
	}
	return fmt.Sprintf(" before its sunset date, %s", sunset)
}

// reason quotes a deprecation reason for a message, or nothing.
func reason(r string) string {
	if r == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", r)
}

// oldOnly keeps the endpoints OLD defines: the clients a change of a stored
// name or id can break already call them.
func (c *comparer) oldOnly(methods []string) []string {
	var out []string
	for _, m := range methods {
		if c.om.Endpoint(m) != nil {
			out = append(out, m)
		}
	}
	return out
}

// scopes reports scopes removed, added, renamed, renumbered, described
// differently, and ids or names taken from another scope or from reserved.
func (c *comparer) scopes() {
	oldByID := map[int]*model.Scope{}
	for _, o := range c.om.Scopes {
		oldByID[o.ID] = o
	}
	for i, l := range c.univ {
		o, n := l.old, l.new
		uses := c.uses([]int{i})
		switch {
		case n == nil:
			c.removedScope(o, uses)
			continue
		case o == nil:
			c.finding("scope-added", n.Name, n.Pos, false, uses, fmt.Sprintf("new scope %s (id %d)", n.Name, n.ID))
			if prev := c.om.Scope(n.Name); prev != nil {
				c.nameReused(prev, n, "new scope", uses)
			}
		default:
			c.changedScope(o, n, uses)
			// A renamed scope that takes another scope's name.
			if prev := c.om.Scope(n.Name); prev != nil && prev != o {
				c.nameReused(prev, n, "scope", uses)
			}
		}
		if prev := oldByID[n.ID]; prev != nil && prev != o {
			c.finding("scope-id-reused", n.Name, idPos(n), false, uses,
				fmt.Sprintf("scope %s takes id %d, which was %s's: keys stored by id that hold %s would hold %s; give it an unused id", n.Name, n.ID, prev.Name, prev.Name, n.Name)).
				pin(prev.Name, strconv.Itoa(n.ID))
			c.storedGains(prev, n, byID, idPos(n))
		}
		if slices.Contains(c.om.Reserved.IDs, n.ID) {
			c.finding("scope-reserved-id-reused", n.Name, idPos(n), false, uses,
				fmt.Sprintf("scope %s takes id %d, which the old spec reserves for a retired scope: keys stored with the retired scope would hold %s; give it an unused id", n.Name, n.ID, n.Name)).
				pin(strconv.Itoa(n.ID))
		}
		if slices.Contains(c.om.Reserved.Names, n.Name) {
			c.finding("scope-reserved-name-reused", n.Name, n.Pos, false, uses,
				fmt.Sprintf("scope %s takes a name the old spec reserves for a retired scope: keys that name the retired scope would hold the new one; choose another name", n.Name))
		}
	}
}

// nameReused reports that NEW's scope n (what: "new scope" or "scope")
// takes the name OLD's scope prev had, and what keys that store the name
// gain.
func (c *comparer) nameReused(prev, n *model.Scope, what string, uses []string) {
	fate := "is removed"
	if r := c.univ[c.oldIdx[prev]].new; r != nil {
		fate = "is renamed to " + r.Name
	}
	c.finding("scope-name-reused", n.Name, n.Pos, false, c.oldOnly(uses),
		fmt.Sprintf("%s %s (id %d) takes the name of scope %s (id %d), which %s: keys and configs that store the name %s would hold the new scope; choose another name", what, n.Name, n.ID, prev.Name, prev.ID, fate, n.Name)).
		pin(strconv.Itoa(prev.ID), strconv.Itoa(n.ID))
	c.storedGains(prev, n, byName, n.Pos)
}

// storedGains reports, beside a reused id or name, an escalation when one
// exists: a key kept by id (or by name) that held OLD's scope prev holds
// NEW's scope n instead, and some such key may do what it could not. Its
// other scopes are kept the same way. Only a change some key shows is
// reported: the id or name reuse is reported as breaking anyway.
func (c *comparer) storedGains(prev, n *model.Scope, st store, pos spec.Pos) {
	x, y := c.oldIdx[prev], c.newIdx[n]
	methods := c.uses([]int{y})
	if n.GrantsAll {
		methods = guarded(c.nm)
	}
	w := c.find(search{methods: methods, must: []int{x}, request: -1, control: true, want: Gained, store: st})
	if w == nil { // in a request for which the handler checks n
		var checks []string
		for _, e := range c.nm.Endpoints {
			if slices.ContainsFunc(e.RequestScopes, func(r model.RequestScope) bool { return r.Scope == n }) {
				checks = append(checks, e.Name)
			}
		}
		w = c.find(search{methods: checks, must: []int{x}, request: y, control: true, want: Gained, store: st})
	}
	for _, method := range methods { // in a request for which OLD's handler checks a scope NEW's does not
		if w != nil {
			break
		}
		for _, q := range c.requests(method)[1:] {
			if w = c.find(search{methods: []string{method}, must: []int{x}, request: q, control: true, want: Gained, store: st}); w != nil {
				break
			}
		}
	}
	if w == nil {
		return
	}
	rule, msg := "scope-id-reused-gains", fmt.Sprintf("keys that store scope ids and hold %s (id %d) hold %s under NEW, which takes id %d, and gain what it grants; give %s an unused id",
		prev.Name, prev.ID, n.Name, n.ID, n.Name)
	if st == byName {
		rule, msg = "scope-name-reused-gains", fmt.Sprintf("keys that store scope names and hold %s (id %d) hold the scope %s (id %d) under NEW, and gain what it grants; choose another name",
			prev.Name, prev.ID, n.Name, n.ID)
	}
	f := c.finding(rule, n.Name, pos, false, methods, msg).pin(prev.Name, strconv.Itoa(prev.ID), strconv.Itoa(n.ID))
	f.Witness = w
}

func (c *comparer) removedScope(o *model.Scope, uses []string) {
	var keep []string
	if !slices.Contains(c.nm.Reserved.IDs, o.ID) {
		keep = append(keep, fmt.Sprintf("id %d", o.ID))
	}
	if !slices.Contains(c.nm.Reserved.Names, o.Name) {
		keep = append(keep, "name "+o.Name)
	}
	hint := "; its id and name are reserved"
	if len(keep) > 0 {
		hint = "; add its " + list(keep) + " to reserved so that no scope takes them again"
	}
	if c.sunsetPassed(o.Sunset) {
		c.finding("scope-sunset", o.Name, o.Pos, true, uses,
			fmt.Sprintf("scope %s (id %d) is removed on or after its sunset date, %s, as its deprecation announced%s%s", o.Name, o.ID, o.Sunset, reason(o.DeprecationReason), hint))
		return
	}
	f := c.finding("scope-removed", o.Name, o.Pos, true, uses,
		fmt.Sprintf("scope %s (id %d) is removed%s: keys, configs and code that name it break%s", o.Name, o.ID, early(o.Sunset), hint))
	f.keep = true
	// A key that holds it loses what it gave: the smallest key whose call of
	// an endpoint OLD defines is allowed (or shows more) only because of it.
	f.seek = func() *Witness {
		return c.find(search{methods: c.oldOnly(uses), must: []int{c.oldIdx[o]}, request: -1, control: true, want: Lost})
	}
}

func (c *comparer) changedScope(o, n *model.Scope, uses []string) {
	if o.Name != n.Name {
		msg := fmt.Sprintf("scope %s (id %d) is renamed to %s: keys and configs that store the name %s break", o.Name, o.ID, n.Name, o.Name)
		if o.GoName != n.GoName {
			msg += fmt.Sprintf(", and so does code that uses %s", o.GoName)
		}
		msg += " (keys stored by id keep their access)"
		if !slices.Contains(c.nm.Reserved.Names, o.Name) {
			msg += fmt.Sprintf("; add %s to reserved names so that no scope takes it again", o.Name)
		}
		c.finding("scope-renamed", n.Name, n.Pos, false, c.oldOnly(uses), msg).pin(o.Name, o.GoName, n.GoName)
	} else if o.GoName != n.GoName {
		c.finding("scope-go-name-changed", n.Name, or(n.GoNamePos, n.Pos), false, uses,
			fmt.Sprintf("scope %s's Go constant changes from %s to %s: code that uses %s no longer compiles", n.Name, o.GoName, n.GoName, o.GoName)).
			pin(o.GoName, n.GoName)
	}
	if o.ID != n.ID {
		c.finding("scope-id-changed", n.Name, idPos(n), false, c.oldOnly(uses),
			fmt.Sprintf("scope %s's id changes from %d to %d: keys and sets stored by id lose it, since an id is forever; restore id %d", n.Name, o.ID, n.ID, o.ID)).
			pin(strconv.Itoa(o.ID), strconv.Itoa(n.ID))
	}
	if o.Description != n.Description {
		c.finding("scope-description-changed", n.Name, or(n.DescriptionPos, n.Pos), false, uses,
			described("scope "+n.Name, n.Description))
	}
	if msg, pos := deprecation("scope "+n.Name, lifecycle{o.Deprecated, o.DeprecationReason, o.Sunset, spec.Pos{}, spec.Pos{}},
		lifecycle{n.Deprecated, n.DeprecationReason, n.Sunset, n.DeprecatedPos, n.SunsetPos}); msg != "" {
		c.finding("scope-deprecation-changed", n.Name, or(pos, n.Pos), false, uses, msg)
	}
}

// lifecycle is a scope's or endpoint's deprecation on one side.
type lifecycle struct {
	deprecated      bool
	reason, sunset  string
	depPos, sunsPos spec.Pos
}

// deprecation says how what's deprecation changes from o to n, and where
// NEW writes the change; "" when it does not.
func deprecation(what string, o, n lifecycle) (string, spec.Pos) {
	sunset := func(l lifecycle) string {
		if l.sunset == "" {
			return ""
		}
		return ", to be removed from " + l.sunset
	}
	switch {
	case !o.deprecated && n.deprecated:
		msg := what + " is deprecated"
		if n.reason != "" {
			msg += ": " + n.reason
		}
		return msg + sunset(n), n.depPos
	case o.deprecated && !n.deprecated:
		return what + " is no longer deprecated", spec.Pos{}
	case o.reason != n.reason:
		return fmt.Sprintf("%s's deprecation reason changes to %q%s", what, n.reason, sunset(n)), n.depPos
	case o.sunset != n.sunset && n.sunset == "":
		return fmt.Sprintf("%s's sunset date (%s) is dropped: it stays until a new one is set", what, o.sunset), n.depPos
	case o.sunset != n.sunset && o.sunset == "":
		return fmt.Sprintf("%s gets a sunset date: it may be removed from %s", what, n.sunset), n.sunsPos
	case o.sunset != n.sunset:
		return fmt.Sprintf("%s's sunset date moves from %s to %s", what, o.sunset, n.sunset), n.sunsPos
	}
	return "", spec.Pos{}
}

// grantsAll reports a change of the scope that grants every scope.
func (c *comparer) grantsAll() {
	oa, na := c.om.AllScope, c.nm.AllScope
	var kept *model.Scope // OLD's All scope as NEW has it
	if oa != nil {
		kept = c.univ[c.oldIdx[oa]].new
	}
	if oa != nil && (kept == nil || kept != na) {
		x := c.oldIdx[oa]
		var f *Finding
		if kept == nil {
			f = c.finding("scope-grants-all-removed", oa.Name, oa.Pos, true, guarded(c.om),
				fmt.Sprintf("scope %s, which granted every scope, is removed: keys that hold it lose everything", oa.Name))
		} else {
			f = c.finding("scope-grants-all-removed", kept.Name, kept.Pos, false, guarded(c.om),
				fmt.Sprintf("scope %s no longer grants every scope: keys that hold it lose everything else", kept.Name))
		}
		f.seek = func() *Witness {
			return c.find(search{methods: c.common(), must: []int{x}, request: -1, control: true,
				want: Lost})
		}
		f.keep = true
	}
	if na != nil && kept != na {
		x := c.newIdx[na]
		msg := fmt.Sprintf("scope %s now grants every scope: keys that hold it may do everything", na.Name)
		if c.univ[x].old == nil {
			msg = fmt.Sprintf("new scope %s grants every scope: keys that hold it may do everything", na.Name)
		}
		f := c.finding("scope-grants-all-added", na.Name, or(na.GrantsAllPos, na.Pos), false, guarded(c.nm), msg)
		f.seek = func() *Witness {
			return c.find(search{methods: c.common(), must: []int{x}, request: -1, control: true,
				want: Gained})
		}
		f.keep = c.univ[x].old != nil
		if !f.keep {
			f.why = fmt.Sprintf("no key made under the old spec holds %s, a new scope", na.Name)
		}
	}
}

// prerequisites reports scopes whose prerequisites, transitively, change.
// A scope whose own requires are the same changes through one it needs:
// when that is one scope, its finding joins that scope's (see group).
func (c *comparer) prerequisites() {
	edited := map[int]bool{} // scopes whose own requires change
	for i, l := range c.univ {
		if l.old != nil && l.new != nil && !slices.Equal(c.set(l.old.Requires, true), c.set(l.new.Requires, false)) {
			edited[i] = true
		}
	}
	for i, l := range c.univ {
		if l.old == nil || l.new == nil {
			continue
		}
		co, cn := c.set(l.old.Closure, true), c.set(l.new.Closure, false)
		self := []int{i}
		group := l.new.Name
		if !edited[i] {
			var through []int
			for _, x := range union(co, cn) {
				if edited[x] {
					through = append(through, x)
				}
			}
			if group = ""; len(through) == 1 {
				group = c.univ[through[0]].new.Name
			}
		}
		if fewer := minus(co, cn); len(fewer) > 0 {
			// At the scope's name: the prerequisite may be gone from its
			// requires, or from a prerequisite's own.
			f := c.finding("scope-prerequisite-removed", l.new.Name, l.new.Pos, false, c.uses(self),
				fmt.Sprintf("scope %s no longer needs %s: a key may now hold %s without %s", l.new.Name, list(c.names(fewer)), l.new.Name, list(c.names(fewer)))).
				pin(c.names(fewer)...)
			f.seek = func() *Witness { return c.findCreate(self, union(self, cn), Gained) }
			f.group = group
		}
		if more := minus(cn, co); len(more) > 0 {
			f := c.finding("scope-prerequisite-added", l.new.Name, prerequisitesPos(l.new, c.newNames(more)), false, c.uses(self),
				fmt.Sprintf("scope %s now needs %s: a key that holds %s without %s can no longer be made (keys made before are not checked on each call)",
					l.new.Name, list(c.newNames(more)), l.new.Name, list(c.newNames(more)))).
				pin(c.newNames(more)...)
			f.seek = func() *Witness { return c.findCreate(self, union(self, co), Lost) }
			f.group = group
		}
	}
}

// endpoints reports endpoints added, removed and changed.
func (c *comparer) endpoints() {
	for _, n := range c.nm.Endpoints {
		if o := c.om.Endpoint(n.Name); o != nil {
			c.changedEndpoint(o, n)
			continue
		}
		// A new endpoint that anyone, or any key of a kind, may call lets
		// existing keys (or calls without credentials) do what they could not.
		var open string
		switch {
		case n.Public:
			open = fmt.Sprintf("new endpoint %s is public: anyone may call it, without credentials", n.Name)
		case n.OpenKinds() != 0:
			open = fmt.Sprintf("new endpoint %s requires no op scope: every %s may call it", n.Name, strings.TrimPrefix(strings.TrimPrefix(reference.KeyOf(c.nm, n.OpenKinds()), "a "), "an "))
			if len(n.Alternatives) > 1 {
				open = fmt.Sprintf("new endpoint %s has an alternative that requires no op scope: every %s may call it", n.Name, strings.TrimPrefix(strings.TrimPrefix(reference.KeyOf(c.nm, n.OpenKinds()), "a "), "an "))
			}
		}
		c.bindings(nil, n)
		if open == "" {
			c.finding("endpoint-added", n.Name, n.Pos, false, []string{n.Name},
				fmt.Sprintf("new endpoint %s (it requires %s)", n.Name, c.requiresText(c.nm, n)))
			continue
		}
		f := c.finding("endpoint-added-open", n.Name, n.Pos, false, []string{n.Name}, open).pin(open)
		f.seek = func() *Witness {
			return c.find(search{methods: []string{n.Name}, request: -1, want: func(o, n Decision) bool {
				return o.Reason == string(reference.UnknownEndpoint) && n.Allowed
			}})
		}
	}
	unknown := c.nm.Outcome(model.UnknownEndpoint)
	added := map[string]string{} // the rules of each new endpoint → the first with them
	for _, n := range c.nm.Endpoints {
		if c.om.Endpoint(n.Name) == nil {
			if k := c.rules(n, false); added[k] == "" {
				added[k] = n.Name
			}
		}
	}
	for _, o := range c.om.Endpoints {
		if c.nm.Endpoint(o.Name) != nil {
			continue
		}
		if c.sunsetPassed(o.Sunset) {
			c.finding("endpoint-sunset", o.Name, o.Pos, true, []string{o.Name},
				fmt.Sprintf("endpoint %s is removed on or after its sunset date, %s, as its deprecation announced%s: its clients get %d %s", o.Name, o.Sunset, reason(o.DeprecationReason), unknown.Code, unknown.Status))
			continue
		}
		msg := fmt.Sprintf("endpoint %s is removed%s: its clients get %d %s", o.Name, early(o.Sunset), unknown.Code, unknown.Status)
		if n := added[c.rules(o, true)]; n != "" {
			msg += fmt.Sprintf("; new endpoint %s has the same rules: if it is the new name, clients of the old one still break", n)
		}
		f := c.finding("endpoint-removed", o.Name, o.Pos, true, []string{o.Name}, msg)
		f.keep = true
		f.seek = func() *Witness {
			return c.find(search{methods: []string{o.Name}, request: -1, want: func(o, n Decision) bool {
				return o.Allowed && n.Reason == string(reference.UnknownEndpoint)
			}})
		}
	}
}

// rules is what decides every call of endpoint e of one side, scopes
// matched across the two sides, as a map key: two endpoints with the same
// key decide every call alike (the same principals, requirements,
// request-dependent scopes and redactions).
func (c *comparer) rules(e *model.Endpoint, old bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t %d", e.Public, e.Principals)
	for _, a := range e.Alternatives {
		fmt.Fprintf(&b, " %d %v", a.Principals, c.set(a.Requires, old))
	}
	idx := c.newIdx
	if old {
		idx = c.oldIdx
	}
	for _, r := range e.RequestScopes {
		fmt.Fprintf(&b, " request %d", idx[r.Scope])
	}
	for _, r := range e.Redactions {
		fmt.Fprintf(&b, " redact %q %v", r.Field, c.set(r.Unless, old))
	}
	return b.String()
}

func (c *comparer) changedEndpoint(o, n *model.Endpoint) {
	m := n.Name
	here := []string{m}
	switch {
	case !o.Public && n.Public:
		f := c.finding("endpoint-public", m, publicPos(n), false, here,
			fmt.Sprintf("endpoint %s becomes public: anyone may call it, without credentials", m))
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return !o.Allowed && n.Reason == string(reference.Public)
			}})
		}
	case o.Public && !n.Public:
		needs := c.requiresText(c.nm, n)
		msg := fmt.Sprintf("endpoint %s is no longer public: it now needs %s holding %s", m, reference.KeyOf(c.nm, n.Principals), needs)
		if len(n.Alternatives) > 1 {
			msg = fmt.Sprintf("endpoint %s is no longer public: it now needs %s", m, needs)
		}
		f := c.finding("endpoint-not-public", m, n.Pos, false, here, msg).
			pin(reference.KeyOf(c.nm, n.Principals), needs)
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return o.Reason == string(reference.Public) && !n.Allowed
			}})
		}
	case !n.Public:
		c.principals(o, n)
		c.requirements(o, n)
	}
	c.redactions(o, n)
	c.requestScopes(o, n)
	c.bindings(o, n)
	if o.Description != n.Description {
		c.finding("endpoint-description-changed", m, or(n.DescriptionPos, n.Pos), false, here,
			described("endpoint "+m, n.Description))
	}
	if msg, pos := deprecation("endpoint "+m, lifecycle{o.Deprecated, o.DeprecationReason, o.Sunset, spec.Pos{}, spec.Pos{}},
		lifecycle{n.Deprecated, n.DeprecationReason, n.Sunset, n.DeprecatedPos, n.SunsetPos}); msg != "" {
		c.finding("endpoint-deprecation-changed", m, or(pos, n.Pos), false, here, msg)
	}
	if o.GoName != n.GoName {
		c.finding("endpoint-go-name-changed", m, or(n.GoNamePos, n.Pos), false, here,
			fmt.Sprintf("endpoint %s's Go constant changes from %s to %s: code that uses %s no longer compiles", m, o.GoName, n.GoName, o.GoName)).
			pin(o.GoName, n.GoName)
	}
}

func (c *comparer) principals(o, n *model.Endpoint) {
	m, here := n.Name, []string{n.Name}
	// An endpoint that takes defaults.principals on both sides changes
	// with them: one edit, one finding for every such endpoint.
	var group string
	if !o.HasPrincipals && !n.HasPrincipals && c.om.DefaultPrincipals != c.nm.DefaultPrincipals {
		group = DefaultPrincipals
	}
	if more := n.Principals &^ o.Principals; more != 0 {
		f := c.finding("endpoint-principal-added", m, principalPos(c.nm, n, c.nm.KindNames(more)[0], c.om), false, here,
			fmt.Sprintf("endpoint %s now accepts %s keys too", m, list(c.nm.KindNames(more)))).pin(c.nm.KindNames(more)...)
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return o.Reason == string(reference.PrincipalNotAllowed) && n.Allowed
			}})
		}
		f.why = c.unheld(m, c.set(n.Requires, false))
		f.group = group
	}
	if fewer := o.Principals &^ n.Principals; fewer != 0 {
		f := c.finding("endpoint-principal-removed", m, principalsPos(c.nm, n, c.om), false, here,
			fmt.Sprintf("endpoint %s no longer accepts %s keys", m, list(c.nm.KindNames(fewer)))).pin(c.nm.KindNames(fewer)...)
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return o.Allowed && n.Reason == string(reference.PrincipalNotAllowed)
			}})
		}
		f.group = group
	}
}

func (c *comparer) requirements(o, n *model.Endpoint) {
	if len(o.Alternatives) != 1 || len(n.Alternatives) != 1 {
		c.alternatives(o, n)
		return
	}
	m, here := n.Name, []string{n.Name}
	ro, rn := c.set(o.Requires, true), c.set(n.Requires, false)
	if fewer := minus(ro, rn); len(fewer) > 0 {
		f := c.finding("endpoint-requirement-removed", m, firstWritten(n.RequiresPos, n.Pos), false, here,
			fmt.Sprintf("endpoint %s no longer requires %s", m, list(c.names(fewer)))).pin(c.names(fewer)...)
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return o.Reason == string(reference.MissingScopes) && n.Allowed
			}})
		}
		f.why = cmp.Or(c.held(m, fewer, rn), c.unheld(m, rn))
	}
	if more := minus(rn, ro); len(more) > 0 {
		names := c.newNames(more)
		f := c.finding("endpoint-requirement-added", m, requirePos(n, names[0]), false, here,
			fmt.Sprintf("endpoint %s now requires %s too: keys without %s lose access", m, list(names), itThem(len(names)))).pin(names...)
		f.seek = func() *Witness {
			return c.find(search{methods: here, request: -1, want: func(o, n Decision) bool {
				return o.Allowed && n.Reason == string(reference.MissingScopes)
			}})
		}
		f.why = c.held(m, more, ro)
	}
}

// redactions reports fields redacted or shown, and changes of the scopes
// that reveal them.
func (c *comparer) redactions(o, n *model.Endpoint) {
	m, here := n.Name, []string{n.Name}
	uo, un := map[string][]int{}, map[string][]int{}
	for _, r := range o.Redactions {
		uo[r.Field] = c.set(r.Unless, true)
	}
	for _, r := range n.Redactions {
		un[r.Field] = c.set(r.Unless, false)
	}
	var gone, added, fewer, more []string // fields
	var fewerText, moreText, addedText []string
	var goneSet, addedSet, fewerSet, moreSet []int // the scopes that reveal them, or no longer or now do
	req := union(c.set(o.Requires, true), c.set(n.Requires, false))
	for _, r := range o.Redactions {
		f := r.Field
		if _, ok := un[f]; !ok {
			gone = append(gone, f)
			goneSet = union(goneSet, uo[f])
			continue
		}
		if d := minus(uo[f], un[f]); len(d) > 0 {
			fewer = append(fewer, f)
			fewerSet = union(fewerSet, d)
			fewerText = append(fewerText, fmt.Sprintf("%s no longer needs %s", f, list(c.names(d))))
		}
		if d := minus(un[f], uo[f]); len(d) > 0 {
			more = append(more, f)
			moreSet = union(moreSet, d)
			moreText = append(moreText, fmt.Sprintf("%s now needs %s too", f, list(c.newNames(d))))
		}
	}
	for _, r := range n.Redactions {
		if _, ok := uo[r.Field]; !ok {
			added = append(added, r.Field)
			addedSet = union(addedSet, un[r.Field])
			addedText = append(addedText, fmt.Sprintf("%s unless the key holds %s", r.Field, list(model.Names(r.Unless))))
		}
	}
	shows := func(fields []string) func(o, n Decision) bool {
		return func(o, n Decision) bool {
			return o.Allowed && n.Allowed && slices.ContainsFunc(fields, func(f string) bool {
				return slices.Contains(o.Redacted, f) && !slices.Contains(n.Redacted, f)
			})
		}
	}
	hides := func(fields []string) func(o, n Decision) bool {
		show := shows(fields)
		return func(o, n Decision) bool { return show(n, o) }
	}
	if len(gone) > 0 {
		f := c.finding("endpoint-redaction-removed", m, firstWritten(redactionsPos(n), n.Pos), false, here,
			fmt.Sprintf("endpoint %s no longer redacts %s: keys that could not see it now do", m, list(gone))).pin(gone...)
		f.seek = func() *Witness { return c.find(search{methods: here, request: -1, want: shows(gone)}) }
		f.why = c.held(m, goneSet, req)
	}
	if len(fewer) > 0 {
		f := c.finding("endpoint-redaction-unless-removed", m, redactPos(n, fewer[0]), false, here,
			fmt.Sprintf("endpoint %s reveals redacted fields with fewer scopes: %s", m, strings.Join(fewerText, "; "))).pin(fewerText...)
		f.seek = func() *Witness { return c.find(search{methods: here, request: -1, want: shows(fewer)}) }
		f.why = c.held(m, fewerSet, req)
	}
	if len(added) > 0 {
		f := c.finding("endpoint-redaction-added", m, redactPos(n, added[0]), false, here,
			fmt.Sprintf("endpoint %s now redacts %s: keys without those scopes no longer see it", m, strings.Join(addedText, "; "))).pin(addedText...)
		f.seek = func() *Witness { return c.find(search{methods: here, request: -1, want: hides(added)}) }
		f.why = c.held(m, addedSet, req)
	}
	if len(more) > 0 {
		f := c.finding("endpoint-redaction-unless-added", m, redactPos(n, more[0]), false, here,
			fmt.Sprintf("endpoint %s reveals redacted fields only with more scopes: %s; keys without them no longer see it", m, strings.Join(moreText, "; "))).pin(moreText...)
		f.seek = func() *Witness { return c.find(search{methods: here, request: -1, want: hides(more)}) }
		f.why = c.held(m, moreSet, req)
	}
}

// requestScopes reports scopes the handler checks, or no longer checks, for
// some requests.
func (c *comparer) requestScopes(o, n *model.Endpoint) {
	m, here := n.Name, []string{n.Name}
	wo, wn := map[int]string{}, map[int]string{}
	for _, r := range o.RequestScopes {
		wo[c.oldIdx[r.Scope]] = r.When
	}
	for _, r := range n.RequestScopes {
		wn[c.newIdx[r.Scope]] = r.When
	}
	var gone, added, changed []string
	var goneIdx, addedIdx []int
	whenPos := n.Pos // where the first changed condition is written
	for _, r := range o.RequestScopes {
		x := c.oldIdx[r.Scope]
		if w, ok := wn[x]; !ok {
			gone = append(gone, fmt.Sprintf("%s when %s", r.Scope.Name, r.When))
			goneIdx = append(goneIdx, x)
		} else if w != r.When {
			changed = append(changed, fmt.Sprintf("%s is now checked when %s (was: when %s)", c.univ[x].new.Name, w, r.When))
			if whenPos == n.Pos {
				whenPos = requestWhenPos(n, c.univ[x].new.Name)
			}
		}
	}
	for _, r := range n.RequestScopes {
		x := c.newIdx[r.Scope]
		if _, ok := wo[x]; !ok {
			added = append(added, fmt.Sprintf("%s when %s", r.Scope.Name, r.When))
			addedIdx = append(addedIdx, x)
		}
	}
	// first is the witness for the first scope of xs that has one.
	first := func(xs []int, want func(o, n Decision) bool) *Witness {
		for _, x := range xs {
			if w := c.find(search{methods: here, request: x, want: want}); w != nil {
				return w
			}
		}
		return nil
	}
	if len(gone) > 0 {
		f := c.finding("endpoint-request-scope-removed", m, firstWritten(requestScopesPos(n), n.Pos), false, here,
			fmt.Sprintf("the handler of %s no longer checks %s: keys without it may now make those requests", m, strings.Join(gone, "; "))).pin(gone...)
		f.seek = func() *Witness {
			return first(goneIdx, func(o, n Decision) bool { return o.Reason == MissingRequestScope && n.Allowed })
		}
		f.why = c.held(m, goneIdx, union(c.set(o.Requires, true), c.set(n.Requires, false)))
	}
	if len(added) > 0 {
		f := c.finding("endpoint-request-scope-added", m, requestPos(n, c.univ[addedIdx[0]].new.Name), false, here,
			fmt.Sprintf("the handler of %s now checks %s: keys without it can no longer make those requests", m, strings.Join(added, "; "))).pin(added...)
		f.seek = func() *Witness {
			return first(addedIdx, func(o, n Decision) bool { return o.Allowed && n.Reason == MissingRequestScope })
		}
		f.why = c.held(m, addedIdx, union(c.set(o.Requires, true), c.set(n.Requires, false)))
	}
	if len(changed) > 0 {
		c.finding("endpoint-request-scope-when-changed", m, whenPos, false, here,
			fmt.Sprintf("endpoint %s: %s", m, strings.Join(changed, "; ")))
	}
}

// presets reports presets removed, added, and whose scopes change.
func (c *comparer) presets() {
	for _, n := range c.nm.Presets {
		o := c.om.Preset(n.Name)
		if o == nil {
			c.finding("preset-added", n.Name, n.Pos, false, c.uses(c.set(n.Scopes, false)),
				fmt.Sprintf("new preset %s: %s", n.Name, strings.Join(model.Names(n.Scopes), ", ")))
			continue
		}
		so, sn := c.set(o.Scopes, true), c.set(n.Scopes, false)
		if more := minus(sn, so); len(more) > 0 {
			names := c.newNames(more)
			f := c.finding("preset-scope-added", n.Name, presetScopePos(n, names[0]), false, c.uses(more),
				fmt.Sprintf("keys made from preset %s now get %s too", n.Name, list(names))).pin(names...)
			f.seek = func() *Witness { return c.findPreset(n.Name, so, sn, c.uses(more), Gained) }
		}
		if fewer := minus(so, sn); len(fewer) > 0 {
			f := c.finding("preset-scope-removed", n.Name, firstWritten(n.ScopesPos, n.Pos), false, c.uses(fewer),
				fmt.Sprintf("keys made from preset %s no longer get %s (keys made before keep them)", n.Name, list(c.names(fewer)))).pin(c.names(fewer)...)
			f.seek = func() *Witness { return c.findPreset(n.Name, so, sn, c.uses(fewer), Lost) }
		}
		if o.Description != n.Description {
			c.finding("preset-description-changed", n.Name, or(n.DescriptionPos, n.Pos), false, nil,
				described("preset "+n.Name, n.Description))
		}
	}
	for _, o := range c.om.Presets {
		if c.nm.Preset(o.Name) == nil {
			c.finding("preset-removed", o.Name, o.Pos, true, nil,
				fmt.Sprintf("preset %s is removed: portals and code that offer it break (keys made from it keep their scopes)", o.Name))
		}
	}
}

// outcomes reports denials whose code, status, gRPC code or message change.
func (c *comparer) outcomes() {
	for _, n := range c.nm.Outcomes {
		o := c.om.Outcome(n.Role)
		if o == nil {
			continue // every spec defines every role
		}
		if o.Code != n.Code || o.Status != n.Status || o.GRPCCode != n.GRPCCode {
			var affects []string
			var what string
			switch n.Role {
			case model.UnknownEndpoint:
				what = " (calls of methods the spec does not define)"
			case model.KeyInvalid:
				what = " (calls by invalid, disabled or expired keys)"
				affects = guarded(c.nm)
			case model.InsufficientScopes:
				// and public endpoints whose handler refuses some requests
				for _, e := range c.nm.Endpoints {
					if !e.Public || len(e.Redactions) > 0 || len(e.RequestScopes) > 0 {
						affects = append(affects, e.Name)
					}
				}
			default:
				affects = guarded(c.nm)
			}
			f := c.finding("outcome-changed", string(n.Role), outcomePos(n, o), false, affects,
				fmt.Sprintf("outcome %s%s changes from %s to %s: clients that check the old code break", n.Role, what, outcomeText(o), outcomeText(n))).
				pin(outcomeText(o), outcomeText(n))
			if f.searchesWitness() {
				role := n.Role
				want := func(o, n Decision) bool { return Recoded(o, n) && o.outcome == role && n.outcome == role }
				f.seek = func() *Witness {
					if w := c.find(search{methods: c.common(), request: -1, want: want}); w != nil {
						return w
					}
					// A request the handler refuses: every call without one
					// may be allowed (an endpoint open to every key).
					for _, method := range c.common() {
						for _, q := range c.requests(method)[1:] {
							if w := c.find(search{methods: []string{method}, request: q, want: want}); w != nil {
								return w
							}
						}
					}
					// A key restricted to another endpoint.
					return c.findElsewhere(c.common(), want)
				}
			}
		} else if o.Message != n.Message {
			c.finding("outcome-message-changed", string(n.Role), outcomePos(n, o), false, nil,
				fmt.Sprintf("outcome %s's message changes to %q", n.Role, n.Message))
		}
	}
}

func outcomeText(o *model.Outcome) string {
	return fmt.Sprintf("%d %s (%s)", o.Code, o.Status, o.GRPCName)
}

// reserved reports retired ids and names added to or dropped from reserved.
func (c *comparer) reserved() {
	for _, r := range idRuns(c.om.Reserved.IDs, c.nm.Reserved.IDs, reservedIDsPos(c.om)) {
		c.finding("reserved-id-removed", r.element(), r.pos, true, nil,
			fmt.Sprintf("%s no longer reserved: a scope may take it again, and keys stored with the retired scope would hold that scope; keep it reserved", r.text()))
	}
	for _, r := range idRuns(c.nm.Reserved.IDs, c.om.Reserved.IDs, reservedIDsPos(c.nm)) {
		c.finding("reserved-id-added", r.element(), r.pos, false, nil, fmt.Sprintf("%s now reserved", r.text()))
	}
	for _, name := range c.om.Reserved.Names {
		if !slices.Contains(c.nm.Reserved.Names, name) {
			c.finding("reserved-name-removed", name, reservedNamePos(c.om, name), true, nil,
				fmt.Sprintf("name %s is no longer reserved: a scope may take it again, and keys that name the retired scope would hold that scope; keep it reserved", name))
		}
	}
	for _, name := range c.nm.Reserved.Names {
		if !slices.Contains(c.om.Reserved.Names, name) {
			c.finding("reserved-name-added", name, reservedNamePos(c.nm, name), false, nil, fmt.Sprintf("name %s is now reserved", name))
		}
	}
}

// idRun is a run of consecutive reserved ids written at one position (a
// range FROM-TO of reserved.ids, or one id).
type idRun struct {
	from, to int
	pos      spec.Pos
}

// element names the run as an allowance does: "7" or "100-16383".
func (r idRun) element() string {
	if r.from == r.to {
		return strconv.Itoa(r.from)
	}
	return fmt.Sprintf("%d-%d", r.from, r.to)
}

// text is the run as a message's subject: "id 7 is" or "ids 100-16383 are".
func (r idRun) text() string {
	if r.from == r.to {
		return fmt.Sprintf("id %d is", r.from)
	}
	return fmt.Sprintf("ids %d-%d are", r.from, r.to)
}

// idRuns lists the ids of a that b lacks, as runs of consecutive ids that
// share a position in pos: a range dropped or added whole is one finding.
func idRuns(a, b []int, pos map[int]spec.Pos) []idRun {
	in := make(map[int]bool, len(b))
	for _, id := range b {
		in[id] = true
	}
	var ids []int
	for _, id := range a {
		if !in[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []idRun
	for _, id := range ids {
		if n := len(out); n > 0 && out[n-1].to == id-1 && out[n-1].pos == pos[id] {
			out[n-1].to = id
			continue
		}
		out = append(out, idRun{id, id, pos[id]})
	}
	return out
}

// requiresText says what endpoint e of m requires: its op scopes ("no op
// scope" for none), or, for several alternatives, each one with its kinds
// of key: "an app_key key holding A and B, or a pat key holding C".
func (c *comparer) requiresText(m *model.Model, e *model.Endpoint) string {
	if len(e.Alternatives) <= 1 {
		return needsText(model.Names(e.Requires))
	}
	parts := make([]string, len(e.Alternatives))
	for i, a := range e.Alternatives {
		parts[i] = reference.KeyOf(m, a.Principals) + " holding " + needsText(model.Names(a.Requires))
	}
	return strings.Join(parts, ", or ")
}
