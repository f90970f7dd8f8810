package gen

import (
	"github.com/dave/jennifer/jen"
)

// redactFile declares the redaction of responses: field paths resolved once
// per message type through protoreflect, and removed from a copy of the
// response only when they hold data.
func (g *grpcGenerator) redactFile(f *jen.File) {
	fd := func() *jen.Statement { return jen.Qual(protoreflectPath, "FieldDescriptor") }
	path := func() *jen.Statement { return jen.Index().Add(fd()) }
	msgDesc := func() *jen.Statement { return jen.Qual(protoreflectPath, "MessageDescriptor") }
	message := func() *jen.Statement { return jen.Qual(protoreflectPath, "Message") }
	internal := func(format string, args ...jen.Code) *jen.Statement {
		return jen.Qual(grpcStatusPath, "Errorf").Call(append([]jen.Code{grpcCode("Internal"), jen.Lit(format)}, args...)...)
	}

	f.Add(doc("redactor holds the redacted fields of an endpoint resolved on one message\ntype: the work of reading field paths is done once per type, not per call."))
	f.Type().Id("redactor").Struct(
		jen.Id("desc").Add(msgDesc()),
		jen.Id("fields").Index().String().Comment("the endpoint's redacted fields, in spec order"),
		jen.Id("paths").Index().Add(path()).Comment("paths[i] is fields[i] on desc, or nil"),
		jen.Id("errs").Index().Error().Comment("why fields[i] is not a field of desc"),
	)

	f.Add(doc("redactorFor returns the redactor of ep for messages of type desc."))
	f.Func().Params(jen.Id("e").Op("*").Id("Enforcer")).Id("redactorFor").Params(
		jen.Id("ep").Add(g.core("Endpoint")), jen.Id("desc").Add(msgDesc()),
	).Op("*").Id("redactor").Block(
		jen.Id("slot").Op(":=").Op("&").Id("e").Dot("redactors").Index(jen.Id("ep")),
		jen.If(jen.Id("r").Op(":=").Id("slot").Dot("Load").Call(), jen.Id("r").Op("!=").Nil().Op("&&").Id("r").Dot("desc").Op("==").Id("desc")).Block(
			jen.Return(jen.Id("r")),
		),
		jen.Id("r").Op(":=").Op("&").Id("redactor").Values(jen.Dict{jen.Id("desc"): jen.Id("desc")}),
		jen.For(jen.Id("field").Op(":=").Range().Id("ep").Dot("Redactions").Call()).Block(
			jen.List(jen.Id("p"), jen.Err()).Op(":=").Id("resolve").Call(jen.Id("desc"), jen.Id("field")),
			jen.Id("r").Dot("fields").Op("=").Append(jen.Id("r").Dot("fields"), jen.Id("field")),
			jen.Id("r").Dot("paths").Op("=").Append(jen.Id("r").Dot("paths"), jen.Id("p")),
			jen.Id("r").Dot("errs").Op("=").Append(jen.Id("r").Dot("errs"), jen.Err()),
		),
		jen.Id("slot").Dot("Store").Call(jen.Id("r")),
		jen.Return(jen.Id("r")),
	)

	f.Add(doc("path returns the resolved path of a redacted field."))
	f.Func().Params(jen.Id("r").Op("*").Id("redactor")).Id("path").Params(jen.Id("field").String()).Params(path(), jen.Error()).Block(
		jen.For(jen.List(jen.Id("i"), jen.Id("f")).Op(":=").Range().Id("r").Dot("fields")).Block(
			jen.If(jen.Id("f").Op("==").Id("field")).Block(
				jen.Return(jen.Id("r").Dot("paths").Index(jen.Id("i")), jen.Id("r").Dot("errs").Index(jen.Id("i"))),
			),
		),
		jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s is not a redacted field"), jen.Id("field"))),
	)

	f.Add(doc(`redact returns msg without the fields d redacts. Unless RedactInPlace is
set, it removes them from a copy, made only when one of them holds data. A
message it cannot redact ends the call with codes.Internal: a redacted field
never reaches the client.`))
	f.Func().Params(jen.Id("e").Op("*").Id("Enforcer")).Id("redact").Params(
		jen.Id("d").Add(g.core("Decision")), jen.Id("msg").Any(),
	).Params(jen.Any(), jen.Error()).Block(
		jen.List(jen.Id("pm"), jen.Id("ok")).Op(":=").Id("msg").Assert(jen.Qual(protoPath, "Message")),
		jen.If(jen.Op("!").Id("ok")).Block(
			jen.Return(jen.Nil(), internal("cannot redact the response of %s: %T is not a proto message", jen.Id("d").Dot("Method").Call(), jen.Id("msg"))),
		),
		jen.Id("m").Op(":=").Id("pm").Dot("ProtoReflect").Call(),
		jen.If(jen.Op("!").Id("m").Dot("IsValid").Call()).Block(
			jen.Return(jen.Id("msg"), jen.Nil()),
		),
		jen.Id("r").Op(":=").Id("e").Dot("redactorFor").Call(jen.Id("d").Dot("Endpoint").Call(), jen.Id("m").Dot("Descriptor").Call()),
		jen.Id("found").Op(":=").Id("e").Dot("inPlace"),
		jen.For(jen.Id("field").Op(":=").Range().Id("d").Dot("Redacted").Call()).Block(
			jen.List(jen.Id("p"), jen.Err()).Op(":=").Id("r").Dot("path").Call(jen.Id("field")),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), internal("cannot redact the response of %s: %v", jen.Id("d").Dot("Method").Call(), jen.Err())),
			),
			jen.If(jen.Op("!").Id("found")).Block(
				jen.Id("found").Op("=").Id("populated").Call(jen.Id("m"), jen.Id("p")),
			),
		),
		jen.If(jen.Op("!").Id("found")).Block(
			jen.Return(jen.Id("msg"), jen.Nil()),
		),
		jen.If(jen.Op("!").Id("e").Dot("inPlace")).Block(
			jen.Id("pm").Op("=").Qual(protoPath, "Clone").Call(jen.Id("pm")),
			jen.Id("m").Op("=").Id("pm").Dot("ProtoReflect").Call(),
		),
		jen.For(jen.Id("field").Op(":=").Range().Id("d").Dot("Redacted").Call()).Block(
			jen.List(jen.Id("p"), jen.Id("_")).Op(":=").Id("r").Dot("path").Call(jen.Id("field")),
			jen.Id("clearPath").Call(jen.Id("m"), jen.Id("p")),
		),
		jen.Return(jen.Id("pm"), jen.Nil()),
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

	// walk renders the descent of populated and clearPath from m into the
	// field fd = path[0], whose value is v: through a list, a map or a
	// message. Each body gets the recursive call on the next message.
	walk := func(fn string, listBody, mapBody, msgBody func(next jen.Code) []jen.Code) *jen.Statement {
		next := func(m jen.Code) jen.Code { return jen.Id(fn).Call(m, jen.Id("path").Index(jen.Lit(1), jen.Empty())) }
		return jen.Switch().Block(
			jen.Case(jen.Id("fd").Dot("IsList").Call()).Block(
				jen.Id("l").Op(":=").Id("v").Dot("List").Call(),
				jen.For(jen.Id("i").Op(":=").Range().Id("l").Dot("Len").Call()).Block(
					listBody(next(jen.Id("l").Dot("Get").Call(jen.Id("i")).Dot("Message").Call()))...,
				),
			),
			jen.Case(jen.Id("fd").Dot("IsMap").Call()).Block(mapBody(next(jen.Id("v").Dot("Message").Call()))...),
			jen.Default().Block(msgBody(next(jen.Id("v").Dot("Message").Call()))...),
		)
	}
	mapRange := func(body ...jen.Code) *jen.Statement {
		return jen.Id("v").Dot("Map").Call().Dot("Range").Call(jen.Func().Params(
			jen.Id("_").Qual(protoreflectPath, "MapKey"), jen.Id("v").Qual(protoreflectPath, "Value"),
		).Bool().Block(body...))
	}
	head := func(b *jen.Group, onAbsent, onLast []jen.Code) {
		b.Id("fd").Op(":=").Id("path").Index(jen.Lit(0))
		b.If(jen.Op("!").Id("m").Dot("Has").Call(jen.Id("fd"))).Block(onAbsent...)
		b.If(jen.Len(jen.Id("path")).Op("==").Lit(1)).Block(onLast...)
	}
	codes := func(c ...jen.Code) []jen.Code { return c }

	f.Add(doc("populated reports whether m holds data at path."))
	f.Func().Id("populated").Params(jen.Id("m").Add(message()), jen.Id("path").Add(path())).Bool().Block(
		jen.Id("fd").Op(":=").Id("path").Index(jen.Lit(0)),
		jen.If(jen.Len(jen.Id("path")).Op("==").Lit(1)).Block(jen.Return(jen.Id("m").Dot("Has").Call(jen.Id("fd")))),
		jen.If(jen.Op("!").Id("fd").Dot("IsList").Call().Op("&&").Op("!").Id("fd").Dot("IsMap").Call()).Block(
			jen.Comment("A singular message: Get returns an invalid message when it is unset,"),
			jen.Comment("without allocating, so one call does the work of Has and Get."),
			jen.Id("next").Op(":=").Id("m").Dot("Get").Call(jen.Id("fd")).Dot("Message").Call(),
			jen.Return(jen.Id("next").Dot("IsValid").Call().Op("&&").Id("populated").Call(jen.Id("next"), jen.Id("path").Index(jen.Lit(1), jen.Empty()))),
		),
		jen.If(jen.Op("!").Id("m").Dot("Has").Call(jen.Id("fd"))).Block(
			jen.Return(jen.False()).Comment("an empty list or map, whose view Get would allocate"),
		),
		jen.Id("v").Op(":=").Id("m").Dot("Get").Call(jen.Id("fd")),
		jen.If(jen.Id("fd").Dot("IsList").Call()).Block(
			jen.Id("l").Op(":=").Id("v").Dot("List").Call(),
			jen.For(jen.Id("i").Op(":=").Range().Id("l").Dot("Len").Call()).Block(
				jen.If(jen.Id("populated").Call(jen.Id("l").Dot("Get").Call(jen.Id("i")).Dot("Message").Call(), jen.Id("path").Index(jen.Lit(1), jen.Empty()))).Block(
					jen.Return(jen.True()),
				),
			),
			jen.Return(jen.False()),
		),
		jen.Id("found").Op(":=").False(),
		mapRange(
			jen.Id("found").Op("=").Id("populated").Call(jen.Id("v").Dot("Message").Call(), jen.Id("path").Index(jen.Lit(1), jen.Empty())),
			jen.Return(jen.Op("!").Id("found")),
		),
		jen.Return(jen.Id("found")),
	)

	f.Add(doc("clearPath removes the data at path from m."))
	f.Func().Id("clearPath").Params(jen.Id("m").Add(message()), jen.Id("path").Add(path())).BlockFunc(func(b *jen.Group) {
		head(b, codes(jen.Return()), codes(jen.Id("m").Dot("Clear").Call(jen.Id("fd")), jen.Return()))
		b.Id("v").Op(":=").Id("m").Dot("Mutable").Call(jen.Id("fd"))
		b.Add(walk("clearPath",
			func(next jen.Code) []jen.Code { return codes(next) },
			func(next jen.Code) []jen.Code { return codes(mapRange(next, jen.Return(jen.True()))) },
			func(next jen.Code) []jen.Code { return codes(next) },
		))
	})

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
