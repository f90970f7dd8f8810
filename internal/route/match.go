package route

import "strings"

// Match returns the endpoints a request of verb to the raw path reaches
// among routes, by the rule of the package doc, stated plainly: it tries
// every route and keeps the most specific matches. It is the reference the
// generated matcher is tested against; nil when no route matches.
func Match(routes []Route, verb, path string) []int {
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	var segs []string
	if path != "/" {
		segs = strings.Split(path[1:], "/")
	}
	var best *Route
	var out []int
	for i := range routes {
		r := &routes[i]
		if !r.matches(verb, segs) {
			continue
		}
		switch c := compare(r, best, verb); {
		case c < 0:
			best, out = r, []int{r.Endpoint}
		case c == 0 && !contains(out, r.Endpoint):
			out = append(out, r.Endpoint)
		}
	}
	return out
}

// matches reports whether r matches a request of verb to the path of
// segments segs.
func (r *Route) matches(verb string, segs []string) bool {
	if r.Verb != verb && !(verb == "HEAD" && r.Verb == "GET") {
		return false
	}
	if r.Custom != "" {
		if len(segs) == 0 {
			return false
		}
		last := segs[len(segs)-1]
		if !strings.HasSuffix(last, ":"+r.Custom) {
			return false
		}
		segs = append(segs[:len(segs)-1:len(segs)-1], strings.TrimSuffix(last, ":"+r.Custom))
	}
	for i, s := range r.Segments {
		switch s.Kind {
		case Literal:
			if i >= len(segs) || segs[i] != s.Literal {
				return false
			}
		case Param:
			if i >= len(segs) || !Variable(segs[i]) {
				return false
			}
		case Rest:
			for _, seg := range segs[i:] {
				if !Variable(seg) {
					return false
				}
			}
			return true
		}
	}
	return len(segs) == len(r.Segments)
}

// Variable reports whether a variable may match the raw path segment seg:
// any segment but an empty one, "." and "..", whether its dots are written
// as such or percent-encoded (%2E, %2e), as a server may decode them before
// it cleans the path.
func Variable(seg string) bool {
	return seg != "" && !dotSegment(seg)
}

// dotSegment reports whether seg is "." or "..", each dot written as such
// or as %2E or %2e. The generated code holds the same function.
func dotSegment(seg string) bool {
	dots := 0
	for s := seg; s != ""; dots++ {
		switch {
		case dots == 2:
			return false
		case s[0] == '.':
			s = s[1:]
		case len(s) >= 3 && s[0] == '%' && s[1] == '2' && (s[2] == 'e' || s[2] == 'E'):
			s = s[3:]
		default:
			return false
		}
	}
	return dots > 0
}

// compare orders r before best (negative) when r is the more specific of
// two routes that match a request of verb: a custom verb first, then
// segment by segment from the left, a literal before a variable before **,
// then a shorter template (whose end beats a ** there), then the request's
// own verb before GET for HEAD. Zero means the same template and verb.
// Every route is before nil.
func compare(r, best *Route, verb string) int {
	if best == nil {
		return -1
	}
	if (r.Custom != "") != (best.Custom != "") {
		if r.Custom != "" {
			return -1
		}
		return 1
	}
	for i := 0; i < len(r.Segments) && i < len(best.Segments); i++ {
		if d := int(r.Segments[i].Kind) - int(best.Segments[i].Kind); d != 0 {
			return d
		}
	}
	if d := len(r.Segments) - len(best.Segments); d != 0 {
		return d
	}
	switch {
	case r.Verb == best.Verb:
		return 0
	case r.Verb == verb:
		return -1
	}
	return 1
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
