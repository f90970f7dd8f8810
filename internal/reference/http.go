package reference

import (
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
)

// MatchHTTP returns the endpoints that decide an HTTP request, by the rule
// the README states ("Matching an HTTP request"), the plain way: every
// binding is tried, and the most specific one that matches wins. verb is
// the request's method, as sent; path its raw (percent-encoded) path,
// without the query. It returns nil when no binding matches (the request
// is an unknown endpoint), the endpoint of the winning binding, or, for a
// binding shared by several endpoints, each of them in spec order: the
// request is then allowed only when every one of them allows it
// (DecideHTTP).
func MatchHTTP(m *model.Model, verb, path string) []*model.Endpoint {
	var best *model.Binding
	var bestOf *model.Endpoint
	for _, e := range m.Endpoints {
		for i := range e.HTTP {
			b := &e.HTTP[i]
			if !Matches(b, verb, path) {
				continue
			}
			if best == nil || beats(b, best) {
				best, bestOf = b, e
			}
		}
	}
	if best == nil {
		return nil
	}
	out := append([]*model.Endpoint{bestOf}, best.Shared...)
	slices.SortFunc(out, func(a, b *model.Endpoint) int { return a.Index - b.Index })
	return out
}

// DecideHTTP decides an HTTP request by g: unknown when no binding
// matches; else the decision of the endpoint it matches, or for a shared
// binding, the first denial among its endpoints in spec order, or, when
// all allow it, allowed with every field any of them redacts (fail closed:
// which handler serves the request is not known).
func DecideHTTP(m *model.Model, g Grant, verb, path string) Decision {
	eps := MatchHTTP(m, verb, path)
	if eps == nil {
		return Decision{Reason: UnknownEndpoint, Outcome: model.UnknownEndpoint}
	}
	out := Decision{Allowed: true, Reason: Public}
	for _, e := range eps {
		d := Decide(m, g, e.Name)
		if !d.Allowed {
			return d
		}
		if d.Reason != Public {
			out.Reason = Allowed
		}
		for _, f := range d.Redacted {
			if !slices.Contains(out.Redacted, f) {
				out.Redacted = append(out.Redacted, f)
			}
		}
	}
	return out
}

// Matches reports whether binding b matches a request of verb to the raw
// path: the same verb, and the path's segments matched one by one (a
// literal byte for byte; a variable one segment that is not empty, . or ..,
// in any percent-encoding; ** zero or more such segments), after its
// custom verb, if it has one, is taken off the last segment.
func Matches(b *model.Binding, verb, path string) bool {
	if verb != b.Verb || !strings.HasPrefix(path, "/") {
		return false
	}
	if b.CustomVerb != "" {
		var ok bool
		if path, ok = strings.CutSuffix(path, ":"+b.CustomVerb); !ok || strings.HasSuffix(path, "/") {
			return false
		}
	}
	var segs []string
	if path != "/" {
		segs = strings.Split(path[1:], "/")
	}
	return matchSegments(b.Segments, segs)
}

func matchSegments(tmpl []model.Segment, segs []string) bool {
	for i, t := range tmpl {
		switch t.Kind {
		case model.Rest:
			for _, s := range segs[i:] {
				if !variableMatches(s) {
					return false
				}
			}
			return true
		case model.Param:
			if i >= len(segs) || !variableMatches(segs[i]) {
				return false
			}
		case model.Literal:
			if i >= len(segs) || segs[i] != t.Literal {
				return false
			}
		}
	}
	return len(segs) == len(tmpl)
}

// variableMatches reports whether a variable may match the raw segment s:
// not empty, and not . or .. once %2E and %2e are decoded.
func variableMatches(s string) bool {
	d := strings.NewReplacer("%2E", ".", "%2e", ".").Replace(s)
	return d != "" && d != "." && d != ".."
}

// beats reports whether binding a is preferred to binding b for a request
// both match: one with a custom verb beats one without; then, at the first
// segment where they differ from the left, a literal beats a variable, a
// variable beats **, and a template that has ended beats ** (matching
// nothing).
func beats(a, b *model.Binding) bool {
	if (a.CustomVerb != "") != (b.CustomVerb != "") {
		return a.CustomVerb != ""
	}
	rank := func(t []model.Segment, i int) int {
		if i >= len(t) {
			return 2 // ended: only ** meets it, and loses
		}
		switch t[i].Kind {
		case model.Literal:
			return 3
		case model.Param:
			return 2
		}
		return 1
	}
	for i := 0; i < len(a.Segments) || i < len(b.Segments); i++ {
		if ra, rb := rank(a.Segments, i), rank(b.Segments, i); ra != rb {
			return ra > rb
		}
	}
	return false
}
