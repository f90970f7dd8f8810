// Package scopeconnect enforces a spec on a Connect server
// (connectrpc.com/connect): an interceptor checks every call of a handler,
// unary and streaming alike, with the checker package that scopegen
// generated from the spec, before the handler runs, and removes from
// responses the fields the caller may not see. It is one library for every
// spec, generic over the checker's Grant and Decision types, as package
// scopegrpc is for gRPC:
//
//	interceptor := scopeconnect.New[checker.Grant, checker.Decision](resolve)
//	path, handler := itemsconnect.NewItemsHandler(svc, connect.WithInterceptors(interceptor))
//
// resolve is the service's own Resolver: it finds the key a call carries
// (KeyFromHeader reads "Authorization: Key <id>") and returns its grant.
//
// It fails closed: a method that is not an endpoint of the spec is refused
// (unless PassUnlisted), and the interceptor wraps streaming handlers of
// every kind (client, server and bidirectional streams), not unary ones only
// as connect.UnaryInterceptorFunc would, which lets every stream through
// unchecked. Installed on a client, it does nothing.
//
// A denied call ends with a *connect.Error whose code and message are those
// scopegrpc gives on gRPC (the spec's outcome's gRPC code, which Connect
// numbers the same, and CodeUnauthenticated for a call without credentials)
// and whose one detail is the errdetails.ErrorInfo scopegrpc sends: its
// Reason is the outcome's status name, its Domain the called service, and
// its Metadata the keys of package scopeproto (MetadataCode, MetadataStatus,
// MetadataEndpoint, MetadataReason, MetadataMissingScopes). Responses, and
// each message a handler sends on a stream, lose the same fields as on gRPC:
// both adapters redact with package scopeproto.
//
// It is a module of its own (github.com/scopegen/scopegen/scopeconnect), so
// that only programs that use it download Connect.
package scopeconnect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/scopeproto"
)

// AuthorizationHeader is the header of the credentials of a call:
// "Authorization: Key <id>".
const AuthorizationHeader = "Authorization"

// The errors a Resolver returns for a call whose credentials give no grant:
// those of package enforce, which every adapter shares. Wrap them to say more
// in your logs (fmt.Errorf("%w: expired", ErrKeyInvalid)): the client sees
// only the outcome.
var (
	// ErrNoCredentials: the call carries no credentials. Public endpoints are
	// called with the zero Grant; any other is refused with
	// connect.CodeUnauthenticated and the spec's key_not_found outcome.
	ErrNoCredentials = enforce.ErrNoCredentials
	// ErrKeyNotFound: there is no such key. The call is refused with the
	// spec's key_not_found outcome and its code.
	ErrKeyNotFound = enforce.ErrKeyNotFound
	// ErrKeyInvalid: the key is malformed, disabled or expired. The call is
	// refused with the spec's key_invalid outcome and its code.
	ErrKeyInvalid = enforce.ErrKeyInvalid
)

// Resolver returns the grant of the caller of a call, from the call's
// context and request headers (KeyFromHeader reads its key). It returns
// ErrNoCredentials when the call carries none, and ErrKeyNotFound or
// ErrKeyInvalid, or an error wrapping them, for a key it refuses. A
// *connect.Error (even wrapped) ends the call with its code and message; any
// other error ends it with connect.CodeInternal, without the error's text.
//
// For a collaborator, a key used on an app its owner was invited to, return
// what both allow: key.Intersect(invite).
//
// The Resolver runs before the handler of every call of an endpoint of the
// spec, public ones included, and never for a method that is not an
// endpoint.
type Resolver[G any] func(ctx context.Context, header http.Header) (G, error)

// KeyFromHeader returns the key of a call: the <id> of the request header
// "Authorization: Key <id>" (the scheme is case-insensitive). It returns
// ErrNoCredentials when there is no Authorization header, and ErrKeyInvalid
// when it is not one Key credential.
func KeyFromHeader(h http.Header) (string, error) {
	values := h.Values(AuthorizationHeader)
	switch len(values) {
	case 0:
		return "", ErrNoCredentials
	case 1:
	default:
		return "", ErrKeyInvalid
	}
	scheme, id, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	id = strings.TrimSpace(id)
	if !ok || !strings.EqualFold(scheme, "Key") || id == "" || strings.ContainsAny(id, " \t") {
		return "", ErrKeyInvalid
	}
	return id, nil
}

// Interceptor checks the calls of Connect handlers against the spec of the
// checker package whose Grant and Decision types are G and D. Make one with
// New and install it with connect.WithInterceptors on the handlers; it is
// safe for concurrent use.
type Interceptor[G enforce.Grant[D], D enforce.Decision[D]] struct {
	resolve Resolver[G]
	options
	redactor scopeproto.Redactor
}

// options are the settings of an Interceptor that Option sets.
type options struct {
	unlisted       func(procedure string) bool
	domain         string
	grantInContext bool
	inPlace        bool
}

// Option configures an Interceptor.
type Option func(*options)

// WithGrantInContext stores the caller's grant in the context of every call
// of an endpoint, for GrantFromContext. Without it, the grant is stored only
// for the endpoints whose handlers check request-dependent scopes.
func WithGrantInContext() Option {
	return func(o *options) { o.grantInContext = true }
}

// PassUnlisted lets the calls of procedures that are not endpoints of the
// spec go through unchecked when pass returns true for them, e.g. for
// "/grpc.health.v1.Health/Check". Every other such call is refused as an
// unknown endpoint, with the spec's unknown_endpoint outcome.
func PassUnlisted(pass func(procedure string) bool) Option {
	return func(o *options) { o.unlisted = pass }
}

// WithDomain sets the Domain of the ErrorInfo of denied calls; by default it
// is the name of the called service, e.g. "pkg.Service".
func WithDomain(domain string) Option {
	return func(o *options) { o.domain = domain }
}

// RedactInPlace removes fields from the response messages the handlers
// return or send instead of from copies of them. Use it only when handlers
// return messages they made for the call, never ones they keep or share.
func RedactInPlace() Option {
	return func(o *options) { o.inPlace = true }
}

// New returns an Interceptor that finds the grant of each call with resolve.
func New[G enforce.Grant[D], D enforce.Decision[D]](resolve Resolver[G], opts ...Option) *Interceptor[G, D] {
	if resolve == nil {
		panic("scopeconnect.New: nil Resolver")
	}
	i := &Interceptor[G, D]{resolve: resolve}
	for _, o := range opts {
		o(&i.options)
	}
	i.redactor.InPlace = i.inPlace
	return i
}

// WrapUnary checks a unary call before its handler runs, and redacts the
// response of one it allows. On a client it does nothing.
func (i *Interceptor[G, D]) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		spec := req.Spec()
		if spec.IsClient {
			return next(ctx, req)
		}
		g, d, pass, err := i.authorize(ctx, spec.Procedure, req.Header())
		if err != nil {
			return nil, err
		}
		if pass {
			return next(ctx, req)
		}
		if i.grantInContext || d.RequestScoped() {
			ctx = context.WithValue(ctx, grantKey[G]{}, g)
		}
		resp, err := next(ctx, req)
		if err != nil || !d.Redacts() || resp == nil {
			return resp, err
		}
		return resp, i.redactResponse(d, resp)
	}
}

// WrapStreamingClient returns next: the interceptor checks calls on the
// handlers' side only.
func (i *Interceptor[G, D]) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler checks a streaming call of any kind (client, server or
// bidirectional) before its handler runs, and redacts every message the
// handler sends on a stream it allows.
func (i *Interceptor[G, D]) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		g, d, pass, err := i.authorize(ctx, conn.Spec().Procedure, conn.RequestHeader())
		if err != nil {
			return err
		}
		if pass {
			return next(ctx, conn)
		}
		if i.grantInContext || d.RequestScoped() {
			ctx = context.WithValue(ctx, grantKey[G]{}, g)
		}
		if d.Redacts() {
			conn = &redactingConn[G, D]{StreamingHandlerConn: conn, i: i, d: d}
		}
		return next(ctx, conn)
	}
}

// authorize decides a call of procedure: the caller's grant and the
// decision, or the error that ends a denied call. pass reports an unlisted
// procedure let through unchecked.
func (i *Interceptor[G, D]) authorize(ctx context.Context, procedure string, header http.Header) (g G, d D, pass bool, err error) {
	if i.unlisted != nil {
		var none G
		if d := none.Check(procedure); d.Method() == "" && i.unlisted(procedure) {
			return g, d, true, nil
		}
	}
	g, d, err = enforce.Decide[G, D](procedure, func() (G, error) { return i.resolve(ctx, header) })
	if err != nil {
		return g, d, false, resolverError(err)
	}
	if !d.Allowed() {
		return g, d, false, i.deny(procedure, d)
	}
	return g, d, false, nil
}

// deny returns the error of a denied call: the code and message scopegrpc
// gives, and the same ErrorInfo.
func (i *Interceptor[G, D]) deny(procedure string, d D) error {
	err := connect.NewError(connect.Code(scopeproto.Code(d)), errors.New(d.Message()))
	if detail, derr := connect.NewErrorDetail(scopeproto.ErrorInfo(d, procedure, i.domain)); derr == nil {
		err.AddDetail(detail)
	}
	return err
}

// resolverError is the error that ends a call whose Resolver returned err,
// an error that is none of the credential errors: a *connect.Error it
// carries, even wrapped (its own code and message only: the wrapping text
// may say more than the client should read); the context's end as
// CodeCanceled or CodeDeadlineExceeded; anything else as CodeInternal,
// without its text.
func resolverError(err error) error {
	var carried *connect.Error
	if errors.As(err, &carried) {
		out := connect.NewError(carried.Code(), errors.New(carried.Message()))
		for _, d := range carried.Details() {
			out.AddDetail(d)
		}
		return out
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, context.DeadlineExceeded)
	}
	return connect.NewError(connect.CodeInternal, errors.New("the credentials could not be checked"))
}

// redact returns msg without the fields d redacts, or the error that ends
// the call when it cannot: a redacted field never reaches the client.
func (i *Interceptor[G, D]) redact(d D, msg any) (proto.Message, error) {
	pm, ok := msg.(proto.Message)
	if !ok {
		return nil, connect.NewError(connect.CodeInternal, fmt.Errorf("cannot redact the response of %s: %T is not a proto message", d.Method(), msg))
	}
	r, err := scopeproto.Redact(&i.redactor, d, pm)
	if err != nil {
		return nil, connect.NewError(connect.CodeInternal, err)
	}
	return r, nil
}

// redactResponse replaces the message of resp, a *connect.Response[T], by
// its redacted copy. Connect has no setter for the message of an
// AnyResponse, whose one implementation is *connect.Response[T] with the
// exported field Msg: it is set through reflection, and anything else ends
// the call with CodeInternal rather than send the fields unredacted.
func (i *Interceptor[G, D]) redactResponse(d D, resp connect.AnyResponse) error {
	msg := resp.Any()
	r, err := i.redact(d, msg)
	if err != nil {
		return err
	}
	if any(r) == msg {
		return nil // nothing to remove, or removed in place
	}
	v := reflect.ValueOf(resp)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Msg"); f.IsValid() && f.CanSet() && reflect.TypeOf(r).AssignableTo(f.Type()) {
			f.Set(reflect.ValueOf(r))
			return nil
		}
	}
	return connect.NewError(connect.CodeInternal, fmt.Errorf("cannot redact the response of %s: %T holds no settable Msg", d.Method(), resp))
}

// redactingConn is a handler's stream whose sent messages are redacted.
type redactingConn[G enforce.Grant[D], D enforce.Decision[D]] struct {
	connect.StreamingHandlerConn
	i *Interceptor[G, D]
	d D
}

func (c *redactingConn[G, D]) Send(msg any) error {
	r, err := c.i.redact(c.d, msg)
	if err != nil {
		return err
	}
	return c.StreamingHandlerConn.Send(r)
}

// grantKey is the context key of the caller's grant of type G.
type grantKey[G any] struct{}

// GrantFromContext returns the caller's grant in a handler of an endpoint
// with request-dependent scopes, whose handler checks them with the grant's
// Has method, or of any endpoint with WithGrantInContext.
func GrantFromContext[G any](ctx context.Context) (G, bool) {
	g, ok := ctx.Value(grantKey[G]{}).(G)
	return g, ok
}
