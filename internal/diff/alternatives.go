package diff

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// alt is one alternative of an endpoint, its scopes as places in univ.
type alt struct {
	a     *model.Alternative
	i     int   // its index in the endpoint's any_of
	set   []int // its scopes
	match int   // the index of the alternative of the other side it is compared with, or -1
}

// alts lists the alternatives of endpoint e of one side.
func (c *comparer) alts(e *model.Endpoint, old bool) []alt {
	out := make([]alt, len(e.Alternatives))
	for i := range e.Alternatives {
		out[i] = alt{a: &e.Alternatives[i], i: i, set: c.set(e.Alternatives[i].Requires, old), match: -1}
	}
	return out
}

// pairAlternatives matches the alternatives of the two sides of an
// endpoint: first those alike (the same kinds and scopes), then, in NEW's
// order, each other one of NEW with the one of OLD of the same kinds that
// shares the most scopes with it (or either lists none). What is left over
// was added (NEW) or removed (OLD).
func pairAlternatives(ao, an []alt) {
	for i := range an {
		for j := range ao {
			if ao[j].match < 0 && ao[j].a.Principals == an[i].a.Principals && setKey(ao[j].set) == setKey(an[i].set) {
				ao[j].match, an[i].match = i, j
				break
			}
		}
	}
	for i := range an {
		if an[i].match >= 0 {
			continue
		}
		best, shared := -1, -1
		for j := range ao {
			if ao[j].match >= 0 || ao[j].a.Principals != an[i].a.Principals {
				continue
			}
			k := len(inter(ao[j].set, an[i].set))
			if k == 0 && len(ao[j].set) > 0 && len(an[i].set) > 0 {
				continue
			}
			if k > shared {
				best, shared = j, k
			}
		}
		if best >= 0 {
			ao[best].match, an[i].match = i, best
		}
	}
}

// alternatives compares the requirements of an endpoint that lists several
// alternatives on a side (any_of). A new alternative, or one that requires
// fewer scopes, is an escalation, witnessed by a key of a kind it accepts
// holding exactly what the alternative needs that OLD refuses and NEW
// allows; an alternative removed, or one that requires more, is breaking,
// witnessed by a key of a kind it accepted holding what it needed on OLD,
// which NEW refuses. An
// alternative whose kinds change is one removed and one added.
func (c *comparer) alternatives(o, n *model.Endpoint) {
	m, here := n.Name, []string{n.Name}
	ao, an := c.alts(o, true), c.alts(n, false)
	pairAlternatives(ao, an)
	for _, x := range an {
		a := x.a
		key := reference.KeyOf(c.nm, a.Principals)
		if x.match < 0 {
			f := c.finding("endpoint-alternative-added", m, or(a.Pos, n.Pos), false, here,
				fmt.Sprintf("endpoint %s accepts a new alternative: %s holding %s", m, key, needsText(c.newNames(x.set)))).
				pin(append([]string{strings.Join(c.nm.KindNames(a.Principals), "|")}, c.newNames(x.set)...)...)
			must, kinds := x.set, a.Principals
			f.seek = func() *Witness {
				return c.find(search{methods: here, must: must, kinds: kinds, request: -1, control: len(must) > 0, want: func(o, n Decision) bool {
					return !o.Allowed && o.Reason != string(reference.Public) && n.Allowed
				}})
			}
			f.why = cmp.Or(c.unheld(m, x.set), c.covered(m, x, ao, "on the old spec"))
			continue
		}
		y := ao[x.match]
		if fewer := minus(y.set, x.set); len(fewer) > 0 {
			f := c.finding("endpoint-requirement-removed", m, firstWritten(a.RequiresPos, or(a.Pos, n.Pos)), false, here,
				fmt.Sprintf("endpoint %s no longer requires %s in its alternative %d (%s holding %s)", m, list(c.names(fewer)), x.i+1, key, needsText(c.newNames(x.set)))).
				pin(c.names(fewer)...)
			must, kinds := x.set, a.Principals
			f.seek = func() *Witness {
				return c.find(search{methods: here, must: must, kinds: kinds, request: -1, control: len(must) > 0, want: func(o, n Decision) bool {
					return o.Reason == string(reference.MissingScopes) && n.Allowed
				}})
			}
			f.why = cmp.Or(c.held(m, fewer, x.set), c.unheld(m, x.set), c.covered(m, x, ao, "on the old spec"))
		}
		if more := minus(x.set, y.set); len(more) > 0 {
			names := c.newNames(more)
			f := c.finding("endpoint-requirement-added", m, scopePos(a.Requires, a.RequiresPos, names[0], or(a.Pos, n.Pos)), false, here,
				fmt.Sprintf("endpoint %s now requires %s too in its alternative %d (%s): keys that call it that way without %s lose access", m, list(names), x.i+1, key, itThem(len(names)))).
				pin(names...)
			must, kinds := y.set, y.a.Principals
			f.seek = func() *Witness {
				return c.find(search{methods: here, must: must, kinds: kinds, request: -1, control: len(must) > 0, want: func(o, n Decision) bool {
					return o.Allowed && n.Reason == string(reference.MissingScopes)
				}})
			}
			f.why = cmp.Or(c.held(m, more, y.set), c.covered(m, y, an, "on the new spec"))
		}
	}
	for _, y := range ao {
		if y.match >= 0 {
			continue
		}
		key := reference.KeyOf(c.om, y.a.Principals)
		f := c.finding("endpoint-alternative-removed", m, n.Pos, false, here,
			fmt.Sprintf("endpoint %s no longer accepts %s holding %s (its alternative %d on the old spec)", m, key, needsText(c.names(y.set)), y.i+1)).
			pin(append([]string{strings.Join(c.om.KindNames(y.a.Principals), "|")}, c.names(y.set)...)...)
		must, kinds := y.set, y.a.Principals
		f.seek = func() *Witness {
			return c.find(search{methods: here, must: must, kinds: kinds, request: -1, control: len(must) > 0, want: func(o, n Decision) bool {
				return o.Allowed && !n.Allowed
			}})
		}
		f.why = c.covered(m, y, an, "on the new spec")
	}
}

// covered explains why alternative x adds nothing: another alternative of
// the other side (others), usable by every kind x is, asks for a subset of
// x's scopes, so every key that satisfies x satisfies it too. It returns ""
// when none does.
func (c *comparer) covered(method string, x alt, others []alt, side string) string {
	for _, y := range others {
		if x.a.Principals&^y.a.Principals == 0 && len(minus(y.set, x.set)) == 0 {
			return fmt.Sprintf("every key that satisfies it may call %s %s through alternative %d, which needs %s", method, side, y.i+1, needsText(c.names(y.set)))
		}
	}
	return ""
}

// needsText lists scopes an alternative needs, or says it needs none.
func needsText(names []string) string {
	if len(names) == 0 {
		return "no op scope"
	}
	return list(names)
}
