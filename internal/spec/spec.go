// Package spec reads a scopes spec from YAML, keeping the position of every
// value so that later stages can report problems as file:line:col, and
// writes one back (Marshal, the inverse of Parse).
//
// It checks only the shape of the document (known keys, value types); what
// the values mean is checked by package model.
package spec

// Format is the only spec format version this parser reads (the top-level
// "scopegen" key).
const Format = 1

// File is a parsed spec, as written: names are not yet resolved.
type File struct {
	Name string // the file name used in positions
	Pos  Pos    // position of the document

	Format     Int
	Outcomes   []Outcome
	Kinds      []Kind // principals: the kinds of credential the spec knows; nil: app_key and pat
	Principals []Str  // defaults.principals: who may call an endpoint that does not say
	Scopes     []Scope
	Reserved   Reserved
	Presets    []Preset
	Endpoints  []Endpoint

	// Comment is the comment at the top of the file, above "scopegen:";
	// SectionComments are the comments above the other top-level keys, by
	// key ("scopes"); FootComment is the comment at the end, below a blank
	// line. Each is text without the "#", one line per line (see Marshal).
	// They say nothing the model reads: Parse fills them so that a spec
	// written back keeps its comments, and the writers of specs (such as
	// import-proto) set them.
	Comment         string
	SectionComments map[string]string
	FootComment     string
}

// Str is a string value and where it was written.
type Str struct {
	Value string
	Pos   Pos
}

// Int is an integer value and where it was written.
type Int struct {
	Value int64
	Pos   Pos
	Set   bool // false when the key was absent
}

// Bool is a boolean value and where it was written.
type Bool struct {
	Value bool
	Pos   Pos
}

// Kind is one entry of the top-level "principals": a kind of credential,
// written as its name or as {name, go_name, description}.
type Kind struct {
	Pos         Pos
	Name        Str // e.g. "app_key", or an OpenAPI security scheme's key
	GoName      Str // optional override of the Go identifier
	Description Str
}

// Alternative is one entry of an endpoint's "any_of": scopes that together
// suffice, and the kinds of credential that may use them.
type Alternative struct {
	Pos           Pos
	Requires      []Str
	Principals    []Str // nil: the endpoint's principals (or defaults.principals)
	HasPrincipals bool  // the key was written (an empty list is an error)
}

// Outcome is one entry of "outcomes": the code returned for a kind of denial.
type Outcome struct {
	Role    Str // insufficient_scopes, key_invalid, key_not_found, unknown_endpoint
	Code    Int
	Status  Str // e.g. CONN_INSUFFICIENT_SCOPES
	GRPC    Str // canonical gRPC code name, e.g. PERMISSION_DENIED
	Message Str
}

// Scope is one entry of "scopes".
type Scope struct {
	Pos         Pos
	Name        Str
	ID          Int
	Description Str
	Requires    []Str // prerequisites: scopes a key must also hold
	Deprecated  Deprecation
	Sunset      Str    // the date (YYYY-MM-DD) from which the deprecated scope may be removed; "" for none
	GrantsAll   Bool   // the scope grants every op scope, present and future ("All")
	GoName      Str    // optional override of the Go identifier
	Comment     string // the comment above the entry, as File.Comment
}

// Deprecation records "deprecated: true" or "deprecated: reason".
type Deprecation struct {
	Set    bool
	Reason string
	Pos    Pos
}

// Reserved lists retired scope ids and names that may never be reused.
type Reserved struct {
	IDs   []Int // a range "FROM-TO" in reserved.ids is here one id at a time, each at the range's position
	Names []Str
}

// MaxReservedID is the largest id a reserved range "FROM-TO" may reach: the
// largest scope id (model.MaxScopeID, which a test keeps equal). A range is
// expanded into ids as it is read, so it must be bounded here.
const MaxReservedID = 16383

// Preset is one entry of "presets": a named bundle of scopes, as a portal offers.
type Preset struct {
	Pos         Pos
	Name        Str
	Description Str
	Scopes      []Str
	Comment     string // the comment above the entry, as File.Comment
}

// Endpoint is one entry of "endpoints": a gRPC method or an HTTP-only
// operation, how HTTP requests reach it, and what calling it takes.
type Endpoint struct {
	Pos           Pos
	Method        Str       // the gRPC full method; empty for an HTTP-only endpoint
	Operation     Str       // the name of an HTTP-only endpoint, written instead of method
	HTTP          []Binding // nil: the key is absent
	GoName        Str
	Description   Str
	Deprecated    Deprecation
	Sunset        Str   // the date (YYYY-MM-DD) from which the deprecated endpoint may be removed; "" for none
	Public        Bool  // callable without credentials
	Principals    []Str // nil: defaults.principals
	HasPrincipals bool  // the key was written (an empty list is an error)
	Requires      []Str
	AnyOf         []Alternative // nil: the key is absent; requires is then the one alternative
	RequestScopes []RequestScope
	Redact        []Redaction
	Comment       string // the comment above the entry, as File.Comment
}

// Binding is one entry of an endpoint's "http": an HTTP verb and a path
// template, written "VERB /path" ("GET /v2/inputs/{input_id}"), or
// {shared: "VERB /path"} when bindings of other endpoints match the same
// requests (which import-proto writes, and package model otherwise refuses).
type Binding struct {
	Pos    Pos
	Rule   Str  // "VERB /path", as written
	Shared bool // written as {shared: RULE}
}

// RequestScope is a scope that the handler checks itself, depending on the request.
type RequestScope struct {
	Pos   Pos
	Scope Str
	When  Str
}

// Redaction is a response field removed unless the caller holds every scope listed.
type Redaction struct {
	Pos    Pos
	Field  Str
	Unless []Str
}
