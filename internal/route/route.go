// Package route plans, at generation time, how the generated checker finds
// the endpoint an HTTP request addresses: the HTTP bindings of a spec's
// endpoints (a verb and a path template each) become a tree of path
// segments, flattened into tables that the generated package's fixed code
// walks (gen/internal/core/route.go) without allocating: a perfect hash of
// every node's literal children (LitHash), each node's variable and **
// children, and the bindings that end at each node, with verbs and custom
// verbs as small integers.
//
// The rule, which Match states in plain code for tests:
//
//   - A request matches a binding when the verbs are equal (a GET binding
//     also matches HEAD, as in net/http), when its raw (percent-encoded)
//     path has as many segments as the template (a ** takes zero or more),
//     and when each literal segment is equal to the request's. A variable
//     never matches an empty segment, "." or "..", so trailing slashes,
//     "//", dot segments and percent-encoded slashes never reach an endpoint
//     that a cleaned path would.
//   - A binding with a custom verb (google.api.http's ":cancel") matches
//     a path whose last segment ends in that verb, and is preferred to one
//     without.
//   - Among the bindings a request matches, the most specific wins:
//     compared segment by segment from the left, a literal beats a
//     single-segment variable, which beats **. At the same template, a HEAD
//     binding beats a GET one for a HEAD request.
//   - Bindings of several endpoints with exactly the same template and verb
//     (which only imported specs have) all match: the request is allowed
//     only when every one of their endpoints allows it.
package route

import (
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
)

// Kind is the kind of a segment of a path template.
type Kind uint8

// The kinds of segments, in the order of precedence: a literal beats a
// variable of one segment, which beats **.
const (
	Literal Kind = iota // a fixed segment
	Param               // exactly one segment: {x}, {x=*}, *
	Rest                // zero or more segments: **, {x=**}; last only
)

// Segment is one segment of a path template.
type Segment struct {
	Kind    Kind
	Literal string // the text of a Literal segment, as in a raw path
}

// Route is one HTTP binding of an endpoint.
type Route struct {
	Verb     string // upper case, e.g. "GET"
	Segments []Segment
	Custom   string // the custom verb after the last segment, e.g. "cancel"; "" for none
	Endpoint int    // the endpoint, from 1
}

// Table is the route tree, flattened: node 0 is the root, the path "/".
// Every index into another slice is a start and a count, so that the
// generated tables hold only integers and strings.
type Table struct {
	Nodes     []Node
	Lits      []Lit    // the literal children of each node, sorted by segment
	Ends      []End    // the bindings that end at each node
	Endpoints []int    // the endpoints of each End
	Custom    bool     // some binding has a custom verb
	MaxDepth  int      // the most segments of a template
	Verbs     []string // the verbs of bindings that are not in model.StandardVerbs, sorted: VerbID numbers them
	Customs   []string // the custom verbs, sorted: CustomID numbers them
	Hash      LitHash  // the perfect hash of Lits
	// MaxBranches is the most nodes with a choice left (a literal child
	// taken where a variable or ** remains, or a variable where a **
	// remains) on any path of the tree: the depth of the walk's stack of
	// alternatives.
	MaxBranches int
}

// Node is a node of the tree: the segments matched so far.
type Node struct {
	Lit, NLit int // its literal children: Lits[Lit:Lit+NLit]
	Param     int // its child for one variable segment, or 0 for none
	Rest      int // the node of a ** here, whose Ends match any rest of the path, or 0
	End, NEnd int // the bindings that end here: Ends[End:End+NEnd]
}

// Lit is a literal child of a node.
type Lit struct {
	Parent  int
	Segment string
	Node    int
}

// End is the binding of one verb (and custom verb) at a node, and the
// endpoints it reaches: several only for bindings shared between endpoints.
type End struct {
	Verb      string
	Custom    string
	Endpoint  int // Endpoints[Endpoint:Endpoint+NEndpoint]
	NEndpoint int
}

// VerbID numbers an HTTP verb as the walk compares it: model.StandardVerbs
// from 1 in their order, then t.Verbs; 0 for a verb no binding has.
func (t *Table) VerbID(verb string) int {
	if i := slices.Index(model.StandardVerbs, verb); i >= 0 {
		return i + 1
	}
	if i := slices.Index(t.Verbs, verb); i >= 0 {
		return len(model.StandardVerbs) + 1 + i
	}
	return 0
}

// CustomID numbers a custom verb: t.Customs from 1; 0 for none.
func (t *Table) CustomID(custom string) int {
	return slices.Index(t.Customs, custom) + 1
}

// New builds the table of routes. Routes with the same verb, custom verb and
// segments share one End, in the order given. It fails only when no perfect
// hash of the literal segments is found, which would be a bug.
func New(routes []Route) (*Table, error) {
	type node struct {
		lits  map[string]*node
		param *node
		rest  *node
		ends  []*End
		ids   [][]int
	}
	newNode := func() *node { return &node{lits: map[string]*node{}} }
	root := newNode()
	t := &Table{}
	for _, r := range routes {
		n := root
		for _, s := range r.Segments {
			switch s.Kind {
			case Literal:
				c := n.lits[s.Literal]
				if c == nil {
					c = newNode()
					n.lits[s.Literal] = c
				}
				n = c
			case Param:
				if n.param == nil {
					n.param = newNode()
				}
				n = n.param
			case Rest:
				if n.rest == nil {
					n.rest = newNode()
				}
				n = n.rest
			}
		}
		t.MaxDepth = max(t.MaxDepth, len(r.Segments))
		t.Custom = t.Custom || r.Custom != ""
		if r.Custom != "" && !slices.Contains(t.Customs, r.Custom) {
			t.Customs = append(t.Customs, r.Custom)
		}
		if !slices.Contains(model.StandardVerbs, r.Verb) && !slices.Contains(t.Verbs, r.Verb) {
			t.Verbs = append(t.Verbs, r.Verb)
		}
		i := slices.IndexFunc(n.ends, func(e *End) bool { return e.Verb == r.Verb && e.Custom == r.Custom })
		if i < 0 {
			n.ends = append(n.ends, &End{Verb: r.Verb, Custom: r.Custom})
			n.ids = append(n.ids, nil)
			i = len(n.ends) - 1
		}
		if !slices.Contains(n.ids[i], r.Endpoint) {
			n.ids[i] = append(n.ids[i], r.Endpoint)
		}
	}
	// Flatten breadth first, so that a node's children are numbered after it
	// and the root is node 0.
	index := map[*node]int{root: 0}
	order := []*node{root}
	for i := 0; i < len(order); i++ {
		n := order[i]
		for _, seg := range sortedKeys(n.lits) {
			c := n.lits[seg]
			index[c] = len(order)
			order = append(order, c)
		}
		for _, c := range []*node{n.param, n.rest} {
			if c != nil {
				index[c] = len(order)
				order = append(order, c)
			}
		}
	}
	t.Nodes = make([]Node, len(order))
	for i, n := range order {
		out := &t.Nodes[i]
		out.Lit, out.NLit = len(t.Lits), len(n.lits)
		for _, seg := range sortedKeys(n.lits) {
			t.Lits = append(t.Lits, Lit{i, seg, index[n.lits[seg]]})
		}
		if n.param != nil {
			out.Param = index[n.param]
		}
		if n.rest != nil {
			out.Rest = index[n.rest]
		}
		// Ends sorted by verb and custom verb, for a deterministic table.
		perm := make([]int, len(n.ends))
		for j := range perm {
			perm[j] = j
		}
		slices.SortFunc(perm, func(a, b int) int {
			return strings.Compare(n.ends[a].Verb+" "+n.ends[a].Custom, n.ends[b].Verb+" "+n.ends[b].Custom)
		})
		out.End, out.NEnd = len(t.Ends), len(n.ends)
		for _, j := range perm {
			e := *n.ends[j]
			e.Endpoint, e.NEndpoint = len(t.Endpoints), len(n.ids[j])
			t.Endpoints = append(t.Endpoints, n.ids[j]...)
			t.Ends = append(t.Ends, e)
		}
	}
	slices.Sort(t.Verbs)
	slices.Sort(t.Customs)
	t.MaxBranches = t.branches(0)
	var err error
	t.Hash, err = newLitHash(t.Lits)
	return t, err
}

// branches is the most nodes with a choice left on a path from node n down.
func (t *Table) branches(n int) int {
	nd := t.Nodes[n]
	most := 0
	for _, l := range t.Lits[nd.Lit : nd.Lit+nd.NLit] {
		b := t.branches(l.Node)
		if nd.Param != 0 || nd.Rest != 0 {
			b++
		}
		most = max(most, b)
	}
	if nd.Param != 0 {
		b := t.branches(nd.Param)
		if nd.Rest != 0 {
			b++
		}
		most = max(most, b)
	}
	return most
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
