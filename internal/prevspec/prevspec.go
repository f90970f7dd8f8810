// Package prevspec keeps what an importer's previous output fixed, so that
// a re-import reads in `scopegen diff` as the API's real change: the ids of
// the scopes that persist (a new scope gets a fresh id, a removed one is
// reserved, id and name) and the order of the endpoints that persist, which
// gives the generated Endpoint constants their values.
package prevspec

import (
	"slices"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// IDs is what AssignIDs decides.
type IDs struct {
	ID            map[string]int64 // of each name
	ReservedIDs   []int64          // sorted
	ReservedNames []string         // sorted
	// Back are the names that prev reserved (scopes removed earlier) and
	// that are scopes again: they get fresh ids, and their names are no
	// longer reserved. The caller says so.
	Back []string
}

// AssignIDs gives each of names (the scopes of an import, each once, in
// the order that decides fresh ids) its id. Without prev, ids follow that
// order, 1 up. With prev, a name it has keeps its id; new names take ids
// after every id prev used or reserved (or, past model.MaxScopeID, the
// lowest free ones); prev's reserved ids stay reserved, and so do its
// scopes that are gone, id and name, so that no later scope reuses them.
func AssignIDs(prev *spec.File, names []string) IDs {
	out := IDs{ID: map[string]int64{}}
	current := map[string]bool{}
	for _, n := range names {
		current[n] = true
	}
	used := map[int64]bool{}
	var top int64
	if prev != nil {
		for _, s := range prev.Scopes {
			if current[s.Name.Value] {
				out.ID[s.Name.Value] = s.ID.Value
			} else {
				out.ReservedIDs = append(out.ReservedIDs, s.ID.Value)
				out.ReservedNames = append(out.ReservedNames, s.Name.Value)
			}
			used[s.ID.Value] = true
			top = max(top, s.ID.Value)
		}
		for _, id := range prev.Reserved.IDs {
			used[id.Value] = true
			top = max(top, id.Value)
			out.ReservedIDs = append(out.ReservedIDs, id.Value)
		}
		for _, n := range prev.Reserved.Names {
			if current[n.Value] {
				out.Back = append(out.Back, n.Value)
				continue
			}
			out.ReservedNames = append(out.ReservedNames, n.Value)
		}
	}
	next := top + 1
	for _, n := range names {
		if _, ok := out.ID[n]; ok {
			continue
		}
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
		out.ID[n] = next
	}
	slices.Sort(out.ReservedIDs)
	out.ReservedIDs = slices.Compact(out.ReservedIDs)
	slices.Sort(out.ReservedNames)
	out.ReservedNames = slices.Compact(out.ReservedNames)
	return out
}

// Rank returns the place of each endpoint, by its name (its operation, or
// its full method), in an order that puts prev's endpoints first, in prev's
// order, and every other after them: sort stably by it. Without prev every
// endpoint has the same place.
func Rank(prev *spec.File) func(name string) int {
	rank := map[string]int{}
	if prev != nil {
		for i, e := range prev.Endpoints {
			name := e.Operation.Value
			if name == "" {
				name = e.Method.Value
			}
			rank[name] = i + 1
		}
	}
	return func(name string) int {
		if r := rank[name]; r > 0 {
			return r
		}
		return len(rank) + 1
	}
}
