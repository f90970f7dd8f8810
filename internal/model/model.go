// Package model turns a parsed spec into a validated, resolved model: every
// reference resolved, Go identifiers chosen and checked for collisions,
// prerequisite closures computed. The generator, the reference checker and
// the CLI read only this model, never the YAML.
package model

import (
	"slices"

	"github.com/scopegen/scopegen/internal/spec"
)

// Limits on a spec. They keep generated tables and bitsets small and bound the
// memory and time the generator spends on hostile input; spec.MaxBytes bounds
// the size of the file and spec.MaxErrors the number of errors (and of
// warnings) listed. Each
// error names the limit, where it was crossed and what to do.
const (
	// MaxScopeID is the largest scope id: scope ids are 1..MaxScopeID, and a
	// generated Set has MaxScopeID/64+1 words at most (256, 2 KiB).
	MaxScopeID = 16383
	// MaxScopes is the most scopes a spec defines: one per id.
	MaxScopes = MaxScopeID
	// MaxEndpoints is the most endpoints a spec defines; Endpoint is a uint16.
	MaxEndpoints = 65535
	// MaxPresets is the most presets a spec defines. Each is a full Set in the
	// generated code (up to 2 KiB), and a portal offers a handful.
	MaxPresets = 1024
	// MaxRequiredPerEndpoint is the most op scopes an endpoint requires:
	// missing scopes are reported as a 64-bit mask.
	MaxRequiredPerEndpoint = 64
	// MaxRedactionsPerEndpoint is the most fields an endpoint redacts: the
	// fields to redact are a 64-bit mask.
	MaxRedactionsPerEndpoint = 64
	// MaxFieldDepth is the most names in a redacted field path (a.b.c is 3).
	MaxFieldDepth = 32
	// MaxNameLength is the longest scope name or operation name, in bytes; a
	// method, and an HTTP binding ("VERB /path"), may be four times as long.
	MaxNameLength = 200
	// MaxBindingsPerEndpoint is the most HTTP bindings an endpoint has
	// (Clarifai's API binds a method to 5 paths at most).
	MaxBindingsPerEndpoint = 16
	// MaxSegments is the most segments of an HTTP path template, counting
	// those of its variables ({name=projects/*} is two). It bounds the work of
	// matching a request.
	MaxSegments = 32
	// MaxShared is the most endpoints whose bindings may match exactly the
	// same requests (bindings marked shared; Clarifai's protos give two
	// methods one binding). It bounds the lists of Binding.Shared.
	MaxShared = 8
	// MaxPrerequisites is the most prerequisites a scope has, counting their
	// own prerequisites (its closure). It bounds the work of computing
	// closures, which a chain of requires would make quadratic, and the
	// tables generated for them.
	MaxPrerequisites = 64
	// MaxKinds is the most kinds of credential a spec declares: a
	// Principal is a set of them in 32 bits.
	MaxKinds = 32
	// MaxAlternatives is the most alternatives (any_of) of an endpoint.
	MaxAlternatives = 256
)

// Model is a validated spec, ready to generate code from.
type Model struct {
	Source    string // the spec's name for generated comments: slash-separated, never absolute
	SpecHash  string // the spec's version hash: 16 hex digits of the SHA-256 of its canonical form, without comments
	Scopes    []*Scope
	AllScope  *Scope  // the scope with grants_all, or nil
	MaxID     int     // largest scope id
	Words     int     // 64-bit words in a scope bitset: MaxID/64 + 1
	Kinds     []*Kind // the kinds of credential, in spec order: at most MaxKinds
	Outcomes  []*Outcome
	Presets   []*Preset
	Endpoints []*Endpoint
	Reserved  Reserved
	Warnings  []spec.Diagnostic // at most spec.MaxErrors, then a note saying how many more

	// DefaultPrincipals are defaults.principals: who may call an endpoint
	// that does not list principals itself. DefaultPrincipalsPos is where
	// each kind is listed, in the order of KindNames(DefaultPrincipals).
	DefaultPrincipals    Principal
	DefaultPrincipalsPos []spec.Pos

	scopeByName    map[string]*Scope
	endpointByName map[string]*Endpoint
}

// Scope is an op-level scope.
//
// Pos is where its name is written; each other XPos is where the key X is
// written, or a zero Pos when it is not (the same holds for every element of
// the model). RequiresPos[i] is where Requires[i] is listed.
type Scope struct {
	Pos               spec.Pos
	Name              string // as in the spec, e.g. "Inputs:Get"
	GoName            string // exported Go identifier, e.g. "InputsGet"
	ID                int
	Description       string
	Deprecated        bool
	DeprecationReason string
	// Sunset is the date (YYYY-MM-DD) from which the deprecated scope may
	// be removed, or "": scopegen diff reports its removal from that date
	// as expected, and before it as breaking.
	Sunset    string
	GrantsAll bool
	Requires  []*Scope // direct prerequisites, by id
	Closure   []*Scope // every prerequisite, transitively, by id; never the scope itself

	IDPos, GoNamePos, DescriptionPos, DeprecatedPos, SunsetPos, GrantsAllPos spec.Pos
	RequiresPos                                                              []spec.Pos
}

// Principal is a set of kinds of credential: bit i is the i-th kind the
// spec declares (Model.Kinds), so that a set of kinds is a Principal too.
type Principal uint32

// The bits of the first two kinds: those of a spec that declares none,
// app_key and pat (DefaultKinds), as the shipped spec declares them.
const (
	AppKey              Principal = 1 << iota // the first kind: an app-specific API key by default
	PersonalAccessToken                       // the second kind: a personal access token (PAT) by default
)

// Kind is a kind of credential the spec declares (the top-level
// principals), with its Go name and its bit in a Principal.
type Kind struct {
	Pos         spec.Pos
	Name        string // in the spec: "app_key"
	GoName      string // in generated code: "AppKey"
	Description string
	Bit         Principal

	GoNamePos spec.Pos
}

// DefaultKinds are the kinds of a spec that declares none.
var DefaultKinds = []Kind{
	{Name: "app_key", GoName: "AppKey", Description: "An app-specific API key.", Bit: AppKey},
	{Name: "pat", GoName: "PersonalAccessToken", Description: "A personal access token (PAT).", Bit: PersonalAccessToken},
}

// Role is what an outcome is used for.
type Role string

// The outcome roles a spec must define.
const (
	InsufficientScopes Role = "insufficient_scopes"
	KeyInvalid         Role = "key_invalid"
	KeyNotFound        Role = "key_not_found"
	UnknownEndpoint    Role = "unknown_endpoint"
)

// Roles lists every role in the order outcomes are generated.
var Roles = []Role{InsufficientScopes, KeyInvalid, KeyNotFound, UnknownEndpoint}

// Outcome is a denial's code, status name, gRPC code and message. Pos is
// where its role is written, and each XPos where the key X is.
type Outcome struct {
	Pos      spec.Pos
	Role     Role
	GoName   string // e.g. "OutcomeInsufficientScopes"
	Code     int
	Status   string
	GRPCName string // e.g. "PERMISSION_DENIED"
	GRPCCode int    // e.g. 7
	Message  string

	CodePos, StatusPos, GRPCPos, MessagePos spec.Pos
}

// Preset is a named bundle of scopes. Pos is where its name is written,
// DescriptionPos its description, and ScopesPos[i] where Scopes[i] is listed.
type Preset struct {
	Pos         spec.Pos
	Name        string
	GoName      string // e.g. "PresetPredict"
	Description string
	Scopes      []*Scope // by id

	DescriptionPos spec.Pos
	ScopesPos      []spec.Pos
}

// Endpoint is a gRPC method or an HTTP-only operation, protected by scopes.
// Pos is where its method (or operation) is written, and each XPos where
// the key X is; RequiresPos[i] is where Requires[i] is listed, and
// PrincipalsPos where each kind of Principals is (in the order of
// KindNames(Principals)) when HasPrincipals.
type Endpoint struct {
	Pos spec.Pos
	// Name is the endpoint's identity, which grants and explain name it by:
	// Method for a gRPC endpoint; for an HTTP-only endpoint its operation
	// name (spec key operation:), e.g. "listReposForUser", which never
	// starts with '/'.
	Name        string
	Method      string    // gRPC full method, e.g. "/clarifai.api.V2/PostInputs"; "" for an HTTP-only endpoint
	HTTP        []Binding // in spec order; may be empty
	GoName      string    // e.g. "PostInputs"
	Index       int       // 1..len(Endpoints), in spec order; 0 means unknown
	Description string
	// Deprecated, with DeprecationReason, says that clients should stop
	// calling the endpoint; Sunset is the date (YYYY-MM-DD) from which it
	// may be removed, or "" (see Scope.Sunset).
	Deprecated        bool
	DeprecationReason string
	Sunset            string
	Public            bool      // callable without credentials
	Principals        Principal // who may call it: the kinds some alternative accepts (empty when public)
	Requires          []*Scope  // op scopes it always requires, by id: those of every alternative
	// Alternatives are the ways to be allowed: a grant that satisfies one
	// in full may call the endpoint. An endpoint that lists requires (and
	// not any_of) has one, with its principals and requires; a public one
	// has none.
	Alternatives  []Alternative
	RequestScopes []RequestScope
	Redactions    []Redaction
	// HasPrincipals is set when the endpoint lists its principals; when it
	// does not, it takes Model.DefaultPrincipals (or is public).
	HasPrincipals bool

	GoNamePos, DescriptionPos, PublicPos, DeprecatedPos, SunsetPos spec.Pos
	PrincipalsPos, RequiresPos                                     []spec.Pos
}

// OpenKinds are the kinds of key that may call e holding no op scope: those
// of its alternatives that require none.
func (e *Endpoint) OpenKinds() Principal {
	var out Principal
	for _, a := range e.Alternatives {
		if len(a.Requires) == 0 {
			out |= a.Principals
		}
	}
	return out
}

// Alternative is one way to be allowed to call an endpoint: a credential of
// one of Principals holding every scope of Requires. Pos is where it is
// written (the endpoint's requires for the one alternative of requires),
// RequiresPos[i] where Requires[i] is listed.
type Alternative struct {
	Principals Principal
	Requires   []*Scope // by id

	Pos         spec.Pos
	RequiresPos []spec.Pos
}

// RequestScope is a scope the handler checks itself for some requests. Pos
// is where the scope is named, WhenPos where its when is written.
type RequestScope struct {
	Scope *Scope
	When  string

	Pos, WhenPos spec.Pos
}

// Redaction is a response field removed unless the caller holds every scope
// in Unless. Pos is where the field is written, UnlessPos[i] where
// Unless[i] is listed.
type Redaction struct {
	Field  string
	Unless []*Scope // by id

	Pos       spec.Pos
	UnlessPos []spec.Pos
}

// Reserved are retired ids and names, sorted; IDsPos[i] is where IDs[i] is
// listed (a range's position for each id of a range), NamesPos[i] where
// Names[i] is.
type Reserved struct {
	IDs   []int
	Names []string

	IDsPos, NamesPos []spec.Pos
}

// Scope returns the scope named name, or nil.
func (m *Model) Scope(name string) *Scope { return m.scopeByName[name] }

// Endpoint returns the endpoint named name (Endpoint.Name: a full method
// name, or an HTTP-only endpoint's operation name), or nil.
func (m *Model) Endpoint(name string) *Endpoint { return m.endpointByName[name] }

// Outcome returns the outcome for role r.
func (m *Model) Outcome(r Role) *Outcome {
	for _, o := range m.Outcomes {
		if o.Role == r {
			return o
		}
	}
	return nil
}

// Preset returns the preset named name, or nil.
func (m *Model) Preset(name string) *Preset {
	for _, p := range m.Presets {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// ScopeNames returns every scope name, by id.
func (m *Model) ScopeNames() []string {
	out := make([]string, len(m.Scopes))
	for i, s := range m.Scopes {
		out[i] = s.Name
	}
	return out
}

// Names returns the names of scopes.
func Names(scopes []*Scope) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = s.Name
	}
	return out
}

// KindNames returns the names of the kinds in p, in the order the spec
// declares them.
func (m *Model) KindNames(p Principal) []string {
	var out []string
	for _, k := range m.Kinds {
		if p&k.Bit != 0 {
			out = append(out, k.Name)
		}
	}
	return out
}

// AllKinds returns every kind the spec declares.
func (m *Model) AllKinds() Principal {
	var all Principal
	for _, k := range m.Kinds {
		all |= k.Bit
	}
	return all
}

// Kind returns the kind named name, or nil.
func (m *Model) Kind(name string) *Kind {
	for _, k := range m.Kinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Rekind returns m with its kinds of credential renumbered to names (which
// must hold every kind of m, and at most MaxKinds): kind names[i] is bit i
// of every Principal. Two models rekinded to the same names compare their
// principals bit for bit, as diff does when a spec adds or removes a kind.
// m itself is unchanged; the copy shares m's scopes and presets.
func (m *Model) Rekind(names []string) *Model {
	bit := map[Principal]Principal{}
	var kinds []*Kind
	for i, name := range names {
		k := &Kind{Name: name, GoName: name, Bit: 1 << i}
		if old := m.Kind(name); old != nil {
			c := *old
			c.Bit = k.Bit
			bit[old.Bit] = k.Bit
			k = &c
		}
		kinds = append(kinds, k)
	}
	re := func(p Principal) Principal {
		var out Principal
		for from, to := range bit {
			if p&from != 0 {
				out |= to
			}
		}
		return out
	}
	c := *m
	c.Kinds = kinds
	c.DefaultPrincipals = re(m.DefaultPrincipals)
	c.Endpoints = make([]*Endpoint, len(m.Endpoints))
	copies := map[*Endpoint]*Endpoint{}
	for i, e := range m.Endpoints {
		ce := *e
		copies[e] = &ce
		ce.Principals = re(e.Principals)
		ce.Alternatives = slices.Clone(e.Alternatives)
		for j := range ce.Alternatives {
			ce.Alternatives[j].Principals = re(ce.Alternatives[j].Principals)
		}
		c.Endpoints[i] = &ce
	}
	c.endpointByName = make(map[string]*Endpoint, len(m.endpointByName))
	for name, e := range m.endpointByName {
		c.endpointByName[name] = copies[e]
	}
	return &c
}
