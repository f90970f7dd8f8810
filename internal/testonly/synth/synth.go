// Package synth writes synthetic scopes specs of any size with the shape of a
// real API: resources × operations (Widgets:Get, Widgets:Add, ...), stable ids
// with gaps and retired ids, prerequisites (Patch and Delete need Get, child
// resources need their parent's Get, ...), presets, an All scope, and gRPC
// endpoints named like real ones (/synth.api.V2/ListWidgets,
// PostWidgetVersions, ...) that each require 1 to 13 op scopes, closed under
// prerequisites. Some endpoints are PAT-only, a few are public, some have
// request-dependent scopes and response redactions. Every endpoint has HTTP
// bindings shaped like a real REST API's (see bindings).
//
// The output is deterministic for a given Options, and always passes
// model.Build without errors or warnings. Benchmarks and scaling tests use it
// to check that generated checkers stay fast as a spec grows.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Options say how big a spec to write.
type Options struct {
	// Endpoints is the number of endpoints; 0 means 37, the shipped spec's.
	Endpoints int
	// Scopes is the number of op scopes, All included; 0 means about 40% of
	// Endpoints (the shape of a real API: 300 endpoints, 120 scopes), at least 8.
	// It is at least 2 (All and one resource scope).
	Scopes int
	// Seed picks the random choices; the same Options give the same bytes.
	Seed uint64
	// Service is the gRPC service of the endpoints; empty means "synth.api.V2".
	Service string
}

// Normalized returns o with defaults filled in and sizes clamped to the
// limits of a spec.
func (o Options) Normalized() Options {
	if o.Endpoints <= 0 {
		o.Endpoints = 37
	}
	o.Endpoints = min(o.Endpoints, model.MaxEndpoints)
	if o.Scopes <= 0 {
		o.Scopes = max(8, (o.Endpoints*2+2)/5)
	}
	o.Scopes = max(2, min(o.Scopes, model.MaxScopeID))
	if o.Service == "" {
		o.Service = "synth.api.V2"
	}
	return o
}

// Spec returns the YAML of a synthetic spec: File, written by spec.Marshal.
func Spec(opts Options) []byte {
	return spec.Marshal(File(opts))
}

// File returns a synthetic spec.
func File(opts Options) *spec.File {
	opts = opts.Normalized()
	s := &synth{opts: opts, r: rand.New(rand.NewPCG(opts.Seed, 0x5c09e5e7)), rh: rand.New(rand.NewPCG(opts.Seed, 0x4177e9b1))}
	s.buildScopes()
	s.buildEndpoints()
	return s.file()
}

// noun is a resource name, singular and plural.
type noun struct{ one, many string }

// nouns are the base resources; prefixes make more of them. No noun or
// prefix starts with a verb of the endpoint templates, so scope and endpoint
// Go names never collide.
var nouns = []noun{
	{"Input", "Inputs"}, {"Model", "Models"}, {"Concept", "Concepts"}, {"Workflow", "Workflows"},
	{"Dataset", "Datasets"}, {"Annotation", "Annotations"}, {"Module", "Modules"}, {"App", "Apps"},
	{"Key", "Keys"}, {"Label", "Labels"}, {"Task", "Tasks"}, {"Pipeline", "Pipelines"},
	{"Secret", "Secrets"}, {"Runner", "Runners"}, {"Nodepool", "Nodepools"}, {"Cluster", "Clusters"},
	{"Deployment", "Deployments"}, {"Upload", "Uploads"}, {"Metric", "Metrics"}, {"Evaluation", "Evaluations"},
	{"Bookmark", "Bookmarks"}, {"Collector", "Collectors"}, {"Webhook", "Webhooks"}, {"Trigger", "Triggers"},
	{"Template", "Templates"}, {"Artifact", "Artifacts"}, {"Instance", "Instances"}, {"Snapshot", "Snapshots"},
	{"Schedule", "Schedules"}, {"Tag", "Tags"}, {"Comment", "Comments"}, {"Report", "Reports"},
	{"Policy", "Policies"}, {"Role", "Roles"}, {"Team", "Teams"}, {"Invitation", "Invitations"},
	{"Organization", "Organizations"}, {"Notebook", "Notebooks"}, {"Queue", "Queues"}, {"Job", "Jobs"},
	{"Worker", "Workers"}, {"Volume", "Volumes"}, {"Image", "Images"}, {"Video", "Videos"},
	{"Document", "Documents"}, {"Embedding", "Embeddings"}, {"Index", "Indexes"}, {"Feature", "Features"},
	{"Experiment", "Experiments"}, {"Checkpoint", "Checkpoints"}, {"Prompt", "Prompts"}, {"Agent", "Agents"},
}

var prefixes = []string{
	"", "Shared", "Draft", "Archived", "Custom", "Base", "Remote", "Batch", "Scheduled", "Linked",
	"Managed", "External", "Internal", "Global", "Regional", "Cached", "Pinned", "Starred", "Synced",
	"Mirrored", "Tenant", "Sandbox", "Staging", "Hosted",
}

// The operations of a resource, in id order within its block.
const (
	opAdd = iota
	opDelete
	opExport
	opGet
	opPatch
	opShare
	opTrain
	numOps
)

var opNames = [numOps]string{"Add", "Delete", "Export", "Get", "Patch", "Share", "Train"}

var opDescriptions = [numOps]string{
	"Create new %s.",
	"Delete %s.",
	"Export %s and their versions.",
	"Read %s.",
	"Edit existing %s.",
	"Share %s with collaborators.",
	"Train %s, creating new versions.",
}

// Bare scopes (no resource), as Predict and Search in the shipped spec.
const (
	barePredict = iota
	bareFeedback
	bareSearch
	numBare
)

var bareNames = [numBare]string{"Predict", "Feedback", "Search"}

var bareDescriptions = [numBare]string{
	"Predict on public and custom models.",
	"Give feedback on prediction results.",
	"Search by inputs and concepts.",
}

type scope struct {
	name, desc string
	id         int
	requires   []*scope
	closure    []*scope // prerequisites, transitively, with the scope itself
	grantsAll  bool
}

type resource struct {
	noun   noun
	prefix string
	parent *resource
	ops    [numOps]*scope // nil: the resource lacks the op
}

func (r *resource) one() string  { return r.prefix + r.noun.one }
func (r *resource) many() string { return r.prefix + r.noun.many }

// field is the resource's name as a response field: snake_case plural.
func (r *resource) field() string { return snake(r.many()) }

type endpoint struct {
	method     string
	res        *resource
	tmpl       int
	http       []string // "VERB /path"
	public     bool
	principals string // "" for the defaults
	requires   []*scope
	request    []requestScope
	redact     []redaction
}

type requestScope struct {
	scope *scope
	when  string
}

type redaction struct {
	field  string
	unless []*scope
}

type synth struct {
	opts      Options
	r         *rand.Rand
	rh        *rand.Rand // the choices of HTTP bindings, a stream of its own so that the rest of a spec stays as it was before bindings
	all       *scope
	bare      [numBare]*scope
	resources []*resource
	scopeList []*scope // by id
	reserved  []int
	retired   []string
	endpoints []*endpoint
}

// buildScopes picks the resources, their operations, ids and prerequisites.
func (s *synth) buildScopes() {
	budget := s.opts.Scopes - 1 // All
	withBare := budget >= 11
	if withBare {
		budget -= numBare
	}
	// Operations of each resource: the four basic ones, and sometimes more.
	var opsets [][]int
	for budget > 0 {
		ops := []int{opGet, opAdd, opPatch, opDelete}
		if s.r.IntN(4) == 0 {
			ops = append(ops, opTrain)
		}
		if s.r.IntN(7) == 0 {
			ops = append(ops, opExport)
		}
		if s.r.IntN(7) == 0 {
			ops = append(ops, opShare)
		}
		if s.r.IntN(6) == 0 {
			ops = ops[:2+s.r.IntN(2)] // read-mostly resources: Get, Add[, Patch]
		}
		ops = ops[:min(len(ops), budget)]
		budget -= len(ops)
		slices.Sort(ops)
		opsets = append(opsets, ops)
	}
	// Ids: All is 1; each resource a block, with gaps between blocks (ids of
	// retired scopes) so that the largest id is about 1.4 times the count.
	n := s.opts.Scopes
	gaps := make([]int, len(opsets)+1)
	for range min(n*42/100, model.MaxScopeID-n-8) {
		gaps[s.r.IntN(len(gaps))]++
	}
	id := 1
	s.all = &scope{name: "All", id: id, grantsAll: true,
		desc: "Everything the API offers, including scopes added later; for admins."}
	s.scopeList = append(s.scopeList, s.all)
	bareAt := len(opsets) / 2
	next := func(gap int) int {
		for range gap {
			id++
			if s.r.IntN(3) == 0 {
				s.reserved = append(s.reserved, id)
			}
		}
		id++
		return id
	}
	for i, ops := range opsets {
		if withBare && i == bareAt {
			for b := range numBare {
				sc := &scope{name: bareNames[b], desc: bareDescriptions[b], id: next(0)}
				s.bare[b] = sc
				s.scopeList = append(s.scopeList, sc)
			}
		}
		r := s.newResource(i)
		for j, op := range ops {
			gap := 0
			if j == 0 {
				gap = gaps[i]
			}
			sc := &scope{name: r.many() + ":" + opNames[op], id: next(gap),
				desc: fmt.Sprintf(opDescriptions[op], strings.ToLower(spaced(r.many())))}
			r.ops[op] = sc
			s.scopeList = append(s.scopeList, sc)
		}
		s.resources = append(s.resources, r)
	}
	// Retired names: an operation no resource has any more.
	for i, r := range s.resources {
		if i%17 == 3 {
			s.retired = append(s.retired, r.many()+":Import")
		}
	}
	// Prerequisites: Delete, Patch, Train, Export and Share need Get; Patch
	// sometimes needs Train (as Models:Patch); a child resource's Get
	// sometimes needs its parent's Get. Every edge goes to a scope defined
	// before, so there is no cycle.
	for _, r := range s.resources {
		get := r.ops[opGet]
		if get == nil {
			continue
		}
		if r.parent != nil && r.parent.ops[opGet] != nil && s.r.IntN(3) == 0 {
			get.requires = append(get.requires, r.parent.ops[opGet])
		}
		for _, op := range []int{opDelete, opPatch, opTrain, opExport, opShare} {
			if sc := r.ops[op]; sc != nil {
				sc.requires = append(sc.requires, get)
			}
		}
		if p, t := r.ops[opPatch], r.ops[opTrain]; p != nil && t != nil && s.r.IntN(2) == 0 {
			p.requires = append(p.requires, t)
		}
		if a := r.ops[opAdd]; a != nil && s.r.IntN(5) == 0 {
			a.requires = append(a.requires, get)
		}
	}
	for _, sc := range s.scopeList {
		sc.closure = closure(sc.requires, sc)
	}
}

// newResource returns the i-th resource: a noun, after the nouns run out with
// a prefix, after the prefixes run out with a number.
func (s *synth) newResource(i int) *resource {
	n := nouns[i%len(nouns)]
	p := prefixes[(i/len(nouns))%len(prefixes)]
	if round := i / (len(nouns) * len(prefixes)); round > 0 {
		n = noun{n.one + "X" + strconv.Itoa(round), n.many + "X" + strconv.Itoa(round)}
	}
	r := &resource{noun: n, prefix: p}
	if i >= len(nouns) {
		r.parent = s.resources[i%len(nouns)]
	}
	return r
}

// closure returns scopes and all their prerequisites, plus self when not nil,
// by id.
func closure(scopes []*scope, self *scope) []*scope {
	seen := map[*scope]bool{}
	var out []*scope
	var visit func(sc *scope)
	visit = func(sc *scope) {
		if seen[sc] {
			return
		}
		seen[sc] = true
		out = append(out, sc)
		for _, r := range sc.requires {
			visit(r)
		}
	}
	if self != nil {
		visit(self)
	}
	for _, sc := range scopes {
		visit(sc)
	}
	slices.SortFunc(out, func(a, b *scope) int { return a.id - b.id })
	return out
}

// template is an endpoint name pattern: %s is the resource's singular name,
// %p its plural. op is the operation it needs, fallback the one used when the
// resource lacks op; bare is a bare scope it needs too, or -1.
type template struct {
	pattern      string
	op, fallback int
	bare         int
	pat          bool // PAT-only: managing collaborators is for users, not apps
	publicOK     bool // may be public
	rarity       int  // 1 in rarity resources skip it (0: none do)
}

var templates = []template{
	{"List%p", opGet, opGet, -1, false, true, 0},
	{"Get%s", opGet, opGet, -1, false, true, 0},
	{"Post%p", opAdd, opGet, -1, false, false, 0},
	{"Patch%p", opPatch, opGet, -1, false, false, 0},
	{"Delete%p", opDelete, opGet, -1, false, false, 0},
	{"Delete%s", opDelete, opGet, -1, false, false, 4},
	{"Post%pSearches", opGet, opGet, bareSearch, false, false, 3},
	{"Get%sCount", opGet, opGet, -1, false, true, 3},
	{"List%sVersions", opGet, opGet, -1, false, false, 3},
	{"Get%sVersion", opGet, opGet, -1, false, false, 3},
	{"Post%sVersions", opTrain, opAdd, -1, false, false, 3},
	{"Delete%sVersion", opDelete, opGet, -1, false, false, 3},
	{"Post%sOutputs", opGet, opGet, barePredict, false, false, 3},
	{"Post%sFeedback", opGet, opGet, bareFeedback, false, false, 3},
	{"Get%sVersionMetrics", opGet, opGet, -1, false, false, 3},
	{"Post%sVersionMetrics", opTrain, opGet, -1, false, false, 3},
	{"Patch%sIds", opPatch, opGet, -1, false, false, 3},
	{"Post%sExports", opExport, opGet, -1, false, false, 3},
	{"List%sCollaborators", opGet, opGet, -1, true, false, 3},
	{"Post%sCollaborators", opShare, opPatch, -1, true, false, 3},
	{"Delete%sCollaborators", opShare, opPatch, -1, true, false, 3},
	{"Stream%p", opGet, opGet, -1, false, false, 3},
	{"Put%sMetadata", opPatch, opGet, -1, false, false, 3},
	{"List%sEvents", opGet, opGet, -1, false, false, 3},
	{"Get%sStatus", opGet, opGet, -1, false, true, 3},
	{"Post%sValidations", opGet, opGet, -1, false, false, 3},
	{"List%sReferences", opGet, opGet, -1, false, false, 3},
	{"Post%pCopies", opAdd, opGet, -1, false, false, 3},
	{"Patch%sVersions", opPatch, opGet, -1, false, false, 3},
	{"List%sExports", opExport, opGet, -1, false, false, 3},
	{"Get%sExport", opExport, opGet, -1, false, false, 3},
	{"Delete%sExports", opExport, opDelete, -1, false, false, 3},
	{"List%sLogs", opGet, opGet, -1, false, false, 3},
	{"Post%sArchives", opPatch, opGet, -1, false, false, 3},
	{"Get%sSettings", opGet, opGet, -1, false, false, 3},
	{"Patch%sSettings", opPatch, opGet, -1, false, false, 3},
}

func (t template) name(r *resource) string {
	return strings.NewReplacer("%s", r.one(), "%p", r.many()).Replace(t.pattern)
}

// buildEndpoints picks the endpoints: round robin over templates and resources,
// so that every resource has its basic methods before any has more, then
// their requirements, principals, request scopes and redactions.
func (s *synth) buildEndpoints() {
	n := s.opts.Endpoints
	used := map[string]bool{}
	type pick struct {
		r     *resource
		t     int
		name  string
		round int
	}
	var picks []pick
	for round := 0; len(picks) < n; round++ {
		for t, tm := range templates {
			for _, r := range s.resources {
				if len(picks) == n {
					break
				}
				if round == 0 && tm.rarity > 0 && s.r.IntN(tm.rarity) == 0 {
					continue
				}
				if !applicable(r, tm) {
					continue
				}
				name := tm.name(r)
				if round > 0 {
					name += "V" + strconv.Itoa(round+2) // a newer version of the method
				}
				if used[name] {
					continue
				}
				used[name] = true
				picks = append(picks, pick{r, t, name, round})
			}
		}
		if round == 0 && len(picks) < n {
			// The skipped ones first, before any versioned method.
			for t, tm := range templates {
				for _, r := range s.resources {
					if name := tm.name(r); len(picks) < n && !used[name] && applicable(r, tm) {
						used[name] = true
						picks = append(picks, pick{r, t, name, 0})
					}
				}
			}
		}
	}
	// Spec order: by resource, then template, as a hand-written spec groups them.
	index := map[*resource]int{}
	for i, r := range s.resources {
		index[r] = i
	}
	slices.SortStableFunc(picks, func(a, b pick) int {
		if d := index[a.r] - index[b.r]; d != 0 {
			return d
		}
		return a.t - b.t
	})
	public := 0
	for i, p := range picks {
		tm := templates[p.t]
		e := &endpoint{method: "/" + s.opts.Service + "/" + p.name, res: p.r, tmpl: p.t}
		e.http = s.bindings(p.r, p.t, "/v"+strconv.Itoa(p.round+2))
		// A few public endpoints: at least one in any spec of 10 or more.
		if tm.publicOK && (s.r.IntN(80) == 0 || public == 0 && n >= 10 && i >= n/2) {
			e.public = true
			public++
		}
		if !e.public {
			e.requires = s.requires(p.r, tm)
			switch {
			case tm.pat || s.r.IntN(30) == 0:
				e.principals = "pat"
			case s.r.IntN(100) == 0:
				e.principals = "app_key"
			}
		}
		if tm.bare == bareSearch && s.bare[barePredict] != nil {
			e.request = append(e.request, requestScope{s.bare[barePredict], "the query searches by image or crop, which runs a prediction first"})
		} else if other := s.resources[s.r.IntN(len(s.resources))]; !e.public && s.r.IntN(40) == 0 && other.ops[opGet] != nil {
			e.request = append(e.request, requestScope{other.ops[opGet], "the request embeds " + strings.ToLower(spaced(other.many()))})
		}
		if s.r.IntN(10) == 0 || e.public && s.r.IntN(2) == 0 {
			e.redact = s.redactions(p.r)
		}
		s.endpoints = append(s.endpoints, e)
	}
}

// applicable reports whether resource r has an endpoint of template tm: it
// needs the template's operation, except that reading a resource's versions
// or exports, or sharing it, can fall back to another operation.
func applicable(r *resource, tm template) bool {
	switch {
	case r.ops[tm.op] != nil:
		return true
	case tm.op == opTrain || tm.op == opExport || tm.op == opShare:
		return r.ops[tm.fallback] != nil
	}
	return false
}

// requires returns what an endpoint of template tm on resource r requires:
// its operation (or the fallback), a bare scope, sometimes the Get of other
// resources (up to 13 scopes in all), and every prerequisite of those.
func (s *synth) requires(r *resource, tm template) []*scope {
	op := r.ops[tm.op]
	if op == nil {
		op = r.ops[tm.fallback]
	}
	base := []*scope{op}
	if tm.bare >= 0 && s.bare[tm.bare] != nil {
		base = append(base, s.bare[tm.bare])
	}
	req := closure(base, nil)
	var limit int
	switch x := s.r.IntN(100); {
	case x < 70:
		return req
	case x < 90:
		limit = len(req) + 1 + s.r.IntN(2)
	case x < 98:
		limit = 4 + s.r.IntN(5)
	default:
		limit = 9 + s.r.IntN(5)
	}
	limit = min(limit, 13)
	for try := 0; try < 30 && len(req) < limit; try++ {
		other := s.resources[s.r.IntN(len(s.resources))]
		get := other.ops[opGet]
		if get == nil {
			continue
		}
		if more := closure(append(slices.Clone(req), get), nil); len(more) <= limit {
			req = more
		}
	}
	return req
}

// redactions returns one or two fields of r's responses that embed other
// resources, each removed unless the caller may read those.
func (s *synth) redactions(r *resource) []redaction {
	var out []redaction
	seen := map[string]bool{}
	for range 1 + s.r.IntN(2) {
		other := s.resources[s.r.IntN(len(s.resources))]
		get := other.ops[opGet]
		if get == nil || other == r {
			continue
		}
		field := r.field() + ".data." + other.field()
		if seen[field] {
			continue
		}
		seen[field] = true
		red := redaction{field: field, unless: []*scope{get}}
		if s.r.IntN(4) == 0 {
			if extra := s.resources[s.r.IntN(len(s.resources))].ops[opGet]; extra != nil && extra != get {
				red.unless = append(red.unless, extra)
			}
		}
		out = append(out, red)
	}
	return out
}

// file builds the spec.
func (s *synth) file() *spec.File {
	str := func(v string) spec.Str { return spec.Str{Value: v} }
	strs := func(v ...string) []spec.Str {
		out := make([]spec.Str, len(v))
		for i, x := range v {
			out[i] = str(x)
		}
		return out
	}
	names := func(scopes []*scope) []spec.Str {
		out := make([]spec.Str, len(scopes))
		for i, sc := range scopes {
			out[i] = str(sc.name)
		}
		return out
	}
	num := func(n int) spec.Int { return spec.Int{Value: int64(n), Set: true} }
	f := &spec.File{
		Comment: fmt.Sprintf("Code generated by scopegen's internal/synth; DO NOT EDIT.\nA synthetic spec: %d endpoints, %d scopes, seed %d.",
			s.opts.Endpoints, s.opts.Scopes, s.opts.Seed),
		Format:     num(spec.Format),
		Principals: strs("app_key", "pat"),
	}
	for _, o := range []struct {
		role                  model.Role
		code                  int
		status, grpc, message string
	}{
		{model.InsufficientScopes, 11007, "CONN_INSUFFICIENT_SCOPES", "PERMISSION_DENIED", "the key lacks the scopes this call needs"},
		{model.KeyInvalid, 11008, "CONN_KEY_INVALID", "UNAUTHENTICATED", "the key is invalid, disabled or expired"},
		{model.KeyNotFound, 11009, "CONN_KEY_NOT_FOUND", "UNAUTHENTICATED", "the key was not found"},
		{model.UnknownEndpoint, 11101, "CONN_DOES_NOT_EXIST", "NOT_FOUND", "the endpoint does not exist"},
	} {
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(o.role)), Code: num(o.code), Status: str(o.status), GRPC: str(o.grpc), Message: str(o.message)})
	}
	for _, sc := range s.scopeList {
		req := slices.Clone(sc.requires)
		slices.SortFunc(req, func(a, b *scope) int { return a.id - b.id })
		x := spec.Scope{Name: str(sc.name), ID: num(sc.id), Description: str(sc.desc), GrantsAll: spec.Bool{Value: sc.grantsAll}}
		if len(req) > 0 {
			x.Requires = names(req)
		}
		f.Scopes = append(f.Scopes, x)
	}
	f.Reserved.IDs = []spec.Int{}
	for _, id := range s.reserved {
		f.Reserved.IDs = append(f.Reserved.IDs, num(id))
	}
	f.Reserved.Names = strs(s.retired...)

	f.Presets = []spec.Preset{{Name: str("all"), Description: str("Everything."), Scopes: strs("All")}}
	if p := s.bare[barePredict]; p != nil {
		f.Presets = append(f.Presets, spec.Preset{Name: str("predict"), Description: str("Predict, and give feedback on predictions."),
			Scopes: names([]*scope{p, s.bare[bareFeedback]})})
	}
	for i, r := range s.resources {
		if i >= max(3, s.opts.Scopes/20) {
			break
		}
		var ops []*scope
		for _, sc := range r.ops {
			if sc != nil {
				ops = append(ops, sc)
			}
		}
		f.Presets = append(f.Presets, spec.Preset{Name: str(strings.ToLower(r.many())),
			Description: str("Everything on " + strings.ToLower(spaced(r.many())) + "."), Scopes: names(closure(ops, nil))})
	}

	f.Endpoints = []spec.Endpoint{}
	var last *resource
	for _, e := range s.endpoints {
		x := spec.Endpoint{Method: str(e.method), Public: spec.Bool{Value: e.public}}
		for _, b := range e.http {
			x.HTTP = append(x.HTTP, spec.Binding{Rule: str(b)})
		}
		if e.res != last {
			x.Comment = spaced(e.res.many())
			last = e.res
		}
		if e.principals != "" {
			x.HasPrincipals, x.Principals = true, strs(e.principals)
		}
		if len(e.requires) > 0 {
			x.Requires = names(e.requires)
		}
		for _, r := range e.request {
			x.RequestScopes = append(x.RequestScopes, spec.RequestScope{Scope: str(r.scope.name), When: str(r.when)})
		}
		for _, r := range e.redact {
			x.Redact = append(x.Redact, spec.Redaction{Field: str(r.field), Unless: names(r.unless)})
		}
		f.Endpoints = append(f.Endpoints, x)
	}
	return f
}

// spaced turns "SharedDatasets" into "Shared Datasets".
func spaced(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && c >= 'A' && c <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// snake turns "SharedDatasets" into "shared_datasets".
func snake(s string) string {
	return strings.ReplaceAll(strings.ToLower(spaced(s)), " ", "_")
}
