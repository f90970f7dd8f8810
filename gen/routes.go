package gen

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/scopegen/scopegen/internal/route"
)

// routeTables prints the tree of the spec's HTTP bindings that LookupRoute
// and Grant.CheckHTTP walk (gen/internal/core/route.go), built by package
// route, to be appended to lookup.go. Each node, literal child and binding
// is one line, after a comment naming its path, so that a spec change is a
// small diff. The text is gofmt'ed as printed.
func (g *generator) routeTables() []byte {
	t := g.routes
	// paths[i] names node i: its segments, a variable as {} and ** as **.
	paths := make([]string, len(t.Nodes))
	paths[0] = "/"
	join := func(parent, seg string) string {
		if parent == "/" {
			return "/" + seg
		}
		return parent + "/" + seg
	}
	for i, n := range t.Nodes {
		for _, l := range t.Lits[n.Lit : n.Lit+n.NLit] {
			paths[l.Node] = join(paths[i], l.Segment)
		}
		if n.Param != 0 {
			paths[n.Param] = join(paths[i], "{}")
		}
		if n.Rest != 0 {
			paths[n.Rest] = join(paths[i], "**")
		}
	}
	var b bytes.Buffer
	constant := func(doc, name string, value any) {
		fmt.Fprintf(&b, "\n// %s\nconst %s = %v\n", doc, name, value)
	}
	constant("routeCustom reports whether an HTTP binding of the spec has a custom verb.", "routeCustom", t.Custom)
	constant("routeMaxBranches is the most nodes with an alternative left on a path of the tree.", "routeMaxBranches", t.MaxBranches)
	h := t.Hash
	constant(fmt.Sprintf("routeLitRot, routeLitMul and routeLitMid are the parameters of the perfect hash of\n// the literal segments (internal/route.LitHash), in %d buckets (routeLitDisp)\n// of %d slots (routeLits).", len(h.Disp), len(h.Slots)), "routeLitRot", h.Rot)
	constant("routeLitMul multiplies the node in the hash of a literal segment.", "routeLitMul", fmt.Sprintf("%#x", h.Mul))
	constant("routeLitMid reports whether the hash of a literal segment reads the bytes between its first and last 8.", "routeLitMid", h.Mid)
	constant("routeLitBucketBits is log2 of the number of buckets of the perfect hash.", "routeLitBucketBits", h.BucketBits)
	constant("routeLitSlotBits is log2 of the number of slots of the perfect hash.", "routeLitSlotBits", h.SlotBits)
	fmt.Fprintf(&b, "\n// routeVerbs are the verbs of the bindings besides GET, POST, PUT, PATCH, DELETE,\n// HEAD and OPTIONS, numbered from routeOtherVerbs.\n")
	table(&b, "routeVerbs", "string", len(t.Verbs), func(i int) string { return "\t" + strconv.Quote(t.Verbs[i]) + ",\n" })
	fmt.Fprintf(&b, "\n// routeCustoms are the custom verbs of the bindings, numbered from 1.\n")
	table(&b, "routeCustoms", "string", len(t.Customs), func(i int) string { return "\t" + strconv.Quote(t.Customs[i]) + ",\n" })
	fmt.Fprintf(&b, "\n// routeNodes is the tree of the spec's HTTP bindings; node 0 is the path \"/\".\n")
	table(&b, "routeNodes", "routeNode", len(t.Nodes), func(i int) string {
		n := t.Nodes[i]
		return fmt.Sprintf("\t// %s\n\t{%d, %d, %d, %d, %t},\n", paths[i], n.Param, n.Rest, n.End, n.NEnd, n.NLit > 0)
	})
	fmt.Fprintf(&b, "\n// routeLitDisp is the displacement of each bucket of the perfect hash.\n")
	fmt.Fprintf(&b, "var routeLitDisp = [%d]uint32{\n", len(h.Disp))
	for i := 0; i < len(h.Disp); i += 16 {
		b.WriteString("\t")
		for j := i; j < min(i+16, len(h.Disp)); j++ {
			if j > i {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%d,", h.Disp[j])
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "\n// routeLits are the slots of the perfect hash: the literal children of the\n// nodes, {first, last, parent, node, n, segment}; {} is empty.\n")
	table(&b, "routeLits", "routeLit", len(h.Slots), func(i int) string {
		if h.Slots[i] < 0 {
			return "\t{},\n"
		}
		l := t.Lits[h.Slots[i]]
		first, last := route.Words(l.Segment)
		return fmt.Sprintf("\t// %s\n\t{%#x, %#x, %d, %d, %d, %s},\n", paths[l.Node], first, last, l.Parent, l.Node, len(l.Segment), strconv.Quote(l.Segment))
	})
	endOf := make([]int, len(t.Ends)) // the node each binding ends at
	for i, n := range t.Nodes {
		for j := n.End; j < n.End+n.NEnd; j++ {
			endOf[j] = i
		}
	}
	verbs := []string{"", "routeGET", "routePOST", "routePUT", "routePATCH", "routeDELETE", "routeHEAD", "routeOPTIONS"}
	fmt.Fprintf(&b, "\n// routeEnds are the bindings that end at each node: {verb, custom verb, endpoints}.\n")
	table(&b, "routeEnds", "routeEnd", len(t.Ends), func(i int) string {
		e := t.Ends[i]
		custom := ""
		if e.Custom != "" {
			custom = ":" + e.Custom
		}
		verb := strconv.Itoa(t.VerbID(e.Verb))
		if id := t.VerbID(e.Verb); id < len(verbs) {
			verb = verbs[id]
		}
		return fmt.Sprintf("\t// %s %s%s\n\t{%s, %d, %d, %d},\n", e.Verb, paths[endOf[i]], custom, verb, t.CustomID(e.Custom), e.NEndpoint, e.Endpoint)
	})
	fmt.Fprintf(&b, "\n// routeEndpoints are the endpoints of the bindings, in routeEnds' order.\n")
	table(&b, "routeEndpoints", "Endpoint", len(t.Endpoints), func(i int) string {
		return fmt.Sprintf("\t%s,\n", g.m.Endpoints[t.Endpoints[i]-1].GoName)
	})
	return b.Bytes()
}

// table prints var name = [n]typ{...}, with entry(i) printing each entry on
// lines of its own: as gofmt leaves it, {} when empty.
func table(b *bytes.Buffer, name, typ string, n int, entry func(i int) string) {
	fmt.Fprintf(b, "var %s = [%d]%s{", name, n, typ)
	if n > 0 {
		b.WriteString("\n")
	}
	for i := range n {
		b.WriteString(entry(i))
	}
	b.WriteString("}\n")
}
