package route

import "github.com/scopegen/scopegen/internal/model"

// FromModel returns the HTTP bindings of m's endpoints as routes, in spec
// order: what the generator plans the tables from, and what tests give
// Match.
func FromModel(m *model.Model) []Route {
	kinds := map[model.SegmentKind]Kind{model.Literal: Literal, model.Param: Param, model.Rest: Rest}
	var out []Route
	for _, e := range m.Endpoints {
		for _, b := range e.HTTP {
			r := Route{Verb: b.Verb, Custom: b.CustomVerb, Endpoint: e.Index}
			for _, s := range b.Segments {
				r.Segments = append(r.Segments, Segment{Kind: kinds[s.Kind], Literal: s.Literal})
			}
			out = append(out, r)
		}
	}
	return out
}
