package core

import (
	"math/bits"
	"strings"
)

// routeNode is a node of the tree of the spec's HTTP bindings: the path
// segments matched so far (package internal/route builds the tree at
// generation time). Its literal children are found through routeLits.
type routeNode struct {
	param uint32 // its child for a one-segment variable, or 0
	rest  uint32 // the node of a ** here, whose ends match any rest of the path, or 0
	end   uint32 // the bindings that end here: routeEnds[end : end+nend]
	nend  uint16
	lits  bool // it has literal children
}

// routeLit is a slot of the perfect hash of the nodes' literal children
// (internal/route.LitHash): the child node of parent for segment, which is n
// bytes long and whose first and last 8 bytes are first and last (a segment
// shorter than 8 bytes: its bytes, and 0). An empty slot has n == 0.
type routeLit struct {
	first, last     uint64
	parent, node, n uint32
	segment         string
}

// routeEnd is a binding that ends at a node: its verb and custom verb (0:
// none), numbered as routeVerb and routeCustomOf number them, and the
// endpoints it reaches, routeEndpoints[endpoint : endpoint+n] (several only
// when imported endpoints share the binding).
type routeEnd struct {
	verb, custom uint8
	n            uint16
	endpoint     uint32
}

// The numbers of the standard HTTP verbs, model.StandardVerbs' order from 1;
// the spec's other verbs (routeVerbs) follow.
const (
	routeGET = 1 + iota
	routePOST
	routePUT
	routePATCH
	routeDELETE
	routeHEAD
	routeOPTIONS
	routeOtherVerbs // routeVerbs[0]'s number
)

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
	x := lookupRoute(method, path)
	if x < 0 {
		return 0, false
	}
	return routeEndpoints[routeEnds[x].endpoint], true
}

// CheckHTTP decides an HTTP request of method to path (as LookupRoute reads
// them) by g: the same decision as CheckEndpoint on the endpoint it
// addresses. A request that no binding matches is denied as an unknown
// endpoint. When several endpoints share the binding, the request is allowed
// only when every one of them allows it: the first denial is returned,
// otherwise the first endpoint's decision. It never allocates.
func (g Grant) CheckHTTP(method, path string) Decision {
	x := lookupRoute(method, path)
	if x < 0 {
		return Decision{reason: ReasonUnknownEndpoint}
	}
	end := &routeEnds[x]
	e := routeEndpoints[end.endpoint]
	if end.n == 1 { // CheckEndpoint, e being valid
		if g.fastAllows(e) {
			return Decision{endpoint: e, reason: ReasonAllowed}
		}
		return g.check(e)
	}
	d := g.CheckEndpoint(e)
	if !d.Allowed() {
		return d
	}
	for _, e := range routeEndpoints[end.endpoint+1 : end.endpoint+uint32(end.n)] {
		if other := g.CheckEndpoint(e); !other.Allowed() {
			return other
		}
	}
	return d
}

// lookupRoute returns the index in routeEnds of the binding a request of
// verb to path matches, or -1.
func lookupRoute(verb, path string) int {
	v := routeVerb(verb)
	if v == 0 || len(path) == 0 || path[0] != '/' {
		return -1
	}
	if routeCustom {
		// A binding with a custom verb matches a last segment that ends in
		// ":verb", and is preferred to one without: the walk of the path
		// without ":verb" comes first, when the spec has that custom verb.
		for i := len(path) - 1; i > 0 && path[i] != '/'; i-- {
			if path[i] == ':' {
				// i == 1: "/:verb" leaves one empty segment, which no
				// binding matches (walking "/" would match none at all).
				if c := routeCustomOf(path[i+1:]); c != 0 && i > 1 {
					if x := routeWalk(path[:i], v, c); x >= 0 {
						return x
					}
				}
				break
			}
		}
	}
	return routeWalk(path, v, 0)
}

// routeVerb numbers an HTTP verb: routeGET … routeOPTIONS, then the
// spec's other verbs; 0 for a verb no binding has.
func routeVerb(verb string) uint8 {
	switch verb {
	case "GET":
		return routeGET
	case "POST":
		return routePOST
	case "PUT":
		return routePUT
	case "PATCH":
		return routePATCH
	case "DELETE":
		return routeDELETE
	case "HEAD":
		return routeHEAD
	case "OPTIONS":
		return routeOPTIONS
	}
	for i, v := range routeVerbs {
		if v == verb {
			return uint8(routeOtherVerbs + i)
		}
	}
	return 0
}

// routeCustomOf numbers a custom verb, routeCustoms from 1; 0 for one no
// binding has.
func routeCustomOf(custom string) uint8 {
	for i, c := range routeCustoms {
		if c == custom {
			return uint8(i + 1)
		}
	}
	return 0
}

// The alternatives left at a node of the walk, in the order of precedence.
const (
	routeTryLiteral = iota
	routeTryParam
	routeTryRest
)

// routeFrame is a node the walk may come back to: its segment starts at
// path[at], and the alternatives from try on are left.
type routeFrame struct {
	node uint32
	try  uint8
	at   int
}

// routeWalk returns the index in routeEnds of the binding of verb and custom
// (0: none) that matches path, or -1. It walks the tree from the left, each
// segment trying the node's literal child, then its variable, then its **;
// when a branch ends without a binding, it comes back to the last node with
// an alternative left (routeMaxBranches at most, a bound of the tree).
//
// The common path makes no call, so that the walk's state stays in
// registers: the segment is found 8 bytes at a time, and the literal child
// by the perfect hash of internal/route.LitHash, inline.
func routeWalk(path string, verb, custom uint8) int {
	var stack [routeMaxBranches]routeFrame
	sp := 0
	n, at, try := uint32(0), 1, uint8(routeTryLiteral) // path[at:] is the rest of the path; at > len(path): no segment left
	if len(path) == 1 {
		at = 2 // the path "/" has no segments
	}
	for {
		node := &routeNodes[n]
		if at > len(path) {
			// A binding that ends here, or at a ** here, which takes zero
			// segments.
			if x := routeEndOf(node, verb, custom); x >= 0 {
				return x
			}
			if node.rest != 0 {
				if x := routeEndOf(&routeNodes[node.rest], verb, custom); x >= 0 {
					return x
				}
			}
		} else {
			// The segment is path[at:end]: 8 bytes at a time, the first '/'
			// is the lowest zero byte of a word ^ "////////".
			end := at
			for {
				if len(path)-end < 8 {
					end = routeSlashTail(path, end)
					break
				}
				if m := routeZeroByte(load64(path[end:]) ^ 0x2f2f2f2f2f2f2f2f); m != 0 {
					end += bits.TrailingZeros64(m) >> 3
					break
				}
				end += 8
			}
			if try == routeTryLiteral && node.lits && end > at {
				// Its literal child: the hash of the segment's length, first
				// and last 8 bytes (a shorter one: its bytes, and 0) and the
				// node picks the one slot where the child can be.
				l := end - at
				var first, last uint64
				switch {
				case l >= 8:
					first, last = load64(path[at:]), load64(path[end-8:])
				case len(path)-at >= 8:
					first = load64(path[at:]) & routeLow[l]
				default:
					first = routeTail(path, at) & routeLow[l]
				}
				h := (first ^ bits.RotateLeft64(last, routeLitRot) ^ uint64(l) ^ uint64(n)*routeLitMul) * 0xbf58476d1ce4e5b9
				if routeLitMid {
					for j := at + 8; j < end-8; j += 8 {
						h = (h ^ load64(path[j:])) * 0x94d049bb133111eb
					}
				}
				s := &routeLits[(h>>(64-routeLitBucketBits-routeLitSlotBits)^uint64(routeLitDisp[h>>(64-routeLitBucketBits)]))&(1<<routeLitSlotBits-1)]
				if s.parent == n && s.n == uint32(l) && s.first == first && s.last == last && (l <= 16 || path[at+8:end-8] == s.segment[8:l-8]) {
					if node.param != 0 || node.rest != 0 {
						stack[sp] = routeFrame{n, routeTryParam, at}
						sp++
					}
					n, at, try = s.node, end+1, routeTryLiteral
					continue
				}
			}
			if try <= routeTryParam && node.param != 0 && routeVariable(path[at:end]) {
				if node.rest != 0 {
					stack[sp] = routeFrame{n, routeTryRest, at}
					sp++
				}
				n, at, try = node.param, end+1, routeTryLiteral
				continue
			}
			if node.rest != 0 && routeVariables(path[at:]) {
				if x := routeEndOf(&routeNodes[node.rest], verb, custom); x >= 0 {
					return x
				}
			}
		}
		if sp == 0 {
			return -1
		}
		sp--
		n, try, at = stack[sp].node, stack[sp].try, stack[sp].at
	}
}

// routeZeroByte has the high bit set of the lowest zero byte of x (and maybe
// of bytes above it), and is 0 when x has no zero byte.
func routeZeroByte(x uint64) uint64 {
	return (x - 0x0101010101010101) &^ x & 0x8080808080808080
}

// routeLow[l] keeps the low l bytes of a word.
var routeLow = [8]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff}

// routeTail returns path[at:], fewer than 8 bytes, as a little-endian word:
// the top bytes of path's last 8.
func routeTail(path string, at int) uint64 {
	if len(path) < 8 {
		return routeShort(path[at:])
	}
	return load64(path[len(path)-8:]) >> ((64 - 8*(len(path)-at)) & 63)
}

// routeShort returns s, fewer than 8 bytes, as a little-endian word.
func routeShort(s string) uint64 {
	var w uint64
	for i := len(s) - 1; i >= 0; i-- {
		w = w<<8 | uint64(s[i])
	}
	return w
}

// routeSlashTail returns the index of the first '/' in path[at:], fewer
// than 8 bytes, or len(path).
func routeSlashTail(path string, at int) int {
	if m := routeZeroByte(routeTail(path, at)^0x2f2f2f2f2f2f2f2f) & routeLow[len(path)-at]; m != 0 {
		return at + bits.TrailingZeros64(m)>>3
	}
	return len(path)
}

// routeEndOf returns the index in routeEnds of the binding of verb and custom
// that ends at node: a HEAD request takes a GET binding when node has no HEAD
// one. -1 when there is none.
func routeEndOf(node *routeNode, verb, custom uint8) int {
	get := -1
	for x := node.end; x < node.end+uint32(node.nend); x++ {
		e := &routeEnds[x]
		switch {
		case e.custom != custom:
		case e.verb == verb:
			return int(x)
		case verb == routeHEAD && e.verb == routeGET:
			get = int(x)
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

// routeVariables reports whether every segment of rest is one a variable
// may match, as ** requires.
func routeVariables(rest string) bool {
	for {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return routeVariable(rest)
		}
		if !routeVariable(rest[:i]) {
			return false
		}
		rest = rest[i+1:]
	}
}
