package core

import (
	"fmt"
	"iter"
	"strconv"
)

// Outcome is how a call ends: allowed, or one of the spec's denial outcomes.
// The spec gives each denial outcome its code, status name, gRPC code and
// message (outcomeTable).
type Outcome uint8

const (
	// OutcomeAllowed is a call that goes ahead.
	OutcomeAllowed Outcome = iota
	// OutcomeInsufficientScopes is the spec's insufficient_scopes outcome: the
	// grant lacks what the call needs.
	OutcomeInsufficientScopes
	// OutcomeKeyInvalid is the spec's key_invalid outcome: the key is
	// malformed, disabled or expired.
	OutcomeKeyInvalid
	// OutcomeKeyNotFound is the spec's key_not_found outcome: there is no such
	// key, or no credentials at all.
	OutcomeKeyNotFound
	// OutcomeUnknownEndpoint is the spec's unknown_endpoint outcome: the method
	// is not an endpoint of the spec.
	OutcomeUnknownEndpoint
)

// outcomeEntry is an outcome's code, status name, gRPC code and message, in
// outcomeTable.
type outcomeEntry struct {
	code     int
	status   string
	grpcCode int
	message  string
}

// entry returns o's entry of outcomeTable; a value that is not an outcome
// gives OutcomeAllowed's.
func (o Outcome) entry() *outcomeEntry {
	if int(o) >= len(outcomeTable) {
		return &outcomeTable[OutcomeAllowed]
	}
	return &outcomeTable[o]
}

// Code returns the outcome's numeric status code, e.g. 11007; 0 when allowed.
func (o Outcome) Code() int {
	return o.entry().code
}

// Status returns the outcome's status name, e.g. "CONN_INSUFFICIENT_SCOPES"; "OK"
// when allowed.
func (o Outcome) Status() string {
	return o.entry().status
}

// GRPCCode returns the canonical gRPC code number to answer with, e.g. 7 for
// PERMISSION_DENIED; 0 (OK) when allowed.
func (o Outcome) GRPCCode() int {
	return o.entry().grpcCode
}

// Message returns the outcome's message for the client.
func (o Outcome) Message() string {
	return o.entry().message
}

// String returns the outcome's status name.
func (o Outcome) String() string {
	return o.Status()
}

// Reason says why a call was decided as it was. The zero Reason is
// ReasonUnknownEndpoint, so that the zero Decision is a denial. (It is 16
// bits wide so that a Decision can hold, beside it, the index of an
// alternative: see reasonBits.)
type Reason uint16

const (
	// ReasonUnknownEndpoint: the method is not an endpoint of the spec. It
	// is the zero Reason: a Decision no check made denies.
	ReasonUnknownEndpoint Reason = iota
	// ReasonAllowed: the grant holds everything the call needs.
	ReasonAllowed
	// ReasonPublic: the endpoint needs no credentials.
	ReasonPublic
	// ReasonNoCredentials: the caller has no credentials (the zero Grant).
	ReasonNoCredentials
	// ReasonPrincipal: the endpoint does not accept the grant's principal kind.
	ReasonPrincipal
	// ReasonEndpointNotGranted: the grant is restricted to endpoints and this is not one of them.
	ReasonEndpointNotGranted
	// ReasonMissingScopes: the grant lacks op scopes the endpoint requires.
	ReasonMissingScopes
	// ReasonKeyNotFound: the service found no key for the call's credentials
	// (Decision.KeyNotFound). A check never gives it; transport adapters do.
	ReasonKeyNotFound
	// ReasonKeyInvalid: the service refused the call's key as malformed,
	// disabled or expired (Decision.KeyInvalid). A check never gives it;
	// transport adapters do.
	ReasonKeyInvalid
)

// reasonInfo holds each reason's name and the outcome it ends in.
var reasonInfo = [...]struct {
	name    string
	outcome Outcome
}{
	ReasonUnknownEndpoint:    {"unknown_endpoint", OutcomeUnknownEndpoint},
	ReasonAllowed:            {"allowed", OutcomeAllowed},
	ReasonPublic:             {"public", OutcomeAllowed},
	ReasonNoCredentials:      {"no_credentials", OutcomeKeyNotFound},
	ReasonPrincipal:          {"principal", OutcomeInsufficientScopes},
	ReasonEndpointNotGranted: {"endpoint_not_granted", OutcomeInsufficientScopes},
	ReasonMissingScopes:      {"missing_scopes", OutcomeInsufficientScopes},
	ReasonKeyNotFound:        {"key_not_found", OutcomeKeyNotFound},
	ReasonKeyInvalid:         {"key_invalid", OutcomeKeyInvalid},
}

// String returns the reason's name, e.g. "missing_scopes".
func (r Reason) String() string {
	if int(r) < len(reasonInfo) {
		return reasonInfo[r].name
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Decision is the answer to "may this grant call this endpoint?": allowed or not,
// why, the outcome code of a denial, the required scopes the grant lacks and, for
// an allowed call, the response fields to redact. A Decision is a small value;
// making one never allocates. The zero Decision denies: it is the decision on
// a method that is not an endpoint.
type Decision struct {
	endpoint Endpoint
	// reason is the Reason in its low reasonBits bits; above them, a denial
	// of an endpoint with alternatives holds the index of the one missing
	// counts from. One field, not two: a Decision is returned in registers,
	// one a field, and every check pays for each.
	reason   Reason
	missing  uint64 // bit i: the i-th required scope of the endpoint (or alternative) is missing
	redacted uint64 // bit i: the i-th redaction of the endpoint applies
}

// reasonBits is how many low bits of Decision.reason hold the Reason: every
// Reason is below 1<<reasonBits, and an alternative's index (below
// MaxAlternatives, 256) fits in the 12 bits above them.
const reasonBits = 4

// Allowed reports whether the call may go ahead: the reason is
// ReasonAllowed or ReasonPublic (one unsigned compare; an allowed decision
// has no alternative's index above the reason).
func (d Decision) Allowed() bool {
	return d.reason-ReasonAllowed <= ReasonPublic-ReasonAllowed
}

// Reason says why the call was decided as it was.
func (d Decision) Reason() Reason {
	return d.reason & (1<<reasonBits - 1)
}

// Endpoint returns the endpoint called, or 0 when the method is not one.
func (d Decision) Endpoint() Endpoint {
	return d.endpoint
}

// Method returns the endpoint's full method name, or "" when the method
// asked about is not an endpoint.
func (d Decision) Method() string {
	return d.endpoint.FullMethod()
}

// Outcome returns how the call ends: OutcomeAllowed or the denial's outcome.
func (d Decision) Outcome() Outcome {
	return reasonInfo[d.Reason()].outcome
}

// Code returns the outcome's numeric status code; 0 when allowed.
func (d Decision) Code() int {
	return d.Outcome().Code()
}

// Status returns the outcome's status name, e.g. "CONN_INSUFFICIENT_SCOPES"; "OK"
// when allowed.
func (d Decision) Status() string {
	return d.Outcome().Status()
}

// Missing returns the op scopes the endpoint requires that the grant lacks. It
// is reported for every denial of a known endpoint, whatever the reason, so that
// it says everything a key would need. For an endpoint with alternatives, it
// is what the closest alternative lacks: the one with the fewest scopes
// missing (the first in the spec on a tie) among those the grant's kind may
// use (among all of them when no credentials are given or the kind is not
// accepted).
func (d Decision) Missing() Set {
	var s Set
	if !d.endpoint.Valid() {
		return s
	}
	required := endpointTable[d.endpoint].required
	if alts := endpointTable[d.endpoint].alternatives; alts != nil {
		required = alts[int(d.reason>>reasonBits)%len(alts)].required
	}
	bit := 0
	for _, m := range required {
		for w := m.mask; w != 0; w &= w - 1 {
			if d.missing&(1<<bit) != 0 {
				s[m.word] |= w & -w
			}
			bit++
		}
	}
	return s
}

// Redacts reports whether an allowed call's response must have fields removed.
func (d Decision) Redacts() bool {
	return d.redacted != 0
}

// Redacted returns an iterator over the response fields to remove (dotted
// field paths), in spec order.
func (d Decision) Redacted() iter.Seq[string] {
	return func(yield func(string) bool) {
		if d.redacted == 0 {
			return
		}
		for i, r := range endpointTable[d.endpoint].redactions {
			if d.redacted&(1<<i) != 0 && !yield(r.field) {
				return
			}
		}
	}
}

// RedactionMask returns the response fields to remove as a mask: bit i is set
// when the i-th field of the endpoint's Redactions is removed, as Redacted
// lists it.
func (d Decision) RedactionMask() uint64 {
	return d.redacted
}

// Err returns nil when the call is allowed, and a *DeniedError otherwise. Only
// this step allocates.
func (d Decision) Err() error {
	if d.Allowed() {
		return nil
	}
	return &DeniedError{d}
}

// DeniedError is a denied call as an error.
type DeniedError struct {
	Decision Decision
}

// Error says what was denied and why: the outcome, the method, the
// outcome's message, the reason unless it is missing scopes, and the scopes
// missing, e.g. `CONN_INSUFFICIENT_SCOPES (11007): "/pkg.Svc/Method": the key
// lacks the scopes this call needs; missing scopes Inputs:Get`.
func (e *DeniedError) Error() string {
	d := e.Decision
	msg := fmt.Sprintf("%s (%d): %s: %s", d.Status(), d.Code(), strconv.Quote(d.Method()), d.Outcome().Message())
	if d.Reason() != ReasonMissingScopes {
		msg += " (" + d.Reason().String() + ")"
	}
	if m := d.Missing(); !m.IsEmpty() {
		msg += "; missing scopes " + m.String()
	}
	return msg
}
