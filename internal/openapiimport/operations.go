package openapiimport

import (
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Operation is an operation of a description as scopegen check's
// completeness gate lists it: the name its endpoint has in an import (the
// operationId, or the verb and path, as Import names it) and where it is
// written.
type Operation struct {
	Name string
	Pos  spec.Pos
}

// Operations lists every operation of the description in data, named as
// Import names their endpoints, read with the same parser and limits. An
// operation whose path cannot be an HTTP binding is listed too (Import
// leaves it out, so no endpoint guards it).
func Operations(name string, data []byte) ([]Operation, error) {
	doc, pos, err := read(name, data)
	if err != nil {
		return nil, err
	}
	im := &importer{name: name, doc: doc, pos: pos}
	used := usedOperationIDs(doc.ops)
	firstID := map[string]*operation{}
	var out []Operation
	for _, o := range doc.ops {
		if _, err := model.ParseBinding(o.verb + " " + o.path); err != nil {
			out = append(out, Operation{Name: o.verb + ":" + o.path, Pos: o.pos})
			continue
		}
		out = append(out, Operation{Name: im.opName(o, firstID, used), Pos: o.pos})
	}
	return out, nil
}

// usedOperationIDs are the valid operationIds of ops: names that an
// operation named by its verb and path must not take.
func usedOperationIDs(ops []*operation) map[string]bool {
	used := map[string]bool{}
	for _, o := range ops {
		if o.id != "" && validOp(o.id) {
			used[o.id] = true
		}
	}
	return used
}
