// Package openapiimport turns an OpenAPI description (Swagger 2.0, OpenAPI
// 3.0 or 3.1, JSON or YAML) into a scopes spec: its security schemes become
// principal kinds, the scopes of its OAuth 2.0 and OpenID Connect schemes
// become scopes, and each operation becomes an HTTP-only endpoint whose
// alternatives are the operation's security requirements. The mapping is
// the contract the README states ("Importing an OpenAPI description").
//
// The description is read by kin-openapi (github.com/getkin/kin-openapi);
// the spec is built as a spec.File, checked by model.Build and written by
// spec.Marshal, as import-proto does.
package openapiimport

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Options are the settings of an import.
type Options struct {
	// Merge declares schemes one credential kind: Merge[i].Schemes become
	// the kind Merge[i].Kind (-merge-schemes KIND=A,B).
	Merge []Merge
	// ServerPath prepends the path of the first server's URL (basePath in
	// Swagger 2.0) to every binding.
	ServerPath bool
	// Prev is the spec a previous import wrote (-prev), or nil: scopes and
	// endpoints that persist keep their ids and order, new ones get fresh
	// ids after them, and removed scopes are reserved.
	Prev *spec.File
	// Source is how the spec's header comment names the description
	// (default: the name passed to Import).
	Source string
}

// Merge declares several security schemes one kind of credential.
type Merge struct {
	Kind    string
	Schemes []string
}

// ParseMerge reads a -merge-schemes value, KIND=A,B.
func ParseMerge(s string) (Merge, error) {
	kind, list, ok := strings.Cut(s, "=")
	var m Merge
	if ok {
		for _, x := range strings.Split(list, ",") {
			if x = strings.TrimSpace(x); x != "" {
				m.Schemes = append(m.Schemes, x)
			}
		}
	}
	m.Kind = strings.TrimSpace(kind)
	switch {
	case !ok || len(m.Schemes) == 0:
		return Merge{}, fmt.Errorf("%q is not KIND=SCHEME,SCHEME; e.g. oauth2=Oauth2,Oauth2c", s)
	case !validKind(m.Kind):
		return Merge{}, fmt.Errorf("kind %q is not a valid principal kind name: printable characters without spaces, at most %d bytes, not starting with '/', not \"none\"", m.Kind, model.MaxNameLength)
	}
	return m, nil
}

// Result is an imported spec.
type Result struct {
	YAML     []byte       // the spec, ready to write
	Model    *model.Model // the spec, validated
	Warnings spec.Errors  // problems that did not stop the import, by position
	// Operations counts the operations of the description; Endpoints those
	// imported, Public the public ones among them; LeftOut lists the others.
	Operations, Endpoints, Public int
	LeftOut                       []string
}

// kindOut is a principal kind as it will be written.
type kindOut struct {
	name        string
	description string
	schemes     []*scheme
	goName      string
	pos         spec.Pos
}

// scopeOut is a scope as it will be written.
type scopeOut struct {
	name        string
	description string
	id          int64
	goName      string
	pos         spec.Pos
	invalid     bool // the name cannot be a spec's: left out
}

// alt is one alternative of an endpoint.
type alt struct {
	kind   *kindOut
	scopes []*scopeOut // by id
}

// endpointOut is an endpoint as it will be written.
type endpointOut struct {
	op          *operation
	name        string
	binding     string
	shared      bool
	goName      string
	description string
	public      bool
	alts        []alt
}

type importer struct {
	name  string
	opts  Options
	doc   *document
	pos   *positions
	warns spec.Errors
	errs  spec.Errors

	kinds    []*kindOut
	byScheme map[string]*kindOut // scheme key → kind
	scopes   []*scopeOut         // by id
	byScope  map[string]*scopeOut
	eps      []*endpointOut
	leftOut  []string // "GET /x (operationId): why"

	reservedIDs   []int64
	reservedNames []string
}

func (im *importer) warnf(pos spec.Pos, format string, args ...any) {
	im.warns.Report(pos, "warning: "+format, args...)
}

// Import reads the description data, named name in messages, and returns
// the spec. Errors in the description or the options are plain errors
// naming the file, or spec.Errors at positions in it.
func Import(name string, data []byte, opts Options) (*Result, error) {
	doc, pos, err := read(name, data)
	if err != nil {
		return nil, err
	}
	im := &importer{name: name, opts: opts, doc: doc, pos: pos, byScheme: map[string]*kindOut{}, byScope: map[string]*scopeOut{}}
	if err := im.kindsOf(); err != nil {
		return nil, err
	}
	if len(im.kinds) == 0 {
		return nil, fmt.Errorf("%s: the description declares no security schemes (components.securitySchemes, or securityDefinitions in Swagger 2.0), so no operation can require a credential; there is nothing for scopegen to check", name)
	}
	im.scopesOf() // none when no credential carries scopes: the spec still says which kinds may call what
	im.endpointsOf()
	if len(im.errs) > 0 {
		return nil, im.errs.Sorted()
	}
	im.assignIDs()
	im.order()
	im.sharedBindings()
	im.goNames()
	f := im.specFile()
	m, err := model.Build(f)
	if err != nil {
		return nil, fmt.Errorf("%s: the imported spec is invalid, please report this with the description: %v", name, oneLine(err))
	}
	im.warns.Append(m.Warnings...)
	res := &Result{Model: m, Warnings: im.warns.Sorted(), Operations: len(doc.ops), Endpoints: len(im.eps), LeftOut: im.leftOut}
	for _, e := range im.eps {
		if e.public {
			res.Public++
		}
	}
	res.YAML = im.write(f)
	// The written spec must read back as the same model.
	pf, err := spec.Parse("imported.yaml", res.YAML)
	if err == nil {
		var again *model.Model
		if again, err = model.Build(pf); err == nil && again.SpecHash != m.SpecHash {
			err = fmt.Errorf("spec hash %s, read back as %s", m.SpecHash, again.SpecHash)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: internal error: the imported spec does not read back: %v; please report this with the description", name, oneLine(err))
	}
	return res, nil
}

// validKind reports whether s may name a principal kind.
func validKind(s string) bool {
	return model.ValidOperationName(s) && s != "none"
}

// kindName converts a scheme's key into a principal kind's name when it is
// not one already: each space or unprintable character becomes '_', a
// leading '/' is dropped, and "none" becomes "none_".
func kindName(key string) string {
	if validKind(key) {
		return key
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(key, "_") {
		if r == ' ' || r == '\t' || !isPrint(r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	s := strings.TrimLeft(b.String(), "/")
	if len(s) > model.MaxNameLength {
		s = strings.ToValidUTF8(s[:model.MaxNameLength], "")
	}
	switch s {
	case "":
		s = "scheme"
	case "none":
		s = "none_"
	}
	return s
}

// kindsOf makes the principal kinds: one per security scheme, named by its
// key, or one per -merge-schemes entry for the schemes it names.
func (im *importer) kindsOf() error {
	byKey := map[string]*scheme{}
	for _, s := range im.doc.schemes {
		byKey[s.key] = s
	}
	merged := map[string]*kindOut{}
	for _, m := range im.opts.Merge {
		k := merged[m.Kind]
		if k == nil {
			k = &kindOut{name: m.Kind}
			merged[m.Kind] = k
		}
		for _, key := range m.Schemes {
			s := byKey[key]
			switch {
			case s == nil:
				return fmt.Errorf("%s: -merge-schemes %s: the description has no security scheme %q; its schemes are %s", im.name, m.Kind, key, schemeKeys(im.doc.schemes))
			case im.byScheme[key] != nil:
				return fmt.Errorf("%s: -merge-schemes: scheme %q is merged into both %s and %s; name it once", im.name, key, im.byScheme[key].name, m.Kind)
			}
			im.byScheme[key] = k
			k.schemes = append(k.schemes, s)
		}
	}
	taken := map[string]string{} // kind name → what took it
	for _, m := range im.opts.Merge {
		taken[m.Kind] = "-merge-schemes" // the names asked for are kept
	}
	for _, s := range im.doc.schemes {
		k := im.byScheme[s.key]
		merged := k != nil
		if k == nil {
			k = &kindOut{name: kindName(s.key), schemes: []*scheme{s}}
			im.byScheme[s.key] = k
		} else if k.schemes[0] != s {
			continue // the kind of a merge, made at its first scheme
		}
		if !merged && (k.name != s.key || taken[k.name] != "") {
			base := k.name
			for i := 2; taken[k.name] != ""; i++ {
				k.name = fmt.Sprintf("%s_%d", base, i)
			}
			im.warnf(s.pos, "security scheme %q cannot name a principal kind as it is (a kind's name is printable characters without spaces, not \"none\", and not another kind's); it is imported as kind %q", s.key, k.name)
		}
		taken[k.name] = s.key
		k.pos = s.pos
		k.description = kindDescription(k)
		im.kinds = append(im.kinds, k)
	}
	if len(im.kinds) > model.MaxKinds {
		return fmt.Errorf("%s: the description has %d security schemes; a spec holds at most %d kinds of credential: merge some with -merge-schemes", im.name, len(im.kinds), model.MaxKinds)
	}
	return nil
}

func schemeKeys(ss []*scheme) string {
	var keys []string
	for _, s := range ss {
		keys = append(keys, s.key)
	}
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}

// kindDescription is a kind's description: its scheme's, and what kind of
// credential it is ("The pet store's OAuth server (OAuth 2.0: implicit).").
func kindDescription(k *kindOut) string {
	var parts []string
	for _, s := range k.schemes {
		d := s.detail
		if d == "" {
			d = "A security scheme of type " + s.typ
		}
		if text := strings.TrimRight(oneLineText(s.description), "."); text != "" {
			d = text + " (" + d + ")"
		}
		if len(k.schemes) > 1 {
			d = "scheme " + s.key + ": " + d
		}
		parts = append(parts, d)
	}
	d := strings.Join(parts, "; ")
	if len(k.schemes) > 1 {
		d = "One credential for " + d
	}
	return clip(d+".", 500)
}

// scopesOf makes the scopes: every scope an oauth2 scheme declares, and
// every scope a requirement lists (an openIdConnect scheme declares none).
func (im *importer) scopesOf() {
	add := func(name, description string, pos spec.Pos) {
		if s := im.byScope[name]; s != nil {
			if s.description == "" {
				s.description = description
			}
			return
		}
		s := &scopeOut{name: name, description: description, pos: pos}
		im.byScope[name] = s
		im.scopes = append(im.scopes, s)
	}
	for _, s := range im.doc.schemes {
		names := make([]string, 0, len(s.scopes))
		for n := range s.scopes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			add(n, oneLineText(s.scopes[n]), s.pos)
		}
	}
	undeclared := map[string][]string{} // scope → schemes whose requirements list it
	note := func(rs []requirement, pos spec.Pos) {
		for _, r := range rs {
			for _, key := range r.keys {
				for _, n := range r.scopes[key] {
					if im.byScope[n] == nil && !slices.Contains(undeclared[n], key) {
						undeclared[n] = append(undeclared[n], key)
						add(n, "", pos)
					} else if im.byScope[n].description == "" && !slices.Contains(undeclared[n], key) {
						undeclared[n] = append(undeclared[n], key)
					}
				}
			}
		}
	}
	note(im.doc.security, im.pos.at("security"))
	for _, o := range im.doc.ops {
		if o.security != nil {
			note(*o.security, o.pos)
		}
	}
	for _, s := range im.scopes {
		if s.description != "" {
			continue
		}
		if keys := undeclared[s.name]; len(keys) > 0 {
			s.description = fmt.Sprintf("Required by operations through %s; the description does not describe it.", strings.Join(keys, ", "))
		} else {
			s.description = "Declared without a description."
		}
	}
	sort.Slice(im.scopes, func(i, j int) bool { return im.scopes[i].name < im.scopes[j].name })
	valid := im.scopes[:0]
	for _, s := range im.scopes {
		if model.ValidScopeName(s.name) {
			valid = append(valid, s)
			continue
		}
		s.invalid = true
		im.warnf(s.pos, "scope %q cannot be a scope name in a spec; it is left out, and so is every security requirement that needs it (fewer ways to call an operation, never more)", s.name)
	}
	im.scopes = valid
}

// endpointsOf makes an endpoint of each operation: its name, its binding
// and its alternatives. An operation that no grant could call (every
// alternative left out) or whose path a binding cannot hold is left out:
// the checker then refuses its requests as an unknown endpoint.
func (im *importer) endpointsOf() {
	usedNames := usedOperationIDs(im.doc.ops)
	firstID := map[string]*operation{}
	noSecurity := 0
	for _, o := range im.doc.ops {
		path := o.path
		if im.opts.ServerPath && im.doc.serverPath != "" {
			path = im.doc.serverPath + path
		}
		rule := o.verb + " " + path
		what := rule
		if o.id != "" {
			what += " (" + o.id + ")"
		}
		if _, err := model.ParseBinding(rule); err != nil {
			im.warnf(o.pos, "operation %s is left out: its path cannot be an HTTP binding: %v; its requests are refused as an unknown endpoint", what, err)
			im.leftOut = append(im.leftOut, what+": its path cannot be a binding")
			continue
		}
		e := &endpointOut{op: o, binding: rule, description: opDescription(o)}
		e.name = im.opName(o, firstID, usedNames)
		reqs := im.doc.security
		if o.security != nil {
			reqs = *o.security
		} else if len(reqs) == 0 {
			noSecurity++
		}
		if len(reqs) == 0 || slices.ContainsFunc(reqs, func(r requirement) bool { return len(r.keys) == 0 }) {
			e.public = true
			if len(reqs) > 1 {
				im.warnf(o.pos, "operation %s lists an empty security requirement ({}) among %d: anyone may call it, so it is imported as public", what, len(reqs))
			}
			im.eps = append(im.eps, e)
			continue
		}
		var dropped []string // why requirements were left out
		for i, r := range reqs {
			a, why := im.alternative(o, what, i, len(reqs), r)
			if why != "" {
				dropped = append(dropped, why)
				continue
			}
			dup := slices.ContainsFunc(e.alts, func(b alt) bool { return b.kind == a.kind && slices.Equal(b.scopes, a.scopes) })
			if !dup {
				e.alts = append(e.alts, a)
			}
		}
		for i, why := range dropped {
			if i == len(dropped)-1 && len(e.alts) == 0 {
				why += "; with no requirement left, the operation is left out: its requests are refused as an unknown endpoint"
			}
			im.warnf(o.pos, "%s", why)
		}
		e.alts = prune(e.alts)
		if len(e.alts) > model.MaxAlternatives {
			im.warnf(o.pos, "operation %s has %d security requirements; a spec holds at most %d alternatives, so the last %d are left out (fewer ways to call it, never more)", what, len(e.alts), model.MaxAlternatives, len(e.alts)-model.MaxAlternatives)
			e.alts = e.alts[:model.MaxAlternatives]
		}
		if len(e.alts) == 0 {
			im.leftOut = append(im.leftOut, what+": no grant can satisfy its security")
			continue
		}
		im.eps = append(im.eps, e)
	}
	if noSecurity > 0 && len(im.doc.schemes) > 0 {
		im.warnf(im.pos.at("paths"), "%d operations have no security requirement, neither their own nor the document's: they are imported as public (callable without credentials)", noSecurity)
	}
}

// alternative makes the alternative of requirement r, the i-th of n of
// operation o: why says, when no single grant can hold it, that it is left out and why.
func (im *importer) alternative(o *operation, what string, i, n int, r requirement) (alt, string) {
	var a alt
	var kinds []string
	for _, key := range r.keys {
		k := im.byScheme[key]
		if k == nil {
			return alt{}, fmt.Sprintf("operation %s: security requirement %d of %d names scheme %q, which the description does not define; that requirement is left out (no credential can meet it)", what, i+1, n, key)
		}
		if a.kind != nil && a.kind != k {
			if !slices.Contains(kinds, k.name) {
				kinds = append(kinds, k.name)
			}
			continue
		}
		if a.kind == nil {
			kinds = append(kinds, k.name)
		}
		a.kind = k
		for _, sc := range r.scopes[key] {
			s := im.byScope[sc]
			if !slices.Contains(a.scopes, s) {
				a.scopes = append(a.scopes, s)
			}
		}
	}
	if len(kinds) > 1 {
		return alt{}, fmt.Sprintf("operation %s: security requirement %d of %d needs credentials of several schemes at once (%s), which one grant cannot hold; that requirement is left out (fewer ways to call it, never more). If they are one credential, pass -merge-schemes KIND=%s", what, i+1, n, strings.Join(r.keys, ", "), strings.Join(r.keys, ","))
	}
	if len(a.scopes) > model.MaxRequiredPerEndpoint {
		return alt{}, fmt.Sprintf("operation %s: security requirement %d of %d lists %d scopes; a spec holds at most %d, so that requirement is left out", what, i+1, n, len(a.scopes), model.MaxRequiredPerEndpoint)
	}
	for _, s := range a.scopes {
		if s.invalid {
			return alt{}, fmt.Sprintf("operation %s: security requirement %d of %d needs scope %q, which a spec cannot name; that requirement is left out", what, i+1, n, s.name)
		}
	}
	return a, ""
}

// validOp reports whether s may name an HTTP-only endpoint.
func validOp(s string) bool { return model.ValidOperationName(s) }

// opName is the endpoint's name: the operationId, or when it is missing,
// not a valid name or taken by an earlier operation, one made of the verb
// and the path: "GET:/pets/{petId}".
func (im *importer) opName(o *operation, firstID map[string]*operation, used map[string]bool) string {
	if o.id != "" && validOp(o.id) {
		if first := firstID[o.id]; first == nil {
			firstID[o.id] = o
			return o.id
		} else {
			im.warnf(o.pos, "operation %s %s has operationId %q, which %s %s already has; it is named by its verb and path instead", o.verb, o.path, o.id, first.verb, first.path)
		}
	} else if o.id != "" {
		im.warnf(o.pos, "operation %s %s has operationId %q, which cannot name an endpoint (printable characters without spaces, at most %d bytes, not starting with '/'); it is named by its verb and path instead", o.verb, o.path, o.id, model.MaxNameLength)
	}
	name := o.verb + ":" + o.path
	if !validOp(name) {
		name = fmt.Sprintf("%s:%x", o.verb, hash(o.path))
	}
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s:%s~%d", o.verb, o.path, i)
	}
	used[name] = true
	return name
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// opDescription is the operation's summary, or the first sentence of its
// description, made one line.
func opDescription(o *operation) string {
	d := oneLineText(o.summary)
	if d == "" {
		d = oneLineText(o.description)
		if i := strings.Index(d, ". "); i >= 0 {
			d = d[:i+1]
		}
	}
	return clip(d, 300)
}

// oneLineText makes text one line of printable characters: runs of spaces
// and line breaks become one space, and the characters a spec refuses
// (controls, bidirectional overrides, line separators) are dropped.
func oneLineText(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	for _, r := range s {
		if _, bad := model.Deceptive(r); bad || r == '\uFEFF' {
			continue
		}
		if !isPrint(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isPrint(r rune) bool {
	return r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) && r != '\u2028' && r != '\u2029'
}

// clip cuts s to at most n bytes, at a rune boundary, with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = strings.ToValidUTF8(s[:n], "")
	return strings.TrimSpace(s) + "…"
}

// prune drops each alternative that another of the same kind makes
// redundant: one that needs a subset of its scopes suffices whenever it
// does. The decision is the same; the spec is shorter.
func prune(alts []alt) []alt {
	var out []alt
	for i, a := range alts {
		redundant := false
		for j, b := range alts {
			if i == j || a.kind != b.kind || len(b.scopes) > len(a.scopes) {
				continue
			}
			subset := true
			for _, s := range b.scopes {
				subset = subset && slices.Contains(a.scopes, s)
			}
			// Of two equal ones, the first stays.
			if subset && (len(b.scopes) < len(a.scopes) || j < i) {
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
