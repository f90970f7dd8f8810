package gen

import (
	"github.com/dave/jennifer/jen"
)

// redactFile declares the redaction of responses: field paths resolved once
// per message type through protoreflect into a tree that shares their common
// prefixes, and removed from a copy of the response only when they hold data.
func (g *grpcGenerator) redactFile(f *jen.File) {
	fd := func() *jen.Statement { return jen.Qual(protoreflectPath, "FieldDescriptor") }
	path := func() *jen.Statement { return jen.Index().Add(fd()) }
	msgDesc := func() *jen.Statement { return jen.Qual(protoreflectPath, "MessageDescriptor") }
	message := func() *jen.Statement { return jen.Qual(protoreflectPath, "Message") }
	internal := func(format string, args ...jen.Code) *jen.Statement {
		return jen.Qual(grpcStatusPath, "Errorf").Call(append([]jen.Code{grpcCode("Internal"), jen.Lit(format)}, args...)...)
	}

	steps := func() *jen.Statement { return jen.Index().Op("*").Id("step") }
	id := jen.Id
	call := func(recv, method string, args ...jen.Code) *jen.Statement { return id(recv).Dot(method).Call(args...) }
	sfd := func() *jen.Statement { return id("s").Dot("fd") }
	masked := func(field string) *jen.Statement { return id("s").Dot(field).Op("&").Id("mask") }
	mapRange := func(value string, body ...jen.Code) *jen.Statement {
		return jen.Func().Params(id("_").Qual(protoreflectPath, "MapKey"), id(value).Qual(protoreflectPath, "Value")).Bool().Block(body...)
	}

	f.Add(doc("redactor holds the redacted fields of an endpoint resolved on one message\ntype: the work of reading field paths is done once per type, not per call."))
	f.Type().Id("redactor").Struct(
		id("desc").Add(msgDesc()),
		id("bad").Uint64().Comment("the redacted fields that are not fields of desc"),
		id("errs").Index().Error().Comment("why the i-th redacted field is not a field of desc, or nil"),
		id("steps").Add(steps()).Comment("the first fields of the paths, which share their prefixes"),
	)

	f.Add(doc("step is a field on the paths of redacted fields. Bit i of a mask stands for\nthe endpoint's i-th redacted field, as in a Decision."))
	f.Type().Id("step").Struct(
		id("fd").Add(fd()),
		id("ends").Uint64().Comment("the redacted fields that are this field"),
		id("via").Uint64().Comment("the redacted fields at or below this field"),
		id("next").Add(steps()).Comment("the fields below it"),
	)

	f.Add(doc("redactorFor returns the redactor of ep for messages of type desc."))
	f.Func().Params(id("e").Op("*").Id("Enforcer")).Id("redactorFor").Params(
		id("ep").Add(g.core("Endpoint")), id("desc").Add(msgDesc()),
	).Op("*").Id("redactor").Block(
		id("slot").Op(":=").Op("&").Id("e").Dot("redactors").Index(id("ep")),
		jen.If(id("r").Op(":=").Add(call("slot", "Load")), id("r").Op("!=").Nil().Op("&&").Id("r").Dot("desc").Op("==").Id("desc")).Block(
			jen.Return(id("r")),
		),
		id("r").Op(":=").Op("&").Id("redactor").Values(jen.Dict{id("desc"): id("desc")}),
		jen.For(id("field").Op(":=").Range().Add(call("ep", "Redactions"))).Block(
			id("bit").Op(":=").Uint64().Call(jen.Lit(1)).Op("<<").Len(id("r").Dot("errs")),
			jen.List(id("p"), jen.Err()).Op(":=").Id("resolve").Call(id("desc"), id("field")),
			jen.If(jen.Err().Op("==").Nil()).Block(
				id("r").Dot("steps").Op("=").Id("insert").Call(id("r").Dot("steps"), id("p"), id("bit")),
			).Else().Block(
				id("r").Dot("bad").Op("|=").Id("bit"),
			),
			id("r").Dot("errs").Op("=").Append(id("r").Dot("errs"), jen.Err()),
		),
		call("slot", "Store", id("r")),
		jen.Return(id("r")),
	)

	f.Add(doc("insert adds the path of the redacted field of bit to steps."))
	f.Func().Id("insert").Params(id("steps").Add(steps()), id("path").Add(path()), id("bit").Uint64()).Add(steps()).Block(
		jen.Var().Id("s").Op("*").Id("step"),
		jen.For(jen.List(id("_"), id("x")).Op(":=").Range().Id("steps")).Block(
			jen.If(id("x").Dot("fd").Op("==").Id("path").Index(jen.Lit(0))).Block(
				id("s").Op("=").Id("x"),
			),
		),
		jen.If(id("s").Op("==").Nil()).Block(
			id("s").Op("=").Op("&").Id("step").Values(jen.Dict{id("fd"): id("path").Index(jen.Lit(0))}),
			id("steps").Op("=").Append(id("steps"), id("s")),
		),
		id("s").Dot("via").Op("|=").Id("bit"),
		jen.If(jen.Len(id("path")).Op("==").Lit(1)).Block(
			id("s").Dot("ends").Op("|=").Id("bit"),
		).Else().Block(
			id("s").Dot("next").Op("=").Id("insert").Call(id("s").Dot("next"), id("path").Index(jen.Lit(1), jen.Empty()), id("bit")),
		),
		jen.Return(id("steps")),
	)

	f.Add(doc("mask returns the bits of the fields d redacts, or why one of them is not a\nfield of r's message type."))
	f.Func().Params(id("r").Op("*").Id("redactor")).Id("mask").Params(id("d").Add(g.core("Decision"))).Params(jen.Uint64(), jen.Error()).Block(
		id("mask").Op(":=").Add(call("d", "RedactionMask")),
		jen.If(id("mask").Op("&").Id("r").Dot("bad").Op("!=").Lit(0)).Block(
			jen.Return(jen.Lit(0), id("r").Dot("errs").Index(jen.Qual("math/bits", "TrailingZeros64").Call(id("mask").Op("&").Id("r").Dot("bad")))),
		),
		jen.Return(id("mask"), jen.Nil()),
	)

	f.Add(doc(`redact returns msg without the fields d redacts. Unless RedactInPlace is
set, it removes them from a copy, made only when one of them holds data. A
message it cannot redact ends the call with codes.Internal: a redacted field
never reaches the client.`))
	f.Func().Params(id("e").Op("*").Id("Enforcer")).Id("redact").Params(
		id("d").Add(g.core("Decision")), id("msg").Any(),
	).Params(jen.Any(), jen.Error()).Block(
		jen.List(id("pm"), id("ok")).Op(":=").Id("msg").Assert(jen.Qual(protoPath, "Message")),
		jen.If(jen.Op("!").Id("ok")).Block(
			jen.Return(jen.Nil(), internal("cannot redact the response of %s: %T is not a proto message", call("d", "Method"), id("msg"))),
		),
		id("m").Op(":=").Add(call("pm", "ProtoReflect")),
		jen.If(jen.Op("!").Add(call("m", "IsValid"))).Block(
			jen.Return(id("msg"), jen.Nil()),
		),
		id("r").Op(":=").Id("e").Dot("redactorFor").Call(call("d", "Endpoint"), call("m", "Descriptor")),
		jen.List(id("mask"), jen.Err()).Op(":=").Add(call("r", "mask", id("d"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), internal("cannot redact the response of %s: %v", call("d", "Method"), jen.Err())),
		),
		jen.If(jen.Op("!").Id("e").Dot("inPlace")).Block(
			jen.If(jen.Op("!").Id("populated").Call(id("m"), id("r").Dot("steps"), id("mask"))).Block(
				jen.Return(id("msg"), jen.Nil()),
			),
			id("pm").Op("=").Qual(protoPath, "Clone").Call(id("pm")),
			id("m").Op("=").Add(call("pm", "ProtoReflect")),
		),
		id("clearFields").Call(id("m"), id("r").Dot("steps"), id("mask")),
		jen.Return(id("pm"), jen.Nil()),
	)

	f.Add(doc("populated reports whether m holds data in a field of mask."))
	f.Func().Id("populated").Params(id("m").Add(message()), id("steps").Add(steps()), id("mask").Uint64()).Bool().Block(
		jen.For(jen.List(id("_"), id("s")).Op(":=").Range().Id("steps")).Block(
			jen.Switch().Block(
				jen.Case(masked("via").Op("==").Lit(0)),
				jen.Case(masked("ends").Op("!=").Lit(0)).Block(
					jen.If(call("m", "Has", sfd())).Block(jen.Return(jen.True())),
				),
				jen.Case(sfd().Dot("IsList").Call()).Block(
					jen.If(jen.Op("!").Add(call("m", "Has", sfd()))).Block(
						jen.Continue().Comment("an empty list, whose view Get would allocate"),
					),
					id("l").Op(":=").Add(call("m", "Get", sfd())).Dot("List").Call(),
					jen.For(id("i").Op(":=").Range().Add(call("l", "Len"))).Block(
						jen.If(id("populated").Call(call("l", "Get", id("i")).Dot("Message").Call(), id("s").Dot("next"), id("mask"))).Block(
							jen.Return(jen.True()),
						),
					),
				),
				jen.Case(sfd().Dot("IsMap").Call()).Block(
					jen.If(jen.Op("!").Add(call("m", "Has", sfd()))).Block(jen.Continue()),
					id("found").Op(":=").False(),
					call("m", "Get", sfd()).Dot("Map").Call().Dot("Range").Call(mapRange("v",
						id("found").Op("=").Id("populated").Call(call("v", "Message"), id("s").Dot("next"), id("mask")),
						jen.Return(jen.Op("!").Id("found")),
					)),
					jen.If(id("found")).Block(jen.Return(jen.True())),
				),
				jen.Default().Block(
					jen.Comment("A singular message: Get returns an invalid message when it is"),
					jen.Comment("unset, without allocating, so one call does the work of Has and Get."),
					jen.If(
						id("next").Op(":=").Add(call("m", "Get", sfd())).Dot("Message").Call(),
						call("next", "IsValid").Op("&&").Id("populated").Call(id("next"), id("s").Dot("next"), id("mask")),
					).Block(jen.Return(jen.True())),
				),
			),
		),
		jen.Return(jen.False()),
	)

	f.Add(doc("clearFields removes the data of the fields of mask from m."))
	f.Func().Id("clearFields").Params(id("m").Add(message()), id("steps").Add(steps()), id("mask").Uint64()).Block(
		jen.For(jen.List(id("_"), id("s")).Op(":=").Range().Id("steps")).Block(
			jen.If(masked("via").Op("==").Lit(0).Op("||").Op("!").Add(call("m", "Has", sfd()))).Block(jen.Continue()),
			jen.Switch().Block(
				jen.Case(masked("ends").Op("!=").Lit(0)).Block(
					call("m", "Clear", sfd()),
				),
				jen.Case(sfd().Dot("IsList").Call()).Block(
					id("l").Op(":=").Add(call("m", "Mutable", sfd())).Dot("List").Call(),
					jen.For(id("i").Op(":=").Range().Add(call("l", "Len"))).Block(
						id("clearFields").Call(call("l", "Get", id("i")).Dot("Message").Call(), id("s").Dot("next"), id("mask")),
					),
				),
				jen.Case(sfd().Dot("IsMap").Call()).Block(
					call("m", "Mutable", sfd()).Dot("Map").Call().Dot("Range").Call(mapRange("v",
						id("clearFields").Call(call("v", "Message"), id("s").Dot("next"), id("mask")),
						jen.Return(jen.True()),
					)),
				),
				jen.Default().Block(
					id("clearFields").Call(call("m", "Mutable", sfd()).Dot("Message").Call(), id("s").Dot("next"), id("mask")),
				),
			),
		),
	)

	f.Add(doc("resolve returns the fields of a dotted path (proto or JSON names) from\nmessages of type desc, through singular, repeated and map message fields."))
	f.Func().Id("resolve").Params(jen.Id("desc").Add(msgDesc()), jen.Id("field").String()).Params(path(), jen.Error()).Block(
		jen.Var().Id("path").Add(path()),
		jen.Id("md").Op(":=").Id("desc"),
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Qual("strings", "Split").Call(jen.Id("field"), jen.Lit("."))).Block(
			jen.If(jen.Id("md").Op("==").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("field %s of %s: %s is not a message"),
					jen.Id("field"), jen.Id("desc").Dot("FullName").Call(), jen.Id("path").Index(jen.Len(jen.Id("path")).Op("-").Lit(1)).Dot("FullName").Call())),
			),
			jen.Id("fd").Op(":=").Id("md").Dot("Fields").Call().Dot("ByName").Call(jen.Qual(protoreflectPath, "Name").Call(jen.Id("name"))),
			jen.If(jen.Id("fd").Op("==").Nil()).Block(
				jen.Id("fd").Op("=").Id("md").Dot("Fields").Call().Dot("ByJSONName").Call(jen.Id("name")),
			),
			jen.If(jen.Id("fd").Op("==").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("field %s of %s: %s has no field %q"),
					jen.Id("field"), jen.Id("desc").Dot("FullName").Call(), jen.Id("md").Dot("FullName").Call(), jen.Id("name"))),
			),
			jen.Id("path").Op("=").Append(jen.Id("path"), jen.Id("fd")),
			jen.Id("md").Op("=").Id("fd").Dot("Message").Call(),
			jen.If(jen.Id("fd").Dot("IsMap").Call()).Block(
				jen.Id("md").Op("=").Id("fd").Dot("MapValue").Call().Dot("Message").Call(),
			),
		),
		jen.Return(jen.Id("path"), jen.Nil()),
	)

	f.Add(doc(`CheckRedactions resolves the redacted fields of every endpoint of the spec
that services serve on the endpoint's response type, and returns an error
for each field that is not a field of it. Call it when the server starts, so
that a spec and a proto that disagree fail then rather than at the first call
(which ends with codes.Internal).`))
	f.Func().Id("CheckRedactions").Params(jen.Id("services").Op("...").Qual(protoreflectPath, "ServiceDescriptor")).Error().Block(
		jen.Var().Id("errs").Index().Error(),
		jen.For(jen.List(jen.Id("_"), jen.Id("sd")).Op(":=").Range().Id("services")).Block(
			jen.Id("methods").Op(":=").Id("sd").Dot("Methods").Call(),
			jen.For(jen.Id("i").Op(":=").Range().Id("methods").Dot("Len").Call()).Block(
				jen.Id("md").Op(":=").Id("methods").Dot("Get").Call(jen.Id("i")),
				jen.List(jen.Id("ep"), jen.Id("ok")).Op(":=").Add(g.core("LookupEndpoint")).Call(
					jen.Lit("/").Op("+").String().Call(jen.Id("sd").Dot("FullName").Call()).Op("+").Lit("/").Op("+").String().Call(jen.Id("md").Dot("Name").Call())),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Continue()),
				jen.For(jen.Id("field").Op(":=").Range().Id("ep").Dot("Redactions").Call()).Block(
					jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("resolve").Call(jen.Id("md").Dot("Output").Call(), jen.Id("field")), jen.Err().Op("!=").Nil()).Block(
						jen.Id("errs").Op("=").Append(jen.Id("errs"), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s: cannot redact %v"), jen.Id("ep"), jen.Err())),
					),
				),
			),
		),
		jen.Return(jen.Qual("errors", "Join").Call(jen.Id("errs").Op("..."))),
	)
}
