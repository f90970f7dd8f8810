package core

import (
	"iter"
	"strconv"
)

// Endpoint is a method of the spec. Its value is the method's position in the
// spec, from 1; the zero Endpoint is no endpoint.
type Endpoint uint16

// wordMask is one word of a sparse scope set: the bits of Set[word] it needs.
type wordMask struct {
	word uint16
	mask uint64
}

// redaction is a response field removed unless the caller holds every scope of unless.
type redaction struct {
	field  string
	unless []wordMask
}

// endpointInfo is what the checker knows of an endpoint. required is the sparse
// form of the required scopes, in id order: bit i of Decision.missing is its i-th scope.
// An endpoint that may be called in one of several ways lists them in
// alternatives; principals is then every kind some alternative accepts, and
// required the scopes every alternative requires.
type endpointInfo struct {
	principals    Principal
	public        bool
	required      []wordMask
	alternatives  []alternative
	requestScopes []Scope
	redactions    []redaction
}

// alternative is one way of several to be allowed to call an endpoint: a
// credential of one of principals holding every scope of required. A
// decision on it counts bit i of Decision.missing as its i-th scope.
type alternative struct {
	principals Principal
	required   []wordMask
}

// endpointFast is what a check reads first, packed in 16 bytes: who may call
// the endpoint and, in one word of a Set, the scopes it requires. principals is
// empty for the endpoints whose check needs endpointTable, so that no grant
// passes the fast check: public ones, ones with redactions, and ones whose
// required scopes span more than one word.
type endpointFast struct {
	mask       uint64
	word       uint16
	principals Principal
}

// Valid reports whether e is an endpoint of the spec.
func (e Endpoint) Valid() bool {
	return e > 0 && e <= NumEndpoints
}

// FullMethod returns the endpoint's gRPC full method name.
func (e Endpoint) FullMethod() string {
	if !e.Valid() {
		return ""
	}
	return endpointMethods[e]
}

// String returns the endpoint's full method name, or "Endpoint(n)" for an
// Endpoint that is not one.
func (e Endpoint) String() string {
	if e.Valid() {
		return endpointMethods[e]
	}
	return "Endpoint(" + strconv.Itoa(int(e)) + ")"
}

// Principals returns the kinds of credential that may call the endpoint (none
// when it is public): for an endpoint with alternatives, those some
// alternative accepts.
func (e Endpoint) Principals() Principal {
	if !e.Valid() {
		return 0
	}
	return endpointTable[e].principals
}

// Public reports whether the endpoint may be called without credentials.
func (e Endpoint) Public() bool {
	if !e.Valid() {
		return false
	}
	return endpointTable[e].public
}

// Required returns the op scopes a call to the endpoint always needs: for an
// endpoint with alternatives, those every alternative requires.
func (e Endpoint) Required() Set {
	if !e.Valid() {
		return Set{}
	}
	return setOf(endpointTable[e].required)
}

// Alternatives returns an iterator over the ways to be allowed to call the
// endpoint, in spec order: each the kinds of credential that may use it and
// the op scopes it needs. An endpoint that is not public has at least one;
// a call is allowed when the grant satisfies one of them in full.
func (e Endpoint) Alternatives() iter.Seq2[Principal, Set] {
	return func(yield func(Principal, Set) bool) {
		if !e.Valid() || endpointTable[e].public {
			return
		}
		info := &endpointTable[e]
		if info.alternatives == nil {
			yield(info.principals, setOf(info.required))
			return
		}
		for _, a := range info.alternatives {
			if !yield(a.principals, setOf(a.required)) {
				return
			}
		}
	}
}

// RequestDependent returns the scopes the endpoint's handler checks itself for
// some requests (Grant.Has tells whether a grant holds one).
func (e Endpoint) RequestDependent() Set {
	if !e.Valid() {
		return Set{}
	}
	return NewSet(endpointTable[e].requestScopes...)
}

// Redactions returns an iterator over the response fields the endpoint redacts,
// each with the scopes a caller must hold to see it, in spec order.
func (e Endpoint) Redactions() iter.Seq2[string, Set] {
	return func(yield func(string, Set) bool) {
		if !e.Valid() {
			return
		}
		for _, r := range endpointTable[e].redactions {
			if !yield(r.field, setOf(r.unless)) {
				return
			}
		}
	}
}

// Endpoints returns an iterator over every endpoint, in spec order.
func Endpoints() iter.Seq[Endpoint] {
	return func(yield func(Endpoint) bool) {
		for e := Endpoint(1); e <= NumEndpoints; e++ {
			if !yield(e) {
				return
			}
		}
	}
}

// setOf turns a sparse scope set back into a Set.
func setOf(masks []wordMask) Set {
	var s Set
	for _, m := range masks {
		s[m.word] |= m.mask
	}
	return s
}
