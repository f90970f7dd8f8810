// Package scopegrpc enforces a spec on a gRPC server: interceptors check
// every call with the checker package that scopegen generated from the spec,
// before its handler runs, and remove from responses the fields the caller
// may not see. It is one library for every spec, generic over the checker's
// Grant and Decision types; scopegen generate -grpc writes a few lines of
// glue that instantiate it for a checker package (New, Enforcer, Resolver…),
// or a service instantiates it itself:
//
//	enforcer := scopegrpc.New[checker.Grant, checker.Decision](resolve)
//	server := grpc.NewServer(enforcer.ServerOptions()...)
//
// resolve is the service's own Resolver: it finds the key a call carries
// (KeyFromContext reads "authorization: Key <id>") and returns its grant.
//
// A denied call ends with a status whose code and message are the spec's
// outcome's, and whose details hold one errdetails.ErrorInfo: its Reason is
// the outcome's status name, its Domain the called service, and its Metadata
// the keys MetadataCode, MetadataStatus, MetadataEndpoint, MetadataReason and
// MetadataMissingScopes.
//
// It is a package of the scopegen module, which requires a gRPC that builds
// with the oldest Go scopegen supports (v1.80.x for Go 1.24). Only programs
// that import it build gRPC and protobuf: the generated checker imports only
// the standard library.
package scopegrpc

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/scopeproto"
)

// The metadata keys of the errdetails.ErrorInfo of a denied call: those of
// package scopeproto, which the Connect adapter shares.
const (
	// MetadataCode is the outcome's numeric code, e.g. "11007".
	MetadataCode = scopeproto.MetadataCode
	// MetadataStatus is the outcome's status name, e.g.
	// "CONN_INSUFFICIENT_SCOPES"; ErrorInfo.Reason holds it too.
	MetadataStatus = scopeproto.MetadataStatus
	// MetadataEndpoint is the full method called, e.g. "/pkg.Service/Method".
	MetadataEndpoint = scopeproto.MetadataEndpoint
	// MetadataReason says why the call was denied: the name of the checker's
	// Reason ("missing_scopes", "principal", "endpoint_not_granted",
	// "no_credentials", "unknown_endpoint"), or "key_not_found" or
	// "key_invalid" when the Resolver refused the key.
	MetadataReason = scopeproto.MetadataReason
	// MetadataMissingScopes lists the scopes the endpoint requires that the
	// caller lacks, comma-separated, e.g. "Inputs:Get,Concepts:Get"; it is
	// absent when none are missing or the key was refused.
	MetadataMissingScopes = scopeproto.MetadataMissingScopes
)

// AuthorizationKey is the metadata key of the credentials of a call:
// "authorization: Key <id>" or "authorization: Bearer <token>".
const AuthorizationKey = "authorization"

// RedactedFieldsKey is the response header metadata key that lists the
// response fields withheld from the caller: the spec's dotted field paths,
// comma-separated in spec order, e.g. "redacted-fields:
// inputs.data.concepts". It is a contract with clients: an allowed call
// whose caller may not see some fields of its responses carries it (sent
// with the response headers, before the handler runs, whatever the handler
// returns), so that a field it lists is known to be withheld, and an absent
// field that it does not list is known to be empty. It is absent when the
// caller may see every field.
const RedactedFieldsKey = "redacted-fields"

// Transport is the Event.Transport of this adapter's events.
const Transport = "grpc"

// The errors a Resolver returns for a call whose credentials give no grant:
// those of package enforce, which every adapter shares. Wrap them to say more
// in your logs (fmt.Errorf("%w: expired", ErrKeyInvalid)): the client sees
// only the outcome.
var (
	// ErrNoCredentials: the call carries no credentials. Public endpoints are
	// called with the zero Grant; any other is refused with
	// codes.Unauthenticated and the spec's key_not_found outcome.
	ErrNoCredentials = enforce.ErrNoCredentials
	// ErrKeyNotFound: there is no such key. The call is refused with the
	// spec's key_not_found outcome and its gRPC code.
	ErrKeyNotFound = enforce.ErrKeyNotFound
	// ErrKeyInvalid: the key is malformed, disabled or expired. The call is
	// refused with the spec's key_invalid outcome and its gRPC code.
	ErrKeyInvalid = enforce.ErrKeyInvalid
)

// Resolver returns the grant of the caller of a call, from the call's context
// (KeyFromContext reads its key). It returns ErrNoCredentials when the call
// carries none, and ErrKeyNotFound or ErrKeyInvalid, or an error wrapping
// them, for a key it refuses. An error with a gRPC status (status.Error) ends
// the call with that status; any other error ends it with codes.Internal,
// without the error's text.
//
// For a collaborator, a key used on an app its owner was invited to, return
// what both allow: key.Intersect(invite).
//
// The Resolver runs before the handler of every call of an endpoint of the
// spec, public ones included: a key sent to a public endpoint must be valid,
// and its scopes may keep fields that would be redacted. It never runs for a
// method that is not an endpoint.
type Resolver[G any] func(ctx context.Context) (G, error)

// Enforcer checks calls against the spec of the checker package whose Grant
// and Decision types are G and D. Make one with New; it is safe for
// concurrent use.
type Enforcer[G enforce.Grant[D], D enforce.Decision[D]] struct {
	resolve Resolver[G]
	options
	redactor scopeproto.Redactor
	headers  headers
}

// headers caches the metadata of the RedactedFieldsKey header by its value:
// grpc copies the metadata it is given, so one MD serves every call. Reads
// take no lock and allocate nothing; a writer copies the map.
type headers struct {
	byValue atomic.Pointer[map[string]metadata.MD]
	mu      sync.Mutex
}

// of returns the header metadata listing the redacted fields.
func (h *headers) of(fields string) metadata.MD {
	if m := h.byValue.Load(); m != nil {
		if md, ok := (*m)[fields]; ok {
			return md
		}
	}
	md := metadata.MD{RedactedFieldsKey: []string{fields}}
	h.mu.Lock()
	defer h.mu.Unlock()
	next := map[string]metadata.MD{fields: md}
	if m := h.byValue.Load(); m != nil {
		if len(*m) >= 4096 {
			return md
		}
		for k, v := range *m {
			next[k] = v
		}
	}
	h.byValue.Store(&next)
	return md
}

// options are the settings of an Enforcer that Option sets.
type options struct {
	unlisted       func(fullMethod string) bool
	domain         string
	grantInContext bool
	inPlace        bool
	hook           enforce.Hook
	shadow         func(ctx context.Context, fullMethod string) enforce.Verdict
}

// Option configures an Enforcer.
type Option func(*options)

// WithGrantInContext stores the caller's grant in the context of every call
// of an endpoint, for GrantFromContext, at the cost of one allocation per
// unary call (two per stream, whose context the stream must then carry). Without it, the grant is stored only for the endpoints whose handlers
// check request-dependent scopes.
func WithGrantInContext() Option {
	return func(o *options) {
		o.grantInContext = true
	}
}

// PassUnlisted lets the calls of methods that are not endpoints of the spec
// go through unchecked when pass returns true for them, e.g. for
// "/grpc.health.v1.Health/Check". Every other such call is refused as an
// unknown endpoint, with the spec's unknown_endpoint outcome.
func PassUnlisted(pass func(fullMethod string) bool) Option {
	return func(o *options) {
		o.unlisted = pass
	}
}

// WithDomain sets the Domain of the ErrorInfo of denied calls; by default it
// is the name of the called service, e.g. "pkg.Service".
func WithDomain(domain string) Option {
	return func(o *options) {
		o.domain = domain
	}
}

// RedactInPlace removes fields from the response messages the handlers return
// instead of from copies of them. Use it only when handlers return messages
// they made for the call, never ones they keep or share: without it, the
// handler's messages are never changed (a test of this package checks it on
// random messages), and redaction copies only the messages on the paths to
// the fields it removes.
func RedactInPlace() Option {
	return func(o *options) {
		o.inPlace = true
	}
}

// WithHook reports the decision on every call of an endpoint of the spec,
// and of a method that is not one (unless PassUnlisted lets it through), to
// hook, as an enforce.Event whose Transport is "grpc": in the call's
// goroutine, once the call is decided, before its handler runs or its denial
// is sent. It adds no allocation of its own to an allowed call (the hook's
// own are its business); BenchmarkHook measures what it costs. See
// enforce.SlogHook for a hook that logs, and the module scopeotel for one
// that records OpenTelemetry span attributes and a counter.
func WithHook(hook enforce.Hook) Option {
	return func(o *options) {
		o.hook = hook
	}
}

// WithShadow evaluates a candidate spec on every call in shadow mode: the
// candidate's checker, whose Grant and Decision types are G2 and D2 (another
// generated package, e.g. of a tighter spec being rolled out), decides each
// call too, with the caller's grant in its own terms from resolve, after the
// enforced spec has. Its decision changes nothing the client gets; it is
// reported in the Event of the call (Event.Candidate), and Event.Differs
// tells the calls whose decision or redaction the candidate would change.
// It needs WithHook. The cost is that of a second resolve and check per call.
func WithShadow[G2 enforce.Grant[D2], D2 enforce.Decision[D2]](resolve Resolver[G2]) Option {
	if resolve == nil {
		panic("scopegrpc.WithShadow: nil Resolver")
	}
	return func(o *options) {
		o.shadow = func(ctx context.Context, fullMethod string) enforce.Verdict {
			g, d, err := enforce.Decide[G2, D2](fullMethod, func() (G2, error) { return resolve(ctx) })
			return enforce.VerdictOf(g, d, err)
		}
	}
}

// New returns an Enforcer that finds the grant of each call with resolve.
func New[G enforce.Grant[D], D enforce.Decision[D]](resolve Resolver[G], opts ...Option) *Enforcer[G, D] {
	if resolve == nil {
		panic("scopegrpc.New: nil Resolver")
	}
	e := &Enforcer[G, D]{resolve: resolve}
	for _, o := range opts {
		o(&e.options)
	}
	if e.shadow != nil && e.hook == nil {
		panic("scopegrpc.New: WithShadow needs WithHook, which reports the candidate's decisions")
	}
	e.redactor.InPlace = e.inPlace
	return e
}

// ServerOptions returns the options that install the interceptors on a
// grpc.Server: grpc.NewServer(e.ServerOptions()...).
func (e *Enforcer[G, D]) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(e.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(e.StreamServerInterceptor()),
	}
}

// UnaryServerInterceptor returns the interceptor of unary calls: it refuses
// a call the spec denies, and redacts the response of one it allows. It
// allocates nothing of its own for an allowed call whose caller may see the
// whole response, or whose response lacks the fields to remove; removing
// fields copies the messages on the paths to them (a few allocations,
// grouped), unless RedactInPlace, and the RedactedFieldsKey header costs
// what grpc.SetHeader does.
func (e *Enforcer[G, D]) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return e.unary
}

// StreamServerInterceptor returns the interceptor of streaming calls: it
// refuses a call the spec denies, and redacts every message the server sends
// on a stream it allows.
func (e *Enforcer[G, D]) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return e.stream
}

func (e *Enforcer[G, D]) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	g, d, pass, err := e.authorize(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	if pass {
		return handler(ctx, req)
	}
	if e.grantInContext || d.RequestScoped() {
		ctx = context.WithValue(ctx, grantKey[G]{}, g)
	}
	if d.Redacts() && grpc.ServerTransportStreamFromContext(ctx) != nil {
		if err := grpc.SetHeader(ctx, e.headers.of(enforce.RedactedFields(d))); err != nil {
			return nil, err
		}
	}
	resp, err := handler(ctx, req)
	if err != nil || !d.Redacts() {
		return resp, err
	}
	return e.redact(d, resp)
}

func (e *Enforcer[G, D]) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	g, d, pass, err := e.authorize(ctx, info.FullMethod)
	if err != nil {
		return err
	}
	keep := !pass && (e.grantInContext || d.RequestScoped())
	if pass || !keep && !d.Redacts() {
		return handler(srv, ss)
	}
	if d.Redacts() {
		if err := ss.SetHeader(e.headers.of(enforce.RedactedFields(d))); err != nil {
			return err
		}
	}
	if keep {
		ctx = context.WithValue(ctx, grantKey[G]{}, g)
	}
	return handler(srv, &serverStream[G, D]{
		ServerStream: ss,
		ctx:          ctx,
		d:            d,
		e:            e,
	})
}

// authorize decides a call of fullMethod: the caller's grant and the decision,
// or the status error that ends a denied call. pass reports an unlisted method
// let through unchecked.
func (e *Enforcer[G, D]) authorize(ctx context.Context, fullMethod string) (g G, d D, pass bool, err error) {
	if e.unlisted != nil {
		var none G
		if d := none.Check(fullMethod); d.Method() == "" && e.unlisted(fullMethod) {
			return g, d, true, nil
		}
	}
	g, d, err = enforce.Decide[G, D](fullMethod, func() (G, error) { return e.resolve(ctx) })
	if e.hook != nil {
		e.report(ctx, fullMethod, g, d, err)
	}
	if err != nil {
		return g, d, false, resolverStatus(err)
	}
	if !d.Allowed() {
		return g, d, false, e.deny(fullMethod, d)
	}
	return g, d, false, nil
}

// report sends the event of a call to the hook, with the candidate's
// decision in shadow mode.
func (e *Enforcer[G, D]) report(ctx context.Context, fullMethod string, g G, d D, err error) {
	ev := enforce.Event{Transport: Transport, Method: fullMethod, Verdict: enforce.VerdictOf(g, d, err)}
	if e.shadow != nil {
		ev.Shadowed, ev.Candidate = true, e.shadow(ctx, fullMethod)
	}
	e.hook(ctx, ev)
}

// deny returns the status error of a denied call.
func (e *Enforcer[G, D]) deny(fullMethod string, d D) error {
	st := status.New(codes.Code(scopeproto.Code(d)), d.Message())
	if detailed, err := st.WithDetails(scopeproto.ErrorInfo(d, fullMethod, e.domain)); err == nil {
		st = detailed
	}
	return st.Err()
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

// serverStream is a stream whose context holds the caller's grant and whose
// messages are redacted.
type serverStream[G enforce.Grant[D], D enforce.Decision[D]] struct {
	grpc.ServerStream
	ctx context.Context
	e   *Enforcer[G, D]
	d   D
}

func (s *serverStream[G, D]) Context() context.Context {
	return s.ctx
}

func (s *serverStream[G, D]) SendMsg(m any) error {
	if s.d.Redacts() {
		r, err := s.e.redact(s.d, m)
		if err != nil {
			return err
		}
		m = r
	}
	return s.ServerStream.SendMsg(m)
}

// resolverStatus is the status that ends a call whose Resolver returned err,
// an error that is none of the credential errors: the gRPC status it
// carries, even wrapped (its own message only: the wrapping text may say
// more than the client should read); the context's end as
// codes.Canceled or codes.DeadlineExceeded; anything else as codes.Internal,
// without its text.
func resolverStatus(err error) error {
	var carrier interface{ GRPCStatus() *status.Status }
	if errors.As(err, &carrier) {
		if st := carrier.GRPCStatus(); st.Code() != codes.OK {
			return st.Err()
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, context.Canceled.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	return status.Error(codes.Internal, "the credentials could not be checked")
}
