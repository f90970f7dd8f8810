package openapiimport

import (
	"sort"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/prevspec"
)

// assignIDs gives each scope its id (prevspec.AssignIDs): the one it has
// in the previous spec, or a fresh one; without a previous spec, ids follow
// the names' order, 1 up. The previous spec's scopes that are gone are
// reserved, id and name.
func (im *importer) assignIDs() {
	names := make([]string, len(im.scopes))
	for i, s := range im.scopes {
		names[i] = s.name
	}
	ids := prevspec.AssignIDs(im.opts.Prev, names)
	for _, n := range ids.Back {
		im.warnf(im.byScope[n].pos, "scope %q is back: the previous spec reserved its name (a scope removed earlier); it is no longer reserved, and it gets a fresh id (its old id stays reserved)", n)
	}
	im.reservedIDs, im.reservedNames = ids.ReservedIDs, ids.ReservedNames
	for _, s := range im.scopes {
		s.id = ids.ID[s.name]
	}
	sort.Slice(im.scopes, func(i, j int) bool { return im.scopes[i].id < im.scopes[j].id })
	for _, e := range im.eps {
		for i := range e.alts {
			sc := e.alts[i].scopes
			sort.Slice(sc, func(a, b int) bool { return sc[a].id < sc[b].id })
		}
	}
}

// order puts the endpoints that the previous spec has first, in its order,
// so that their Endpoint constants keep their values, then the new ones in
// path order.
func (im *importer) order() {
	if im.opts.Prev == nil {
		return
	}
	rank := prevspec.Rank(im.opts.Prev)
	sort.SliceStable(im.eps, func(i, j int) bool { return rank(im.eps[i].name) < rank(im.eps[j].name) })
}

// sharedBindings marks the bindings of operations whose paths differ only
// in their variables' names ("/pets/{id}" and "/pets/{petId}" with the same
// verb): the spec writes each {shared: ...}, and a request they match is
// allowed only when every one of them allows it.
func (im *importer) sharedBindings() {
	groups := map[string][]*endpointOut{}
	var order []string
	for _, e := range im.eps {
		b, err := model.ParseBinding(e.binding)
		if err != nil {
			continue // checked when the endpoint was made
		}
		p := b.Pattern()
		if groups[p] == nil {
			order = append(order, p)
		}
		groups[p] = append(groups[p], e)
	}
	for _, p := range order {
		g := groups[p]
		if len(g) < 2 {
			continue
		}
		if len(g) > model.MaxShared {
			im.errs.Report(g[model.MaxShared].op.pos, "operations %s and %d others match exactly the same requests (%s); a spec lets at most %d endpoints share a binding", g[0].binding, len(g)-1, p, model.MaxShared)
			continue
		}
		// model.Build warns of each shared binding, naming the others.
		for _, e := range g {
			e.shared = true
		}
	}
}
