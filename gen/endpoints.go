package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// endpointsFile prints the spec's endpoints: their constants, NumEndpoints,
// the size of a set of endpoints and allEndpoints; the tables indexed by
// Endpoint follow it (endpointTables).
func (g *generator) endpointsFile(f *jen.File) {
	m := g.m
	if len(m.Endpoints) > 0 {
		f.Add(doc("The endpoints of the spec, in spec order."))
		f.Const().DefsFunc(func(d *jen.Group) {
			for _, e := range m.Endpoints {
				text := fmt.Sprintf("%s is %s.", e.GoName, e.Name)
				if e.Description != "" {
					text += " " + e.Description
				}
				if len(e.HTTP) > 0 {
					text += "\n\nHTTP:"
					for _, b := range e.HTTP {
						text += "\n  - " + b.String() // one line each, so that a binding's change is a one-line diff
					}
				}
				d.Add(doc(text))
				d.Id(e.GoName).Id("Endpoint").Op("=").Lit(e.Index)
			}
		})
		f.Line()
	}
	words := len(m.Endpoints)/64 + 1
	all := make([]uint64, words)
	for _, e := range m.Endpoints {
		all[e.Index/64] |= 1 << (e.Index % 64)
	}
	f.Const().Defs(
		jen.Comment("NumEndpoints is the number of endpoints in the spec."),
		jen.Id("NumEndpoints").Op("=").Lit(len(m.Endpoints)),
		jen.Comment("endpointWords is the number of 64-bit words in an endpointSet."),
		jen.Id("endpointWords").Op("=").Lit(words),
	)
	f.Line()
	f.Add(doc("allEndpoints holds every endpoint: the restriction of a key that is not\nrestricted to endpoints."))
	f.Var().Id("allEndpoints").Op("=").Id("endpointSet{" + wordsText(all) + "}")
}
