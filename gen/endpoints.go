package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// endpointsFile declares Endpoint, its constants and its methods; the tables
// indexed by Endpoint follow it (endpointTables).
func (g *generator) endpointsFile(f *jen.File) {
	m := g.m
	f.Add(doc("Endpoint is a gRPC method of the spec. Its value is the method's position in\nthe spec, from 1; the zero Endpoint is no endpoint."))
	f.Type().Id("Endpoint").Uint16()
	if len(m.Endpoints) > 0 {
		f.Add(doc("The endpoints of the spec, in spec order."))
		f.Const().DefsFunc(func(d *jen.Group) {
			for _, e := range m.Endpoints {
				text := fmt.Sprintf("%s is %s.", e.GoName, e.Method)
				if e.Description != "" {
					text += " " + e.Description
				}
				d.Add(doc(text))
				d.Id(e.GoName).Id("Endpoint").Op("=").Lit(e.Index)
			}
		})
	}
	f.Add(doc("NumEndpoints is the number of endpoints in the spec."))
	f.Const().Id("NumEndpoints").Op("=").Lit(len(m.Endpoints))

	f.Add(doc("wordMask is one word of a sparse scope set: the bits of Set[word] it needs."))
	f.Type().Id("wordMask").Struct(jen.Id("word").Uint16(), jen.Id("mask").Uint64())
	f.Add(doc("redaction is a response field removed unless the caller holds every scope of unless."))
	f.Type().Id("redaction").Struct(jen.Id("field").String(), jen.Id("unless").Index().Id("wordMask"))
	f.Add(doc("endpointInfo is what the checker knows of an endpoint. required is the sparse\nform of the required scopes, in id order: bit i of Decision.missing is its i-th scope."))
	f.Type().Id("endpointInfo").Struct(
		jen.Id("principals").Id("Principal"),
		jen.Id("public").Bool(),
		jen.Id("required").Index().Id("wordMask"),
		jen.Id("requestScopes").Index().Id("Scope"),
		jen.Id("redactions").Index().Id("redaction"),
	)

	f.Add(doc(`endpointFast is what a check reads first, packed in 16 bytes: who may call
the endpoint and, in one word of a Set, the scopes it requires. principals is
empty for the endpoints whose check needs endpointTable, so that no grant
passes the fast check: public ones, ones with redactions, and ones whose
required scopes span more than one word.`))
	f.Type().Id("endpointFast").Struct(
		jen.Id("mask").Uint64(),
		jen.Id("word").Uint16(),
		jen.Id("principals").Id("Principal"),
	)
	e, info := jen.Id("e"), jen.Id("endpointTable").Index(jen.Id("e"))
	f.Add(doc("Valid reports whether e is an endpoint of the spec."))
	f.Func().Params(jen.Id("e").Id("Endpoint")).Id("Valid").Params().Bool().Block(
		jen.Return(e.Clone().Op(">").Lit(0).Op("&&").Add(e).Op("<=").Id("NumEndpoints")),
	)
	guarded := func(name, what string, result jen.Code, zero jen.Code, body ...jen.Code) {
		f.Add(doc(what))
		f.Func().Params(jen.Id("e").Id("Endpoint")).Id(name).Params().Add(result).Block(
			append([]jen.Code{jen.If(jen.Op("!").Id("e").Dot("Valid").Call()).Block(jen.Return(zero))}, body...)...,
		)
	}
	guarded("FullMethod", "FullMethod returns the endpoint's gRPC full method name.", jen.String(), jen.Lit(""),
		jen.Return(jen.Id("endpointMethods").Index(jen.Id("e"))))
	f.Add(doc("String returns the endpoint's full method name, or \"Endpoint(n)\" for an\nEndpoint that is not one."))
	f.Func().Params(jen.Id("e").Id("Endpoint")).Id("String").Params().String().Block(
		jen.If(jen.Id("e").Dot("Valid").Call()).Block(jen.Return(jen.Id("endpointMethods").Index(jen.Id("e")))),
		jen.Return(jen.Lit("Endpoint(").Op("+").Qual("strconv", "Itoa").Call(jen.Int().Call(jen.Id("e"))).Op("+").Lit(")")),
	)
	guarded("Principals", "Principals returns the kinds of credential that may call the endpoint (none\nwhen it is public).", jen.Id("Principal"), jen.Lit(0),
		jen.Return(info.Clone().Dot("principals")))
	guarded("Public", "Public reports whether the endpoint may be called without credentials.", jen.Bool(), jen.False(),
		jen.Return(info.Clone().Dot("public")))
	guarded("Required", "Required returns the op scopes a call to the endpoint always needs.", jen.Id("Set"), jen.Id("Set").Values(),
		jen.Return(jen.Id("setOf").Call(info.Clone().Dot("required"))))
	guarded("RequestDependent", "RequestDependent returns the scopes the endpoint's handler checks itself for\nsome requests (Grant.Has tells whether a grant holds one).", jen.Id("Set"), jen.Id("Set").Values(),
		jen.Return(jen.Id("NewSet").Call(info.Clone().Dot("requestScopes").Op("..."))))
	f.Add(doc("Redactions returns an iterator over the response fields the endpoint redacts,\neach with the scopes a caller must hold to see it, in spec order."))
	f.Func().Params(jen.Id("e").Id("Endpoint")).Id("Redactions").Params().Qual("iter", "Seq2").Types(jen.String(), jen.Id("Set")).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.String(), jen.Id("Set")).Bool()).Block(
			jen.If(jen.Op("!").Id("e").Dot("Valid").Call()).Block(jen.Return()),
			jen.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Add(info.Clone()).Dot("redactions")).Block(
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("r").Dot("field"), jen.Id("setOf").Call(jen.Id("r").Dot("unless")))).Block(jen.Return()),
			),
		)),
	)
	f.Add(doc("Endpoints returns an iterator over every endpoint, in spec order."))
	f.Func().Id("Endpoints").Params().Qual("iter", "Seq").Types(jen.Id("Endpoint")).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.Id("Endpoint")).Bool()).Block(
			jen.For(jen.Id("e").Op(":=").Id("Endpoint").Call(jen.Lit(1)), jen.Id("e").Op("<=").Id("NumEndpoints"), jen.Id("e").Op("++")).Block(
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("e"))).Block(jen.Return()),
			),
		)),
	)
	f.Add(doc("setOf turns a sparse scope set back into a Set."))
	f.Func().Id("setOf").Params(jen.Id("masks").Index().Id("wordMask")).Id("Set").Block(
		jen.Var().Id("s").Id("Set"),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("masks")).Block(
			jen.Id("s").Index(jen.Id("m").Dot("word")).Op("|=").Id("m").Dot("mask"),
		),
		jen.Return(jen.Id("s")),
	)
}
