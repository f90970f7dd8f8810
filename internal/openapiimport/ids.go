package openapiimport

import (
	"slices"
	"sort"

	"github.com/scopegen/scopegen/internal/model"
)

// assignIDs gives each scope its id: the one it has in the previous spec,
// or a fresh one. Without a previous spec, ids follow the names' order, 1
// up. With one, new scopes take ids after every id the previous spec used
// or reserved (or, past model.MaxScopeID, the lowest free ones), in name
// order, and the scopes it had that are gone are reserved, id and name, so
// that no later scope reuses them.
func (im *importer) assignIDs() {
	prevID := map[string]int64{}
	used := map[int64]bool{}
	var max int64
	if p := im.opts.Prev; p != nil {
		for _, s := range p.Scopes {
			prevID[s.Name.Value] = s.ID.Value
			used[s.ID.Value] = true
			max = maxInt(max, s.ID.Value)
		}
		for _, id := range p.Reserved.IDs {
			used[id.Value] = true
			max = maxInt(max, id.Value)
			im.reservedIDs = append(im.reservedIDs, id.Value)
		}
		for _, n := range p.Reserved.Names {
			if s := im.byScope[n.Value]; s != nil && !s.invalid {
				im.warnf(s.pos, "scope %q is back: the previous spec reserved its name (a scope removed earlier); it is no longer reserved, and it gets a fresh id (its old id stays reserved)", n.Value)
				continue
			}
			im.reservedNames = append(im.reservedNames, n.Value)
		}
		for _, s := range p.Scopes {
			if cur := im.byScope[s.Name.Value]; cur == nil || cur.invalid {
				im.reservedIDs = append(im.reservedIDs, s.ID.Value)
				im.reservedNames = append(im.reservedNames, s.Name.Value)
			}
		}
	}
	next := max + 1
	fresh := func() int64 {
		for next <= model.MaxScopeID && used[next] {
			next++
		}
		if next > model.MaxScopeID {
			next = 1
			for used[next] {
				next++
			}
		}
		used[next] = true
		return next
	}
	for _, s := range im.scopes {
		if id, ok := prevID[s.name]; ok {
			s.id = id
		}
	}
	for _, s := range im.scopes {
		if s.id == 0 {
			s.id = fresh()
		}
	}
	sort.Slice(im.scopes, func(i, j int) bool { return im.scopes[i].id < im.scopes[j].id })
	slices.Sort(im.reservedIDs)
	im.reservedIDs = slices.Compact(im.reservedIDs)
	slices.Sort(im.reservedNames)
	im.reservedNames = slices.Compact(im.reservedNames)
	for _, e := range im.eps {
		for i := range e.alts {
			sc := e.alts[i].scopes
			sort.Slice(sc, func(a, b int) bool { return sc[a].id < sc[b].id })
		}
	}
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// order puts the endpoints that the previous spec has first, in its order,
// so that their Endpoint constants keep their values, then the new ones in
// path order.
func (im *importer) order() {
	p := im.opts.Prev
	if p == nil {
		return
	}
	rank := map[string]int{}
	for i, e := range p.Endpoints {
		name := e.Operation.Value
		if name == "" {
			name = e.Method.Value
		}
		rank[name] = i + 1
	}
	r := func(e *endpointOut) int {
		if n := rank[e.name]; n > 0 {
			return n
		}
		return len(rank) + 1
	}
	sort.SliceStable(im.eps, func(i, j int) bool { return r(im.eps[i]) < r(im.eps[j]) })
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
