package gen_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// randSpecOptions shape a random spec.
type randSpecOptions struct {
	Seed      uint64
	Scopes    int // at least 1
	Endpoints int // may be 0
	// IDs is the largest id to draw from: 64 keeps one word, 1000 and
	// model.MaxScopeID spread ids over many words (16383 is always used
	// when it is model.MaxScopeID).
	IDs int
}

// randSpec writes a valid spec with odd but legal names: one-letter names,
// lower-case names, names that differ only in case (given go_name), many
// colons, digits after a colon, names of 200 bytes, unicode go_names,
// methods of 4 bytes and of hundreds, methods one byte or one case apart,
// descriptions with quotes, backslashes, comment markers and unicode;
// deprecated scopes, prerequisites up to the limit, presets, public and
// PAT-only endpoints, request scopes and redactions up to 32 fields deep.
// It builds the spec.File and writes it with spec.Marshal, which quotes what
// YAML needs quoted. The same options give the same bytes.
func randSpec(o randSpecOptions) []byte {
	r := rand.New(rand.NewPCG(o.Seed, 0xfa22))
	o.Scopes = max(1, min(o.Scopes, model.MaxScopes))
	o.IDs = max(o.IDs, o.Scopes)
	taken := map[string]bool{}
	for n := range model.ReservedGoNames {
		taken[n] = true
	}
	// goName returns "" when ident is free (and takes it), or a fresh go_name.
	goName := func(ident, fallback string) string {
		if upperASCII(ident) && !taken[ident] && r.IntN(10) != 0 {
			taken[ident] = true
			return ""
		}
		for i := 0; ; i++ {
			n := fmt.Sprintf("%s%d", fallback, i)
			if r.IntN(3) == 0 {
				n = fmt.Sprintf("Ω%s_%d", strings.ToLower(fallback), i) // an upper-case Greek letter is exported
			}
			if !taken[n] {
				taken[n] = true
				return n
			}
		}
	}

	type scope struct {
		name, goName, desc, deprecated string
		id                             int
		all                            bool
		requires                       []int // indexes
		closure                        map[int]bool
	}
	var scopes []*scope
	names := map[string]bool{}
	ids := map[int]bool{}
	// Reserve a few ids and names that no scope takes.
	var reservedIDs []int
	var reservedNames []string
	for range r.IntN(4) {
		id := 1 + r.IntN(o.IDs)
		if !ids[id] && o.IDs-len(ids) > o.Scopes {
			ids[id] = true
			reservedIDs = append(reservedIDs, id)
		}
	}
	for i := range r.IntN(3) {
		n := fmt.Sprintf("Retired:Op%d", i)
		names[n] = true
		reservedNames = append(reservedNames, n)
	}
	newID := func() int {
		if o.IDs == model.MaxScopeID && !ids[model.MaxScopeID] {
			ids[model.MaxScopeID] = true
			return model.MaxScopeID
		}
		for {
			id := 1 + r.IntN(o.IDs)
			if !ids[id] {
				ids[id] = true
				return id
			}
		}
	}
	allIndex := -1
	if r.IntN(4) != 0 {
		allIndex = r.IntN(o.Scopes)
	}
	for i := range o.Scopes {
		var name string
		for name == "" || names[name] {
			name = oddScopeName(r, i)
		}
		names[name] = true
		s := &scope{name: name, id: newID(), desc: oddText(r), closure: map[int]bool{}, all: i == allIndex}
		s.goName = goName(model.ScopeGoName(name), "Scope")
		if r.IntN(10) == 0 {
			s.deprecated = []string{"true", "use another scope", "retired: see #12"}[r.IntN(3)]
		}
		if !s.all && i > 0 {
			for range r.IntN(4) {
				j := r.IntN(i)
				if scopes[j].all || slices.Contains(s.requires, j) {
					continue
				}
				grown := len(s.closure) + 1 + len(scopes[j].closure)
				if grown > model.MaxPrerequisites {
					continue
				}
				s.requires = append(s.requires, j)
				s.closure[j] = true
				for c := range scopes[j].closure {
					s.closure[c] = true
				}
			}
		}
		scopes = append(scopes, s)
	}
	closed := func(picks []int) []int {
		set := map[int]bool{}
		for _, p := range picks {
			set[p] = true
			for c := range scopes[p].closure {
				set[c] = true
			}
		}
		var out []int
		for p := range set {
			out = append(out, p)
		}
		slices.Sort(out)
		return out
	}
	// pick returns up to n scopes, the one that grants all among them: an
	// endpoint that requires it makes Grant.Closure add it, which must then
	// expand to every scope as the reference does.
	pick := func(n int) []int {
		var out []int
		for try := 0; len(out) < n && try < 4*n+8; try++ {
			j := r.IntN(len(scopes))
			if !slices.Contains(out, j) {
				out = append(out, j)
			}
		}
		return out
	}
	str := func(v string) spec.Str { return spec.Str{Value: v} }
	num := func(n int) spec.Int { return spec.Int{Value: int64(n), Set: true} }
	strs := func(v ...string) []spec.Str {
		out := make([]spec.Str, len(v))
		for i, x := range v {
			out[i] = str(x)
		}
		return out
	}
	scopeNames := func(idx []int) []spec.Str {
		var out []spec.Str
		for _, i := range idx {
			out = append(out, str(scopes[i].name))
		}
		return out
	}

	f := &spec.File{Format: num(spec.Format),
		Comment: fmt.Sprintf("A random spec: seed %d, %d scopes, %d endpoints, ids up to %d.", o.Seed, o.Scopes, o.Endpoints, o.IDs)}
	grpc := []string{"PERMISSION_DENIED", "UNAUTHENTICATED", "NOT_FOUND", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OK"}
	for i, role := range model.Roles {
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(role)),
			Code:   num([]int{1, 11007, 2147483647, 1 + r.IntN(1<<31-1)}[(i+r.IntN(4))%4]),
			Status: str(fmt.Sprintf("S_%d_%s", i, strings.ToUpper(string(role)))), GRPC: str(grpc[r.IntN(len(grpc))]), Message: str(oddText(r))})
	}
	// The kinds of credential: the defaults (app_key and pat), or declared,
	// sometimes with names as OpenAPI security schemes write them.
	kinds := []string{"app_key", "pat"}
	if r.IntN(3) == 0 {
		f.Kinds = []spec.Kind{}
		kinds = nil
		for i := range 1 + r.IntN(5) {
			name := []string{"app_key", "pat", "oauth2", "api_key", "Oauth2c", "petstore_auth", "basic-auth"}[r.IntN(7)]
			if slices.Contains(kinds, name) {
				name = fmt.Sprintf("%s_%d", name, i)
			}
			kinds = append(kinds, name)
			k := spec.Kind{Name: str(name), GoName: str(goName(model.GoIdent(name), "Kind"))}
			if r.IntN(2) == 0 {
				k.Description = str(oddText(r))
			}
			f.Kinds = append(f.Kinds, k)
		}
	}
	// someKinds returns a non-empty subset of kinds, in a random order.
	someKinds := func() []spec.Str {
		var out []string
		for _, i := range r.Perm(len(kinds))[:1+r.IntN(len(kinds))] {
			out = append(out, kinds[i])
		}
		return strs(out...)
	}
	f.Principals = someKinds()
	for _, s := range scopes {
		sc := spec.Scope{Name: str(s.name), ID: num(s.id), Description: str(s.desc), GoName: str(s.goName), GrantsAll: spec.Bool{Value: s.all},
			Requires: scopeNames(s.requires)}
		switch s.deprecated {
		case "":
		case "true":
			sc.Deprecated = spec.Deprecation{Set: true}
		default:
			sc.Deprecated = spec.Deprecation{Set: true, Reason: s.deprecated}
		}
		f.Scopes = append(f.Scopes, sc)
	}
	if len(reservedIDs)+len(reservedNames) > 0 {
		f.Reserved.IDs = []spec.Int{}
		for _, id := range reservedIDs {
			f.Reserved.IDs = append(f.Reserved.IDs, num(id))
		}
		f.Reserved.Names = strs(reservedNames...)
	}
	for i := range r.IntN(4) {
		pname := fmt.Sprintf("%s%d", []string{"p", "Preset_", "x_y_z", "All"}[r.IntN(4)], i)
		if taken["Preset"+model.GoIdent(pname)] {
			continue
		}
		taken["Preset"+model.GoIdent(pname)] = true
		if ps := closed(pick(1 + r.IntN(5))); len(ps) > 0 {
			f.Presets = append(f.Presets, spec.Preset{Name: str(pname), Description: str(oddText(r)), Scopes: scopeNames(ps)})
		}
	}
	methods := map[string]bool{}
	var methodList []string
	patterns := map[string]bool{} // of the HTTP bindings, which no two endpoints may share
	for range o.Endpoints {
		var m string
		for m == "" || methods[m] {
			m = oddMethod(r, methodList)
		}
		methods[m] = true
		methodList = append(methodList, m)
		e := spec.Endpoint{Method: str(m), GoName: str(goName(model.GoIdent(m[strings.LastIndexByte(m, '/')+1:]), "Endpoint"))}
		if r.IntN(3) == 0 {
			e.Description = str(oddText(r))
		}
		if r.IntN(20) == 0 {
			e.Public = spec.Bool{Value: true}
		} else {
			if r.IntN(5) < 3 {
				e.HasPrincipals, e.Principals = true, someKinds()
			}
			var req []int
			switch {
			case r.IntN(30) == 0 && len(scopes) >= model.MaxRequiredPerEndpoint:
				for _, j := range r.Perm(len(scopes)) { // the 64-bit mask, full
					if !scopes[j].all && len(req) < model.MaxRequiredPerEndpoint {
						req = append(req, j)
					}
				}
			case r.IntN(2) == 0:
				req = closed(pick(1 + r.IntN(3)))
			default:
				req = pick(r.IntN(4))
			}
			if len(req) > model.MaxRequiredPerEndpoint {
				req = req[:model.MaxRequiredPerEndpoint]
			}
			e.Requires = scopeNames(req)
			if r.IntN(5) == 0 {
				// Alternatives: any one suffices, some for fewer kinds.
				e.Requires = nil
				seen := map[string]bool{}
				for range 1 + r.IntN(4) {
					a := spec.Alternative{Requires: scopeNames(closed(pick(r.IntN(4))))}
					if r.IntN(3) == 0 {
						a.HasPrincipals, a.Principals = true, someKinds()
						if e.HasPrincipals {
							a.Principals = e.Principals[:1]
						}
					}
					// The model refuses two alike: the same kinds (the
					// endpoint's, or the defaults, when not listed) and
					// the same scopes, in any order.
					who := a.Principals
					switch {
					case !a.HasPrincipals && e.HasPrincipals:
						who = e.Principals
					case !a.HasPrincipals:
						who = f.Principals
					}
					var names []string
					for _, s := range append(slices.Clone(who), spec.Str{Value: "|"}) {
						names = append(names, s.Value)
					}
					slices.Sort(names[:len(names)-1])
					for _, s := range a.Requires {
						names = append(names, s.Value)
					}
					slices.Sort(names[len(who)+1:])
					key := strings.Join(names, " ")
					if seen[key] {
						continue
					}
					seen[key] = true
					e.AnyOf = append(e.AnyOf, a)
				}
			}
			if r.IntN(6) == 0 {
				e.RequestScopes = []spec.RequestScope{{Scope: str(scopes[r.IntN(len(scopes))].name), When: str(oddText(r))}}
			}
		}
		if n := r.IntN(8) - 4; n > 0 {
			fields := map[string]bool{}
			for range n {
				fd := oddField(r)
				if fields[fd] {
					continue
				}
				fields[fd] = true
				unless := pick(1 + r.IntN(3))
				if len(unless) == 0 {
					unless = []int{r.IntN(len(scopes))} // the only scope grants all
				}
				e.Redact = append(e.Redact, spec.Redaction{Field: str(fd), Unless: scopeNames(unless)})
			}
		}
		e.HTTP = randBindings(r, patterns)
		if len(e.HTTP) > 0 && r.IntN(8) == 0 {
			// An HTTP-only endpoint: named by an operation, not a method.
			e.Operation, e.Method = str(fmt.Sprintf("op%d", len(f.Endpoints))), spec.Str{}
			e.GoName = str(goName(fmt.Sprintf("Op%d", len(f.Endpoints)), "Endpoint"))
		}
		f.Endpoints = append(f.Endpoints, e)
	}
	return spec.Marshal(f)
}

// randBindings returns up to three HTTP bindings from a small vocabulary of
// segments, so that the bindings of a spec overlap in every way the
// matching rule orders (a literal beside a variable, a variable beside **,
// custom verbs, HEAD beside GET), never two with the same pattern, which
// patterns records across the spec.
func randBindings(r *rand.Rand, patterns map[string]bool) []spec.Binding {
	var out []spec.Binding
	for range r.IntN(4) {
		verb := []string{"GET", "GET", "POST", "DELETE", "HEAD", "PUT"}[r.IntN(6)]
		var segs, kinds []string
		for i := range r.IntN(4) {
			switch k := r.IntN(10); {
			case k < 5:
				lit := []string{"v1", "items", "users", "me", "export", "a%2Fb", "~x"}[r.IntN(7)]
				segs, kinds = append(segs, lit), append(kinds, lit)
			case k < 8:
				segs, kinds = append(segs, fmt.Sprintf("{p%d}", i)), append(kinds, "*")
			case k == 8:
				segs, kinds = append(segs, fmt.Sprintf("{n%d=items/*}", i)), append(kinds, "items", "*")
			default:
				segs, kinds = append(segs, "**"), append(kinds, "**")
			}
			if kinds[len(kinds)-1] == "**" {
				break
			}
		}
		path := "/" + strings.Join(segs, "/")
		if len(segs) > 0 && r.IntN(6) == 0 {
			path += ":run"
			kinds = append(kinds, ":run")
		}
		if pattern := verb + " /" + strings.Join(kinds, "/"); !patterns[pattern] {
			patterns[pattern] = true
			out = append(out, spec.Binding{Rule: spec.Str{Value: verb + " " + path}})
		}
	}
	return out
}

func upperASCII(s string) bool {
	if s == "" {
		return false
	}
	return s[0] >= 'A' && s[0] <= 'Z'
}

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
const wordChars = letters + "0123456789_"

func word(r *rand.Rand, n int, first string) string {
	b := []byte{first[r.IntN(len(first))]}
	for len(b) < n {
		b = append(b, wordChars[r.IntN(len(wordChars))])
	}
	return string(b)
}

func oddScopeName(r *rand.Rand, i int) string {
	switch r.IntN(12) {
	case 9: // a URL, as Google's APIs name scopes
		return "https://www." + strings.ToLower(word(r, 3+r.IntN(8), letters)) + ".com/auth/" + strings.ToLower(word(r, 2+r.IntN(10), letters)) + []string{"", ".readonly", "/v1", "?x=1#y"}[r.IntN(4)]
	case 10: // verb:resource, with dashes, as Atlassian's and Slack's
		return []string{"read", "write", "manage", "admin"}[r.IntN(4)] + ":" + strings.ToLower(word(r, 2+r.IntN(6), letters)) + "-" + word(r, 1+r.IntN(6), wordChars)
	case 11: // anything printable without spaces or commas: quotes, backslashes, comment marks, a digit first, non-ASCII
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString([]string{"\"", "\\", "*/", "/*", "%", "`", "1", "é", "Ω", "ß", "{", "}", ".", "|", "$", "a", "Z", "_", "-", ":"}[r.IntN(20)])
		}
		return b.String()
	case 0:
		return string(letters[r.IntN(len(letters))]) // one letter
	case 1:
		return strings.ToLower(word(r, 3+r.IntN(6), letters)) // lower case
	case 2: // many colons, digits after them
		parts := []string{word(r, 1+r.IntN(4), letters)}
		for range 1 + r.IntN(5) {
			parts = append(parts, word(r, 1+r.IntN(3), wordChars))
		}
		return strings.Join(parts, ":")
	case 3:
		return word(r, model.MaxNameLength-r.IntN(3), letters) // as long as allowed
	case 4: // a case variant of a common name
		return []string{"inputs:get", "INPUTS:GET", "Inputs:get", "Inputs:Get", "inputs_get", "All", "all", "ALL"}[r.IntN(8)]
	case 5:
		return fmt.Sprintf("R%d:x_", i)
	default:
		return word(r, 3+r.IntN(8), letters) + ":" + []string{"Get", "Add", "Patch", "Delete", "Train", "0", "_"}[r.IntN(7)]
	}
}

func oddMethod(r *rand.Rand, methods []string) string {
	switch r.IntN(7) {
	case 0:
		return "/" + word(r, 1, letters+"_") + "/" + word(r, 1+r.IntN(2), letters+"_") // 4 or 5 bytes
	case 1: // long: many package segments
		var parts []string
		for range 5 + r.IntN(20) {
			parts = append(parts, word(r, 1+r.IntN(12), letters+"_"))
		}
		return "/" + strings.Join(parts, ".") + "/" + word(r, 1+r.IntN(40), letters+"_")
	case 2, 3: // one byte or one case away from an existing method
		if len(methods) > 0 {
			b := []byte(methods[r.IntN(len(methods))])
			j := 1 + r.IntN(len(b)-1)
			switch {
			case b[j] >= 'a' && b[j] <= 'z' || b[j] >= 'A' && b[j] <= 'Z':
				b[j] ^= 0x20
			case b[j] != '/' && b[j] != '.':
				b[j] = 'x' // a digit or '_'
			}
			return string(b)
		}
		fallthrough
	default:
		return fmt.Sprintf("/%s.api.V%d/%s%s", []string{"odd", "_", "a_b", "clarifai"}[r.IntN(4)], r.IntN(3), []string{"Get", "List", "Post", "Patch", "_", "x"}[r.IntN(6)], word(r, 1+r.IntN(10), letters))
	}
}

func oddField(r *rand.Rand) string {
	var parts []string
	depth := 1 + r.IntN(4)
	if r.IntN(8) == 0 {
		depth = model.MaxFieldDepth
	}
	for range depth {
		parts = append(parts, word(r, 1+r.IntN(6), letters+"_"))
	}
	return strings.Join(parts, ".")
}

// oddText returns a description or message with characters that a generator
// must quote or keep out of code: quotes, backslashes, comment markers,
// format verbs, backquotes, unicode, tabs and line breaks.
func oddText(r *rand.Rand) string {
	pieces := []string{"Read things.", `say "hi"`, `C:\path\`, "*/ /* //", "%s %d %%", "`raw`", "ünïcødé ✓ 日本", "tab\there", "line\nbreak",
		"trailing space ", "-- want --", "}}{{", "\\u0041", "#hash", "'single'", "no\u00a0break", "+build ignore", "//go:generate rm -rf /"}
	n := 1 + r.IntN(3)
	var out []string
	for range n {
		out = append(out, pieces[r.IntN(len(pieces))])
	}
	return strings.Join(out, " ")
}
