package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// specFile prints the spec's version hash (SpecHash), its principal kinds
// and outcomes: the Principal constants and principalNames, and
// outcomeTable, which the fixed Outcome constants index.
func (g *generator) specFile(f *jen.File) {
	m := g.m
	f.Add(doc("SpecHash is the version hash of the spec: the first 16 hex digits of the\n" +
		"SHA-256 of its canonical form without comments: the same for a spec laid out\n" +
		"or commented differently, another for any change of a value.\n" +
		"Decision.SpecHash returns it, so that the events of the transport adapters\n" +
		"say which spec decided a call."))
	f.Const().Id("SpecHash").Op("=").Lit(m.SpecHash)
	f.Add(doc("The principal kinds of the spec: the kinds of credential it knows, each a\nbit of a Principal."))
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, k := range m.Kinds {
			text := fmt.Sprintf("%s is the %q principal kind.", k.GoName, k.Name)
			if k.Description != "" {
				text += " " + k.Description
			}
			d.Add(doc(text))
			d.Id(k.GoName).Id("Principal").Op("=").Lit(int(k.Bit))
		}
		d.Add(doc("AllPrincipals is every principal kind the spec declares."))
		d.Id("AllPrincipals").Op("=").Id(g.principalText(m.AllKinds()))
	})
	f.Add(doc("principalNames holds each principal kind's name in the spec, in order."))
	f.Var().Id("principalNames").Op("=").Index(jen.Op("...")).Struct(
		jen.Id("kind").Id("Principal"),
		jen.Id("name").String(),
	).ValuesFunc(func(v *jen.Group) {
		for _, k := range m.Kinds {
			v.Line().Values(jen.Id(k.GoName), jen.Lit(k.Name))
		}
		v.Line()
	})

	f.Add(doc("outcomeTable holds each outcome's code, status, gRPC code and message."))
	f.Var().Id("outcomeTable").Op("=").Index(jen.Op("...")).Id("outcomeEntry").ValuesFunc(func(v *jen.Group) {
		v.Line().Id("OutcomeAllowed").Op(":").Values(jen.Lit(0), jen.Lit("OK"), jen.Lit(0), jen.Lit(""))
		for _, o := range m.Outcomes {
			v.Line().Id(o.GoName).Op(":").Values(jen.Lit(o.Code), jen.Lit(o.Status), jen.Lit(o.GRPCCode), jen.Lit(o.Message))
		}
		v.Line()
	})
}
