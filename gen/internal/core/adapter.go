package core

import "iter"

// The methods below give a Decision in plain values (strings, numbers and
// booleans), so that code written once for every generated package, such as
// the transport adapters of github.com/scopegen/scopegen (scopegrpc), can read
// any package's decisions through type parameters, without allocating.

// GRPCCode returns the canonical gRPC code number of the outcome, e.g. 7 for
// PERMISSION_DENIED; 0 (OK) when allowed.
func (d Decision) GRPCCode() int {
	return d.Outcome().GRPCCode()
}

// Message returns the outcome's message for the client; "" when allowed.
func (d Decision) Message() string {
	return d.Outcome().Message()
}

// ReasonName returns the name of the decision's Reason, e.g. "missing_scopes".
func (d Decision) ReasonName() string {
	return d.Reason().String()
}

// MissingNames returns an iterator over the names of the scopes Missing
// returns, in id order.
func (d Decision) MissingNames() iter.Seq[string] {
	return func(yield func(string) bool) {
		for s := range d.Missing().Scopes() {
			if !yield(s.String()) {
				return
			}
		}
	}
}

// RequestScoped reports whether the endpoint's handler checks request-dependent
// scopes itself (Endpoint.RequestDependent), and so needs the caller's grant.
func (d Decision) RequestScoped() bool {
	return len(endpointTable[d.endpoint].requestScopes) > 0
}

// Redactable returns an iterator over every response field the endpoint
// redacts from some callers, in spec order: bit i of RedactionMask stands for
// the i-th. Unlike Redacted, it does not depend on the grant.
func (d Decision) Redactable() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, r := range endpointTable[d.endpoint].redactions {
			if !yield(r.field) {
				return
			}
		}
	}
}

// KeyNotFound returns the decision on the same call when the service finds no
// key for its credentials: denied, with ReasonKeyNotFound and the spec's
// key_not_found outcome, whatever d was.
func (d Decision) KeyNotFound() Decision {
	return Decision{endpoint: d.endpoint, reason: ReasonKeyNotFound}
}

// KeyInvalid returns the decision on the same call when the service refuses
// its key as malformed, disabled or expired: denied, with ReasonKeyInvalid and
// the spec's key_invalid outcome, whatever d was.
func (d Decision) KeyInvalid() Decision {
	return Decision{endpoint: d.endpoint, reason: ReasonKeyInvalid}
}

// SpecHash returns the version hash of the spec that made the decision (the
// constant SpecHash), for the events of transport adapters.
func (d Decision) SpecHash() string {
	return SpecHash
}

// KindName returns the names of the grant's principal kinds, as
// Principal.String spells them: e.g. "app_key", or "none" for the zero Grant.
// It allocates only for a grant of several kinds.
func (g Grant) KindName() string {
	return g.Kind().String()
}
