package core

import "strings"

// routeNode is a node of the tree of the spec's HTTP bindings: the path
// segments matched so far (package internal/route builds the tree at
// generation time). Indices are into routeLits, routeNodes and routeEnds.
type routeNode struct {
	lit, nlit uint32 // its literal children: routeLits[lit : lit+nlit], sorted by segment
	param     uint32 // its child for a one-segment variable, or 0
	rest      uint32 // the node of a ** here, whose ends match any rest of the path, or 0
	end, nend uint32 // the bindings that end here: routeEnds[end : end+nend]
}

// routeLit is a literal child of a routeNode.
type routeLit struct {
	segment string
	node    uint32
}

// routeEnd is a binding that ends at a node: its verb, its custom verb, and
// the endpoints it reaches, routeEndpoints[endpoint : endpoint+n] (several
// only when imported endpoints share the binding).
type routeEnd struct {
	verb, custom string
	endpoint, n  uint32
}

// LookupRoute returns the endpoint an HTTP request of method (GET, POST, …)
// to path addresses, by the spec's HTTP bindings. path is the request's raw,
// still percent-encoded path (URL.EscapedPath), without the query. The
// match is exact on the path's segments: a literal segment beats a variable
// at the same place, and a variable beats ** (compared from the left); a
// variable never matches an empty segment, "." or "..", so a trailing slash,
// "//", a dot segment (its dots encoded or not) or a percent-encoded "/"
// cannot reach another endpoint; a GET binding also matches HEAD. When several endpoints share a
// binding, it returns the first in spec order (CheckHTTP decides on all of
// them). It never allocates.
func LookupRoute(method, path string) (Endpoint, bool) {
	if eps := lookupRoute(method, path); len(eps) > 0 {
		return eps[0], true
	}
	return 0, false
}

// CheckHTTP decides an HTTP request of method to path (as LookupRoute reads
// them) by g: the same decision as CheckEndpoint on the endpoint it
// addresses. A request that no binding matches is denied as an unknown
// endpoint. When several endpoints share the binding, the request is allowed
// only when every one of them allows it: the first denial is returned,
// otherwise the first endpoint's decision. It never allocates.
func (g Grant) CheckHTTP(method, path string) Decision {
	eps := lookupRoute(method, path)
	if len(eps) == 0 {
		return Decision{reason: ReasonUnknownEndpoint}
	}
	d := g.CheckEndpoint(eps[0])
	if !d.Allowed() {
		return d
	}
	for _, e := range eps[1:] {
		if other := g.CheckEndpoint(e); !other.Allowed() {
			return other
		}
	}
	return d
}

// lookupRoute returns the endpoints a request of verb to path reaches: a
// slice of routeEndpoints, or nil.
func lookupRoute(verb, path string) []Endpoint {
	if len(path) == 0 || path[0] != '/' {
		return nil
	}
	rest := path[1:]
	done := rest == "" // the path "/" has no segments
	if routeCustom {
		// A binding with a custom verb matches a last segment that ends in
		// ":verb", and is preferred to one without.
		last := rest[strings.LastIndexByte(rest, '/')+1:]
		if i := strings.LastIndexByte(last, ':'); i >= 0 {
			if eps := routeWalk(0, rest[:len(rest)-len(last)+i], false, verb, last[i+1:]); eps != nil {
				return eps
			}
		}
	}
	return routeWalk(0, rest, done, verb, "")
}

// routeWalk matches rest, the path after the segments node n stands for
// (none left when done): literal children first, then a variable, then **.
// Its depth is bounded by the deepest binding's.
func routeWalk(n uint32, rest string, done bool, verb, custom string) []Endpoint {
	node := &routeNodes[n]
	if done {
		if eps := routeEndpointsOf(node, verb, custom); eps != nil || node.rest == 0 {
			return eps
		}
		return routeEndpointsOf(&routeNodes[node.rest], verb, custom)
	}
	seg, more, moreDone := rest, "", true
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, more, moreDone = rest[:i], rest[i+1:], false
	}
	if node.nlit > 0 {
		lits := routeLits[node.lit : node.lit+node.nlit]
		lo, hi := 0, len(lits)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if lits[m].segment < seg {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(lits) && lits[lo].segment == seg {
			if eps := routeWalk(lits[lo].node, more, moreDone, verb, custom); eps != nil {
				return eps
			}
		}
	}
	if node.param != 0 && routeVariable(seg) {
		if eps := routeWalk(node.param, more, moreDone, verb, custom); eps != nil {
			return eps
		}
	}
	if node.rest != 0 {
		for s := rest; ; {
			i := strings.IndexByte(s, '/')
			if i < 0 {
				if !routeVariable(s) {
					return nil
				}
				break
			}
			if !routeVariable(s[:i]) {
				return nil
			}
			s = s[i+1:]
		}
		return routeEndpointsOf(&routeNodes[node.rest], verb, custom)
	}
	return nil
}

// routeEndpointsOf returns the endpoints of the binding of verb and custom
// that ends at node: a HEAD request takes a GET binding when node has no HEAD
// one. nil when there is none.
func routeEndpointsOf(node *routeNode, verb, custom string) []Endpoint {
	var get []Endpoint
	for _, e := range routeEnds[node.end : node.end+node.nend] {
		if e.custom != custom {
			continue
		}
		switch {
		case e.verb == verb:
			return routeEndpoints[e.endpoint : e.endpoint+e.n]
		case verb == "HEAD" && e.verb == "GET":
			get = routeEndpoints[e.endpoint : e.endpoint+e.n]
		}
	}
	return get
}

// routeVariable reports whether a variable may match the raw path segment
// seg: any but an empty one, "." and "..", whether its dots are written as
// such or percent-encoded (%2E, %2e), as a server may decode them before it
// cleans the path.
func routeVariable(seg string) bool {
	dots := 0
	for s := seg; s != ""; dots++ {
		switch {
		case dots == 2:
			return true
		case s[0] == '.':
			s = s[1:]
		case len(s) >= 3 && s[0] == '%' && s[1] == '2' && (s[2] == 'e' || s[2] == 'E'):
			s = s[3:]
		default:
			return true
		}
	}
	return false // empty, or one or two dots
}
