package route

import (
	"slices"
	"strings"
	"testing"
)

// parse turns "VERB /a/{x}/**:verb" into a Route of endpoint e, for tests.
func parse(e int, binding string) Route {
	verb, path, _ := strings.Cut(binding, " ")
	r := Route{Verb: verb, Endpoint: e}
	if i := strings.LastIndexByte(path, ':'); i > strings.LastIndexByte(path, '/') {
		path, r.Custom = path[:i], path[i+1:]
	}
	if path == "/" {
		return r
	}
	for _, s := range strings.Split(path[1:], "/") {
		switch {
		case s == "**":
			r.Segments = append(r.Segments, Segment{Kind: Rest})
		case s == "*" || strings.HasPrefix(s, "{"):
			r.Segments = append(r.Segments, Segment{Kind: Param})
		default:
			r.Segments = append(r.Segments, Segment{Kind: Literal, Literal: s})
		}
	}
	return r
}

var testRoutes = []string{
	1:  "GET /users/{id}",
	2:  "GET /users/me",
	3:  "POST /users/me",
	4:  "GET /users/{id}/repos",
	5:  "GET /files/**",
	6:  "GET /files/{name}",
	7:  "POST /v1/{name}:cancel",
	8:  "POST /v1/{name}",
	9:  "HEAD /users/{id}",
	10: "GET /",
	11: "GET /a/b/c",
	12: "GET /a/{x}/d",
	13: "GET /shared/{x}",
	14: "GET /shared/{y}",
	15: "DELETE /users/{id}",
}

func routesOf(t *testing.T) []Route {
	t.Helper()
	var out []Route
	for e, b := range testRoutes {
		if b != "" {
			out = append(out, parse(e, b))
		}
	}
	return out
}

// TestMatch is the rule of the package doc, case by case.
func TestMatch(t *testing.T) {
	routes := routesOf(t)
	for _, tc := range []struct {
		verb, path string
		want       []int
	}{
		{"GET", "/users/42", []int{1}},
		{"GET", "/users/me", []int{2}}, // a literal beats a variable
		{"POST", "/users/me", []int{3}},
		{"DELETE", "/users/me", []int{15}}, // no DELETE /users/me: the variable's
		{"PUT", "/users/me", nil},          // no binding of the verb
		{"HEAD", "/users/42", []int{9}},    // HEAD's own binding
		{"HEAD", "/users/me", []int{2}},    // GET also for HEAD, the more specific template first
		{"GET", "/users/42/repos", []int{4}},
		{"GET", "/users/42/", nil},      // a trailing slash: an empty segment
		{"GET", "/users//repos", nil},   // an empty variable
		{"GET", "/users/../repos", nil}, // no dot segment for a variable
		{"GET", "/users/./repos", nil},
		{"GET", "/users/a%2Fb", []int{1}}, // an encoded slash stays in its segment
		{"GET", "/users/a%2Fb/repos", []int{4}},
		{"GET", "/files/x", []int{6}}, // one variable beats **
		{"GET", "/files/x/y/z", []int{5}},
		{"GET", "/files", []int{5}}, // ** takes zero segments
		{"GET", "/files/x//y", nil}, // ** never takes an empty segment
		{"GET", "/files/x/../y", nil},
		{"POST", "/v1/job:cancel", []int{7}}, // the custom verb first
		{"POST", "/v1/job", []int{8}},
		{"POST", "/v1/job:other", []int{8}}, // an unknown custom verb is part of the segment
		{"GET", "/", []int{10}},
		{"GET", "", nil},
		{"GET", "users/me", nil},
		{"GET", "/a/b/c", []int{11}},
		{"GET", "/a/b/d", []int{12}},        // the literal's subtree fails, the variable's matches
		{"GET", "/shared/x", []int{13, 14}}, // the same template: both
		{"get", "/users/me", nil},           // verbs are exact
	} {
		if got := Match(routes, tc.verb, tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s reaches %v, want %v", tc.verb, tc.path, got, tc.want)
		}
	}
}

// TestNew checks the tables' shape: node 0 is the root, each node's
// literals are sorted, each child is numbered after its parent, and shared
// bindings are one End.
func TestNew(t *testing.T) {
	tab, err := New(routesOf(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Nodes) == 0 || !tab.Custom || tab.MaxDepth != 3 {
		t.Fatalf("%d nodes, custom %v, depth %d", len(tab.Nodes), tab.Custom, tab.MaxDepth)
	}
	ends := 0
	for i, n := range tab.Nodes {
		lits := tab.Lits[n.Lit : n.Lit+n.NLit]
		if !slices.IsSortedFunc(lits, func(a, b Lit) int { return strings.Compare(a.Segment, b.Segment) }) {
			t.Errorf("node %d: literals not sorted: %v", i, lits)
		}
		for _, l := range lits {
			if l.Node <= i {
				t.Errorf("node %d: child %d numbered before it", i, l.Node)
			}
		}
		for _, c := range []int{n.Param, n.Rest} {
			if c != 0 && c <= i {
				t.Errorf("node %d: child %d numbered before it", i, c)
			}
		}
		for _, e := range tab.Ends[n.End : n.End+n.NEnd] {
			ends++
			if e.Verb == "GET" && slices.Equal(tab.Endpoints[e.Endpoint:e.Endpoint+e.NEndpoint], []int{13, 14}) {
				ends += 100
			}
		}
	}
	if ends != len(tab.Ends)+100 {
		t.Errorf("every End once, and one End shared by endpoints 13 and 14: counted %d of %d", ends, len(tab.Ends))
	}
	if again, _ := New(routesOf(t)); !slices.Equal(again.Nodes, tab.Nodes) || !slices.Equal(again.Lits, tab.Lits) || !slices.Equal(again.Ends, tab.Ends) {
		t.Error("New is not deterministic")
	}
}

// TestLitHash checks that the perfect hash finds every literal child, and
// nothing else, on the test routes and on many nodes with segments of every
// length, some of which differ only between their first and last 8 bytes
// (which the hash then reads too).
func TestLitHash(t *testing.T) {
	var many []Route
	for i := range 300 {
		seg := strings.Repeat("s", i%23+1) + string(rune('a'+i%26))
		many = append(many, parse(i+1, "GET /"+seg+"/{x}/"+seg+"/n"+strings.Repeat("0", i%5)))
	}
	mid := append(slices.Clone(many), parse(301, "GET /collection_AAA_of_things_end"), parse(302, "GET /collection_BBB_of_things_end"))
	for name, routes := range map[string][]Route{"test": routesOf(t), "many": many, "mid": mid} {
		tb, err := New(routes)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Hash.Mid != (name == "mid") {
			t.Errorf("%s: Mid = %v", name, tb.Hash.Mid)
		}
		if len(tb.Hash.Slots) > 2*len(tb.Lits)+2 {
			t.Errorf("%s: %d slots for %d literal segments", name, len(tb.Hash.Slots), len(tb.Lits))
		}
		for _, l := range tb.Lits {
			if got := tb.Child(l.Parent, l.Segment); got != l.Node {
				t.Errorf("%s: Child(%d, %q) = %d, want %d", name, l.Parent, l.Segment, got, l.Node)
			}
			for _, other := range []string{l.Segment + "x", l.Segment[1:], "x" + l.Segment[1:], ""} {
				if got := tb.Child(l.Parent, other); got != 0 && tb.Lits[slices.IndexFunc(tb.Lits, func(x Lit) bool { return x.Node == got })].Segment != other {
					t.Errorf("%s: Child(%d, %q) = %d, not a child of that segment", name, l.Parent, other, got)
				}
			}
			if got := tb.Child(l.Parent+1, l.Segment); got != 0 && !slices.Contains(tb.Lits, Lit{l.Parent + 1, l.Segment, got}) {
				t.Errorf("%s: Child(%d, %q) = %d, a child of another node", name, l.Parent+1, l.Segment, got)
			}
		}
	}
}

// TestVerbsAndBranches checks the numbering of verbs and custom verbs, and
// the depth of the walk's stack of alternatives.
func TestVerbsAndBranches(t *testing.T) {
	tb, err := New(append(routesOf(t), parse(20, "LIST /l"), parse(21, "POST /l:zap")))
	if err != nil {
		t.Fatal(err)
	}
	if tb.VerbID("GET") != 1 || tb.VerbID("OPTIONS") != 7 || tb.VerbID("LIST") != 8 || tb.VerbID("get") != 0 {
		t.Errorf("verbs: %v; GET %d, OPTIONS %d, LIST %d", tb.Verbs, tb.VerbID("GET"), tb.VerbID("OPTIONS"), tb.VerbID("LIST"))
	}
	if !slices.Equal(tb.Customs, []string{"cancel", "zap"}) || tb.CustomID("zap") != 2 || tb.CustomID("") != 0 {
		t.Errorf("custom verbs %v", tb.Customs)
	}
	// /users: literal me beside {id}; /files: {name} beside **; /a: b beside {x}.
	if tb.MaxBranches != 1 {
		t.Errorf("MaxBranches = %d, want 1", tb.MaxBranches)
	}
	deep, err := New([]Route{parse(1, "GET /a/b/c"), parse(2, "GET /a/{x}/c"), parse(3, "GET /a/b/{y}"), parse(4, "GET /a/b/**")})
	if err != nil {
		t.Fatal(err)
	}
	if deep.MaxBranches != 2 {
		t.Errorf("MaxBranches = %d, want 2 (/a: b or {x}; /a/b: c, {y} or **)", deep.MaxBranches)
	}
}
