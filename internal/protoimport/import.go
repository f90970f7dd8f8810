package protoimport

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile/ast"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/prevspec"
	"github.com/scopegen/scopegen/internal/spec"
)

// Result is an imported spec.
type Result struct {
	// YAML is the spec, ready to write.
	YAML []byte
	// Model is the spec, validated.
	Model *model.Model
	// Warnings are problems that did not stop the import, by position.
	Warnings spec.Errors
	// Skipped are the RPCs left out because their auth type takes no API key
	// or token (mapped to skip).
	Skipped []Skipped
	// Sources are the files the spec comes from, by name.
	Sources []string
}

// Skipped is an RPC left out of the spec.
type Skipped struct {
	Method   string
	AuthType string // the auth type's value name, or "" for the default
}

// settings is a checked Config.
type settings struct {
	*Config
	depends, exposed, auth, http []OptionRef
	lists                        []list   // Requires, then Lists
	kinds                        []string // the kinds of credential: Principals, or model.DefaultKinds'
}

func check(c *Config) (*settings, error) {
	if m := c.Missing(); len(m) > 0 {
		return nil, fmt.Errorf("the config lacks %s", strings.Join(m, ", "))
	}
	s := &settings{Config: c}
	if c.Names != "" && !slices.Contains(NameStyles, c.Names) {
		return nil, fmt.Errorf("unknown name style %q%s; the styles are %s", c.Names, spec.DidYouMean(c.Names, NameStyles), strings.Join(NameStyles, ", "))
	}
	if c.Enum != "" && !isFullName(strings.TrimPrefix(c.Enum, ".")) {
		return nil, fmt.Errorf("the enum %q is not a full name such as acme.auth.Scope", c.Enum)
	}
	c.Enum = strings.TrimPrefix(c.Enum, ".")
	if c.GrantsAll != "" && !isIdent(c.GrantsAll) {
		return nil, fmt.Errorf("grants-all %q is not an enum value name", c.GrantsAll)
	}
	if c.Enum == "" {
		// Scopes named by strings: the settings about an enum's values
		// would be silently ignored.
		for _, x := range []struct {
			set  bool
			what string
		}{{len(c.Depends) > 0, "-depends-option"}, {len(c.Exposed) > 0, "-exposed-option"}, {c.GrantsAll != "", "-grants-all"},
			{c.Names != "", "-names"}, {c.StripPrefix != "", "-strip-prefix"}} {
			if x.set {
				return nil, fmt.Errorf("%s is about the values of the scope enum, and no -enum is given (without one, the scopes are the strings the requires options list); pass -enum, or leave %s out", x.what, x.what)
			}
		}
	}
	s.kinds = c.Principals
	if len(s.kinds) == 0 {
		s.kinds = defaultKindNames()
	}
	for i, k := range s.kinds {
		switch {
		case !validKind(k):
			return nil, fmt.Errorf("principals: %q is not a kind name (printable characters without spaces, '|', '+' or ','), e.g. oauth2", k)
		case slices.Contains(s.kinds[:i], k):
			return nil, fmt.Errorf("principals: %s is listed twice; keep one", k)
		case len(s.kinds) > model.MaxKinds:
			return nil, fmt.Errorf("principals: %d kinds; a spec declares at most %d", len(s.kinds), model.MaxKinds)
		}
	}
	targets := []struct {
		t    Target
		what string
	}{}
	for _, v := range slices.Sorted(maps.Keys(c.AuthMap)) {
		targets = append(targets, struct {
			t    Target
			what string
		}{c.AuthMap[v], "auth map: " + v})
	}
	if c.AuthDefault != nil {
		targets = append(targets, struct {
			t    Target
			what string
		}{*c.AuthDefault, "auth default"})
	}
	for _, x := range targets {
		if _, unknown := sortedKinds(x.t, s.kinds); len(unknown) > 0 {
			return nil, fmt.Errorf("%s: %s is not a kind of credential the spec declares (%s)%s; declare it with -principals (principals: in a config file)",
				x.what, strings.Join(unknown, ", "), strings.Join(s.kinds, ", "), spec.DidYouMean(unknown[0], s.kinds))
		}
	}
	http := c.HTTP
	if len(http) == 0 {
		http = []string{DefaultHTTP}
	}
	var err error
	for _, x := range []struct {
		dst   *[]OptionRef
		names []string
		what  string
	}{
		{&s.depends, c.Depends, "depends option"}, {&s.exposed, c.Exposed, "exposed option"},
		{&s.auth, c.Auth, "auth option"}, {&s.http, http, "http option"},
	} {
		if *x.dst, err = refs(x.names, x.what); err != nil {
			return nil, err
		}
	}
	all := make([]ScopeList, 0, len(c.Requires)+len(c.Lists))
	for _, n := range c.Requires {
		all = append(all, ScopeList{Option: n})
	}
	all = append(all, c.Lists...)
	seen := map[string]bool{}
	for _, l := range all {
		r, err := ParseOptionRef(l.Option)
		if err != nil {
			return nil, fmt.Errorf("requires option: %v", err)
		}
		if seen[r.String()] {
			return nil, fmt.Errorf("requires option %s is given twice; give it once, saying how it reads", r)
		}
		seen[r.String()] = true
		s.lists = append(s.lists, list{ScopeList: l, ref: r})
	}
	return s, nil
}

// importer holds the state of one import.
type importer struct {
	s     *settings
	files []*protoFile
	errs  spec.Errors
	warns spec.Errors

	enum       enumDecl
	scopes     []*scopeOut
	scopeIndex map[string]*scopeOut // scope name → scope
	byValue    map[string]*scopeOut // enum value name → scope
	values     []string             // every value name of the enum, for suggestions
	unset      map[string]bool      // value names with number 0

	reservedIDs   []spec.Int
	reservedNames []spec.Str
	importErrs    spec.Errors // problems reading imported files

	endpoints []*endpointOut
	skipped   []Skipped
	rpcs      int               // RPCs read from the files named
	services  int               // services read from the files named
	tooMany   map[spec.Pos]bool // requires options reported for giving too many alternatives

	importNames map[string]string // file key → the longest import path naming it
	importFile  map[string]string // import path → the key of the file it names
	importRoots map[string]bool   // absolute directories import paths are relative to

	matched map[string]bool // settings that matched an option somewhere
	// written are the option names written on the enum's values ("value")
	// and on RPCs ("rpc"), with the extension resolved to a likely full
	// name, in OptionRef text form.
	written map[string]map[string]bool
}

// errorf records an error; past spec.MaxErrors, errors are only counted,
// as a spec's are.
func (im *importer) errorf(pos spec.Pos, format string, args ...any) {
	im.errs.Report(pos, format, args...)
}

// warnf records a warning, within spec.MaxErrors as errorf does.
func (im *importer) warnf(pos spec.Pos, format string, args ...any) {
	im.warns.Report(pos, "warning: "+format, args...)
}

// scopeOut is a scope as it will be written.
type scopeOut struct {
	pos         spec.Pos
	value       string // the enum value's name
	name        string
	goName      string // "" when the default
	id          int64
	description string
	requires    []spec.Str // by name
	deprecated  bool
	grantsAll   bool
	internal    bool
	listedBy    []string // without an enum: the services and RPCs that list the scope, in order
}

// endpointOut is an endpoint as it will be written.
type endpointOut struct {
	pos         spec.Pos
	file        string
	service     string
	method      string
	goName      string
	description string
	public      bool
	principals  model.Principal
	requires    []spec.Str   // by name
	anyOf       [][]spec.Str // the alternatives, when more than one: then requires is empty
	http        []binding
	shared      []bool // for each binding, whether other endpoints have one that matches the same requests
}

// Import reads the files, following their imports through resolve to find
// the scope enum when the files do not define it, and returns the spec. Its
// errors are spec.Errors positioned in the .proto files, or a plain error
// for a bad config.
func Import(c *Config, files []Source, resolve Resolver) (*Result, error) {
	s, err := check(c)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("no .proto files given")
	}
	im := &importer{s: s, byValue: map[string]*scopeOut{}, scopeIndex: map[string]*scopeOut{}, tooMany: map[spec.Pos]bool{}, unset: map[string]bool{}, matched: map[string]bool{},
		written:     map[string]map[string]bool{"value": {}, "rpc": {}, "service": {}},
		importNames: map[string]string{}, importFile: map[string]string{}, importRoots: map[string]bool{}}
	seen := map[string]bool{}
	for _, src := range files {
		if seen[src.key()] {
			continue
		}
		seen[src.key()] = true
		f, errs := parseFile(src)
		im.errs.Append(errs...)
		if f != nil {
			f.listed = true
			im.files = append(im.files, f)
		}
	}
	if len(im.errs) > 0 {
		return nil, im.errs.Sorted()
	}
	// Files in name order: the output does not depend on the order of the
	// command line.
	sort.SliceStable(im.files, func(i, j int) bool { return im.files[i].src.Name < im.files[j].src.Name })
	if s.Enum != "" {
		missing := im.findEnum(resolve, seen)
		if im.enum.node == nil {
			nf := im.enumNotFound(missing)
			if len(im.errs) == 0 {
				return nil, nf
			}
			im.errorf(spec.Pos{File: im.files[0].src.Name, Line: 1, Col: 1}, "%s", nf.Error())
		}
	}
	// Without an enum, the scopes are the strings the files list: their
	// imports are not needed, and not parsed; they are looked up only to
	// name the files by their import paths.
	if s.Enum == "" && resolve != nil {
		resolve = once(resolve)
		for _, f := range im.files {
			for _, imp := range f.imports {
				if !im.provides(imp.path) {
					if src, ok, err := resolve(imp.path); ok && err == nil {
						im.importedAs(imp.path, src)
					}
				}
			}
		}
	}
	if len(im.errs) > 0 {
		return nil, im.errs.Sorted()
	}
	im.canonicalNames()
	im.importCycles()
	if s.Enum != "" {
		im.readScopes()
	}
	im.readServices()
	if s.Enum == "" {
		for _, sc := range im.scopes {
			sc.description = scopeDescriptionListed(sc)
		}
		if len(im.scopes) == 0 && len(im.errs) == 0 {
			im.errorf(im.anchor(), "the files list no scope (by %s), so there is nothing to import; check the option names, or pass -enum if the scopes are an enum's values", im.listNames(false)+im.listNames(true))
		}
	}
	im.unmatched()
	if len(im.errs) > 0 {
		return nil, im.errs.Sorted()
	}
	if c.Prev != nil {
		im.keepPrev(c.Prev)
	}
	im.goNames()
	im.sharedBindings()
	f := im.specFile()
	m, err := model.Build(f)
	if err != nil {
		// Build checks what the import did not: prerequisite cycles, mostly.
		// Its positions are in the .proto files.
		return nil, err
	}
	im.warns.Append(m.Warnings...)
	res := &Result{Model: m, Warnings: im.warns.Sorted(), Skipped: im.skipped, Sources: im.sources()}
	res.YAML = im.write(res.Sources)
	// The written spec must read back as the same model.
	pf, err := spec.Parse("imported.yaml", res.YAML)
	if err == nil {
		var again *model.Model
		if again, err = model.Build(pf); err == nil {
			err = sameModel(m, again)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("internal error: the imported spec does not read back: %v; please report this with the .proto files", err)
	}
	return res, nil
}

// findEnum looks for the scope enum in the files, then in their imports,
// breadth first. It returns the imports that were not at hand.
func (im *importer) findEnum(resolve Resolver, seen map[string]bool) (missing []string) {
	if resolve != nil {
		resolve = once(resolve)
	}
	var found []enumDecl
	look := func(f *protoFile) {
		f.walk(func(e enumDecl) {
			if e.name == im.s.Enum {
				found = append(found, e)
			}
		}, func(serviceDecl) {}, func(string) {})
	}
	for _, f := range im.files {
		look(f)
	}
	queue := slices.Clone(im.files)
	missed := map[string]bool{}
	for len(found) == 0 && len(queue) > 0 && resolve != nil {
		f := queue[0]
		queue = queue[1:]
		for _, imp := range f.imports {
			if im.provides(imp.path) {
				continue
			}
			src, ok, err := resolve(imp.path)
			if ok && err == nil {
				im.importedAs(imp.path, src)
			}
			if err != nil {
				im.importErrs.Report(imp.pos, "cannot read the import %q: %v", imp.path, err)
				continue
			}
			if !ok {
				if !missed[imp.path] {
					missed[imp.path] = true
					missing = append(missing, imp.path)
				}
				continue
			}
			if seen[src.key()] {
				continue
			}
			seen[src.key()] = true
			nf, errs := parseFile(src)
			if len(errs) > 0 {
				// An imported file is read only to find the enum in it: one
				// that does not parse matters only if the enum is not found.
				im.importErrs.Append(errs...)
				continue
			}
			im.files = append(im.files, nf)
			queue = append(queue, nf)
			look(nf)
		}
	}
	if len(found) > 1 {
		for _, e := range found[1:] {
			im.errorf(e.file.pos(e.node.Name), "enum %s is defined twice (first at %s); pass only one of the files", e.name, found[0].file.pos(found[0].node.Name))
		}
	}
	if len(found) > 0 {
		im.enum = found[0]
		for _, e := range im.importErrs.Sorted() {
			im.warnf(e.Pos, "%s (in an imported file, skipped)", e.Msg)
		}
		// Say which imports of the files named are not at hand, so that a
		// wrong -I is seen; they are not needed once the enum is found.
		var first spec.Pos
		var notFound []string
		for _, f := range im.files {
			if !f.listed {
				continue
			}
			for _, imp := range f.imports {
				if im.provides(imp.path) || slices.Contains(notFound, imp.path) {
					continue
				}
				there := false
				if !missed[imp.path] && resolve != nil {
					src, ok, err := resolve(imp.path)
					if err != nil {
						continue // not readable, but there: not this note's business
					}
					if there = ok; ok {
						im.importedAs(imp.path, src)
					}
				}
				if !there {
					if len(notFound) == 0 {
						first = imp.pos
					}
					notFound = append(notFound, imp.path)
				}
			}
		}
		if len(notFound) > 0 {
			im.warnf(first, "import%s %s not found in the import paths; skipped (only the file that defines enum %s is needed: the files are parsed, not compiled)",
				plural(len(notFound)), strings.Join(notFound, ", "), im.s.Enum)
		}
	} else {
		im.errs.Append(im.importErrs...)
	}
	return missing
}

// once wraps resolve so that each import path is looked up (and its file
// read) once, however many files import it and however often findEnum asks:
// later calls get the first call's answer, error included.
func once(resolve Resolver) Resolver {
	type answer struct {
		src Source
		ok  bool
		err error
	}
	answers := map[string]answer{}
	return func(importPath string) (Source, bool, error) {
		a, done := answers[importPath]
		if !done {
			a.src, a.ok, a.err = resolve(importPath)
			answers[importPath] = a
		}
		return a.src, a.ok, a.err
	}
}

// provides reports whether a file already read is the one an import names:
// a file named on the command line as path/to/x.proto is the import "x.proto"
// or "to/x.proto".
func (im *importer) provides(importPath string) bool {
	for _, f := range im.files {
		name := strings.ReplaceAll(f.src.Name, "\\", "/")
		if name == importPath || strings.HasSuffix(name, "/"+importPath) {
			im.importedAs(importPath, f.src)
			return true
		}
	}
	return false
}

// importedAs notes that an import statement names src as importPath: that
// is the file's name as protoc knows it, and the directory importPath is
// relative to is an import root, for the names of the other files.
func (im *importer) importedAs(importPath string, src Source) {
	key := src.key()
	im.importFile[importPath] = key
	if prev, ok := im.importNames[key]; !ok || len(importPath) > len(prev) || len(importPath) == len(prev) && importPath < prev {
		im.importNames[key] = importPath
	}
	if filepath.IsAbs(src.Key) {
		k := filepath.ToSlash(src.Key)
		if root, ok := strings.CutSuffix(k, "/"+importPath); ok {
			im.importRoots[root] = true
		}
	}
}

// canonicalNames names each file read as the spec shows it, the same from
// any working directory: its import path when an import names it, else its
// path relative to the deepest import root it is under, else its name as
// given (a file read from disk that neither an import nor -I anchors: its
// base name). The files named are then put in that order.
func (im *importer) canonicalNames() {
	var roots []string
	for r := range im.importRoots {
		roots = append(roots, r)
	}
	for _, p := range im.s.ImportPaths { // -I, as protoc's
		if a, err := filepath.Abs(p); err == nil && !im.importRoots[filepath.ToSlash(a)] {
			roots = append(roots, filepath.ToSlash(a))
		}
	}
	sort.Slice(roots, func(i, j int) bool {
		if len(roots[i]) != len(roots[j]) {
			return len(roots[i]) > len(roots[j])
		}
		return roots[i] < roots[j]
	})
	for _, f := range im.files {
		f.canon = f.src.Name
		if n, ok := im.importNames[f.src.key()]; ok {
			f.canon = n
			continue
		}
		if !filepath.IsAbs(f.src.Key) {
			continue
		}
		k := filepath.ToSlash(f.src.Key)
		f.canon = path.Base(k) // under no root: the name alone, not a path that depends on the working directory
		for _, r := range roots {
			if rel, ok := strings.CutPrefix(k, strings.TrimSuffix(r, "/")+"/"); ok {
				f.canon = rel
				break
			}
		}
	}
	sort.SliceStable(im.files, func(i, j int) bool { return im.files[i].canon < im.files[j].canon })
}

func (im *importer) enumNotFound(missing []string) error {
	var enums []string
	for _, f := range im.files {
		f.walk(func(e enumDecl) { enums = append(enums, e.name) }, func(serviceDecl) {}, func(string) {})
	}
	sort.Strings(enums)
	var suffixed []string
	for _, e := range enums {
		if strings.HasSuffix(e, "."+im.s.Enum) {
			suffixed = append(suffixed, e)
		}
	}
	if len(suffixed) > 0 {
		// A short name: say the full one.
		return fmt.Errorf("no enum's full name is %s; write the full name (package and enclosing messages): %s", im.s.Enum, strings.Join(suffixed, " or "))
	}
	var names []string
	for _, f := range im.files {
		names = append(names, f.src.Name)
	}
	msg := fmt.Sprintf("enum %s is not defined in %s", im.s.Enum, strings.Join(names, ", "))
	msg += spec.DidYouMean(im.s.Enum, enums)
	if len(missing) > 0 {
		msg += fmt.Sprintf("; these imports were not found: %s; pass the file that defines the enum, or -I the directory its import path starts from", strings.Join(missing, ", "))
	} else {
		msg += "; pass the file that defines it"
	}
	if len(enums) > 0 && len(enums) <= 20 {
		msg += " (the enums read: " + strings.Join(enums, ", ") + ")"
	}
	return errors.New(msg)
}

// readScopes turns the enum's values into scopes.
func (im *importer) readScopes() {
	e := im.enum
	f := e.file
	type value struct {
		node *ast.EnumValueNode
		num  int64
	}
	var values []value
	byNum := map[int64]*ast.EnumValueNode{}
	reservedNums := map[int64]bool{}
	reservedNames := map[string]bool{}
	var reservedIDs []spec.Int
	var reservedNameStrs []spec.Str
	for _, d := range e.node.Decls {
		switch d := d.(type) {
		case *ast.EnumValueNode:
			n, ok := d.Number.AsInt64()
			if !ok {
				im.errorf(f.pos(d.Number), "enum value %s: number %v is out of range", d.Name.Val, d.Number.Value())
				continue
			}
			im.values = append(im.values, d.Name.Val)
			if n == 0 {
				im.unset[d.Name.Val] = true
			}
			if prev := byNum[n]; prev != nil {
				im.errorf(f.pos(d.Number), "enum values %s and %s share the number %d (allow_alias); a scope id belongs to one scope: give %s a number of its own or remove it",
					prev.Name.Val, d.Name.Val, n, d.Name.Val)
				continue
			}
			byNum[n] = d
			values = append(values, value{d, n})
		case *ast.ReservedNode:
			for _, r := range d.Ranges {
				lo, ok1 := r.StartVal.AsInt64()
				hi := lo
				ok2 := true
				switch {
				case r.Max != nil:
					hi = model.MaxScopeID
				case r.EndVal != nil:
					hi, ok2 = r.EndVal.AsInt64()
				}
				if !ok1 || !ok2 || hi < lo {
					im.errorf(f.pos(r), "reserved range is malformed")
					continue
				}
				if r.Max == nil && hi > model.MaxScopeID && lo <= model.MaxScopeID {
					im.warnf(f.pos(r), "reserved range %d to %d goes past %d, the largest scope id; only ids up to %d are written", lo, hi, model.MaxScopeID, model.MaxScopeID)
				}
				for n := max(lo, 1); n <= min(hi, model.MaxScopeID); n++ {
					if !reservedNums[n] {
						reservedNums[n] = true
						reservedIDs = append(reservedIDs, spec.Int{Value: n, Pos: f.pos(r), Set: true})
					}
				}
				if lo <= 0 {
					reservedNums[0] = true
				}
			}
			for _, n := range d.Names {
				reservedNames[n.AsString()] = true
				reservedNameStrs = append(reservedNameStrs, spec.Str{Value: n.AsString(), Pos: f.pos(n)})
			}
			for _, n := range d.Identifiers {
				reservedNames[n.Val] = true
				reservedNameStrs = append(reservedNameStrs, spec.Str{Value: n.Val, Pos: f.pos(n)})
			}
		}
	}
	sort.Slice(reservedIDs, func(i, j int) bool { return reservedIDs[i].Value < reservedIDs[j].Value })
	im.reservedIDs = reservedIDs
	// Reserved names are carried as scope names, so that no scope can take
	// them later in either form.
	seenReserved := map[string]bool{}
	for _, r := range reservedNameStrs {
		name := im.s.ScopeName(r.Value)
		if !model.ValidScopeName(name) {
			im.errorf(r.Pos, "reserved name %q becomes %q, which is not a scope name (letters, digits and '_', parts joined by ':'); rename it or change -names", r.Value, name)
			continue
		}
		if !seenReserved[name] {
			seenReserved[name] = true
			im.reservedNames = append(im.reservedNames, spec.Str{Value: name, Pos: r.Pos})
		}
	}

	scope := e.name // options on values are resolved from the enum's scope
	byName := map[string]*scopeOut{}
	for _, v := range values {
		d := v.node
		pos := f.pos(d.Name)
		if v.num == 0 {
			if d.Options != nil {
				for _, opt := range d.Options.Options {
					if im.anyMatch(opt, scope, im.s.depends, "depends") || im.anyMatch(opt, scope, im.s.exposed, "exposed") {
						im.warnf(f.pos(opt), "%s is the zero (unset) value, which is not a scope; its options are ignored", d.Name.Val)
						break
					}
				}
			}
			continue
		}
		sc := &scopeOut{pos: pos, value: d.Name.Val, name: im.s.ScopeName(d.Name.Val), id: v.num}
		switch {
		case v.num < 1 || v.num > model.MaxScopeID:
			im.errorf(f.pos(d.Number), "enum value %s has number %d; a scope id is its number, so it must be 1 to %d", d.Name.Val, v.num, model.MaxScopeID)
		case reservedNums[v.num]:
			im.errorf(f.pos(d.Number), "enum value %s has number %d, which the enum reserves; protoc refuses this too", d.Name.Val, v.num)
		}
		if reservedNames[d.Name.Val] {
			im.errorf(pos, "enum value %s is a reserved name of the enum; protoc refuses this too", d.Name.Val)
			continue
		}
		if !model.ValidScopeName(sc.name) {
			im.errorf(pos, "enum value %s becomes scope name %q, which is not valid (letters, digits and '_', parts joined by ':', starting with a letter); use -names keep or -strip-prefix", d.Name.Val, sc.name)
			continue
		}
		if prev := byName[sc.name]; prev != nil {
			im.errorf(pos, "enum values %s and %s both become scope %q; use another -names style or -strip-prefix", prev.value, d.Name.Val, sc.name)
			continue
		}
		if seenReserved[sc.name] {
			im.errorf(pos, "enum value %s becomes scope %q, which a reserved name of the enum also becomes; rename one", d.Name.Val, sc.name)
			continue
		}
		byName[sc.name] = sc
		im.scopeIndex[sc.name] = sc
		im.byValue[d.Name.Val] = sc
		im.scopes = append(im.scopes, sc)
		sc.description = im.comment(f, d, d.Name.Val)
	}
	// Options, once every value is known.
	exposedSet := len(im.s.exposed) > 0
	for _, v := range values {
		d := v.node
		sc := im.byValue[d.Name.Val]
		if sc == nil || v.num == 0 {
			continue
		}
		exposed := false
		var reqs []spec.Str
		firstAt := map[string]spec.Pos{}
		if d.Options != nil {
			for _, opt := range d.Options.Options {
				if name, ok := optionName(opt.Name); ok && len(name) == 1 && !name[0].ext && name[0].name == "deprecated" {
					if b, ok := identValue(opt.Val); ok && b == "true" {
						sc.deprecated = true
					}
					continue
				}
				im.noteWritten(opt, scope, "value")
				for _, fv := range im.values_(opt, scope, im.s.exposed, "exposed") {
					b, _ := identValue(fv.val)
					switch {
					case fv.rest != nil || b != "true" && b != "false":
						im.errorf(f.pos(fv.val), "%s: the exposed option must be true or false, not %s", d.Name.Val, describe(fv.val))
					default:
						exposed = b == "true"
					}
				}
				for _, fv := range im.values_(opt, scope, im.s.depends, "depends") {
					ref, ok := im.scopeRef(f, fv, fmt.Sprintf("%s depends on", d.Name.Val))
					if !ok {
						continue
					}
					if ref.Value == sc.name {
						im.errorf(ref.Pos, "%s depends on itself; remove that option", d.Name.Val)
						continue
					}
					if first, dup := firstAt[ref.Value]; dup {
						im.warnf(ref.Pos, "%s lists %s as a dependency twice (first at line %d); merged", d.Name.Val, im.byName(ref.Value).value, first.Line)
						continue
					}
					firstAt[ref.Value] = ref.Pos
					reqs = append(reqs, ref)
				}
			}
		}
		sc.requires = sortStrs(reqs)
		sc.internal = exposedSet && !exposed
		sc.grantsAll = im.s.GrantsAll != "" && d.Name.Val == im.s.GrantsAll
		if sc.grantsAll && len(reqs) > 0 {
			im.errorf(reqs[0].Pos, "%s grants every scope (grants-all), so it cannot depend on other scopes; remove its dependencies or choose another grants-all value", d.Name.Val)
		}
		sc.description = scopeDescription(sc)
	}
	if im.s.GrantsAll != "" && im.byValue[im.s.GrantsAll] == nil {
		im.errorf(f.pos(e.node.Name), "grants-all value %s is not a value of enum %s%s", im.s.GrantsAll, e.name, spec.DidYouMean(im.s.GrantsAll, im.values))
	}
	if len(im.scopes) == 0 && len(im.errs) == 0 {
		im.errorf(f.pos(e.node.Name), "enum %s has no values other than the zero (unset) one, so there are no scopes", e.name)
	}
}

// comment returns the comment attached before n (leadingComment), which
// what names in a warning when characters that make text read differently
// from what it is (model.Deceptive) were left out of it: a spec refuses
// them, and a description comes from a comment.
func (im *importer) comment(f *protoFile, n ast.Node, what string) string {
	text, hidden, at := leadingComment(f.node, n)
	if hidden != 0 {
		im.warnDeceptive(at, "the comment on "+what, hidden)
	}
	return text
}

// warnDeceptive warns that r, which model.Deceptive reports, was left out
// of the description that where (a comment, an HTTP binding) gives.
func (im *importer) warnDeceptive(pos spec.Pos, where string, r rune) {
	name, _ := model.Deceptive(r)
	im.warnf(pos, "%s holds %U (%s), which can make generated code and SCOPES.md read differently from what they are; it is left out of the description: remove it from the .proto file",
		where, r, name)
}

func scopeDescription(sc *scopeOut) string {
	d := sc.description
	if d == "" {
		d = sc.value + " (the .proto has no comment for it)."
	}
	if sc.internal {
		d = "Internal (not exposed to users). " + d
	}
	return d
}

func (im *importer) byName(name string) *scopeOut {
	return im.scopeIndex[name]
}

func sortStrs(s []spec.Str) []spec.Str {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Value < s[j].Value })
	return s
}

// anyMatch reports whether opt sets any of refs.
func (im *importer) anyMatch(opt *ast.OptionNode, scope string, refs []OptionRef, what string) bool {
	return len(im.values_(opt, scope, refs, what)) > 0
}

// values_ returns what opt gives at any of refs, noting that the setting
// matched.
func (im *importer) values_(opt *ast.OptionNode, scope string, refs []OptionRef, what string) []found {
	var out []found
	for _, r := range refs {
		out = append(out, lookup(opt, scope, r)...)
	}
	if len(out) > 0 {
		im.matched[what] = true
	}
	return out
}

// scopeRef reads a value naming a scope enum value.
func (im *importer) scopeRef(f *protoFile, fv found, what string) (spec.Str, bool) {
	pos := f.pos(fv.val)
	name, ok := identValue(fv.val)
	switch {
	case fv.rest != nil || !ok:
		im.errorf(pos, "%s %s; write a value of enum %s", what, describe(fv.val), im.s.Enum)
		return spec.Str{}, false
	case strings.Contains(name, "."):
		im.errorf(pos, "%s %s; write the value's simple name (%s), as protoc requires", what, name, name[strings.LastIndexByte(name, '.')+1:])
		return spec.Str{}, false
	case im.unset[name]:
		im.errorf(pos, "%s %s, the zero (unset) value of %s, which is not a scope; remove it", what, name, im.s.Enum)
		return spec.Str{}, false
	}
	sc := im.byValue[name]
	if sc == nil {
		hint := spec.DidYouMean(name, im.values)
		if hint == "" {
			hint = "; add it to the enum, or correct the name"
		}
		if slices.Contains(im.values, name) {
			hint = "; that value is not a valid scope (see the error on it)"
		}
		im.errorf(pos, "%s %s, which is not a value of enum %s%s", what, name, im.s.Enum, hint)
		return spec.Str{}, false
	}
	return spec.Str{Value: sc.name, Pos: pos}, true
}

// noteWritten records the option opt names, on where ("value" or "rpc"),
// for messages.
func (im *importer) noteWritten(opt *ast.OptionNode, scope, where string) {
	written, ok := optionName(opt.Name)
	if !ok || !written[0].ext {
		return
	}
	w := written[0].name
	switch {
	case strings.HasPrefix(w, "."):
		w = w[1:]
	case !strings.Contains(w, "."):
		// The most likely full name: the written name in the file's
		// package when it has no dots, else as written.
		w = join(packageOf(scope, im), w)
	}
	r := OptionRef{Ext: w}
	for _, p := range written[1:] {
		if p.ext {
			break
		}
		r.Path = append(r.Path, p.name)
	}
	im.written[where][r.String()] = true
}

func packageOf(scope string, im *importer) string {
	for _, f := range im.files {
		if f.pkg != "" && (scope == f.pkg || strings.HasPrefix(scope, f.pkg+".")) {
			return f.pkg
		}
	}
	return parent(scope)
}

// rpc is what one RPC's options say.
type rpc struct {
	file       *protoFile
	node       *ast.RPCNode
	service    string
	method     string
	req        requirement // the RPC's own requires options
	svcReq     requirement // its service's
	auth       string
	authPos    spec.Pos
	hasAuth    bool
	badAuth    bool // reported
	deprecated bool
	http       []binding
}

// readServices turns the RPCs of the files named on the command line into
// endpoints.
func (im *importer) readServices() {
	methods := map[string]spec.Pos{}
	services := map[string]spec.Pos{}
	type unmapped struct {
		pos   spec.Pos
		count int
	}
	unmappedAuth := map[string]*unmapped{}
	var unmappedOrder []string
	var noAuth []*rpc
	serviceLists := im.listNames(true) != ""
	for _, f := range im.files {
		if !f.listed {
			continue
		}
		f.walk(func(enumDecl) {}, func(sd serviceDecl) {
			if prev, dup := services[sd.name]; dup {
				// A copy of a file (Clarifai ships service_processed.proto
				// beside service.proto): one error, not one per method.
				im.errorf(f.pos(sd.node.Name), "service %s is defined twice (first at %s); protoc refuses this too: pass only one of %s and %s",
					sd.name, prev, prev.File, f.src.Name)
				return
			}
			services[sd.name] = f.pos(sd.node.Name)
			im.services++
			var sopts []*ast.OptionNode
			for _, d := range sd.node.Decls {
				if o, ok := d.(*ast.OptionNode); ok {
					im.noteWritten(o, sd.name, "service")
					sopts = append(sopts, o)
				}
			}
			svcReq := im.readLists(f, sopts, sd.name, true, "service "+sd.name)
			// RPCs that neither they nor their service say anything of:
			// they require no scope, which is worth a word when services
			// are expected to say.
			var bare []*rpc
			defer func() { im.bareRPCs(sd, bare) }()
			for _, d := range sd.node.Decls {
				n, ok := d.(*ast.RPCNode)
				if !ok {
					continue
				}
				im.rpcs++
				r := im.readRPC(f, sd.name, n)
				r.svcReq = svcReq
				if !r.req.set && !svcReq.set && serviceLists {
					bare = append(bare, r)
				}
				if prev, dup := methods[r.method]; dup {
					im.errorf(f.pos(n.Name), "method %s is defined twice (first at %s); protoc refuses this too: rename or remove one", r.method, prev)
					continue
				}
				methods[r.method] = f.pos(n.Name)
				if r.badAuth {
					continue
				}
				var t Target
				switch {
				case r.hasAuth:
					mapped, ok := im.s.AuthMap[r.auth]
					if !ok {
						u := unmappedAuth[r.auth]
						if u == nil {
							u = &unmapped{pos: r.authPos}
							unmappedAuth[r.auth] = u
							unmappedOrder = append(unmappedOrder, r.auth)
						}
						u.count++
						continue
					}
					t = mapped
				case im.s.AuthDefault != nil:
					t = *im.s.AuthDefault
				default:
					noAuth = append(noAuth, r)
					continue
				}
				im.endpoint(r, t)
			}
		}, func(string) {})
	}
	for _, v := range unmappedOrder {
		u := unmappedAuth[v]
		im.errorf(u.pos, "auth type %s (used by %d RPC%s) is not mapped, so it is not known who may call them; say what it means with -auth-map %s=TARGET (or under auth: in a -config file), where TARGET is public (no key), app_key|pat, app_key or pat (the kinds of key that may call), or skip (no API key or token can: leave the RPCs out)%s",
			v, u.count, plural(u.count), v, mappedHint(im.s.AuthMap))
	}
	if len(noAuth) > 0 {
		refs := make([]string, len(im.s.auth))
		for i, r := range im.s.auth {
			refs[i] = r.display()
		}
		what := "no auth option"
		if len(refs) > 0 {
			what = "no " + strings.Join(refs, " or ") + " option"
		}
		for i, r := range noAuth {
			if i == 10 { // the same fix for all: a few are enough
				im.errorf(r.file.pos(r.node.Name), "%s with %s, not listed (the next one is here)", spec.AndMore(len(noAuth)-10, "RPC", "RPCs"), what)
				break
			}
			im.errorf(r.file.pos(r.node.Name), "rpc %s has %s, so it is not known who may call it; add one, or pass -auth-default TARGET (public, app_key|pat, app_key, pat or skip) for RPCs without one", r.method, what)
		}
	}
}

// bareRPCs warns of the RPCs of service sd that require no scope because
// neither they nor sd set a requires option, when there are options on
// services: any credential they accept may call them.
func (im *importer) bareRPCs(sd serviceDecl, bare []*rpc) {
	var names []string
	for _, r := range bare {
		if slices.ContainsFunc(im.endpoints, func(e *endpointOut) bool { return e.method == r.method && !e.public }) {
			names = append(names, r.node.Name.Val)
		}
	}
	if len(names) == 0 {
		return
	}
	const most = 5
	list := strings.Join(names[:min(len(names), most)], ", ")
	if len(names) > most {
		list += fmt.Sprintf(" and %d more", len(names)-most)
	}
	what := fmt.Sprintf("its RPCs %s set no requires option either, so they require no scope: any credential of the kinds they accept may call them", list)
	if len(names) == 1 {
		what = fmt.Sprintf("its RPC %s sets no requires option either, so it requires no scope: any credential of the kinds it accepts may call it", list)
	}
	im.warnf(sd.file.pos(sd.node.Name), "service %s sets no %s, and %s; if that is not so, list the scopes", sd.name, im.listNames(true), what)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func mappedHint(m map[string]Target) string {
	if len(m) == 0 {
		return ""
	}
	return " (mapped now: " + FormatAuthMap(m) + ")"
}

// readRPC reads one RPC's options.
func (im *importer) readRPC(f *protoFile, service string, n *ast.RPCNode) *rpc {
	r := &rpc{file: f, node: n, service: service, method: "/" + service + "/" + n.Name.Val}
	scope := join(service, n.Name.Val)
	var opts []*ast.OptionNode // for the requires options, read together
	var acc *rule              // assembled from (google.api.http).get = ... lines
	rr := &ruleReader{im: im, f: f, method: r.method}
	for _, d := range n.Decls {
		opt, ok := d.(*ast.OptionNode)
		if !ok || opt.Val == nil {
			continue
		}
		if name, ok := optionName(opt.Name); ok && len(name) == 1 && !name[0].ext && name[0].name == "deprecated" {
			if b, ok := identValue(opt.Val); ok && b == "true" {
				r.deprecated = true
			}
			continue
		}
		im.noteWritten(opt, scope, "rpc")
		opts = append(opts, opt)
		for _, fv := range im.values_(opt, scope, im.s.auth, "auth") {
			v, ok := identValue(fv.val)
			switch {
			case fv.rest != nil || !ok || strings.Contains(v, "."):
				im.errorf(f.pos(fv.val), "rpc %s: the auth type must be an enum value name, not %s", r.method, describe(fv.val))
				r.badAuth = true
			case r.hasAuth && v != r.auth:
				im.errorf(f.pos(fv.val), "rpc %s has two auth types, %s (line %d) and %s; keep one", r.method, r.auth, r.authPos.Line, v)
			case r.hasAuth:
				im.warnf(f.pos(fv.val), "rpc %s gives auth type %s twice; merged", r.method, v)
			default:
				r.auth, r.authPos, r.hasAuth = v, f.pos(fv.val), true
			}
		}
		for _, fv := range im.values_(opt, scope, im.s.http, "http") {
			if fv.rest == nil {
				r.http = append(r.http, rr.read(fv.val)...)
				continue
			}
			if acc == nil {
				acc = &rule{}
			}
			at := ast.Node(opt.Name)
			if parts := opt.Name.Parts; len(fv.rest) <= len(parts) {
				at = parts[len(parts)-len(fv.rest)] // the field the option sets
			}
			if fv.rest[0].ext {
				rr.warn(at, "the google.api.http rule sets (%s), which HttpRule does not have, so it is left out", fv.rest[0].name)
				continue
			}
			rr.field(acc, fv.rest[0].name, fv.rest[1:], fv.val, at)
		}
	}
	if acc != nil {
		r.http = append(acc.bindings(), r.http...)
	}
	r.req = im.readLists(f, opts, scope, false, "rpc "+r.method)
	return r
}

// endpoint records the endpoint for r, whose auth type means t.
func (im *importer) endpoint(r *rpc, t Target) {
	if t.Skip {
		im.skipped = append(im.skipped, Skipped{Method: r.method, AuthType: r.auth})
		return
	}
	f := r.file
	principals, _ := sortedKinds(t, im.s.kinds) // checked by check
	e := &endpointOut{pos: f.pos(r.node.Name), file: f.canon, service: r.service, method: r.method,
		public: t.Public, principals: principals}
	// The RPC's own requires options replace its service's.
	req := r.req
	if !req.set {
		req = r.svcReq
	}
	listed := slices.Clone(req.all)
	for _, g := range req.anyOf {
		listed = append(listed, g...)
	}
	alts := req.alternatives()
	switch {
	case t.Public && len(listed) > 0:
		names := make([]string, len(listed))
		for i, s := range listed {
			names[i] = im.shown(s.Value)
		}
		why := "auth type " + r.auth + " is public"
		if !r.hasAuth {
			why = "-auth-default is public"
		}
		im.warnf(listed[0].Pos, "rpc %s takes no key (%s), so the scopes it lists (%s) cannot be checked; they are left out",
			r.method, why, strings.Join(names, ", "))
	case t.Public:
	case len(alts) > model.MaxAlternatives:
		// Once for a service's option, not once per RPC.
		if !im.tooMany[req.pos] {
			im.tooMany[req.pos] = true
			im.errorf(req.pos, "rpc %s may be called with any of more than %d sets of scopes (one scope of each any-of option), the most alternatives an endpoint may have; list fewer scopes in its any-of options",
				r.method, model.MaxAlternatives)
		}
	case len(alts) == 1:
		e.requires = alts[0]
	default:
		e.anyOf = alts
	}
	var desc []string
	if c := im.comment(f, r.node, "rpc "+r.method); c != "" {
		if r.deprecated {
			c = endSentence(c) // before the sentence added below
		}
		desc = append(desc, c)
	}
	if r.deprecated {
		desc = append(desc, "Deprecated.")
	}
	e.description = strings.Join(desc, " ")
	e.http = im.checkBindings(r)
	im.endpoints = append(im.endpoints, e)
}

// checkBindings returns the HTTP bindings of r that a spec can hold. Each
// other one is a warning, and is left out: a request the spec does not bind
// is unknown to the checker, so it is refused.
func (im *importer) checkBindings(r *rpc) []binding {
	var out []binding
	seen := map[string]binding{}
	for _, b := range r.http {
		mb, err := model.ParseBinding(b.String())
		switch {
		case err != nil:
			im.warnf(b.pos, "rpc %s: HTTP binding %s; it is left out, so the checker refuses its requests as an unknown endpoint: correct the .proto file", r.method, err)
			continue
		case len(out) == model.MaxBindingsPerEndpoint:
			im.warnf(b.pos, "rpc %s has more than %d HTTP bindings, the most an endpoint may have; this one and those after it are left out, so the checker refuses their requests", r.method, model.MaxBindingsPerEndpoint)
			return out
		}
		if prev, dup := seen[mb.Pattern()]; dup {
			same := ""
			if prev.String() != b.String() {
				same = fmt.Sprintf(" (%s: variable names do not matter)", prev.String())
			}
			im.warnf(b.pos, "rpc %s binds the same requests twice: %s, as at line %d%s; merged", r.method, b.String(), prev.pos.Line, same)
			continue
		}
		seen[mb.Pattern()] = b
		out = append(out, b)
	}
	return out
}

// sharedBindings marks the bindings that several endpoints share: .proto
// files can bind two RPCs to the same requests, which a spec allows only so
// marked (model.Build warns of each). A request there is allowed only when
// every one of the endpoints allows it.
func (im *importer) sharedBindings() {
	count := map[string]int{}
	for _, e := range im.endpoints {
		for _, b := range e.http {
			mb, _ := model.ParseBinding(b.String()) // checked by checkBindings
			count[mb.Pattern()]++
		}
	}
	for _, e := range im.endpoints {
		e.shared = make([]bool, len(e.http))
		for i, b := range e.http {
			mb, _ := model.ParseBinding(b.String())
			e.shared[i] = count[mb.Pattern()] > 1
		}
	}
}

// unmatched refuses settings that matched no option in any file: a name
// misspelled, or an option the files do not use. Nothing is guessed: a
// requires option that matches nothing would let every key call every RPC,
// an auth option that matches nothing would give every RPC -auth-default.
func (im *importer) unmatched() {
	pos := im.anchor()
	http := im.s.http
	if len(im.s.HTTP) == 0 {
		http = nil // the default: files without HTTP bindings are fine
	}
	var requires, serviceRequires []OptionRef
	for _, l := range im.s.lists {
		if l.Service {
			serviceRequires = append(serviceRequires, l.ref)
		} else {
			requires = append(requires, l.ref)
		}
	}
	for _, x := range []struct {
		refs  []OptionRef
		what  string
		flag  string
		where string
	}{
		{im.s.depends, "depends", "-depends-option", "value"}, {im.s.exposed, "exposed", "-exposed-option", "value"},
		{requires, "requires", "-requires-option", "rpc"}, {serviceRequires, "service requires", "-service-requires-option", "service"},
		{im.s.auth, "auth", "-auth-option", "rpc"}, {http, "http", "-http-option", "rpc"},
	} {
		if len(x.refs) == 0 || im.matched[x.what] || x.where != "value" && im.rpcs == 0 {
			continue // (files with no RPCs import the scopes alone)
		}
		if strings.HasSuffix(x.what, "requires") && !slices.ContainsFunc(im.endpoints, func(e *endpointOut) bool { return !e.public }) {
			continue // every RPC is public or left out: none could require a scope
		}
		if x.what == "requires" && len(serviceRequires) > 0 && im.matched["service requires"] {
			continue // the services say what their RPCs require; the RPCs need not
		}
		var written []string
		for w := range im.written[x.where] {
			written = append(written, w)
		}
		sort.Strings(written)
		var names []string
		hint := ""
		for _, r := range x.refs {
			names = append(names, r.String())
			if hint == "" {
				hint = spec.DidYouMean(r.String(), written)
			}
		}
		on := "no RPC of the files named sets it"
		switch x.where {
		case "value":
			on = "no value of enum " + im.s.Enum + " sets it"
		case "service":
			on = "no service of the files named sets it"
		}
		seen := "; no options are set there"
		if len(written) > 0 {
			seen = "; the options set there are " + strings.Join(written, ", ")
		}
		fix := "correct the name (the option's full name, package included)"
		if x.what == "depends" || x.what == "exposed" || x.what == "http" {
			fix += ", or leave the setting out if the files have no such option"
		}
		key := "options." + x.what
		if x.what == "service requires" {
			key = "options.requires (on: service)"
		}
		im.errorf(pos, "%s/%s %s: %s%s%s; %s", x.flag, key, strings.Join(names, ","), on, hint, seen, fix)
	}
}

// sources are the files the spec comes from: those with services, and the
// enum's.
func (im *importer) sources() []string {
	set := map[string]bool{}
	if im.enum.node != nil {
		set[im.enum.file.canon] = true
	}
	for _, f := range im.files {
		if f.listed {
			f.walk(func(enumDecl) {}, func(serviceDecl) { set[f.canon] = true }, func(string) {})
		}
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// goNames gives a go_name to each scope and endpoint whose default Go
// identifier is taken, reserved or invalid, so that the spec builds.
func (im *importer) goNames() {
	var names model.GoNames // the model's rule, which Build applies to the go_name written
	claim := names.Claim
	for _, s := range im.scopes {
		def := model.GoIdent(s.name)
		got := claim(def, def+"Scope", "Scope"+def+strconv.FormatInt(s.id, 10))
		if got != def {
			s.goName = got
		}
	}
	for _, e := range im.endpoints {
		svc := e.service[strings.LastIndexByte(e.service, '.')+1:]
		name := e.method[strings.LastIndexByte(e.method, '/')+1:]
		def := model.GoIdent(name)
		got := claim(def, model.GoIdent(svc+"_"+name), model.GoIdent(e.service+"_"+name), "Endpoint"+def)
		if got != def {
			e.goName = got
		}
	}
}

// specFile is the spec as model.Build reads it, positioned in the .proto files.
func (im *importer) specFile() *spec.File {
	pos := im.anchor()
	str := func(v string, p spec.Pos) spec.Str { return spec.Str{Value: v, Pos: p} }
	f := &spec.File{Name: pos.File, Pos: pos, Format: spec.Int{Value: spec.Format, Pos: pos, Set: true}}
	outcomes := im.outcomes()
	for _, r := range model.Roles {
		o := outcomes[r]
		p := im.outcomePos(r)
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(r), p), Code: spec.Int{Value: o.Code, Pos: p, Set: true},
			Status: str(o.Status, p), GRPC: str(o.GRPC, p), Message: str(o.Message, p)})
	}
	if len(im.s.Principals) > 0 {
		f.Kinds = []spec.Kind{}
		for _, k := range im.s.kinds {
			f.Kinds = append(f.Kinds, spec.Kind{Pos: pos, Name: str(k, pos)})
		}
	}
	for _, k := range im.s.kinds {
		f.Principals = append(f.Principals, str(k, pos))
	}
	all := model.Principal(1)<<len(im.s.kinds) - 1
	for _, s := range im.scopes {
		sc := spec.Scope{Pos: s.pos, Name: str(s.name, s.pos), ID: spec.Int{Value: s.id, Pos: s.pos, Set: true},
			Description: str(s.description, s.pos), Requires: s.requires,
			Deprecated: spec.Deprecation{Set: s.deprecated, Pos: s.pos}, GrantsAll: spec.Bool{Value: s.grantsAll, Pos: s.pos}}
		if s.goName != "" {
			sc.GoName = str(s.goName, s.pos)
		}
		f.Scopes = append(f.Scopes, sc)
	}
	f.Reserved.IDs = im.reservedIDs
	f.Reserved.Names = im.reservedNames
	for _, e := range im.endpoints {
		ep := spec.Endpoint{Pos: e.pos, Method: str(e.method, e.pos), Description: str(e.description, e.pos),
			Public: spec.Bool{Value: e.public, Pos: e.pos}, Requires: e.requires}
		if e.goName != "" {
			ep.GoName = str(e.goName, e.pos)
		}
		for i, b := range e.http {
			ep.HTTP = append(ep.HTTP, spec.Binding{Pos: b.pos, Rule: str(b.String(), b.pos), Shared: e.shared[i]})
		}
		if !e.public && e.principals != all {
			ep.HasPrincipals = true
			for i, k := range im.s.kinds {
				if e.principals&(1<<i) != 0 {
					ep.Principals = append(ep.Principals, str(k, e.pos))
				}
			}
		}
		if len(e.anyOf) > 0 {
			ep.AnyOf = []spec.Alternative{}
			for _, a := range e.anyOf {
				ep.AnyOf = append(ep.AnyOf, spec.Alternative{Pos: a[0].Pos, Requires: a})
			}
		}
		f.Endpoints = append(f.Endpoints, ep)
	}
	return f
}

func (im *importer) outcomes() map[model.Role]Outcome {
	out := map[model.Role]Outcome{}
	for r, o := range DefaultOutcomes {
		out[r] = o
	}
	for r, o := range im.s.Outcomes {
		out[r] = o
	}
	return out
}

// outcomePos is where an outcome comes from: the config file, or the enum
// when it is a default.
func (im *importer) outcomePos(r model.Role) spec.Pos {
	if line := im.s.lines["outcomes."+string(r)]; line > 0 && im.s.File != "" {
		return spec.Pos{File: im.s.File, Line: line, Col: 1}
	}
	return im.anchor()
}

// anchor is where the spec as a whole comes from, for positions: the
// enum's name, or without an enum the first service of the files named
// (else the start of the first file).
func (im *importer) anchor() spec.Pos {
	if im.enum.node != nil {
		return im.enum.file.pos(im.enum.node.Name)
	}
	var first *serviceDecl
	for _, f := range im.files {
		if f.listed && first == nil {
			f.walk(func(enumDecl) {}, func(sd serviceDecl) {
				if first == nil {
					first = &sd
				}
			}, func(string) {})
		}
	}
	if first != nil {
		return first.file.pos(first.node.Name)
	}
	return spec.Pos{File: im.files[0].src.Name, Line: 1, Col: 1}
}

// listNames names the requires options on services or on RPCs, for
// messages.
func (im *importer) listNames(service bool) string {
	var out []string
	for _, l := range im.s.lists {
		if l.Service == service {
			out = append(out, l.ref.display())
		}
	}
	return strings.Join(out, ", ")
}

// sameModel reports a difference between the model built from the .proto
// files and the one read back from the written spec.
func sameModel(a, b *model.Model) error {
	if len(a.Scopes) != len(b.Scopes) || len(a.Endpoints) != len(b.Endpoints) {
		return fmt.Errorf("%d scopes and %d endpoints, read back as %d and %d", len(a.Scopes), len(a.Endpoints), len(b.Scopes), len(b.Endpoints))
	}
	for i, s := range a.Scopes {
		t := b.Scopes[i]
		if s.Name != t.Name || s.GoName != t.GoName || s.ID != t.ID || s.Description != t.Description || s.Deprecated != t.Deprecated ||
			s.GrantsAll != t.GrantsAll || !slices.Equal(model.Names(s.Requires), model.Names(t.Requires)) {
			return fmt.Errorf("scope %s reads back differently", s.Name)
		}
	}
	for i, e := range a.Endpoints {
		x := b.Endpoints[i]
		if e.Method != x.Method || e.GoName != x.GoName || e.Description != x.Description || e.Public != x.Public ||
			e.Principals != x.Principals || !slices.Equal(model.Names(e.Requires), model.Names(x.Requires)) ||
			!slices.EqualFunc(e.Alternatives, x.Alternatives, func(a, b model.Alternative) bool {
				return a.Principals == b.Principals && slices.Equal(model.Names(a.Requires), model.Names(b.Requires))
			}) ||
			!slices.EqualFunc(e.HTTP, x.HTTP, func(a, b model.Binding) bool { return a.String() == b.String() && len(a.Shared) == len(b.Shared) }) {
			return fmt.Errorf("endpoint %s reads back differently", e.Method)
		}
	}
	if !slices.Equal(a.Reserved.IDs, b.Reserved.IDs) || !slices.Equal(a.Reserved.Names, b.Reserved.Names) {
		return errors.New("reserved ids or names read back differently")
	}
	return nil
}

// keepPrev keeps what the previous import prev fixed (prevspec): the order
// of the endpoints that persist and, when the scopes are strings (no enum,
// whose numbers are the ids), the ids of the scopes that persist, with
// fresh ids for new ones and the removed ones reserved.
func (im *importer) keepPrev(prev *spec.File) {
	rank := prevspec.Rank(prev)
	sort.SliceStable(im.endpoints, func(i, j int) bool { return rank(im.endpoints[i].method) < rank(im.endpoints[j].method) })
	if im.s.Enum != "" {
		return
	}
	names := make([]string, len(im.scopes))
	for i, sc := range im.scopes {
		names[i] = sc.name
	}
	ids := prevspec.AssignIDs(prev, names)
	for _, n := range ids.Back {
		im.warnf(im.scopeIndex[n].pos, "scope %q is back: the previous spec reserved its name (a scope removed earlier); it is no longer reserved, and it gets a fresh id (its old id stays reserved)", n)
	}
	for _, sc := range im.scopes {
		sc.id = ids.ID[sc.name]
	}
	sort.SliceStable(im.scopes, func(i, j int) bool { return im.scopes[i].id < im.scopes[j].id })
	at := im.anchor()
	for _, id := range ids.ReservedIDs {
		im.reservedIDs = append(im.reservedIDs, spec.Int{Value: id, Pos: at, Set: true})
	}
	for _, n := range ids.ReservedNames {
		im.reservedNames = append(im.reservedNames, spec.Str{Value: n, Pos: at})
	}
}
