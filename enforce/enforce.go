// Package enforce is what the transport adapters of scopegen (package
// scopegrpc for gRPC, and those for HTTP and Connect) share: the methods that
// the Grant and Decision types of every generated package have, as the
// constraints adapters are instantiated with, the errors a service's resolver
// returns for refused credentials, the order in which a call is decided, and
// the events that adapters report each decision with (Event, Hook, and
// SlogHook, which logs them).
//
// An adapter is written once, as generic code over a Grant type G and its
// Decision type D: the compiler instantiates it for each generated package,
// so a check goes through the package's own methods without an interface
// value, and allocates nothing. It imports only the standard library, like
// the generated packages.
package enforce

import (
	"errors"
	"iter"
)

// Decision is the Decision type of a generated package, as adapters read it:
// in plain values, so that the same adapter code serves every spec. D is the
// type itself (KeyNotFound and KeyInvalid return one).
type Decision[D any] interface {
	// Allowed reports whether the call may go ahead.
	Allowed() bool
	// Method returns the endpoint's full method name, or "" when the method
	// asked about is not an endpoint of the spec.
	Method() string
	// Code, Status, GRPCCode and Message describe the outcome: 0, "OK", 0
	// and "" when allowed.
	Code() int
	Status() string
	GRPCCode() int
	Message() string
	// ReasonName is the name of the decision's reason, e.g. "missing_scopes"
	// (the Reason* constants of this package).
	ReasonName() string
	// MissingNames iterates over the required scopes the grant lacks.
	MissingNames() iter.Seq[string]
	// Redacts reports whether fields must be removed from the response;
	// RedactionMask and Redacted say which, as bits of Redactable, the
	// fields the endpoint redacts from some callers.
	Redacts() bool
	RedactionMask() uint64
	Redacted() iter.Seq[string]
	Redactable() iter.Seq[string]
	// RequestScoped reports whether the endpoint's handler checks
	// request-dependent scopes itself, and so needs the caller's grant.
	RequestScoped() bool
	// KeyNotFound and KeyInvalid return the decision on the same call when
	// the service refuses the caller's key.
	KeyNotFound() D
	KeyInvalid() D
	// SpecHash returns the version hash of the spec that made the decision:
	// the constant SpecHash of the generated package.
	SpecHash() string
}

// Grant is the Grant type of a generated package: what a caller may do. Its
// zero value is no credentials.
type Grant[D any] interface {
	// Check decides a call of a full method name, e.g. "/pkg.Service/Method".
	Check(fullMethod string) D
	// KindName names the grant's principal kinds, e.g. "app_key"; "none" for
	// the zero Grant.
	KindName() string
}

// The errors a service's resolver returns for a call whose credentials give
// no grant. Wrap them to say more in the service's logs
// (fmt.Errorf("%w: expired", enforce.ErrKeyInvalid)): the client sees only the
// spec's outcome.
var (
	// ErrNoCredentials: the call carries no credentials. Public endpoints are
	// called with the zero Grant; any other is refused with ReasonNoCredentials
	// and the spec's key_not_found outcome.
	ErrNoCredentials = errors.New("no credentials")
	// ErrKeyNotFound: there is no such key. The call is refused with
	// ReasonKeyNotFound and the spec's key_not_found outcome.
	ErrKeyNotFound = errors.New("key not found")
	// ErrKeyInvalid: the key is malformed, disabled or expired. The call is
	// refused with ReasonKeyInvalid and the spec's key_invalid outcome.
	ErrKeyInvalid = errors.New("key invalid")
)

// The names of the reasons a Decision gives (Decision.ReasonName), as the
// generated Reason type's String method spells them.
const (
	ReasonAllowed            = "allowed"
	ReasonPublic             = "public"
	ReasonNoCredentials      = "no_credentials"
	ReasonUnknownEndpoint    = "unknown_endpoint"
	ReasonPrincipal          = "principal"
	ReasonEndpointNotGranted = "endpoint_not_granted"
	ReasonMissingScopes      = "missing_scopes"
	ReasonKeyNotFound        = "key_not_found"
	ReasonKeyInvalid         = "key_invalid"
)

// Decide decides a call of fullMethod, in the order every adapter follows. A
// method that is not an endpoint of the spec is denied without resolving any
// credentials. Otherwise resolve returns the caller's grant: ErrNoCredentials
// (or an error wrapping it) means the zero Grant, which may call public
// endpoints only; ErrKeyNotFound and ErrKeyInvalid deny the call with the
// spec's outcomes for them, whatever the endpoint. Any other error from
// resolve is returned as it is, with a zero Decision, for the adapter to end
// the call with its transport's internal error; otherwise err is nil.
//
// The grant returned is the one the call was decided on (the zero Grant when
// the key was refused).
func Decide[G Grant[D], D Decision[D]](fullMethod string, resolve func() (G, error)) (g G, d D, err error) {
	var none G
	return settle(none.Check(fullMethod), resolve, func(g G) D { return g.Check(fullMethod) })
}

// settle finishes a decision that began with d, the zero Grant's: a denial
// of an unknown endpoint as it is, or the decision by check on the grant
// resolve returns, as Decide says.
func settle[G any, D Decision[D]](d D, resolve func() (G, error), check func(G) D) (g G, _ D, err error) {
	var none G
	if d.Method() == "" {
		return none, d, nil
	}
	g, err = resolve()
	switch {
	case err == nil:
		return g, check(g), nil
	case errors.Is(err, ErrNoCredentials):
		return none, d, nil
	case errors.Is(err, ErrKeyNotFound):
		return none, d.KeyNotFound(), nil
	case errors.Is(err, ErrKeyInvalid):
		return none, d.KeyInvalid(), nil
	}
	var zero D
	return none, zero, err
}
