package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/model"
)

// grantFile declares Principal and Grant: what a credential holds, how grants
// combine, and what a key lacks when it is made.
func (g *generator) grantFile(f *jen.File) {
	m := g.m
	f.Add(doc("Principal is a kind of credential. Kinds are bits, so a set of kinds is a\nPrincipal too (AppKey|PersonalAccessToken)."))
	f.Type().Id("Principal").Uint8()
	f.Const().DefsFunc(func(d *jen.Group) {
		all := model.Principal(0)
		for _, p := range model.PrincipalNames {
			d.Add(docf("%s is the %q principal kind.", p.GoName, p.Name))
			d.Id(p.GoName).Id("Principal").Op("=").Lit(int(p.Kind))
			all |= p.Kind
		}
		d.Add(doc("allPrincipals is every principal kind."))
		d.Id("allPrincipals").Op("=").Add(principalExpr(all))
	})
	f.Add(doc(`String returns the kinds' names in the spec, joined by "|", e.g. "app_key|pat";
no kind gives "none".`))
	f.Func().Params(jen.Id("p").Id("Principal")).Id("String").Params().String().BlockFunc(func(b *jen.Group) {
		b.Id("s").Op(":=").Lit("")
		for _, p := range model.PrincipalNames {
			b.If(jen.Id("p").Op("&").Id(p.GoName).Op("!=").Lit(0)).Block(
				jen.If(jen.Id("s").Op("!=").Lit("")).Block(jen.Id("s").Op("+=").Lit("|")),
				jen.Id("s").Op("+=").Lit(p.Name),
			)
		}
		b.If(jen.Id("s").Op("==").Lit("")).Block(jen.Return(jen.Lit("none")))
		b.Return(jen.Id("s"))
	})
	f.Add(doc(`ParsePrincipal returns the principal kind with the given spec name ("app_key"
or "pat").`))
	f.Func().Id("ParsePrincipal").Params(jen.Id("name").String()).Params(jen.Id("Principal"), jen.Bool()).Block(
		jen.Switch(jen.Id("name")).BlockFunc(func(c *jen.Group) {
			for _, p := range model.PrincipalNames {
				c.Case(jen.Lit(p.Name)).Block(jen.Return(jen.Id(p.GoName), jen.True()))
			}
		}),
		jen.Return(jen.Lit(0), jen.False()),
	)

	words := len(m.Endpoints)/64 + 1
	all := make([]uint64, words)
	for _, e := range m.Endpoints {
		all[e.Index/64] |= 1 << (e.Index % 64)
	}
	f.Add(doc("endpointSet is a set of endpoints: bit e%64 of word e/64 is endpoint e."))
	f.Type().Id("endpointSet").Index(jen.Lit(words)).Uint64()
	f.Add(doc("allEndpoints holds every endpoint: the restriction of a key that is not\nrestricted to endpoints."))
	f.Var().Id("allEndpoints").Op("=").Id("endpointSet").Values(wordsLit(all)...)

	f.Add(doc("grant is the immutable content of a Grant."))
	f.Type().Id("grant").Struct(
		jen.Id("kinds").Id("Principal"),
		jen.Id("restricted").Bool().Comment("endpoints lists the only endpoints it may call"),
		jen.Id("scopes").Id("Set").Comment("op scopes, with All expanded"),
		jen.Id("endpoints").Id("endpointSet"),
	)
	f.Add(doc(`Grant is what a credential may do: its principal kind, its op-level scopes and,
if it is restricted to endpoints, the only endpoints it may call.

The zero Grant is no credentials at all: it may call public endpoints only.
A Grant is immutable and cheap to copy; share it between goroutines freely.`))
	f.Type().Id("Grant").Struct(jen.Id("g").Op("*").Id("grant"))

	// expandAll widens the scopes of v (a *grant) to every scope when they
	// hold the scope that grants all; nothing when the spec has none.
	expandAll := func(v string) jen.Code {
		if m.AllScope == nil {
			return jen.Null()
		}
		return jen.If(jen.Id(v).Dot("scopes").Dot("Has").Call(jen.Id(m.AllScope.GoName))).Block(
			jen.Id(v).Dot("scopes").Op("=").Id("allScopes"),
		)
	}
	allNote := ""
	if m.AllScope != nil {
		allNote = fmt.Sprintf(" %q grants every op scope.", m.AllScope.Name)
	}
	f.Add(doc(fmt.Sprintf(`NewGrant returns the grant of a credential of the given kind holding the named
op scopes, restricted to the named endpoints (full method names) unless that
list is empty. A non-empty list restricts even a key that holds every scope.
Unknown names and kinds are an error.%s`, allNote)))
	f.Func().Id("NewGrant").Params(jen.Id("kind").Id("Principal"), jen.List(jen.Id("scopes"), jen.Id("endpoints")).Index().String()).Params(jen.Id("Grant"), jen.Error()).Block(
		jen.If(jen.Id("kind").Op("==").Lit(0).Op("||").Id("kind").Op("&^").Id("allPrincipals").Op("!=").Lit(0)).Block(
			jen.Return(jen.Id("Grant").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("unknown principal kind %d"), jen.Id("kind"))),
		),
		jen.Id("g").Op(":=").Op("&").Id("grant").Values(jen.Dict{jen.Id("kinds"): jen.Id("kind"), jen.Id("endpoints"): jen.Id("allEndpoints")}),
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("scopes")).Block(
			jen.List(jen.Id("s"), jen.Id("ok")).Op(":=").Id("ParseScope").Call(jen.Id("name")),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("Grant").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("unknown scope %q"), jen.Id("name")))),
			jen.Id("g").Dot("scopes").Dot("Add").Call(jen.Id("s")),
		),
		expandAll("g"),
		jen.If(jen.Len(jen.Id("endpoints")).Op(">").Lit(0)).Block(
			jen.Id("g").Dot("restricted").Op("=").True(),
			jen.Id("g").Dot("endpoints").Op("=").Id("endpointSet").Values(),
			jen.For(jen.List(jen.Id("_"), jen.Id("method")).Op(":=").Range().Id("endpoints")).Block(
				jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Id("LookupEndpoint").Call(jen.Id("method")),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("Grant").Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("unknown endpoint %q"), jen.Id("method")))),
				jen.Id("g").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("|=").Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64)),
			),
		),
		jen.Return(jen.Id("Grant").Values(jen.Id("g")), jen.Nil()),
	)

	f.Add(doc(`MakeGrant is NewGrant for typed values: a grant of the given kind holding
scopes, restricted to endpoints unless none are given. Bits that are not
principal kinds, ids that are not scopes and values that are not endpoints
are dropped, so a bad value can only take access away.`))
	f.Func().Id("MakeGrant").Params(jen.Id("kind").Id("Principal"), jen.Id("scopes").Id("Set"), jen.Id("endpoints").Op("...").Id("Endpoint")).Id("Grant").Block(
		jen.Id("g").Op(":=").Op("&").Id("grant").Values(jen.Dict{
			jen.Id("kinds"):     jen.Id("kind").Op("&").Id("allPrincipals"),
			jen.Id("scopes"):    jen.Id("scopes").Dot("Intersect").Call(jen.Id("allScopes")),
			jen.Id("endpoints"): jen.Id("allEndpoints"),
		}),
		expandAll("g"),
		jen.If(jen.Len(jen.Id("endpoints")).Op(">").Lit(0)).Block(
			jen.Id("g").Dot("restricted").Op("=").True(),
			jen.Id("g").Dot("endpoints").Op("=").Id("endpointSet").Values(),
			jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Id("endpoints")).Block(
				jen.If(jen.Id("e").Dot("Valid").Call()).Block(
					jen.Id("g").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("|=").Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64)),
				),
			),
		),
		jen.Return(jen.Id("Grant").Values(jen.Id("g"))),
	)

	recv := func() *jen.Statement { return jen.Params(jen.Id("g").Id("Grant")) }
	f.Add(doc("IsZero reports whether g is the zero Grant: no credentials."))
	f.Func().Add(recv()).Id("IsZero").Params().Bool().Block(jen.Return(jen.Id("g").Dot("g").Op("==").Nil()))
	f.Add(doc("Kind returns the grant's principal kinds."))
	f.Func().Add(recv()).Id("Kind").Params().Id("Principal").Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Lit(0))),
		jen.Return(jen.Id("g").Dot("g").Dot("kinds")),
	)
	f.Add(doc("Scopes returns the op scopes the grant holds, with every scope expanded when\nit holds one that grants all."))
	f.Func().Add(recv()).Id("Scopes").Params().Id("Set").Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Id("Set").Values())),
		jen.Return(jen.Id("g").Dot("g").Dot("scopes")),
	)
	f.Add(doc("Has reports whether the grant holds op scope s; handlers use it for\nrequest-dependent scopes."))
	f.Func().Add(recv()).Id("Has").Params(jen.Id("s").Id("Scope")).Bool().Block(
		jen.Return(jen.Id("g").Dot("g").Op("!=").Nil().Op("&&").Id("g").Dot("g").Dot("scopes").Dot("Has").Call(jen.Id("s"))),
	)
	f.Add(doc("Restricted reports whether the grant may call only the endpoints it lists."))
	f.Func().Add(recv()).Id("Restricted").Params().Bool().Block(
		jen.Return(jen.Id("g").Dot("g").Op("!=").Nil().Op("&&").Id("g").Dot("g").Dot("restricted")),
	)
	f.Add(doc("Endpoints returns an iterator over the endpoints a restricted grant may call,\nin spec order; it yields nothing for an unrestricted grant."))
	f.Func().Add(recv()).Id("Endpoints").Params().Qual("iter", "Seq").Types(jen.Id("Endpoint")).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.Id("Endpoint")).Bool()).Block(
			jen.If(jen.Op("!").Id("g").Dot("Restricted").Call()).Block(jen.Return()),
			jen.For(jen.Id("e").Op(":=").Range().Id("Endpoints").Call()).Block(
				jen.If(jen.Id("g").Dot("g").Dot("endpoints").Index(jen.Id("e").Op("/").Lit(64)).Op("&").Parens(jen.Lit(1).Op("<<").Parens(jen.Id("e").Op("%").Lit(64))).Op("!=").Lit(0).Op("&&").Op("!").Id("yield").Call(jen.Id("e"))).Block(jen.Return()),
			),
		)),
	)
	f.Add(doc(`Intersect returns what a collaborator may do: only what both g (their own key)
and o (the invite) allow. The result never exceeds either side; two disjoint
endpoint restrictions give a grant that can call no endpoint. Intersecting
with the zero Grant gives the zero Grant.`))
	f.Func().Add(recv()).Id("Intersect").Params(jen.Id("o").Id("Grant")).Id("Grant").Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil().Op("||").Id("o").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Id("Grant").Values())),
		jen.List(jen.Id("a"), jen.Id("b")).Op(":=").List(jen.Id("g").Dot("g"), jen.Id("o").Dot("g")),
		jen.Id("r").Op(":=").Op("&").Id("grant").Values(jen.Dict{
			jen.Id("kinds"):      jen.Id("a").Dot("kinds").Op("&").Id("b").Dot("kinds"),
			jen.Id("restricted"): jen.Id("a").Dot("restricted").Op("||").Id("b").Dot("restricted"),
			jen.Id("scopes"):     jen.Id("a").Dot("scopes").Dot("Intersect").Call(jen.Id("b").Dot("scopes")),
		}),
		jen.For(jen.Id("i").Op(":=").Range().Id("r").Dot("endpoints")).Block(
			jen.Id("r").Dot("endpoints").Index(jen.Id("i")).Op("=").Id("a").Dot("endpoints").Index(jen.Id("i")).Op("&").Id("b").Dot("endpoints").Index(jen.Id("i")),
		),
		jen.Return(jen.Id("Grant").Values(jen.Id("r"))),
	)
	f.Add(doc(`Covers reports whether g holds everything o holds: its kinds, its scopes and
its endpoints. A key or collaborator may create keys and invites only within
what it holds itself, so nobody can grant more than they have.`))
	f.Func().Add(recv()).Id("Covers").Params(jen.Id("o").Id("Grant")).Bool().Block(
		jen.Switch().Block(
			jen.Case(jen.Id("o").Dot("g").Op("==").Nil()).Block(jen.Return(jen.True())),
			jen.Case(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.False())),
		),
		jen.List(jen.Id("a"), jen.Id("b")).Op(":=").List(jen.Id("g").Dot("g"), jen.Id("o").Dot("g")),
		jen.If(jen.Id("b").Dot("kinds").Op("&^").Id("a").Dot("kinds").Op("!=").Lit(0).Op("||").Op("!").Id("a").Dot("scopes").Dot("ContainsAll").Call(jen.Id("b").Dot("scopes"))).Block(jen.Return(jen.False())),
		jen.If(jen.Id("a").Dot("restricted").Op("&&").Op("!").Id("b").Dot("restricted")).Block(jen.Return(jen.False())),
		jen.For(jen.Id("i").Op(":=").Range().Id("a").Dot("endpoints")).Block(
			jen.If(jen.Id("b").Dot("endpoints").Index(jen.Id("i")).Op("&^").Id("a").Dot("endpoints").Index(jen.Id("i")).Op("!=").Lit(0)).Block(jen.Return(jen.False())),
		),
		jen.Return(jen.True()),
	)

	f.Add(doc(`Prerequisite is a part of a grant that needs op scopes the grant lacks: a held
scope (Scope set) or an endpoint the grant is restricted to (Endpoint set).`))
	f.Type().Id("Prerequisite").Struct(
		jen.Id("Scope").Id("Scope").Comment("the held scope that needs more, or 0"),
		jen.Id("Endpoint").Id("Endpoint").Comment("the endpoint that needs more, or 0"),
		jen.Id("Missing").Id("Set").Comment("what it needs that the grant lacks, prerequisites included"),
	)
	f.Add(doc(`MissingPrerequisites lists what a key with this grant lacks to be made: each
held scope whose prerequisites it lacks, then each endpoint it is restricted
to whose required scopes (and their prerequisites) it lacks. An empty list
means the key is valid.`))
	f.Func().Add(recv()).Id("MissingPrerequisites").Params().Index().Id("Prerequisite").Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Var().Id("out").Index().Id("Prerequisite"),
		jen.Id("held").Op(":=").Id("g").Dot("g").Dot("scopes"),
		jen.For(jen.Id("s").Op(":=").Range().Id("held").Dot("Scopes").Call()).Block(
			jen.If(jen.Id("miss").Op(":=").Id("s").Dot("Prerequisites").Call().Dot("Difference").Call(jen.Id("held")), jen.Op("!").Id("miss").Dot("IsEmpty").Call()).Block(
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("Prerequisite").Values(jen.Dict{jen.Id("Scope"): jen.Id("s"), jen.Id("Missing"): jen.Id("miss")})),
			),
		),
		jen.For(jen.Id("e").Op(":=").Range().Id("g").Dot("Endpoints").Call()).Block(
			jen.Id("need").Op(":=").Id("e").Dot("Required").Call(),
			jen.For(jen.Id("s").Op(":=").Range().Id("need").Dot("Scopes").Call()).Block(
				jen.Id("need").Op("=").Id("need").Dot("Union").Call(jen.Id("s").Dot("Prerequisites").Call()),
			),
			jen.If(jen.Id("miss").Op(":=").Id("need").Dot("Difference").Call(jen.Id("held")), jen.Op("!").Id("miss").Dot("IsEmpty").Call()).Block(
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("Prerequisite").Values(jen.Dict{jen.Id("Endpoint"): jen.Id("e"), jen.Id("Missing"): jen.Id("miss")})),
			),
		),
		jen.Return(jen.Id("out")),
	)
	f.Add(doc("Closure returns g with every missing prerequisite added: what a portal\nselects by itself when a key is made."))
	f.Func().Add(recv()).Id("Closure").Params().Id("Grant").Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Id("g"))),
		jen.Id("r").Op(":=").Op("*").Id("g").Dot("g"),
		jen.For(jen.List(jen.Id("_"), jen.Id("p")).Op(":=").Range().Id("g").Dot("MissingPrerequisites").Call()).Block(
			jen.Id("r").Dot("scopes").Op("=").Id("r").Dot("scopes").Dot("Union").Call(jen.Id("p").Dot("Missing")),
		),
		expandAll("r"),
		jen.Return(jen.Id("Grant").Values(jen.Op("&").Id("r"))),
	)
	f.Add(doc(`String describes the grant for logs, e.g. "app_key{Inputs:Get}" or
"pat{Search} endpoints{/pkg.Svc/Method}"; the zero Grant is "none".`))
	f.Func().Add(recv()).Id("String").Params().String().Block(
		jen.If(jen.Id("g").Dot("g").Op("==").Nil()).Block(jen.Return(jen.Lit("none"))),
		jen.Id("s").Op(":=").Id("g").Dot("g").Dot("kinds").Dot("String").Call().Op("+").Lit("{").Op("+").Id("g").Dot("g").Dot("scopes").Dot("String").Call().Op("+").Lit("}"),
		jen.If(jen.Id("g").Dot("g").Dot("restricted")).Block(
			jen.Id("s").Op("+=").Lit(" endpoints{"),
			jen.Id("sep").Op(":=").Lit(""),
			jen.For(jen.Id("e").Op(":=").Range().Id("g").Dot("Endpoints").Call()).Block(
				jen.Id("s").Op("+=").Id("sep").Op("+").Id("e").Dot("FullMethod").Call(),
				jen.Id("sep").Op("=").Lit(","),
			),
			jen.Id("s").Op("+=").Lit("}"),
		),
		jen.Return(jen.Id("s")),
	)
}
