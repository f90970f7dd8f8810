package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/model"
)

// reasons are the generated Reason constants, in order, with their names and
// the outcome role each maps to ("" for allowed).
var reasons = []struct {
	goName, name, doc string
	role              model.Role
}{
	{"ReasonAllowed", "allowed", "the grant holds everything the call needs", ""},
	{"ReasonPublic", "public", "the endpoint needs no credentials", ""},
	{"ReasonNoCredentials", "no_credentials", "the caller has no credentials (the zero Grant)", model.KeyNotFound},
	{"ReasonUnknownEndpoint", "unknown_endpoint", "the method is not an endpoint of the spec", model.UnknownEndpoint},
	{"ReasonPrincipal", "principal", "the endpoint does not accept the grant's principal kind", model.InsufficientScopes},
	{"ReasonEndpointNotGranted", "endpoint_not_granted", "the grant is restricted to endpoints and this is not one of them", model.InsufficientScopes},
	{"ReasonMissingScopes", "missing_scopes", "the grant lacks op scopes the endpoint requires", model.InsufficientScopes},
}

// decisionFile declares Outcome, Reason, Decision and the checks.
func (g *generator) decisionFile(f *jen.File) {
	m := g.m
	f.Add(doc("Outcome is how a call ends: allowed, or one of the spec's denial outcomes."))
	f.Type().Id("Outcome").Uint8()
	f.Const().DefsFunc(func(d *jen.Group) {
		d.Add(doc("OutcomeAllowed is a call that goes ahead."))
		d.Id("OutcomeAllowed").Id("Outcome").Op("=").Iota()
		for _, o := range m.Outcomes {
			d.Add(docf("%s is %d %s: %s.", o.GoName, o.Code, o.Status, o.Message))
			d.Id(o.GoName)
		}
	})
	f.Add(doc("outcomeTable holds each outcome's code, status, gRPC code and message."))
	f.Var().Id("outcomeTable").Op("=").Index(jen.Op("...")).Struct(
		jen.Id("code").Int(), jen.Id("status").String(), jen.Id("grpcCode").Int(), jen.Id("message").String(),
	).ValuesFunc(func(v *jen.Group) {
		v.Line().Id("OutcomeAllowed").Op(":").Values(jen.Lit(0), jen.Lit("OK"), jen.Lit(0), jen.Lit(""))
		for _, o := range m.Outcomes {
			v.Line().Id(o.GoName).Op(":").Values(jen.Lit(o.Code), jen.Lit(o.Status), jen.Lit(o.GRPCCode), jen.Lit(o.Message))
		}
		v.Line()
	})
	outcomeMethod := func(name, what string, typ jen.Code, field string) {
		f.Add(doc(what))
		f.Func().Params(jen.Id("o").Id("Outcome")).Id(name).Params().Add(typ).Block(
			jen.If(jen.Int().Call(jen.Id("o")).Op(">=").Len(jen.Id("outcomeTable"))).Block(jen.Return(jen.Id("outcomeTable").Index(jen.Id("OutcomeAllowed")).Dot(field))),
			jen.Return(jen.Id("outcomeTable").Index(jen.Id("o")).Dot(field)),
		)
	}
	outcomeMethod("Code", "Code returns the outcome's numeric status code, e.g. 11007; 0 when allowed.", jen.Int(), "code")
	outcomeMethod("Status", `Status returns the outcome's status name, e.g. "CONN_INSUFFICIENT_SCOPES"; "OK"
when allowed.`, jen.String(), "status")
	outcomeMethod("GRPCCode", "GRPCCode returns the canonical gRPC code number to answer with, e.g. 7 for\nPERMISSION_DENIED; 0 (OK) when allowed.", jen.Int(), "grpcCode")
	outcomeMethod("Message", "Message returns the outcome's message for the client.", jen.String(), "message")
	f.Add(doc("String returns the outcome's status name."))
	f.Func().Params(jen.Id("o").Id("Outcome")).Id("String").Params().String().Block(jen.Return(jen.Id("o").Dot("Status").Call()))

	f.Add(doc("Reason says why a call was decided as it was."))
	f.Type().Id("Reason").Uint8()
	f.Const().DefsFunc(func(d *jen.Group) {
		for i, r := range reasons {
			d.Add(docf("%s: %s.", r.goName, r.doc))
			if i == 0 {
				d.Id(r.goName).Id("Reason").Op("=").Iota()
			} else {
				d.Id(r.goName)
			}
		}
	})
	f.Add(doc("reasonInfo holds each reason's name and the outcome it ends in."))
	f.Var().Id("reasonInfo").Op("=").Index(jen.Op("...")).Struct(jen.Id("name").String(), jen.Id("outcome").Id("Outcome")).ValuesFunc(func(v *jen.Group) {
		for _, r := range reasons {
			outcome := "OutcomeAllowed"
			if r.role != "" {
				outcome = m.Outcome(r.role).GoName
			}
			v.Line().Id(r.goName).Op(":").Values(jen.Lit(r.name), jen.Id(outcome))
		}
		v.Line()
	})
	f.Add(doc(`String returns the reason's name, e.g. "missing_scopes".`))
	f.Func().Params(jen.Id("r").Id("Reason")).Id("String").Params().String().Block(
		jen.If(jen.Int().Call(jen.Id("r")).Op("<").Len(jen.Id("reasonInfo"))).Block(jen.Return(jen.Id("reasonInfo").Index(jen.Id("r")).Dot("name"))),
		jen.Return(jen.Lit("Reason(").Op("+").Qual("strconv", "Itoa").Call(jen.Int().Call(jen.Id("r"))).Op("+").Lit(")")),
	)

	f.Add(doc(`Decision is the answer to "may this grant call this endpoint?": allowed or not,
why, the outcome code of a denial, the required scopes the grant lacks and, for
an allowed call, the response fields to redact. A Decision is a small value;
making one never allocates.`))
	f.Type().Id("Decision").Struct(
		jen.Id("endpoint").Id("Endpoint"),
		jen.Id("reason").Id("Reason"),
		jen.Id("missing").Uint64().Comment("bit i: the i-th required scope of the endpoint is missing"),
		jen.Id("redacted").Uint64().Comment("bit i: the i-th redaction of the endpoint applies"),
	)
	d := func() *jen.Statement { return jen.Params(jen.Id("d").Id("Decision")) }
	f.Add(doc("Allowed reports whether the call may go ahead."))
	f.Func().Add(d()).Id("Allowed").Params().Bool().Block(jen.Return(jen.Id("d").Dot("reason").Op("<=").Id("ReasonPublic")))
	f.Add(doc("Reason says why the call was decided as it was."))
	f.Func().Add(d()).Id("Reason").Params().Id("Reason").Block(jen.Return(jen.Id("d").Dot("reason")))
	f.Add(doc("Endpoint returns the endpoint called, or 0 when the method is not one."))
	f.Func().Add(d()).Id("Endpoint").Params().Id("Endpoint").Block(jen.Return(jen.Id("d").Dot("endpoint")))
	f.Add(doc("Method returns the endpoint's full method name, or \"\" when the method\nasked about is not an endpoint."))
	f.Func().Add(d()).Id("Method").Params().String().Block(jen.Return(jen.Id("d").Dot("endpoint").Dot("FullMethod").Call()))
	f.Add(doc("Outcome returns how the call ends: OutcomeAllowed or the denial's outcome."))
	f.Func().Add(d()).Id("Outcome").Params().Id("Outcome").Block(jen.Return(jen.Id("reasonInfo").Index(jen.Id("d").Dot("reason")).Dot("outcome")))
	f.Add(doc("Code returns the outcome's numeric status code; 0 when allowed."))
	f.Func().Add(d()).Id("Code").Params().Int().Block(jen.Return(jen.Id("d").Dot("Outcome").Call().Dot("Code").Call()))
	f.Add(doc(`Status returns the outcome's status name, e.g. "CONN_INSUFFICIENT_SCOPES"; "OK"
when allowed.`))
	f.Func().Add(d()).Id("Status").Params().String().Block(jen.Return(jen.Id("d").Dot("Outcome").Call().Dot("Status").Call()))
	f.Add(doc(`Missing returns the op scopes the endpoint requires that the grant lacks. It
is reported for every denial of a known endpoint, whatever the reason, so that
it says everything a key would need.`))
	f.Func().Add(d()).Id("Missing").Params().Id("Set").Block(
		jen.Var().Id("s").Id("Set"),
		jen.If(jen.Op("!").Id("d").Dot("endpoint").Dot("Valid").Call()).Block(jen.Return(jen.Id("s"))),
		jen.Id("bit").Op(":=").Lit(0),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("endpointTable").Index(jen.Id("d").Dot("endpoint")).Dot("required")).Block(
			jen.For(jen.Id("w").Op(":=").Id("m").Dot("mask"), jen.Id("w").Op("!=").Lit(0), jen.Id("w").Op("&=").Id("w").Op("-").Lit(1)).Block(
				jen.If(jen.Id("d").Dot("missing").Op("&").Parens(jen.Lit(1).Op("<<").Id("bit")).Op("!=").Lit(0)).Block(
					jen.Id("s").Index(jen.Id("m").Dot("word")).Op("|=").Id("w").Op("&").Op("-").Id("w"),
				),
				jen.Id("bit").Op("++"),
			),
		),
		jen.Return(jen.Id("s")),
	)
	f.Add(doc("Redacts reports whether an allowed call's response must have fields removed."))
	f.Func().Add(d()).Id("Redacts").Params().Bool().Block(jen.Return(jen.Id("d").Dot("redacted").Op("!=").Lit(0)))
	f.Add(doc("Redacted returns an iterator over the response fields to remove (dotted\nfield paths), in spec order."))
	f.Func().Add(d()).Id("Redacted").Params().Qual("iter", "Seq").Types(jen.String()).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.String()).Bool()).Block(
			jen.If(jen.Id("d").Dot("redacted").Op("==").Lit(0)).Block(jen.Return()),
			jen.For(jen.List(jen.Id("i"), jen.Id("r")).Op(":=").Range().Id("endpointTable").Index(jen.Id("d").Dot("endpoint")).Dot("redactions")).Block(
				jen.If(jen.Id("d").Dot("redacted").Op("&").Parens(jen.Lit(1).Op("<<").Id("i")).Op("!=").Lit(0).Op("&&").Op("!").Id("yield").Call(jen.Id("r").Dot("field"))).Block(jen.Return()),
			),
		)),
	)
	f.Add(doc("RedactionMask returns the response fields to remove as a mask: bit i is set\nwhen the i-th field of the endpoint's Redactions is removed, as Redacted\nlists it."))
	f.Func().Add(d()).Id("RedactionMask").Params().Uint64().Block(jen.Return(jen.Id("d").Dot("redacted")))
	f.Add(doc("Err returns nil when the call is allowed, and a *DeniedError otherwise. Only\nthis step allocates."))
	f.Func().Add(d()).Id("Err").Params().Error().Block(
		jen.If(jen.Id("d").Dot("Allowed").Call()).Block(jen.Return(jen.Nil())),
		jen.Return(jen.Op("&").Id("DeniedError").Values(jen.Id("d"))),
	)

	f.Add(doc("DeniedError is a denied call as an error."))
	f.Type().Id("DeniedError").Struct(jen.Id("Decision").Id("Decision"))
	f.Add(doc(`Error says what was denied and why, e.g. "CONN_INSUFFICIENT_SCOPES (11007):
/pkg.Svc/Method: missing scopes Inputs:Get".`))
	f.Func().Params(jen.Id("e").Op("*").Id("DeniedError")).Id("Error").Params().String().Block(
		jen.Id("d").Op(":=").Id("e").Dot("Decision"),
		jen.Id("msg").Op(":=").Qual("fmt", "Sprintf").Call(jen.Lit("%s (%d): %s: %s"), jen.Id("d").Dot("Status").Call(), jen.Id("d").Dot("Code").Call(), jen.Qual("strconv", "Quote").Call(jen.Id("d").Dot("Method").Call()), jen.Id("d").Dot("Outcome").Call().Dot("Message").Call()),
		jen.If(jen.Id("d").Dot("reason").Op("!=").Id("ReasonMissingScopes")).Block(
			jen.Id("msg").Op("+=").Lit(" (").Op("+").Id("d").Dot("reason").Dot("String").Call().Op("+").Lit(")"),
		),
		jen.If(jen.Id("m").Op(":=").Id("d").Dot("Missing").Call(), jen.Op("!").Id("m").Dot("IsEmpty").Call()).Block(
			jen.Id("msg").Op("+=").Lit("; missing scopes ").Op("+").Id("m").Dot("String").Call(),
		),
		jen.Return(jen.Id("msg")),
	)

	g.checks(f)
}

// checks declares Grant.Check and Grant.CheckEndpoint, the hot path.
func (g *generator) checks(f *jen.File) {
	f.Add(doc("noScopes is the scope set of the zero Grant."))
	f.Var().Id("noScopes").Id("Set")

	f.Add(doc(fmt.Sprintf(`Check decides a call of fullMethod (e.g. %q) by g. A method that
is not an endpoint of the spec is denied. It never allocates.`, g.exampleMethod())))
	unknown := jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("reason"): jen.Id("ReasonUnknownEndpoint")}))
	if g.plan == nil {
		f.Func().Params(jen.Id("g").Id("Grant")).Id("Check").Params(jen.Id("fullMethod").String()).Id("Decision").Block(
			jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Id("LookupEndpoint").Call(jen.Id("fullMethod")),
			jen.If(jen.Op("!").Id("ok")).Block(unknown),
			jen.Return(jen.Id("g").Dot("CheckEndpoint").Call(jen.Id("e"))),
		)
	} else {
		// LookupEndpoint and the fast path of CheckEndpoint, printed inline:
		// this is the hot path of every call a service makes.
		body := append(lookupStmts(g.plan, unknown), fastPath(), jen.Return(jen.Id("g").Dot("check").Call(jen.Id("e"))))
		f.Func().Params(jen.Id("g").Id("Grant")).Id("Check").Params(jen.Id("fullMethod").String()).Id("Decision").Block(body...)
	}
	f.Add(doc(`CheckEndpoint decides a call of endpoint e by g: public endpoints are allowed;
otherwise the grant needs a principal kind the endpoint accepts, the endpoint
itself if the grant is restricted to endpoints, and every op scope the
endpoint requires. It never allocates.`))
	f.Func().Params(jen.Id("g").Id("Grant")).Id("CheckEndpoint").Params(jen.Id("e").Id("Endpoint")).Id("Decision").Block(
		jen.If(jen.Id("e").Op("-").Lit(1).Op(">=").Id("NumEndpoints")).Block(jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("reason"): jen.Id("ReasonUnknownEndpoint")}))),
		fastPath(),
		jen.Return(jen.Id("g").Dot("check").Call(jen.Id("e"))),
	)
	f.Add(doc("check decides a call of a valid endpoint the long way, from endpointTable."))
	f.Func().Params(jen.Id("g").Id("Grant")).Id("check").Params(jen.Id("e").Id("Endpoint")).Id("Decision").Block(
		jen.Id("info").Op(":=").Op("&").Id("endpointTable").Index(jen.Id("e")),
		jen.Id("d").Op(":=").Id("g").Dot("g"),
		jen.If(jen.Id("info").Dot("public")).Block(
			jen.Id("scopes").Op(":=").Op("&").Id("noScopes"),
			jen.If(jen.Id("d").Op("!=").Nil()).Block(jen.Id("scopes").Op("=").Op("&").Id("d").Dot("scopes")),
			jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("endpoint"): jen.Id("e"), jen.Id("reason"): jen.Id("ReasonPublic"), jen.Id("redacted"): jen.Id("redactions").Call(jen.Id("info"), jen.Id("scopes"))})),
		),
		jen.If(jen.Id("d").Op("==").Nil().Op("||").Id("d").Dot("kinds").Op("&").Id("info").Dot("principals").Op("==").Lit(0).Op("||").Id("d").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("&").Parens(jen.Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64))).Op("==").Lit(0)).Block(
			jen.Return(jen.Id("deny").Call(jen.Id("d"), jen.Id("e"), jen.Id("info"))),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("info").Dot("required")).Block(
			jen.If(jen.Id("d").Dot("scopes").Index(jen.Id("m").Dot("word")).Op("&").Id("m").Dot("mask").Op("!=").Id("m").Dot("mask")).Block(
				jen.Return(jen.Id("deny").Call(jen.Id("d"), jen.Id("e"), jen.Id("info"))),
			),
		),
		jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("endpoint"): jen.Id("e"), jen.Id("reason"): jen.Id("ReasonAllowed"), jen.Id("redacted"): jen.Id("redactions").Call(jen.Id("info"), jen.Op("&").Id("d").Dot("scopes"))})),
	)
	f.Add(doc("deny builds the decision for a call that is refused: the first reason that\napplies, and every required scope the grant lacks."))
	f.Func().Id("deny").Params(jen.Id("d").Op("*").Id("grant"), jen.Id("e").Id("Endpoint"), jen.Id("info").Op("*").Id("endpointInfo")).Id("Decision").Block(
		jen.Id("dec").Op(":=").Id("Decision").Values(jen.Dict{jen.Id("endpoint"): jen.Id("e"), jen.Id("reason"): jen.Id("ReasonMissingScopes")}),
		jen.Id("scopes").Op(":=").Op("&").Id("noScopes"),
		jen.Switch().Block(
			jen.Case(jen.Id("d").Op("==").Nil()).Block(jen.Id("dec").Dot("reason").Op("=").Id("ReasonNoCredentials")),
			jen.Case(jen.Id("d").Dot("kinds").Op("&").Id("info").Dot("principals").Op("==").Lit(0)).Block(
				jen.Id("dec").Dot("reason").Op("=").Id("ReasonPrincipal"),
				jen.Id("scopes").Op("=").Op("&").Id("d").Dot("scopes"),
			),
			jen.Case(jen.Id("d").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("&").Parens(jen.Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64))).Op("==").Lit(0)).Block(
				jen.Id("dec").Dot("reason").Op("=").Id("ReasonEndpointNotGranted"),
				jen.Id("scopes").Op("=").Op("&").Id("d").Dot("scopes"),
			),
			jen.Default().Block(jen.Id("scopes").Op("=").Op("&").Id("d").Dot("scopes")),
		),
		jen.Id("bit").Op(":=").Lit(0),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("info").Dot("required")).Block(
			jen.For(jen.Id("w").Op(":=").Id("m").Dot("mask"), jen.Id("w").Op("!=").Lit(0), jen.Id("w").Op("&=").Id("w").Op("-").Lit(1)).Block(
				jen.If(jen.Id("scopes").Index(jen.Id("m").Dot("word")).Op("&").Parens(jen.Id("w").Op("&").Op("-").Id("w")).Op("==").Lit(0)).Block(
					jen.Id("dec").Dot("missing").Op("|=").Lit(1).Op("<<").Id("bit"),
				),
				jen.Id("bit").Op("++"),
			),
		),
		jen.Return(jen.Id("dec")),
	)
	f.Add(doc("redactions returns the mask of info's redactions that apply to a caller\nholding scopes."))
	f.Func().Id("redactions").Params(jen.Id("info").Op("*").Id("endpointInfo"), jen.Id("scopes").Op("*").Id("Set")).Uint64().Block(
		jen.Var().Id("r").Uint64(),
		jen.For(jen.List(jen.Id("i"), jen.Id("red")).Op(":=").Range().Id("info").Dot("redactions")).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("red").Dot("unless")).Block(
				jen.If(jen.Id("scopes").Index(jen.Id("m").Dot("word")).Op("&").Id("m").Dot("mask").Op("!=").Id("m").Dot("mask")).Block(
					jen.Id("r").Op("|=").Lit(1).Op("<<").Id("i"),
					jen.Break(),
				),
			),
		),
		jen.Return(jen.Id("r")),
	)
}

// fastPath allows a call of endpoint e from endpointFastTable alone, when it
// can; the rest falls through to Grant.check.
func fastPath() jen.Code {
	return jen.If(
		jen.List(jen.Id("f"), jen.Id("d")).Op(":=").List(jen.Op("&").Id("endpointFastTable").Index(jen.Id("e")), jen.Id("g").Dot("g")),
		jen.Id("d").Op("!=").Nil().Op("&&").
			Id("d").Dot("kinds").Op("&").Id("f").Dot("principals").Op("!=").Lit(0).Op("&&").
			Parens(jen.Op("!").Id("d").Dot("restricted").Op("||").Id("d").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("&").Parens(jen.Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64))).Op("!=").Lit(0)).Op("&&").
			Id("d").Dot("scopes").Index(jen.Id("f").Dot("word")).Op("&").Id("f").Dot("mask").Op("==").Id("f").Dot("mask"),
	).Block(jen.Comment("The common case: allowed by endpointFastTable alone."), jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("endpoint"): jen.Id("e")})))
}

func (g *generator) exampleMethod() string {
	if len(g.m.Endpoints) > 0 {
		return g.m.Endpoints[0].Method
	}
	return "/package.Service/Method"
}
