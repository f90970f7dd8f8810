package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/model"
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
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, p := range model.PrincipalNames {
			d.Add(docf("%s is the %q principal kind.", p.GoName, p.Name))
			d.Id(p.GoName).Id("Principal").Op("=").Lit(int(p.Kind))
		}
		d.Add(doc("allPrincipals is every principal kind."))
		d.Id("allPrincipals").Op("=").Id(principalText(allKinds()))
	})
	f.Add(doc("principalNames holds each principal kind's name in the spec, in order."))
	f.Var().Id("principalNames").Op("=").Index(jen.Op("...")).Struct(
		jen.Id("kind").Id("Principal"),
		jen.Id("name").String(),
	).ValuesFunc(func(v *jen.Group) {
		for _, p := range model.PrincipalNames {
			v.Line().Values(jen.Id(p.GoName), jen.Lit(p.Name))
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

// allKinds is every principal kind.
func allKinds() model.Principal {
	var all model.Principal
	for _, p := range model.PrincipalNames {
		all |= p.Kind
	}
	return all
}
