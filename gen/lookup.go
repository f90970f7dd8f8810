package gen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/lookup"
)

// lookupFile prints LookupEndpoint and Grant.Check: a perfect hash of the
// endpoints' full method names found now, at generation time (package
// lookup), followed by an inline compare of the name found (methodDiffers);
// or a switch when no perfect hash exists. Check prints the lookup inline and
// then Grant.fastAllows, which the compiler inlines too: that is the hot path
// of every call a service makes.
func (g *generator) lookupFile(f *jen.File) {
	g.operationLookup(f)
	f.Add(doc("LookupEndpoint returns the endpoint with the given gRPC full method name,\ne.g. \"" + g.exampleMethod() + "\"; any other string is not an endpoint.\nIt never allocates."))
	unknown := jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("reason"): jen.Id("ReasonUnknownEndpoint")}))
	check := func(body ...jen.Code) {
		f.Add(doc(fmt.Sprintf(`Check decides a call of fullMethod (e.g. %q) by g. A method that
is not an endpoint of the spec is denied. It never allocates.`, g.exampleMethod())))
		f.Func().Params(jen.Id("g").Id("Grant")).Id("Check").Params(jen.Id("fullMethod").String()).Id("Decision").Block(body...)
	}
	p := g.plan
	if p == nil {
		f.Func().Id("LookupEndpoint").Params(jen.Id("fullMethod").String()).Params(jen.Id("Endpoint"), jen.Bool()).Block(
			jen.Switch(jen.Id("fullMethod")).BlockFunc(func(c *jen.Group) {
				for _, e := range g.grpc {
					c.Case(jen.Lit(e.Method)).Block(jen.Return(jen.Id(e.GoName), jen.True()))
				}
			}),
			jen.Return(jen.Lit(0), jen.False()),
		)
		check(append([]jen.Code{
			jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Id("LookupEndpoint").Call(jen.Id("fullMethod")),
			jen.If(jen.Op("!").Id("ok")).Block(unknown),
		}, decide()...)...)
		return
	}
	f.Func().Id("LookupEndpoint").Params(jen.Id("fullMethod").String()).Params(jen.Id("Endpoint"), jen.Bool()).Block(
		append(lookupStmts(p, jen.Return(jen.Lit(0), jen.False())), jen.Return(jen.Id("e"), jen.True()))...,
	)
	check(append(lookupStmts(p, unknown), decide()...)...)
	f.Add(doc(fmt.Sprintf("lookupDisp is the displacement of each bucket of the perfect hash (%d buckets).", len(p.Disp))))
	dispType := jen.Uint16()
	if p.SlotBits > 16 {
		dispType = jen.Uint32()
	}
	f.Var().Id("lookupDisp").Op("=").Index(jen.Lit(len(p.Disp))).Add(dispType).Add(packed(len(p.Disp), func(i int) jen.Code { return jen.Lit(int(p.Disp[i])) }))
	f.Add(doc(fmt.Sprintf("lookupSlots maps each slot of the perfect hash to its endpoint (%d slots for\n%d gRPC methods; 0 is empty).", len(p.Slots), len(g.grpc))))
	f.Var().Id("lookupSlots").Op("=").Index(jen.Lit(len(p.Slots))).Id("Endpoint").Add(packed(len(p.Slots), func(i int) jen.Code {
		if p.Slots[i] == 0 {
			return jen.Lit(0)
		}
		return jen.Lit(g.grpc[p.Slots[i]-1].Index) // the slot holds its key's index + 1
	}))
}

// operationLookup prints lookupOperation, which NewGrant uses to find an
// HTTP-only endpoint by its operation name (no method hash holds them): a
// switch, empty when the spec has none.
func (g *generator) operationLookup(f *jen.File) {
	f.Add(doc("lookupOperation returns the HTTP-only endpoint with the given operation name."))
	f.Func().Id("lookupOperation").Params(jen.Id("name").String()).Params(jen.Id("Endpoint"), jen.Bool()).BlockFunc(func(b *jen.Group) {
		var ops []jen.Code
		for _, e := range g.m.Endpoints {
			if e.Method == "" {
				ops = append(ops, jen.Case(jen.Lit(e.Name)).Block(jen.Return(jen.Id(e.GoName), jen.True())))
			}
		}
		if len(ops) > 0 {
			b.Switch(jen.Id("name")).Block(ops...)
		}
		b.Return(jen.Lit(0), jen.False())
	})
}

// decide decides the call of e, an endpoint found: the same two statements
// as the fixed Grant.CheckEndpoint's, whose Grant.fastAllows the compiler
// inlines.
func decide() []jen.Code {
	return []jen.Code{
		jen.If(jen.Id("g").Dot("fastAllows").Call(jen.Id("e"))).Block(jen.Return(jen.Id("Decision").Values(jen.Dict{jen.Id("endpoint"): jen.Id("e"), jen.Id("reason"): jen.Id("ReasonAllowed")}))),
		jen.Return(jen.Id("g").Dot("check").Call(jen.Id("e"))),
	}
}

// packed renders n values, 16 to a line.
func packed(n int, value func(i int) jen.Code) *jen.Statement {
	return jen.ValuesFunc(func(v *jen.Group) {
		for i := range n {
			if i%16 == 0 {
				v.Line().Add(value(i))
			} else {
				v.Add(value(i))
			}
		}
		v.Line()
	})
}

// lookupStmts computes e, the endpoint named fullMethod, by the perfect hash
// p, running miss when fullMethod is not an endpoint. LookupEndpoint and
// Grant.Check both print it, so that Check costs no call.
func lookupStmts(p *lookup.Plan, miss jen.Code) []jen.Code {
	s, n, h := jen.Id("fullMethod"), jen.Id("n"), jen.Id("h")
	stmts := []jen.Code{
		n.Clone().Op(":=").Len(s),
		jen.If(n.Clone().Op("<").Lit(p.MinLen).Op("||").Add(n).Op(">").Lit(p.MaxLen)).Block(miss),
	}
	if p.Window.Whole {
		start := p.Window.Offset
		stmts = append(stmts,
			h.Clone().Op(":=").Uint64().Call(n).Op("*").Id(hexText(lookup.K1)),
			jen.For(jen.Id("i").Op(":=").Lit(start), jen.Id("i").Op("+").Lit(8).Op("<=").Add(n), jen.Id("i").Op("+=").Lit(8)).Block(
				h.Clone().Op("=").Parens(h.Clone().Op("^").Id("load64").Call(s.Clone().Index(jen.Id("i").Op(":")))).Op("*").Id(hexText(lookup.K2)),
			),
			jen.If(jen.Parens(n.Clone().Op("-").Lit(start)).Op("%").Lit(8).Op("!=").Lit(0)).Block(
				h.Clone().Op("=").Parens(h.Clone().Op("^").Id("load64").Call(s.Clone().Index(n.Clone().Op("-").Lit(8).Op(":")))).Op("*").Id(hexText(lookup.K3)),
			),
		)
	} else {
		// at is where window w starts, plus d.
		at := func(w lookup.Window, d int) *jen.Statement {
			var base *jen.Statement
			switch {
			case w.FromEnd:
				base, d = n.Clone(), d-w.Offset
			case w.Mid:
				base, d = n.Clone().Op(">>").Lit(1), d+w.Offset
			default:
				return jen.Lit(w.Offset + d)
			}
			switch {
			case d < 0:
				return base.Op("-").Lit(-d)
			case d > 0:
				return base.Op("+").Lit(d)
			}
			return base
		}
		// read loads window w as s[start:start+8]: a slice of constant length
		// needs no pointer masking and no check of its length in load64.
		read := func(w lookup.Window) *jen.Statement {
			return jen.Id("load64").Call(s.Clone().Index(at(w, 0).Op(":").Add(at(w, 8))))
		}
		rotated := func(w lookup.Window, by int) *jen.Statement {
			return jen.Qual("math/bits", "RotateLeft64").Call(read(w), jen.Lit(by))
		}
		sum := read(lookup.Window{Offset: 8, FromEnd: true}).Op("^").Add(rotated(p.Window, 29))
		if p.Third != nil {
			sum = sum.Op("^").Add(rotated(*p.Third, 47))
		}
		if p.Fourth != nil {
			sum = sum.Op("^").Add(rotated(*p.Fourth, 13))
		}
		stmts = append(stmts, h.Clone().Op(":=").Parens(sum.Op("^").Uint64().Call(n)).Op("*").Id(hexText(lookup.K2)))
	}
	// The top bits of h pick the bucket, the next ones the base slot, which
	// the bucket's displacement moves (see package lookup).
	return append(stmts,
		jen.Id("e").Op(":=").Id("lookupSlots").Index(
			jen.Parens(h.Clone().Op(">>").Lit(64-p.BucketBits-p.SlotBits).Op("^").Uint64().Call(jen.Id("lookupDisp").Index(h.Clone().Op(">>").Lit(64-p.BucketBits)))).
				Op("&").Lit(1<<p.SlotBits-1),
		),
		jen.Id("m").Op(":=").Id("endpointMethods").Index(jen.Id("e")),
		jen.If(methodDiffers(p, jen.Id("m"), s, n)).Block(miss),
	)
}

// methodDiffers reports whether m, an endpoint's method, differs from s, of
// length n, which is within [p.MinLen, p.MaxLen] and so at least 8 bytes
// long. It compares the lengths, then 8 bytes at a time, inline: Go's string
// compare calls memequal, which costs more than the rest of Check. The words
// at 0, 8, 16, ... that every name of the spec is long enough for are
// compared always, the others only when s is long enough to need them, and
// the last 8 bytes cover the rest; the compiler shares the loads of s with
// the hash.
func methodDiffers(p *lookup.Plan, m, s, n *jen.Statement) *jen.Statement {
	word := func(x *jen.Statement, off jen.Code) *jen.Statement {
		return jen.Id("load64").Call(x.Clone().Index(jen.Add(off).Op(":")))
	}
	// m[n-8:n], not m[n-8:]: a slice the compiler knows is not empty needs
	// no masking of its pointer.
	cond := jen.Len(m).Op("!=").Add(n).
		Op("||").Id("load64").Call(m).Op("!=").Id("load64").Call(s).
		Op("||").Id("load64").Call(m.Clone().Index(n.Clone().Op("-").Lit(8).Op(":").Add(n))).Op("!=").Id("load64").Call(s.Clone().Index(n.Clone().Op("-").Lit(8).Op(":").Add(n)))
	var longer []int // offsets of the words only longer names need
	for off := 8; off < p.MaxLen-8; off += 8 {
		if off+8 <= p.MinLen {
			cond = cond.Op("||").Add(word(m, jen.Lit(off))).Op("!=").Add(word(s, jen.Lit(off)))
		} else {
			longer = append(longer, off)
		}
	}
	// Nested, so that a name stops at the first word it is too short for:
	// n > 24 && (w16 differs || n > 32 && (w24 differs || ...)).
	var tail *jen.Statement
	for i := len(longer) - 1; i >= 0; i-- {
		off := longer[i]
		differs := word(m, jen.Lit(off)).Op("!=").Add(word(s, jen.Lit(off)))
		if tail != nil {
			differs = differs.Op("||").Add(tail)
		}
		tail = n.Clone().Op(">").Lit(off + 8).Op("&&").Parens(differs)
	}
	if tail != nil {
		cond = cond.Op("||").Add(tail)
	}
	return cond
}
