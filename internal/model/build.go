package model

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/scopegen/scopegen/internal/spec"
)

// Load reads, parses and validates the spec at file. It reads at most
// spec.MaxBytes+1 bytes, so that a huge file (or a device such as /dev/zero)
// is refused without being read whole.
func Load(file string) (*Model, error) {
	fd, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	data, err := io.ReadAll(io.LimitReader(fd, spec.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > spec.MaxBytes {
		size := int64(-1)
		if fi, err := fd.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
		return nil, spec.TooBig(file, size)
	}
	f, err := spec.Parse(file, data)
	if err != nil {
		return nil, err
	}
	return Build(f)
}

// Build validates f and resolves it into a Model. On any problem it returns
// spec.Errors listing all of them, sorted by position, and no model.
func Build(f *spec.File) (*Model, error) {
	b := &builder{
		f: f,
		m: &Model{
			Source:         sourceName(f.Name),
			SpecHash:       specHash(f),
			scopeByName:    map[string]*Scope{},
			endpointByName: map[string]*Endpoint{},
		},
		goNames:      map[string]goNameClaim{},
		reservedID:   map[int]bool{},
		reservedName: map[string]bool{},
	}
	b.outcomes()
	b.reserved()
	b.kinds() // first: their Go names are the spec's, and collide with those below
	b.scopes()
	b.prerequisites()
	b.presets()
	b.endpoints()
	if len(b.errs) > 0 {
		return nil, b.errs.Sorted()
	}
	b.m.Warnings = spec.Errors(b.m.Warnings).Sorted()
	return b.m, nil
}

// sourceName is the spec's name as generated comments show it: relative and
// slash-separated, so the output is the same on every machine.
func sourceName(name string) string {
	if filepath.IsAbs(name) {
		name = filepath.Base(name)
	}
	return path.Clean(filepath.ToSlash(name))
}

type builder struct {
	f       *spec.File
	m       *Model
	errs    spec.Errors
	goNames map[string]goNameClaim // Go identifier → what took it first

	reservedID   map[int]bool    // b.m.Reserved.IDs, as a set
	reservedName map[string]bool // b.m.Reserved.Names, as a set
}

func (b *builder) errorf(pos spec.Pos, format string, args ...any) {
	b.errs.Report(pos, format, args...)
}

// warnf records a warning; past spec.MaxErrors of them, they are counted,
// as errors are.
func (b *builder) warnf(pos spec.Pos, format string, args ...any) {
	(*spec.Errors)(&b.m.Warnings).Report(pos, "warning: "+format, args...)
}

// goNameClaim is what took a Go identifier: where, and whether it can set
// go_name (scopes and endpoints can, presets cannot).
type goNameClaim struct {
	pos    spec.Pos
	what   string
	goName bool
}

// claimGoName records that ident names what, at pos; goName says whether
// what can set go_name. A second claim is a collision, and the message
// says what each side can do: rename it, or set go_name where there is one.
func (b *builder) claimGoName(ident, what string, pos spec.Pos, goName bool) bool {
	fix := "set go_name to another name"
	if !goName {
		fix = "rename it (a preset's Go name is Preset and its name; presets have no go_name)"
	}
	if !ValidGoName(ident) {
		if goName {
			fix = "set go_name to a Go identifier that starts with an upper-case letter"
		}
		b.errorf(pos, "%s gives Go identifier %q, which is not an exported Go name; %s", what, truncate(ident), fix)
		return false
	}
	if ReservedGoNames[ident] {
		b.errorf(pos, "%s gives Go identifier %q, which the generated package declares itself; %s", what, ident, fix)
		return false
	}
	if prev, ok := b.goNames[ident]; ok {
		switch {
		case goName && prev.goName:
			fix = "rename one or set go_name"
		case goName:
			fix = "set go_name, or rename " + prev.what + " (presets have no go_name)"
		case prev.goName:
			fix = "rename the preset (presets have no go_name), or set go_name on " + prev.what
		default:
			fix = "rename one of the presets (presets have no go_name)"
		}
		b.errorf(pos, "%s gives Go identifier %q, which %s already uses; %s", what, truncate(ident), prev.pos, fix)
		return false
	}
	b.goNames[ident] = goNameClaim{pos, what, goName}
	return true
}

func (b *builder) outcomes() {
	seen := map[Role]bool{}
	for _, o := range b.f.Outcomes {
		r := Role(o.Role.Value)
		if !slices.Contains(Roles, r) {
			b.errorf(o.Role.Pos, "unknown outcome %q%s (the outcomes are %s)", truncate(string(r)), spec.DidYouMean(string(r), roleNames()), strings.Join(roleNames(), ", "))
			continue
		}
		if seen[r] {
			b.errorf(o.Role.Pos, "outcome %q is defined twice; keep one", r)
			continue
		}
		seen[r] = true
		out := &Outcome{Pos: o.Role.Pos, Role: r, GoName: "Outcome" + GoIdent(string(r)), Code: int(o.Code.Value),
			Status: o.Status.Value, GRPCName: o.GRPC.Value, Message: o.Message.Value,
			CodePos: o.Code.Pos, StatusPos: o.Status.Pos, GRPCPos: o.GRPC.Pos, MessagePos: o.Message.Pos}
		if !o.Code.Set || o.Code.Value <= 0 || o.Code.Value > 1<<31-1 {
			b.errorf(pick(o.Code.Pos, o.Role.Pos), "outcome %q needs a code from 1 to 2147483647 (e.g. code: 11007)", r)
		}
		if !statusName.MatchString(o.Status.Value) {
			b.errorf(pick(o.Status.Pos, o.Role.Pos), "outcome %q needs a status in upper case, e.g. status: CONN_INSUFFICIENT_SCOPES", r)
		}
		code, ok := grpcCodes[o.GRPC.Value]
		if !ok {
			b.errorf(pick(o.GRPC.Pos, o.Role.Pos), "outcome %q needs grpc: one of the canonical gRPC code names, e.g. PERMISSION_DENIED%s", r, spec.DidYouMean(o.GRPC.Value, grpcNames()))
		}
		out.GRPCCode = code
		b.checkText(o.Message, o.Role.Pos, fmt.Sprintf("outcome %q: message", r))
		if o.Message.Value == "" {
			b.errorf(o.Role.Pos, "outcome %q needs a message for the client", r)
		}
		b.m.Outcomes = append(b.m.Outcomes, out)
	}
	for _, r := range Roles {
		if !seen[r] {
			b.errorf(b.f.Pos, "outcomes: %q is missing; every spec defines %s", r, strings.Join(roleNames(), ", "))
		}
	}
	sort.Slice(b.m.Outcomes, func(i, j int) bool {
		return slices.Index(Roles, b.m.Outcomes[i].Role) < slices.Index(Roles, b.m.Outcomes[j].Role)
	})
}

// checkText refuses characters that text from the spec (descriptions,
// messages, reasons, when) must not carry into generated comments and
// strings and SCOPES.md: control characters other than tab and newline,
// which Go source refuses (NUL) or which hide text (carriage return,
// escape); the byte order mark, which Go refuses inside a file; and the
// characters that make text read differently from what it is (Deceptive).
func (b *builder) checkText(s spec.Str, fallback spec.Pos, what string) {
	n := 0 // characters so far
	for _, r := range s.Value {
		n++
		if name, ok := Deceptive(r); ok {
			todo := "text in a right-to-left script needs none: remove it"
			if r == '\u2028' || r == '\u2029' {
				todo = "remove it, or write a line break (\\n) if one is meant"
			}
			b.errorf(pick(s.Pos, fallback), "%s contains %U (%s) as its character %d, which can make generated code and SCOPES.md read differently from what they are; %s",
				what, r, name, n, todo)
			return
		}
		if r != '\n' && r != '\t' && unicode.IsControl(r) || r == '\uFEFF' {
			b.errorf(pick(s.Pos, fallback), "%s contains the character %U, which generated code cannot hold; remove it (text may hold printable characters, tabs and line breaks)", what, r)
			return
		}
	}
}

func pick(p, fallback spec.Pos) spec.Pos {
	if p.Line == 0 {
		return fallback
	}
	return p
}

func roleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

func grpcNames() []string {
	out := make([]string, 0, len(grpcCodes))
	for n := range grpcCodes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (b *builder) reserved() {
	seenID := map[int64]bool{}
	for _, id := range b.f.Reserved.IDs {
		if id.Value < 1 || id.Value > MaxScopeID {
			b.errorf(id.Pos, "reserved id %d is out of range; scope ids are 1 to %d", id.Value, MaxScopeID)
			continue
		}
		if seenID[id.Value] {
			b.errorf(id.Pos, "reserved id %d is listed twice; keep one", id.Value)
			continue
		}
		seenID[id.Value] = true
		b.reservedID[int(id.Value)] = true
		b.m.Reserved.IDs = append(b.m.Reserved.IDs, int(id.Value))
		b.m.Reserved.IDsPos = append(b.m.Reserved.IDsPos, id.Pos)
	}
	seenName := map[string]bool{}
	for _, n := range b.f.Reserved.Names {
		// Reserved names are names of retired scopes: the scope name rule.
		if !ValidScopeName(n.Value) {
			if len(n.Value) > MaxNameLength {
				b.errorf(n.Pos, "reserved name %q is %d bytes, longer than a scope name may be (%d); no scope can take it, so remove it", truncate(n.Value), len(n.Value), MaxNameLength)
			} else {
				b.errorf(n.Pos, "reserved name %q is not a scope name (printable characters without spaces or commas)", truncate(n.Value))
			}
			continue
		}
		if seenName[n.Value] {
			b.errorf(n.Pos, "reserved name %q is listed twice; keep one", n.Value)
			continue
		}
		seenName[n.Value] = true
		b.reservedName[n.Value] = true
		b.m.Reserved.Names = append(b.m.Reserved.Names, n.Value)
		b.m.Reserved.NamesPos = append(b.m.Reserved.NamesPos, n.Pos)
	}
	sortWithPos(b.m.Reserved.IDs, b.m.Reserved.IDsPos, func(a, b int) int { return a - b })
	sortWithPos(b.m.Reserved.Names, b.m.Reserved.NamesPos, strings.Compare)
}

// sortWithPos sorts values by cmp, and pos (where each value is written)
// along with them.
func sortWithPos[T any](values []T, pos []spec.Pos, cmp func(a, b T) int) {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp(values[i], values[j]) })
	v, p := slices.Clone(values), slices.Clone(pos)
	for i, o := range order {
		values[i], pos[i] = v[o], p[o]
	}
}

func (b *builder) scopes() {
	byID := map[int]*Scope{}
	for i, s := range b.f.Scopes {
		if i == MaxScopes {
			b.errorf(s.Pos, "more than %d scopes (the limit: one per id); retire unused scopes, or split the API into several specs", MaxScopes)
			break
		}
		name := s.Name.Value
		switch {
		case s.Name.Pos.Line == 0:
			b.errorf(s.Pos, "scope needs a name, e.g. name: Inputs:Get")
			continue
		case len(name) > MaxNameLength:
			b.errorf(s.Name.Pos, "scope name %q is %d bytes, longer than a scope name may be (%d); shorten it", truncate(name), len(name), MaxNameLength)
			continue
		case !ValidScopeName(name):
			b.errorf(s.Name.Pos, "scope name %q is malformed; a scope name is printable characters without spaces or commas (e.g. Inputs:Get, read:jira-work, https://api.example.com/auth/read)", truncate(name))
			continue
		case b.m.scopeByName[name] != nil:
			b.errorf(s.Name.Pos, "scope %q is defined twice (first at %s); rename or remove one", name, b.m.scopeByName[name].Pos)
			continue
		case b.reservedName[name]:
			b.errorf(s.Name.Pos, "scope name %q is reserved (a retired scope); choose a new name, since keys stored with the old one must not gain it", name)
			continue
		}
		sc := &Scope{Pos: s.Name.Pos, Name: name, ID: int(s.ID.Value), Description: s.Description.Value,
			Deprecated: s.Deprecated.Set, DeprecationReason: s.Deprecated.Reason, Sunset: s.Sunset.Value, GrantsAll: s.GrantsAll.Value,
			IDPos: s.ID.Pos, GoNamePos: s.GoName.Pos, DescriptionPos: s.Description.Pos, DeprecatedPos: s.Deprecated.Pos, SunsetPos: s.Sunset.Pos, GrantsAllPos: s.GrantsAll.Pos}
		b.checkSunset(s.Sunset, s.Deprecated, fmt.Sprintf("scope %q", name))
		b.m.scopeByName[name] = sc
		switch {
		case !s.ID.Set:
			b.errorf(s.Name.Pos, "scope %q needs an id: a number from 1 to %d that never changes (like a protobuf field number)", name, MaxScopeID)
		case s.ID.Value < 1 || s.ID.Value > MaxScopeID:
			b.errorf(s.ID.Pos, "scope %q has id %d, out of range; ids are 1 to %d", name, s.ID.Value, MaxScopeID)
		case byID[sc.ID] != nil:
			b.errorf(s.ID.Pos, "scope %q has id %d, which scope %q (%s) already has; give it an unused id", name, sc.ID, byID[sc.ID].Name, byID[sc.ID].Pos)
		case b.reservedID[sc.ID]:
			b.errorf(s.ID.Pos, "scope %q has id %d, which is reserved (a retired scope); give it an unused id", name, sc.ID)
		default:
			byID[sc.ID] = sc
		}
		b.checkText(s.Description, s.Name.Pos, fmt.Sprintf("scope %q: description", name))
		b.checkText(spec.Str{Value: s.Deprecated.Reason, Pos: s.Deprecated.Pos}, s.Name.Pos, fmt.Sprintf("scope %q: deprecated", name))
		if sc.Description == "" {
			b.errorf(s.Name.Pos, "scope %q needs a description: one line saying what it lets a key do", name)
		}
		if sc.GrantsAll {
			if b.m.AllScope != nil {
				b.errorf(s.GrantsAll.Pos, "scope %q has grants_all, but %q already has it; only one scope can grant everything", name, b.m.AllScope.Name)
			} else {
				b.m.AllScope = sc
			}
			if len(s.Requires) > 0 {
				b.errorf(s.Requires[0].Pos, "scope %q grants every scope, so it cannot have prerequisites; remove requires", name)
			}
		}
		sc.GoName = ScopeGoName(name)
		if s.GoName.Value != "" {
			sc.GoName = s.GoName.Value
		}
		b.claimGoName(sc.GoName, fmt.Sprintf("scope %q", name), pick(s.GoName.Pos, s.Name.Pos), true)
		b.m.Scopes = append(b.m.Scopes, sc)
	}
	sort.SliceStable(b.m.Scopes, func(i, j int) bool { return b.m.Scopes[i].ID < b.m.Scopes[j].ID })
	for _, s := range b.m.Scopes {
		b.m.MaxID = max(b.m.MaxID, s.ID)
	}
	b.m.Words = b.m.MaxID/64 + 1
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// refs resolves a list of scope names, by id, with where each is listed;
// what says where they are used.
func (b *builder) refs(names []spec.Str, what string) ([]*Scope, []spec.Pos) {
	var out []*Scope
	var pos []spec.Pos
	seen := map[*Scope]bool{}
	for _, n := range names {
		s := b.m.scopeByName[n.Value]
		if s == nil {
			b.unknownScope(n, what)
			continue
		}
		if seen[s] {
			b.errorf(n.Pos, "%s lists %q twice; remove one", what, n.Value)
			continue
		}
		seen[s] = true
		out = append(out, s)
		pos = append(pos, n.Pos)
	}
	sortWithPos(out, pos, func(a, b *Scope) int { return a.ID - b.ID })
	return out, pos
}

func (b *builder) unknownScope(n spec.Str, what string) {
	hint := ""
	if !b.errs.Full() { // else dropped anyway: skip the suggestion, which scans every scope
		hint = spec.DidYouMean(n.Value, b.m.ScopeNames())
	}
	if hint == "" {
		hint = "; define it under scopes:, or correct the name"
	}
	if b.reservedName[n.Value] {
		hint = "; it is reserved (retired) and can no longer be used"
	}
	b.errorf(n.Pos, "%s names scope %q, which is not defined%s", what, truncate(n.Value), hint)
}

func sortByID(s []*Scope) {
	sort.Slice(s, func(i, j int) bool { return s[i].ID < s[j].ID })
}

func (b *builder) prerequisites() {
	for _, s := range b.f.Scopes {
		sc := b.m.scopeByName[s.Name.Value]
		if sc == nil || sc.Pos != s.Name.Pos {
			continue
		}
		if len(s.Requires) > MaxPrerequisites {
			b.errorf(s.Requires[0].Pos, "scope %q requires %d scopes; a scope has at most %d prerequisites, counting theirs: require a broader scope, or split the scope", sc.Name, len(s.Requires), MaxPrerequisites)
			continue
		}
		sc.Requires, sc.RequiresPos = b.refs(s.Requires, fmt.Sprintf("scope %q requires", sc.Name))
		for _, r := range s.Requires {
			if r.Value == sc.Name {
				b.errorf(r.Pos, "scope %q requires itself; remove it from requires", sc.Name)
			}
		}
	}
	// Closures by depth-first search; a scope on the stack seen again is a
	// cycle. A closure is the union of its requires' closures, built with a
	// mark per scope rather than a map, and abandoned past MaxPrerequisites,
	// so the work is at most MaxPrerequisites² per scope.
	const (
		unvisited = iota
		onStack
		done
	)
	index := make(map[*Scope]int, len(b.m.Scopes))
	for i, s := range b.m.Scopes {
		index[s] = i
	}
	state := make([]uint8, len(b.m.Scopes))
	mark := make([]int, len(b.m.Scopes)) // i+1 when in the closure of b.m.Scopes[i]
	var stack []*Scope
	var visit func(s *Scope) bool
	visit = func(s *Scope) bool {
		i := index[s]
		switch state[i] {
		case done:
			return true
		case onStack:
			j := slices.Index(stack, s)
			cycle := append(Names(stack[j:]), s.Name)
			b.errorf(s.Pos, "prerequisite cycle: %s; a scope cannot depend on itself, remove one of these requires", strings.Join(cycle, " → "))
			return false
		}
		state[i] = onStack
		stack = append(stack, s)
		for _, r := range s.Requires {
			if r != s && !visit(r) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		add := func(c *Scope) {
			if c != s && mark[index[c]] != i+1 {
				mark[index[c]] = i + 1
				s.Closure = append(s.Closure, c)
			}
		}
		for _, r := range s.Requires {
			add(r)
			for _, c := range r.Closure {
				add(c)
			}
			if len(s.Closure) > MaxPrerequisites {
				b.errorf(s.Pos, "scope %q has more than %d prerequisites, counting theirs (through %s); a key holding it must hold them all: require fewer or broader scopes, or shorten the chain of requires", s.Name, MaxPrerequisites, r.Name)
				return false
			}
		}
		sortByID(s.Closure)
		return true
	}
	for _, s := range b.m.Scopes {
		if !visit(s) {
			return // one report is enough; its members are on the message
		}
	}
}

// closureAdds returns the scopes that the prerequisite closure of set adds to it.
func closureAdds(set []*Scope) []*Scope {
	have := map[*Scope]bool{}
	for _, s := range set {
		have[s] = true
	}
	var add []*Scope
	for _, s := range set {
		for _, c := range s.Closure {
			if !have[c] {
				have[c] = true
				add = append(add, c)
			}
		}
	}
	sortByID(add)
	return add
}

func (b *builder) presets() {
	seen := map[string]*Preset{}
	for i, p := range b.f.Presets {
		if i == MaxPresets {
			b.errorf(p.Pos, "more than %d presets; a portal offers a handful: merge or remove some", MaxPresets)
			break
		}
		if !presetName.MatchString(p.Name.Value) {
			b.errorf(pick(p.Name.Pos, p.Pos), "preset name %q is malformed; use letters, digits and '_', starting with a letter", truncate(p.Name.Value))
			continue
		}
		if prev := seen[p.Name.Value]; prev != nil {
			b.errorf(p.Name.Pos, "preset %q is defined twice (first at %s); rename or remove one", p.Name.Value, prev.Pos)
			continue
		}
		pr := &Preset{Pos: p.Name.Pos, Name: p.Name.Value, GoName: "Preset" + GoIdent(p.Name.Value), Description: p.Description.Value,
			DescriptionPos: p.Description.Pos}
		seen[pr.Name] = pr
		b.checkText(p.Description, pr.Pos, fmt.Sprintf("preset %q: description", pr.Name))
		b.claimGoName(pr.GoName, fmt.Sprintf("preset %q", pr.Name), pr.Pos, false)
		pr.Scopes, pr.ScopesPos = b.refs(p.Scopes, fmt.Sprintf("preset %q", pr.Name))
		if len(p.Scopes) == 0 {
			b.errorf(pr.Pos, "preset %q has no scopes; list them under scopes:", pr.Name)
		}
		if add := closureAdds(pr.Scopes); len(add) > 0 {
			b.errorf(pr.Pos, "preset %q lacks prerequisites of its scopes: add %s (a key made from it would be refused)", pr.Name, strings.Join(Names(add), ", "))
		}
		b.m.Presets = append(b.m.Presets, pr)
	}
}

func (b *builder) endpoints() {
	defaults, defaultsPos, ok := b.principals(b.f.Principals, "defaults.principals")
	if !ok {
		defaults, defaultsPos = 0, nil
	}
	b.m.DefaultPrincipals, b.m.DefaultPrincipalsPos = defaults, defaultsPos
	for _, e := range b.f.Endpoints {
		name, namePos, valid := b.endpointName(e)
		if !valid {
			continue
		}
		if len(b.m.Endpoints) == MaxEndpoints {
			b.errorf(namePos, "more than %d endpoints; split the spec", MaxEndpoints)
			return
		}
		ep := &Endpoint{Pos: namePos, Name: name, Method: e.Method.Value, Index: len(b.m.Endpoints) + 1,
			Description: e.Description.Value, Public: e.Public.Value,
			Deprecated: e.Deprecated.Set, DeprecationReason: e.Deprecated.Reason, Sunset: e.Sunset.Value,
			GoNamePos: e.GoName.Pos, DescriptionPos: e.Description.Pos, PublicPos: e.Public.Pos,
			DeprecatedPos: e.Deprecated.Pos, SunsetPos: e.Sunset.Pos}
		b.m.endpointByName[name] = ep
		if ep.Method != "" {
			ep.GoName = GoIdent(name[strings.LastIndexByte(name, '/')+1:])
		} else {
			ep.GoName = GoIdent(name)
		}
		if e.GoName.Value != "" {
			ep.GoName = e.GoName.Value
		}
		b.claimGoName(ep.GoName, fmt.Sprintf("endpoint %q", name), pick(e.GoName.Pos, ep.Pos), true)
		method := name // for the messages below

		what := fmt.Sprintf("endpoint %s", method)
		b.checkText(e.Description, ep.Pos, what+": description")
		b.checkText(spec.Str{Value: e.Deprecated.Reason, Pos: e.Deprecated.Pos}, ep.Pos, what+": deprecated")
		b.checkSunset(e.Sunset, e.Deprecated, what)
		ep.Requires, ep.RequiresPos = b.refs(e.Requires, what+" requires")
		if len(ep.Requires) > MaxRequiredPerEndpoint {
			b.errorf(e.Requires[0].Pos, "%s requires %d scopes; at most %d are supported", what, len(ep.Requires), MaxRequiredPerEndpoint)
		}
		switch {
		case ep.Public:
			if e.HasPrincipals || len(e.Requires) > 0 {
				b.errorf(e.Public.Pos, "%s is public (callable without credentials), so it cannot also list principals or requires; remove them or public", what)
			}
		case e.HasPrincipals:
			ep.HasPrincipals = true
			ep.Principals, ep.PrincipalsPos, _ = b.principals(e.Principals, what+" principals")
			if len(e.Principals) == 0 {
				b.errorf(e.Pos, "%s has an empty principals list; list who may call it (app_key, pat), or remove the key to use defaults.principals", what)
			}
		default:
			ep.Principals = defaults
			if defaults == 0 && ok {
				b.errorf(ep.Pos, "%s says nothing about principals and defaults.principals is not set; add principals: [app_key, pat]", what)
			}
		}
		if len(ep.Requires) > MaxRequiredPerEndpoint {
			// reported above; its closure is not worth the work
		} else if add := closureAdds(ep.Requires); len(add) > 0 && !ep.Public {
			b.warnf(ep.Pos, "%s requires %s but not their prerequisites; the closure adds %s. Valid keys always hold them (prerequisites are checked when a key is made) and the check enforces only what is listed; add them to requires to say so",
				what, strings.Join(Names(ep.Requires), ", "), strings.Join(Names(add), ", "))
		}
		switch {
		case e.AnyOf != nil:
			b.alternatives(ep, e, what)
		case !ep.Public:
			pos := ep.Pos
			if len(e.Requires) > 0 {
				pos = e.Requires[0].Pos
			}
			ep.Alternatives = []Alternative{{Principals: ep.Principals, Requires: ep.Requires, Pos: pos, RequiresPos: ep.RequiresPos}}
		}
		for _, r := range e.RequestScopes {
			s := b.m.scopeByName[r.Scope.Value]
			if s == nil {
				b.unknownScope(pickStr(r.Scope, r.Pos), what+" request_scopes")
				continue
			}
			b.checkText(r.When, r.Pos, what+": when")
			if r.When.Value == "" {
				b.errorf(r.Pos, "%s: request scope %q needs when: (which requests the handler checks it for)", what, s.Name)
			}
			ep.RequestScopes = append(ep.RequestScopes, RequestScope{Scope: s, When: r.When.Value, Pos: r.Scope.Pos, WhenPos: r.When.Pos})
		}
		if len(e.Redact) > MaxRedactionsPerEndpoint {
			b.errorf(e.Redact[0].Pos, "%s has %d redactions; at most %d are supported: redact a parent field instead of several of its fields", what, len(e.Redact), MaxRedactionsPerEndpoint)
		}
		fields := map[string]bool{}
		for _, r := range e.Redact {
			f := r.Field.Value
			switch {
			case !fieldPath.MatchString(f):
				b.errorf(pick(r.Field.Pos, r.Pos), "%s: redacted field %q is malformed; write a dotted path of response field names, e.g. inputs.data.concepts", what, truncate(f))
				continue
			case strings.Count(f, ".")+1 > MaxFieldDepth:
				b.errorf(r.Field.Pos, "%s: redacted field %q is deeper than %d fields; redact a parent field instead", what, truncate(f), MaxFieldDepth)
				continue
			case fields[f]:
				b.errorf(r.Field.Pos, "%s: field %q is redacted twice; merge the unless lists", what, f)
				continue
			}
			fields[f] = true
			unless, unlessPos := b.refs(r.Unless, fmt.Sprintf("%s: redaction of %s", what, f))
			if len(r.Unless) == 0 {
				b.errorf(r.Field.Pos, "%s: redaction of %q needs unless: the scopes that let a key see it", what, f)
			}
			ep.Redactions = append(ep.Redactions, Redaction{Field: f, Unless: unless, Pos: r.Field.Pos, UnlessPos: unlessPos})
		}
		b.bindings(ep, e.HTTP)
		b.m.Endpoints = append(b.m.Endpoints, ep)
	}
	b.sharedBindings()
}

// alternatives resolves the any_of of e, the spec's entry of endpoint ep:
// each alternative's scopes and kinds (the endpoint's when it lists none).
// The endpoint's principals become those some alternative accepts, and its
// requires those every alternative requires.
func (b *builder) alternatives(ep *Endpoint, e spec.Endpoint, what string) {
	switch {
	case ep.Public:
		b.errorf(e.Public.Pos, "%s is public (callable without credentials), so it cannot also list any_of; remove one", what)
		return
	case len(e.Requires) > 0:
		b.errorf(e.Requires[0].Pos, "%s lists both requires and any_of; write requires as one alternative of any_of (any_of: [{requires: [...]}, ...])", what)
		return
	case len(e.AnyOf) == 0:
		b.errorf(e.Pos, "%s has an empty any_of; list the alternatives (any one suffices), or write requires: for one", what)
		return
	case len(e.AnyOf) > MaxAlternatives:
		b.errorf(e.AnyOf[MaxAlternatives].Pos, "%s has %d alternatives; at most %d are supported", what, len(e.AnyOf), MaxAlternatives)
		return
	}
	seen := map[string]spec.Pos{}
	var union Principal
	for i, sa := range e.AnyOf {
		awhat := fmt.Sprintf("%s alternative %d", what, i+1)
		a := Alternative{Principals: ep.Principals, Pos: sa.Pos}
		if sa.HasPrincipals {
			p, _, _ := b.principals(sa.Principals, awhat+" principals")
			switch {
			case len(sa.Principals) == 0:
				b.errorf(sa.Pos, "%s has an empty principals list; list the kinds that may use it, or remove the key for the endpoint's", awhat)
			case ep.HasPrincipals && p&^ep.Principals != 0:
				b.errorf(sa.Principals[0].Pos, "%s accepts %s, which the endpoint's principals (%s) do not; list only the endpoint's kinds, or remove the endpoint's principals", awhat,
					strings.Join(b.m.KindNames(p&^ep.Principals), ", "), strings.Join(b.m.KindNames(ep.Principals), ", "))
			}
			a.Principals = p
		}
		a.Requires, a.RequiresPos = b.refs(sa.Requires, awhat+" requires")
		if len(a.Requires) > MaxRequiredPerEndpoint {
			b.errorf(sa.Requires[0].Pos, "%s requires %d scopes; at most %d are supported", awhat, len(a.Requires), MaxRequiredPerEndpoint)
		} else if add := closureAdds(a.Requires); len(add) > 0 {
			b.warnf(sa.Pos, "%s requires %s but not their prerequisites; the closure adds %s. Add them to its requires to say so", awhat, strings.Join(Names(a.Requires), ", "), strings.Join(Names(add), ", "))
		}
		key := fmt.Sprint(a.Principals, Names(a.Requires))
		if prev, ok := seen[key]; ok {
			b.errorf(sa.Pos, "%s is the same as an earlier one (%s); remove one", awhat, prev)
			continue
		}
		seen[key] = sa.Pos
		union |= a.Principals
		ep.Alternatives = append(ep.Alternatives, a)
	}
	if len(ep.Alternatives) == 0 {
		return
	}
	ep.Principals = union
	// What every alternative requires, in id order.
	first := ep.Alternatives[0]
	ep.Requires, ep.RequiresPos = nil, nil
	for i, sc := range first.Requires {
		all := true
		for _, a := range ep.Alternatives[1:] {
			all = all && slices.Contains(a.Requires, sc)
		}
		if all {
			ep.Requires = append(ep.Requires, sc)
			ep.RequiresPos = append(ep.RequiresPos, first.RequiresPos[i])
		}
	}
}

// endpointName checks the identity of e: a gRPC method, or the operation
// name of an HTTP-only endpoint, which has bindings. It returns the name
// and where it is written.
func (b *builder) endpointName(e spec.Endpoint) (string, spec.Pos, bool) {
	method, op := e.Method.Value, e.Operation.Value
	hasMethod, hasOp := e.Method.Pos.Line != 0 || method != "", e.Operation.Pos.Line != 0 || op != ""
	switch {
	case hasMethod && hasOp:
		b.errorf(e.Operation.Pos, "endpoint %q has both a method and an operation; an operation names an HTTP-only endpoint: remove one", truncate(method))
		return "", spec.Pos{}, false
	case !hasMethod && !hasOp:
		b.errorf(e.Pos, "endpoint needs a method, e.g. method: /clarifai.api.V2/PostInputs, or for an HTTP-only endpoint an operation and its bindings, e.g. operation: listReposForUser and http: [\"GET /users/{username}/repos\"]")
		return "", spec.Pos{}, false
	case hasOp:
		switch {
		case len(op) > MaxNameLength:
			b.errorf(e.Operation.Pos, "operation %q is %d bytes, longer than an operation name may be (%d); shorten it", truncate(op), len(op), MaxNameLength)
			return "", spec.Pos{}, false
		case !ValidOperationName(op):
			b.errorf(e.Operation.Pos, "operation %q is malformed; write a name of printable characters without spaces that does not start with '/' (a gRPC method is written method:), e.g. listReposForUser", truncate(op))
			return "", spec.Pos{}, false
		case len(e.HTTP) == 0:
			b.errorf(e.Operation.Pos, "operation %q has no HTTP bindings, so no request reaches it; add http: [\"VERB /path\"]", op)
			return "", spec.Pos{}, false
		case b.m.endpointByName[op] != nil:
			b.errorf(e.Operation.Pos, "endpoint %q is listed twice (first at %s); merge them", op, b.m.endpointByName[op].Pos)
			return "", spec.Pos{}, false
		}
		return op, e.Operation.Pos, true
	}
	switch {
	case len(method) > 4*MaxNameLength || !fullMethod.MatchString(method):
		b.errorf(e.Method.Pos, "method %q is malformed; write the gRPC full method name /package.Service/Method, e.g. /clarifai.api.V2/PostInputs", truncate(method))
		return "", spec.Pos{}, false
	case b.m.endpointByName[method] != nil:
		b.errorf(e.Method.Pos, "endpoint %q is listed twice (first at %s); merge them", method, b.m.endpointByName[method].Pos)
		return "", spec.Pos{}, false
	}
	return method, e.Method.Pos, true
}

func pickStr(s spec.Str, fallback spec.Pos) spec.Str {
	s.Pos = pick(s.Pos, fallback)
	return s
}

// kinds resolves the kinds of credential the spec declares (the top-level
// principals), or DefaultKinds when it declares none: their names, Go names
// and bits.
func (b *builder) kinds() {
	if b.f.Kinds == nil {
		for _, k := range DefaultKinds {
			k := k
			b.m.Kinds = append(b.m.Kinds, &k)
			b.claimGoName(k.GoName, fmt.Sprintf("principal kind %q (a spec that declares no principals has app_key and pat)", k.Name), b.f.Pos, true)
		}
		return
	}
	if len(b.f.Kinds) == 0 {
		b.errorf(b.f.Pos, "principals is empty; declare the kinds of credential, e.g. principals: [app_key, pat], or remove the key for those two")
	}
	for _, sk := range b.f.Kinds {
		name, pos := sk.Name.Value, pick(sk.Name.Pos, sk.Pos)
		switch {
		case name == "":
			b.errorf(pos, "a principal kind needs a name, e.g. app_key")
			continue
		case len(name) > MaxNameLength || !ValidOperationName(name):
			b.errorf(pos, "principal kind %q is malformed; write a name of printable characters without spaces, at most %d bytes, e.g. app_key", truncate(name), MaxNameLength)
			continue
		case name == "none":
			b.errorf(pos, "principal kind \"none\" is reserved: it stands for no credentials (explain -kind none); name the kind otherwise")
			continue
		case b.m.Kind(name) != nil:
			b.errorf(pos, "principal kind %q is declared twice (first at %s); remove one", name, b.m.Kind(name).Pos)
			continue
		case len(b.m.Kinds) == MaxKinds:
			b.errorf(pos, "more than %d principal kinds; a Principal holds %d: merge kinds that grant alike", MaxKinds, MaxKinds)
			return
		}
		k := &Kind{Pos: pos, Name: name, GoName: GoIdent(name), Description: sk.Description.Value, Bit: 1 << len(b.m.Kinds), GoNamePos: sk.GoName.Pos}
		if sk.GoName.Value != "" {
			k.GoName = sk.GoName.Value
		}
		b.checkText(sk.Description, pos, fmt.Sprintf("principal kind %q: description", name))
		b.claimGoName(k.GoName, fmt.Sprintf("principal kind %q", name), pick(sk.GoName.Pos, pos), true)
		b.m.Kinds = append(b.m.Kinds, k)
	}
}

// principals resolves a list of principal names to a set of kinds, and
// where each kind is first listed, in the order of Model.Kinds.
func (b *builder) principals(names []spec.Str, what string) (Principal, []spec.Pos, bool) {
	var p Principal
	at := make([]spec.Pos, len(b.m.Kinds))
	ok := true
	valid := make([]string, len(b.m.Kinds))
	for i, k := range b.m.Kinds {
		valid[i] = k.Name
	}
	for _, n := range names {
		i := slices.Index(valid, n.Value)
		if i < 0 {
			b.errorf(n.Pos, "%s: unknown principal %q%s (principals are %s)", what, truncate(n.Value), spec.DidYouMean(n.Value, valid), strings.Join(valid, ", "))
			ok = false
			continue
		}
		if p&b.m.Kinds[i].Bit == 0 {
			at[i] = n.Pos
		}
		p |= b.m.Kinds[i].Bit
	}
	var pos []spec.Pos
	for i, k := range b.m.Kinds {
		if p&k.Bit != 0 {
			pos = append(pos, at[i])
		}
	}
	return p, pos, ok
}

// checkSunset reports a sunset without a deprecation: the date says when
// the deprecated scope or endpoint (what) may be removed, and the
// deprecation says why and what replaces it.
func (b *builder) checkSunset(sunset spec.Str, d spec.Deprecation, what string) {
	if sunset.Value != "" && !d.Set {
		b.errorf(sunset.Pos, "%s has a sunset but is not deprecated; add deprecated: with what replaces it, which clients read before the sunset", what)
	}
}
