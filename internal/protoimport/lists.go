package protoimport

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/bufbuild/protocompile/ast"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// list is a checked ScopeList.
type list struct {
	ScopeList
	ref OptionRef
}

// requirement is what the requires options of one level (an RPC, or its
// service) say: every scope of all, and one scope of each group of anyOf
// (one group per any-of option set there).
type requirement struct {
	set   bool     // some requires option of the level is set
	pos   spec.Pos // where the first one is
	all   []spec.Str
	anyOf [][]spec.Str
}

// alternatives are the sets of scopes of which any one suffices: one per
// choice of a scope from each group of anyOf, each with all. A set that
// holds another is left out (it adds nothing: the smaller one suffices),
// and so is a repeat. With no group, the one set is all. Past maxChoices
// choices it stops and returns them as they are, too many anyway for the
// caller, which says so: the work is bounded whatever the lists hold.
func (r requirement) alternatives() [][]spec.Str {
	alts := [][]spec.Str{slices.Clone(r.all)}
	for _, g := range r.anyOf {
		var next [][]spec.Str
		for _, a := range alts {
			for _, s := range g {
				next = append(next, append(slices.Clone(a), s))
				if len(next) > maxChoices {
					return next
				}
			}
		}
		alts = next
	}
	// Repeats first, by their sorted names; then the sets that hold a
	// smaller one (only a smaller set can be a proper subset).
	seen := map[string]bool{}
	var unique [][]spec.Str
	for _, a := range alts {
		a = uniqueStrs(sortStrs(a))
		key := strings.Join(strValues(a), "\x00")
		if !seen[key] {
			seen[key] = true
			unique = append(unique, a)
		}
	}
	var out [][]spec.Str
	for _, a := range unique {
		redundant := false
		for _, b := range unique {
			if len(b) < len(a) && subset(b, a) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, a)
		}
	}
	return out
}

// maxChoices bounds the choices alternatives makes before it drops repeats
// and sets that hold others: well past what can leave at most
// model.MaxAlternatives in real lists, and few enough that the dropping,
// quadratic at worst, takes milliseconds.
const maxChoices = 16 * model.MaxAlternatives

// strValues returns the names of s.
func strValues(s []spec.Str) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.Value
	}
	return out
}

// uniqueStrs drops repeated names from a sorted list, keeping the first.
func uniqueStrs(s []spec.Str) []spec.Str {
	return slices.CompactFunc(s, func(a, b spec.Str) bool { return a.Value == b.Value })
}

// subset reports whether every name of a is in b.
func subset(a, b []spec.Str) bool {
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y spec.Str) bool { return y.Value == x.Value }) {
			return false
		}
	}
	return true
}

// readLists reads the requires options among opts, written in scope, of
// the lists on services (service true) or on RPCs; what names the service
// or RPC in messages ("service acme.api.S", "rpc /acme.api.S/Get").
func (im *importer) readLists(f *protoFile, opts []*ast.OptionNode, scope string, service bool, what string) requirement {
	var req requirement
	groups := map[int][]spec.Str{}           // by index of the any-of list
	firstAt := map[int]map[string]spec.Pos{} // by list: a scope in two lists is no repeat
	for _, opt := range opts {
		if opt.Val == nil {
			continue
		}
		for i, l := range im.s.lists {
			if l.Service != service {
				continue
			}
			fvs := lookup(opt, scope, l.ref)
			if len(fvs) == 0 {
				continue
			}
			errsBefore := len(im.errs)
			if firstAt[i] == nil {
				firstAt[i] = map[string]spec.Pos{}
			}
			im.matched[listKey(service)] = true
			if !req.set {
				req.set, req.pos = true, f.pos(opt.Name)
			}
			if _, ok := groups[i]; !ok && l.AnyOf {
				groups[i] = []spec.Str{}
			}
			for _, fv := range fvs {
				for _, ref := range im.listed(f, fv, l, what) {
					if first, dup := firstAt[i][ref.Value]; dup {
						im.warnf(ref.Pos, "%s lists %s twice (first at line %d); merged", what, im.shown(ref.Value), first.Line)
						continue
					}
					firstAt[i][ref.Value] = ref.Pos
					if l.AnyOf {
						groups[i] = append(groups[i], ref)
					} else {
						req.all = append(req.all, ref)
					}
				}
			}
			if len(im.errs) > errsBefore {
				delete(groups, i) // the values were wrong, and are reported: that is enough
			}
		}
	}
	for i, l := range im.s.lists {
		g, ok := groups[i]
		if !ok {
			continue
		}
		if len(g) == 0 {
			// Nothing to choose from: no credential could call. Say so
			// rather than guess a meaning.
			im.errorf(req.pos, "%s sets %s, which lists no scope, so any one of them cannot be held; list the scopes, or remove the option", what, l.ref.display())
			continue
		}
		req.anyOf = append(req.anyOf, g)
	}
	sortStrs(req.all)
	return req
}

// listKey is the key of im.matched for the lists on services or on RPCs.
func listKey(service bool) string {
	if service {
		return "service requires"
	}
	return "requires"
}

// shown is how a scope is named in messages: its enum value's name, or the
// scope's name when scopes are strings.
func (im *importer) shown(name string) string {
	if s := im.byName(name); s != nil && s.value != "" {
		return s.value
	}
	return name
}

// listed returns the scopes that one value of a list option names: an enum
// value (with an enum, whose type the option has), or without one a string
// holding a scope's name, or several separated by the list's separator.
func (im *importer) listed(f *protoFile, fv found, l list, what string) []spec.Str {
	verb := what + " requires"
	if fv.rest != nil {
		im.errorf(f.pos(fv.val), "%s %s: the option sets a field of it (%s), which is not a list of scopes; name the option itself", verb, l.ref.display(), fv.rest[0].name)
		return nil
	}
	if im.s.Enum != "" {
		// The option's type is the enum: a value names one of its values.
		if ref, ok := im.scopeRef(f, fv, verb); ok {
			return []spec.Str{ref}
		}
		return nil
	}
	s, isString := fv.val.(ast.StringValueNode)
	if !isString {
		hint := "write the scope's name as a string"
		if id, ok := identValue(fv.val); ok {
			hint = fmt.Sprintf("without an enum (-enum), scopes are named by strings: write \"%s\", or pass -enum with the enum whose values are the scopes", id)
		}
		im.errorf(f.pos(fv.val), "%s %s; %s", verb, describe(fv.val), hint)
		return nil
	}
	var out []spec.Str
	if strings.TrimSpace(s.AsString()) == "" {
		if l.Separator == "" {
			im.errorf(f.pos(fv.val), "%s an empty string; write a scope's name", verb)
		} else {
			im.errorf(f.pos(fv.val), "%s an empty string; write the scopes' names, separated by %q", verb, l.Separator)
		}
		return nil
	}
	reported := map[spec.Pos]bool{} // ",," at the end is two empty scopes at one place
	for _, p := range stringParts(f, s, l.Separator) {
		name := strings.TrimSpace(p.text)
		if name == "" {
			if !reported[p.pos] {
				reported[p.pos] = true
				im.errorf(p.pos, "%s an empty scope name here (two %q in a row, or one at an end); remove the extra %q", verb, l.Separator, l.Separator)
			}
			continue
		}
		pos := advanceTo(p, name)
		if ref, ok := im.stringScope(name, pos, verb, what); ok {
			out = append(out, ref)
		}
	}
	return out
}

// stringScope resolves a scope named by a string at pos (scopes named by
// strings, without an enum): the scope of that name, added on its first
// mention.
func (im *importer) stringScope(name string, pos spec.Pos, verb, what string) (spec.Str, bool) {
	if i := strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }); i >= 0 {
		hint := ""
		if strings.ContainsAny(name, ",;") || strings.ContainsFunc(name, unicode.IsSpace) {
			hint = "; several scopes in one string need a separator (separator: \",\" in the config, or -separator)"
		}
		im.errorf(pos, "%s %q, which holds %q: a scope's name is printable characters without spaces%s", verb, name, name[i:i+1], hint)
		return spec.Str{}, false
	}
	if len(name) > model.MaxNameLength {
		im.errorf(pos, "%s a scope name of %d bytes; a scope's name is at most %d", verb, len(name), model.MaxNameLength)
		return spec.Str{}, false
	}
	sc := im.byName(name)
	if sc == nil {
		if !model.ValidScopeName(name) {
			hint := ""
			if strings.Contains(name, ",") {
				hint = "; several scopes in one string need a separator (separator: \",\" in the config, or -separator ,)"
			}
			im.errorf(pos, "%s %q, which is not a scope name (printable characters without spaces or commas)%s", verb, name, hint)
			return spec.Str{}, false
		}
		sc = &scopeOut{pos: pos, name: name, id: int64(len(im.scopes) + 1)}
		im.scopes = append(im.scopes, sc)
		im.scopeIndex[name] = sc
	}
	if !slices.Contains(sc.listedBy, what) {
		sc.listedBy = append(sc.listedBy, what)
	}
	return spec.Str{Value: name, Pos: pos}, true
}

// part is a piece of a string value: the text between separators, and
// where it starts when that can be told (a literal without escapes);
// otherwise where its literal starts.
type strPart struct {
	text  string
	pos   spec.Pos
	exact bool // pos is the text's own: the literal holds it as written
	buf   []byte
}

// advanceTo is where name, the text of p without its surrounding space,
// starts.
func advanceTo(p strPart, name string) spec.Pos {
	if !p.exact {
		return p.pos
	}
	return advance(p.pos, p.text[:strings.Index(p.text, name)])
}

// stringParts splits the string value s, as its literals are written
// (adjacent literals are one string), at sep; with no sep, the whole.
func stringParts(f *protoFile, s ast.StringValueNode, sep string) []strPart {
	// The pieces: each literal's text, with where it starts.
	type piece struct {
		text  string
		pos   spec.Pos
		exact bool
	}
	var pieces []piece
	add := func(n *ast.StringLiteralNode) {
		raw := f.node.NodeInfo(n).RawText()
		start := f.pos(n)
		exact := len(raw) >= 2 && raw[1:len(raw)-1] == n.Val
		if exact {
			start.Col++ // past the quote
		}
		pieces = append(pieces, piece{n.Val, start, exact})
	}
	switch n := s.(type) {
	case *ast.StringLiteralNode:
		add(n)
	case *ast.CompoundStringLiteralNode:
		for _, c := range n.Children() {
			if l, ok := c.(*ast.StringLiteralNode); ok {
				add(l)
			}
		}
	}
	if len(pieces) == 0 {
		return []strPart{{text: s.AsString(), pos: f.pos(s)}}
	}
	// Walk the whole string, knowing for each byte its piece.
	var out []strPart
	cur := strPart{pos: pieces[0].pos, exact: pieces[0].exact}
	started := false
	for pi, p := range pieces {
		// at is the position of byte i of the piece, moved on as i is
		// (from the start each time, a long list would take quadratic time).
		at, atI := p.pos, 0
		posOf := func(i int) spec.Pos {
			at, atI = advance(at, p.text[atI:i]), i
			return at
		}
		for i := 0; i < len(p.text); {
			if !started {
				cur.pos, cur.exact = p.pos, p.exact
				if p.exact {
					cur.pos = posOf(i)
				}
				started = true
			}
			if sep != "" && strings.HasPrefix(p.text[i:], sep) {
				cur.text = string(cur.buf)
				out = append(out, cur)
				cur, started = strPart{}, false
				i += len(sep)
				if i == len(p.text) && pi == len(pieces)-1 {
					// A separator at the very end: an empty last scope,
					// placed at that separator.
					end := p.pos
					if p.exact {
						end = posOf(i - len(sep))
					}
					out = append(out, strPart{pos: end, exact: p.exact})
				}
				continue
			}
			cur.buf = append(cur.buf, p.text[i]) // (appending, not +=: a long string is linear)
			i++
		}
	}
	if started || len(out) == 0 {
		if !started {
			cur.pos, cur.exact = pieces[0].pos, pieces[0].exact
		}
		cur.text = string(cur.buf)
		out = append(out, cur)
	}
	return out
}

// scopeDescriptionListed describes a scope named by strings: the services
// and RPCs that list it ("Listed by services a.S, a.T and RPC /a.U/Get."),
// the first few of each.
func scopeDescriptionListed(sc *scopeOut) string {
	const most = 4
	var parts []string
	for _, kind := range []struct{ prefix, one, many string }{{"service ", "service", "services"}, {"rpc ", "RPC", "RPCs"}} {
		var names []string
		for _, w := range sc.listedBy {
			if n, ok := strings.CutPrefix(w, kind.prefix); ok {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			continue
		}
		what := kind.one
		if len(names) > 1 {
			what = kind.many
		}
		list := strings.Join(names[:min(len(names), most)], ", ")
		if len(names) > most {
			list += fmt.Sprintf(" and %d more", len(names)-most)
		}
		parts = append(parts, what+" "+list)
	}
	return "Listed by " + strings.Join(parts, "; ") + " (the .proto files name the scope, and do not describe it)."
}

// Principal is the set of kinds t names, bit i being kinds[i] (none: the
// default kinds, model.DefaultKinds); kinds that kinds lacks are left out.
func (t Target) Principal(kinds []string) model.Principal {
	if len(kinds) == 0 {
		kinds = defaultKindNames()
	}
	p, _ := sortedKinds(t, kinds)
	return p
}

// sortedKinds returns the kinds of t in the order of kinds, and those t
// names that kinds lacks.
func sortedKinds(t Target, kinds []string) (model.Principal, []string) {
	var p model.Principal
	var unknown []string
	for _, k := range t.Kinds {
		i := slices.Index(kinds, k)
		if i < 0 {
			unknown = append(unknown, k)
			continue
		}
		p |= 1 << i
	}
	sort.Strings(unknown)
	return p, unknown
}
