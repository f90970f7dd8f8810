package model

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/scopegen/scopegen/internal/spec"
)

// Binding is an HTTP binding of an endpoint: a verb and a path template.
// Pos is where the binding is written.
type Binding struct {
	Pos        spec.Pos
	Verb       string    // upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, or a custom verb (google.api.http custom)
	Path       string    // the template as written, e.g. "/v2/{user_app_id.app_id}/inputs"
	Segments   []Segment // the template's segments, a multi-segment variable expanded: {name=projects/*/secrets/*} is projects, *, secrets, *
	CustomVerb string    // the google.api.http ":verb" suffix of the last segment, e.g. "cancel"; "" when none
	// Shared are the other endpoints with a binding that matches exactly
	// the same requests, in spec order. Only a binding marked
	// {shared: ...} in the spec has them (import-proto writes those); a
	// request they match is allowed only when every one of the endpoints
	// allows it.
	Shared []*Endpoint
}

// SegmentKind is what a segment of a path template matches.
type SegmentKind uint8

// The kinds of segment.
const (
	Literal SegmentKind = iota + 1 // exactly its text
	Param                          // exactly one segment: {x}, {x=*}, *
	Rest                           // zero or more segments: **, {x=**}; last only
)

// Segment is one segment of a path template.
type Segment struct {
	Kind    SegmentKind
	Literal string // the text of a Literal segment, as it appears in the raw (percent-encoded) request path
	Var     string // the name of the variable the segment belongs to, or "": every segment of {name=projects/*} has Var "name"
}

// String is the binding as a spec writes it: "GET /v2/inputs".
func (b *Binding) String() string { return b.Verb + " " + b.Path }

// Pattern is the binding with its variables' names left out: "GET
// /v2/*/inputs/**:cancel". Two bindings match exactly the same requests if
// and only if their patterns are the same.
func (b *Binding) Pattern() string {
	var s strings.Builder
	s.WriteString(b.Verb)
	s.WriteByte(' ')
	if len(b.Segments) == 0 {
		s.WriteByte('/')
	}
	for _, g := range b.Segments {
		s.WriteByte('/')
		switch g.Kind {
		case Literal:
			s.WriteString(g.Literal)
		case Param:
			s.WriteByte('*')
		case Rest:
			s.WriteString("**")
		}
	}
	if b.CustomVerb != "" {
		s.WriteByte(':')
		s.WriteString(b.CustomVerb)
	}
	return s.String()
}

// StandardVerbs are the HTTP methods a binding names most often; any other
// verb of upper-case letters is a custom verb, as google.api.http's custom
// pattern allows, unless it is a plausible typo of one of these.
var StandardVerbs = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

var (
	// verbToken is an HTTP method as a binding writes it: upper case.
	verbToken = regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`)
	// varName is a template variable's name: a field path (user_app_id.app_id)
	// or an OpenAPI parameter name (repo, team-slug).
	varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$`)
)

// ParseBinding reads a binding as a spec writes it, "VERB /path": the
// verb, then one space, then a path template in the OpenAPI form
// (/users/{id}/repos) or the google.api.http form (/v2/{user_app_id.app_id}/inputs,
// {name=projects/*/secrets/*}, *, **, a :verb suffix). It returns the
// binding without a position, or what is wrong with rule and what to do,
// as one line.
func ParseBinding(rule string) (Binding, error) {
	verb, path, ok := strings.Cut(rule, " ")
	if !ok || verb == "" {
		return Binding{}, fmt.Errorf("%q is not \"VERB /path\"; write the HTTP verb, one space and the path, e.g. \"GET /v2/inputs\"", truncate(rule))
	}
	if err := checkVerb(verb); err != nil {
		return Binding{}, err
	}
	if len(rule) > 4*MaxNameLength {
		return Binding{}, fmt.Errorf("%q is %d bytes, longer than a binding may be (%d); shorten the path", truncate(rule), len(rule), 4*MaxNameLength)
	}
	b := Binding{Verb: verb, Path: path}
	segs, custom, err := parseTemplate(path)
	if err != nil {
		return Binding{}, err
	}
	b.Segments, b.CustomVerb = segs, custom
	return b, nil
}

func checkVerb(verb string) error {
	up := strings.ToUpper(verb)
	switch {
	case verb != up && verbToken.MatchString(up):
		return fmt.Errorf("verb %q is not in upper case; write %s", truncate(verb), up)
	case !verbToken.MatchString(verb):
		return fmt.Errorf("verb %q is not an HTTP method; write %s, or a custom verb of upper-case letters", truncate(verb), strings.Join(StandardVerbs, ", "))
	case len(verb) > 32:
		return fmt.Errorf("verb %q is longer than 32 bytes; write %s, or a short custom verb", truncate(verb), strings.Join(StandardVerbs, ", "))
	case slices.Contains(StandardVerbs, verb):
		return nil
	}
	if hint := spec.DidYouMean(verb, StandardVerbs); hint != "" {
		return fmt.Errorf("verb %q is not an HTTP method%s (a custom verb must not be a typo of a standard one)", verb, hint)
	}
	return nil
}

// parseTemplate reads a path template: its segments, multi-segment
// variables expanded, and its custom verb.
func parseTemplate(path string) ([]Segment, string, error) {
	if !strings.HasPrefix(path, "/") {
		if strings.Contains(path, " ") {
			return nil, "", fmt.Errorf("path %q holds a space; write one space between the verb and the path, and %%20 for a space in a literal", truncate(path))
		}
		return nil, "", fmt.Errorf("path %q does not start with /; write %q", truncate(path), "/"+truncate(path))
	}
	if path == "/" {
		return nil, "", nil // the root: no segments
	}
	// Split at the slashes outside braces, and find the custom verb: the
	// text after the last ':' outside braces of the last segment.
	var raw []string
	depth, start := 0, 1
	for i := 1; i < len(path); i++ {
		switch path[i] {
		case '{':
			if depth > 0 {
				return nil, "", fmt.Errorf("path %q has a variable inside a variable; a variable's template holds literals, * and ** only", truncate(path))
			}
			depth++
		case '}':
			if depth == 0 {
				return nil, "", fmt.Errorf("path %q has a } without {; close each variable once: {name}", truncate(path))
			}
			depth--
		case '/':
			if depth == 0 {
				raw = append(raw, path[start:i])
				start = i + 1
			}
		}
	}
	if depth > 0 {
		return nil, "", fmt.Errorf("path %q has a { without }; close the variable: {name}", truncate(path))
	}
	raw = append(raw, path[start:])
	custom := ""
	last := raw[len(raw)-1]
	if i := strings.LastIndexByte(last, ':'); i >= 0 && i > strings.LastIndexByte(last, '}') {
		last, custom = last[:i], last[i+1:]
		raw[len(raw)-1] = last
		if custom == "" {
			return nil, "", fmt.Errorf("path %q ends with ':' and no custom verb; remove the ':' or write the verb after it (/v1/{name}:cancel)", truncate(path))
		}
		if err := checkLiteral(path, custom, "custom verb"); err != nil {
			return nil, "", err
		}
	}
	var segs []Segment
	vars := map[string]bool{}
	for _, r := range raw {
		if strings.HasPrefix(r, "{") && strings.HasSuffix(r, "}") && strings.Count(r, "{") == 1 {
			name, tmpl, hasTmpl := strings.Cut(r[1:len(r)-1], "=")
			if !varName.MatchString(name) {
				return nil, "", fmt.Errorf("path %q has a variable named %q; name it with letters, digits, '_' and '-', or a dotted field path (user_app_id.app_id)", truncate(path), truncate(name))
			}
			if vars[name] {
				return nil, "", fmt.Errorf("path %q binds variable %s twice; rename one", truncate(path), name)
			}
			vars[name] = true
			if !hasTmpl {
				segs = append(segs, Segment{Kind: Param, Var: name})
				continue
			}
			if tmpl == "" {
				return nil, "", fmt.Errorf("path %q: variable %s has an empty template; write {%s} or {%s=*} for one segment, {%s=**} for the rest of the path", truncate(path), name, name, name, name)
			}
			for _, t := range strings.Split(tmpl, "/") {
				g, err := segment(path, t)
				if err != nil {
					return nil, "", err
				}
				g.Var = name
				segs = append(segs, g)
			}
			continue
		}
		if strings.ContainsAny(r, "{}") {
			return nil, "", fmt.Errorf("path %q has a segment %q that is partly a variable; a variable is a whole segment (/files/{name}, not /files/{name}.json)", truncate(path), truncate(r))
		}
		g, err := segment(path, r)
		if err != nil {
			return nil, "", err
		}
		segs = append(segs, g)
	}
	for i, g := range segs {
		if g.Kind == Rest && i != len(segs)-1 {
			return nil, "", fmt.Errorf("path %q has ** before its last segment; ** matches the rest of the path, so it comes last", truncate(path))
		}
	}
	if len(segs) > MaxSegments {
		return nil, "", fmt.Errorf("path %q has %d segments (counting those of its variables); at most %d are supported: bind a shorter path, or match the rest with **", truncate(path), len(segs), MaxSegments)
	}
	return segs, custom, nil
}

// segment reads one segment of a template that is not a {variable}.
func segment(path, s string) (Segment, error) {
	switch s {
	case "":
		return Segment{}, fmt.Errorf("path %q has an empty segment (// or a / at the end), which no request matches; remove the extra /", truncate(path))
	case ".", "..":
		return Segment{}, fmt.Errorf("path %q has a %s segment, which clients and servers resolve away; write the path without it", truncate(path), s)
	case "*":
		return Segment{Kind: Param}, nil
	case "**":
		return Segment{Kind: Rest}, nil
	}
	if err := checkLiteral(path, s, "literal segment"); err != nil {
		return Segment{}, err
	}
	return Segment{Kind: Literal, Literal: s}, nil
}

// checkLiteral checks that s, a literal segment or custom verb of path, is
// written as it appears in a raw request path, in the one form a client
// sends: unreserved characters as they are, others percent-encoded with
// upper-case hex digits.
func checkLiteral(path, s, what string) error {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Errorf("path %q: %s %q has a %% that does not start %%XX; write %%25 for a %%", truncate(path), what, truncate(s))
			}
			hex := s[i+1 : i+3]
			if up := strings.ToUpper(hex); hex != up {
				return fmt.Errorf("path %q: %s %q has %%%s; write hex digits in upper case, %%%s, as clients send them", truncate(path), what, truncate(s), hex, up)
			}
			if d, _ := url.PathUnescape(s[i : i+3]); len(d) == 1 && unreserved(d[0]) {
				return fmt.Errorf("path %q: %s %q has %%%s, which is %s; write %s as it is, as clients send it", truncate(path), what, truncate(s), hex, d, d)
			}
			i += 3
			continue
		case c == '*':
			return fmt.Errorf("path %q: %s %q holds *; write * alone for a segment that matches any one segment, ** for the rest of the path", truncate(path), what, truncate(s))
		case c == ':' && what == "custom verb":
			return fmt.Errorf("path %q: custom verb %q holds ':'; a custom verb follows the last ':'", truncate(path), truncate(s))
		case unreserved(c) || strings.IndexByte("!$&'()+,;=:@", c) >= 0:
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		shown := string(r)
		if r == utf8.RuneError && size == 1 {
			shown = fmt.Sprintf("\\x%02x", c)
		}
		return fmt.Errorf("path %q: %s %q holds %q, which cannot appear in a raw path segment; percent-encode it: %s", truncate(path), what, truncate(s), shown, url.PathEscape(s[i:i+size]))
	}
	return nil
}

// all reports whether f holds for every element of s.
func all[T any](s []T, f func(T) bool) bool {
	return !slices.ContainsFunc(s, func(x T) bool { return !f(x) })
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unreserved reports whether c is an unreserved character of RFC 3986, which
// a path writes as it is.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// bindings resolves the HTTP bindings of ep, as the spec lists them.
func (b *builder) bindings(ep *Endpoint, list []spec.Binding) {
	if len(list) > MaxBindingsPerEndpoint {
		b.errorf(list[MaxBindingsPerEndpoint].Pos, "endpoint %s has %d HTTP bindings; at most %d are supported: bind fewer paths, or match several with a variable", ep.Name, len(list), MaxBindingsPerEndpoint)
		return
	}
	seen := map[string]Binding{}
	for _, sb := range list {
		pos := pick(sb.Rule.Pos, sb.Pos)
		hb, err := ParseBinding(sb.Rule.Value)
		if err != nil {
			b.errorf(pos, "endpoint %s: HTTP binding %s", ep.Name, err)
			continue
		}
		hb.Pos = pos
		if prev, dup := seen[hb.Pattern()]; dup {
			if prev.String() == hb.String() {
				b.errorf(pos, "endpoint %s lists HTTP binding %q twice (first at %s); remove one", ep.Name, hb.String(), prev.Pos)
			} else {
				b.errorf(pos, "endpoint %s: HTTP binding %q matches exactly the same requests as its binding %q (%s): variable names do not matter; remove one", ep.Name, hb.String(), prev.String(), prev.Pos)
			}
			continue
		}
		if sb.Shared {
			hb.Shared = []*Endpoint{} // marked; filled by sharedBindings
		}
		ep.HTTP = append(ep.HTTP, hb)
		seen[hb.Pattern()] = hb
	}
}

// sharedBindings finds the bindings of different endpoints that match
// exactly the same requests. A hand-written spec may not have them; a spec
// imported from .proto files, which can, marks each of them
// {shared: ...}, and they are then accepted with a warning, a request being
// allowed only when every endpoint it matches allows it.
func (b *builder) sharedBindings() {
	type at struct {
		ep *Endpoint
		i  int
	}
	groups := map[string][]at{}
	var order []string
	for _, ep := range b.m.Endpoints {
		for i := range ep.HTTP {
			p := ep.HTTP[i].Pattern()
			if groups[p] == nil {
				order = append(order, p)
			}
			groups[p] = append(groups[p], at{ep, i})
		}
	}
	for _, p := range order {
		g := groups[p]
		first := &g[0].ep.HTTP[g[0].i]
		if len(g) == 1 {
			if first.Shared != nil {
				b.errorf(first.Pos, "endpoint %s: HTTP binding %q is marked shared, but no other endpoint has a binding that matches the same requests; write it as a plain string", g[0].ep.Name, first.String())
				first.Shared = nil
			}
			continue
		}
		if len(g) > MaxShared {
			x := g[MaxShared]
			b.errorf(x.ep.HTTP[x.i].Pos, "endpoint %s: HTTP binding %q matches exactly the same requests as the bindings of %d other endpoints (the first, of endpoint %s, at %s); at most %d endpoints may share a binding: bind them to other paths",
				x.ep.Name, x.ep.HTTP[x.i].String(), len(g)-1, g[0].ep.Name, first.Pos, MaxShared)
			for _, x := range g {
				x.ep.HTTP[x.i].Shared = nil
			}
			continue
		}
		isMarked := func(y at) bool { return y.ep.HTTP[y.i].Shared != nil }
		if !all(g, isMarked) {
			// Not all marked: each binding left unmarked is an error.
			marked := slices.IndexFunc(g, isMarked)
			for j, x := range g {
				hb := &x.ep.HTTP[x.i]
				switch {
				case isMarked(x):
				case marked >= 0:
					y := g[marked]
					ob := &y.ep.HTTP[y.i]
					b.errorf(hb.Pos, "endpoint %s: HTTP binding %q matches exactly the same requests as %q of endpoint %s (%s), which is marked shared; mark this one {shared: ...} too, or bind one of them to another path",
						x.ep.Name, hb.String(), ob.String(), y.ep.Name, ob.Pos)
				case j > 0:
					ob := &g[0].ep.HTTP[g[0].i]
					b.errorf(hb.Pos, "endpoint %s: HTTP binding %q matches exactly the same requests as %q of endpoint %s (%s); bind one of them to another path or remove it (a spec imported from .proto files, which can have such bindings, marks each of them {shared: ...}: a request is then allowed only when every endpoint it matches allows it)",
						x.ep.Name, hb.String(), ob.String(), g[0].ep.Name, ob.Pos)
				}
			}
			for _, x := range g {
				x.ep.HTTP[x.i].Shared = nil
			}
			continue
		}
		// A request they share may reach any of their handlers: the
		// checker decides it on the first endpoint, whose redactions must
		// then be every endpoint's.
		if j := slices.IndexFunc(g[1:], func(y at) bool { return redactionsOf(y.ep) != redactionsOf(g[0].ep) }); j >= 0 {
			y := g[1+j]
			b.errorf(y.ep.HTTP[y.i].Pos, "endpoint %s: HTTP binding %q is shared with endpoint %s (%s), which redacts other fields (%s, against %s); a request they share may reach either handler, so give them the same redact: lists, or bind one of them to another path",
				y.ep.Name, y.ep.HTTP[y.i].String(), g[0].ep.Name, first.Pos, redactionsOf(g[0].ep), redactionsOf(y.ep))
			for _, x := range g {
				x.ep.HTTP[x.i].Shared = nil
			}
			continue
		}
		for _, x := range g {
			hb := &x.ep.HTTP[x.i]
			var names []string
			for _, y := range g {
				if y.ep != x.ep {
					hb.Shared = append(hb.Shared, y.ep)
					names = append(names, fmt.Sprintf("%q of endpoint %s (%s)", y.ep.HTTP[y.i].String(), y.ep.Name, y.ep.HTTP[y.i].Pos))
				}
			}
			b.warnf(hb.Pos, "endpoint %s: HTTP binding %q matches exactly the same requests as %s; such a request is allowed only when every one of these endpoints allows it",
				x.ep.Name, hb.String(), strings.Join(names, " and "))
		}
	}
}

// Overlaps reports whether some request could match both b and o: the same
// verb and segments that one path can satisfy at once (a literal meets an
// equal literal or a variable; ** meets anything). Precedence then decides
// which of them a request goes to, unless their patterns are the same. It
// errs on the side of an overlap: a binding with a custom verb and one
// without overlap when the latter ends with a variable.
func (b *Binding) Overlaps(o *Binding) bool {
	if b.Verb != o.Verb {
		return false
	}
	if b.CustomVerb != o.CustomVerb {
		if b.CustomVerb != "" && o.CustomVerb != "" {
			return false
		}
		// A request ending "x:verb" matches a plain binding only through a
		// variable in its last segment, which may hold ':'.
		plain := b
		if b.CustomVerb != "" {
			plain = o
		}
		if n := len(plain.Segments); n == 0 || plain.Segments[n-1].Kind == Literal {
			return false
		}
	}
	a, c := b.Segments, o.Segments
	for i := 0; ; i++ {
		aEnd, cEnd := i == len(a), i == len(c)
		if !aEnd && a[i].Kind == Rest || !cEnd && c[i].Kind == Rest {
			return true
		}
		if aEnd || cEnd {
			return aEnd && cEnd
		}
		if a[i].Kind == Literal && c[i].Kind == Literal && a[i].Literal != c[i].Literal {
			return false
		}
	}
}

// redactionsOf describes the redactions of e, sorted, as "field unless
// A,B; ...", or "none": equal for two endpoints that redact the same fields
// from the same callers.
func redactionsOf(e *Endpoint) string {
	var out []string
	for _, r := range e.Redactions {
		names := Names(r.Unless)
		slices.Sort(names)
		out = append(out, r.Field+" unless "+strings.Join(names, ","))
	}
	if len(out) == 0 {
		return "none"
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}
