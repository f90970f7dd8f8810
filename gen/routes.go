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
	t := route.New(route.FromModel(g.m))
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
	fmt.Fprintf(&b, "\n// routeCustom reports whether an HTTP binding of the spec has a custom verb.\nconst routeCustom = %t\n", t.Custom)
	fmt.Fprintf(&b, "\n// routeNodes is the tree of the spec's HTTP bindings; node 0 is the path \"/\".\n")
	table(&b, "routeNodes", "routeNode", len(t.Nodes), func(i int) string {
		n := t.Nodes[i]
		return fmt.Sprintf("\t// %s\n\t{%d, %d, %d, %d, %d, %d},\n", paths[i], n.Lit, n.NLit, n.Param, n.Rest, n.End, n.NEnd)
	})
	fmt.Fprintf(&b, "\n// routeLits are the literal children of the nodes, each node's sorted.\n")
	table(&b, "routeLits", "routeLit", len(t.Lits), func(i int) string {
		return fmt.Sprintf("\t{%s, %d},\n", strconv.Quote(t.Lits[i].Segment), t.Lits[i].Node)
	})
	endOf := make([]int, len(t.Ends)) // the node each binding ends at
	for i, n := range t.Nodes {
		for j := n.End; j < n.End+n.NEnd; j++ {
			endOf[j] = i
		}
	}
	fmt.Fprintf(&b, "\n// routeEnds are the bindings that end at each node.\n")
	table(&b, "routeEnds", "routeEnd", len(t.Ends), func(i int) string {
		e := t.Ends[i]
		custom := ""
		if e.Custom != "" {
			custom = ":" + e.Custom
		}
		return fmt.Sprintf("\t// %s %s%s\n\t{%s, %s, %d, %d},\n", e.Verb, paths[endOf[i]], custom, strconv.Quote(e.Verb), strconv.Quote(e.Custom), e.Endpoint, e.NEndpoint)
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
