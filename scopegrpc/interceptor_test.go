package scopegrpc_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// The tests of this file call the interceptors directly, with handlers and
// streams of their own and no network, on the paths that the calls through
// a server (enforce_test.go) do not take.

// enforcer is scopegrpc's Enforcer for the checker of the tests' spec.
type enforcer = scopegrpc.Enforcer[scopes.Grant, scopes.Decision]

const collect = "/scopegen.test.Items/Collect"

// mustGrant returns the grant of a credential of kind holding names.
func mustGrant(t testing.TB, kind scopes.Principal, names ...string) scopes.Grant {
	t.Helper()
	g, err := scopes.NewGrant(kind, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// outcome is what a call of an interceptor did.
type outcome struct {
	err  error
	ran  bool              // the handler ran
	ctx  context.Context   // the handler's context
	ss   grpc.ServerStream // the stream the handler got, on a stream
	sent []any             // what the client receives: the unary response, or the messages sent
}

// invoke calls method with ctx through e's unary interceptor, or through its
// stream interceptor when stream is set, with a handler that returns msg, or
// sends it on the stream.
func invoke(e *enforcer, ctx context.Context, method string, stream bool, msg any) outcome {
	var o outcome
	if stream {
		ss := &captureStream{ctx: ctx}
		info := &grpc.StreamServerInfo{FullMethod: method, IsServerStream: true}
		o.err = e.StreamServerInterceptor()(nil, ss, info, func(_ any, s grpc.ServerStream) error {
			o.ran, o.ctx, o.ss = true, s.Context(), s
			return s.SendMsg(msg)
		})
		o.sent = ss.sent
		return o
	}
	info := &grpc.UnaryServerInfo{FullMethod: method}
	resp, err := e.UnaryServerInterceptor()(ctx, nil, info, func(ctx context.Context, _ any) (any, error) {
		o.ran, o.ctx = true, ctx
		return msg, nil
	})
	o.err = err
	if err == nil {
		o.sent = []any{resp}
	}
	return o
}

// kind names the interceptor a call goes through.
func kind(stream bool) string {
	if stream {
		return "stream"
	}
	return "unary"
}

// okStatusError is an error whose gRPC status is OK.
type okStatusError struct{}

func (okStatusError) Error() string { return "all is well at 10.0.0.7" }
func (okStatusError) GRPCStatus() *status.Status {
	return status.New(codes.OK, "all is well at 10.0.0.7")
}

// TestResolverErrorStatus: on unary calls and streams, a Resolver's error
// that has a gRPC status ends the call with that status, details included;
// any other error ends it with codes.Internal, without its text, and so does
// an error whose status is OK, which must not let the call through. The
// handler never runs.
func TestResolverErrorStatus(t *testing.T) {
	const private = "10.0.0.7" // what the client must not read
	retry, err := status.New(codes.Unavailable, "the key store is busy").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		err     error
		code    codes.Code
		message string // the status's message; "" for any without private
		details int
	}{
		{"status", status.Error(codes.Unavailable, "the key store is busy"), codes.Unavailable, "the key store is busy", 0},
		{"status-with-details", retry.Err(), codes.Unavailable, "the key store is busy", 1},
		// A wrapped status keeps its own message: the wrapping text (which
		// may say more than a client should read) stays in the service.
		{"wrapped-status", fmt.Errorf("lookup of %s: %w", private, status.Error(codes.ResourceExhausted, "slow down")), codes.ResourceExhausted, "slow down", 0},
		{"plain", fmt.Errorf("the key store at %s is down", private), codes.Internal, "", 0},
		{"status-ok", okStatusError{}, codes.Internal, "", 0},
		// The call's end while resolving: the client's own deadline or
		// cancellation, not an internal error.
		{"deadline", fmt.Errorf("key store %s: %w", private, context.DeadlineExceeded), codes.DeadlineExceeded, "", 0},
		{"canceled", fmt.Errorf("key store %s: %w", private, context.Canceled), codes.Canceled, "", 0},
	} {
		resolve := func(context.Context) (scopes.Grant, error) { return scopes.Grant{}, tc.err }
		e := scopegrpc.New[scopes.Grant, scopes.Decision](resolve)
		for _, stream := range []bool{false, true} {
			method := getItem
			if stream {
				method = watchItems
			}
			o := invoke(e, context.Background(), method, stream, &testpb.Item{})
			st := status.Convert(o.err)
			switch {
			case o.ran || o.err == nil:
				t.Errorf("%s, %s: the handler ran (%v) or the call succeeded (%v)", tc.name, kind(stream), o.ran, o.err)
			case st.Code() != tc.code:
				t.Errorf("%s, %s: %v, want code %v", tc.name, kind(stream), o.err, tc.code)
			case tc.message != "" && st.Message() != tc.message:
				t.Errorf("%s, %s: message %q, want %q", tc.name, kind(stream), st.Message(), tc.message)
			case strings.Contains(st.Message(), private):
				t.Errorf("%s, %s: %v tells the client the resolver's error", tc.name, kind(stream), o.err)
			case len(st.Details()) != tc.details:
				t.Errorf("%s, %s: details %v, want %d", tc.name, kind(stream), st.Details(), tc.details)
			}
		}
	}
}

// TestPassUnlistedUnchecked: PassUnlisted lets the methods it names through,
// on unary calls and streams, without resolving credentials, storing a grant
// or redacting, and with the handler's own context and stream; it is asked
// only about methods that are not endpoints, and denies the others as
// unknown endpoints, as an Enforcer without it denies every one.
func TestPassUnlistedUnchecked(t *testing.T) {
	full := mustGrant(t, scopes.AppKey, "All")
	var resolved atomic.Int32
	resolve := func(context.Context) (scopes.Grant, error) {
		resolved.Add(1)
		return full, nil
	}
	var asked []string
	pass := scopegrpc.PassUnlisted(func(m string) bool {
		asked = append(asked, m)
		return m == unlisted
	})
	type ctxKey struct{}
	ctx := context.WithValue(context.Background(), ctxKey{}, "the call's")
	other := "/scopegen.test.Items/Other"
	resp := &testpb.HealthResponse{Status: "unlisted", Featured: &testpb.Item{Id: "a", Secret: "s"}}
	for _, opts := range [][]scopegrpc.Option{{pass}, {pass, scopegrpc.WithGrantInContext()}} {
		e := scopegrpc.New[scopes.Grant, scopes.Decision](resolve, opts...)
		for _, stream := range []bool{false, true} {
			o := invoke(e, ctx, unlisted, stream, resp)
			if o.err != nil || !o.ran || len(o.sent) != 1 || o.sent[0] != resp {
				t.Fatalf("%s of a passed method: %v, handler ran %v, sent %v; want the handler's response as it is", kind(stream), o.err, o.ran, o.sent)
			}
			if o.ctx != ctx {
				t.Errorf("%s of a passed method: the handler's context is not the call's", kind(stream))
			}
			if _, ok := scopegrpc.GrantFromContext[scopes.Grant](o.ctx); ok {
				t.Errorf("%s of a passed method: a grant in the handler's context", kind(stream))
			}
			if _, ok := o.ss.(*captureStream); stream && !ok {
				t.Errorf("stream of a passed method: the handler got a %T, not the call's stream", o.ss)
			}
			o = invoke(e, ctx, other, stream, resp)
			if o.ran {
				t.Errorf("%s of a method that is neither an endpoint nor passed: the handler ran", kind(stream))
			}
			wantDenial(t, o.err, with(noEndpoint, func(d *denial) { d.endpoint = other }))
		}
		if o := invoke(e, ctx, getItem, false, &testpb.GetItemResponse{}); o.err != nil {
			t.Errorf("GetItem with PassUnlisted: %v", o.err)
		}
	}
	if n := resolved.Load(); n != 2 {
		t.Errorf("the resolver ran %d times, want 2: for the calls of GetItem only", n)
	}
	if want := slices.Repeat([]string{unlisted, other}, 4); !slices.Equal(asked, want) {
		t.Errorf("PassUnlisted was asked about %q, want %q: never about an endpoint", asked, want)
	}

	e := scopegrpc.New[scopes.Grant, scopes.Decision](resolve)
	for _, stream := range []bool{false, true} {
		o := invoke(e, ctx, unlisted, stream, resp)
		if o.ran {
			t.Errorf("%s without PassUnlisted: the handler of a method that is not an endpoint ran", kind(stream))
		}
		wantDenial(t, o.err, with(noEndpoint, func(d *denial) { d.endpoint = unlisted }))
	}
	if n := resolved.Load(); n != 2 {
		t.Errorf("the resolver ran for a method that is not an endpoint (%d calls)", n)
	}
}

// TestWithDomainEveryDenial: WithDomain sets the domain of the ErrorInfo of
// every kind of denial, on unary calls and streams; without it, the domain
// is the called service.
func TestWithDomainEveryDenial(t *testing.T) {
	key := func(id string) context.Context {
		return metadata.NewIncomingContext(context.Background(), metadata.Pairs(scopegrpc.AuthorizationKey, "Key "+id))
	}
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		method string
		stream bool
		reason string
	}{
		{"unknown method", key("full"), "/other.v1.Service/Do", false, "unknown_endpoint"},
		{"no credentials", context.Background(), getItem, false, "no_credentials"},
		{"unknown key", key("nobody"), collect, true, "key_not_found"},
		{"expired key", key("expired"), getItem, false, "key_invalid"},
		{"missing scopes", key("none"), watchItems, true, "missing_scopes"},
	} {
		for _, domain := range []string{"", "api.example.com"} {
			var opts []scopegrpc.Option
			want := domain
			if domain != "" {
				opts = append(opts, scopegrpc.WithDomain(domain))
			} else {
				want = strings.Split(tc.method, "/")[1]
			}
			o := invoke(scopegrpc.New[scopes.Grant, scopes.Decision](resolver(t), opts...), tc.ctx, tc.method, tc.stream, &testpb.Item{})
			if o.ran {
				t.Fatalf("%s: the handler ran", tc.name)
			}
			if d := denied(t, o.err); d.domain != want || d.reason != tc.reason {
				t.Errorf("%s, WithDomain(%q): domain %q, reason %q; want %q, %q", tc.name, domain, d.domain, d.reason, want, tc.reason)
			}
		}
	}
}

// TestNoAllocationsPassedAndStreams: the interceptors allocate nothing of
// their own for a passed unlisted method, unary or stream, nor for an allowed
// stream of an endpoint without redactions; storing the grant in the
// context of a unary call costs one allocation, with WithGrantInContext or
// for an endpoint whose handler checks request-dependent scopes.
// (TestNoAllocations covers the other calls with nothing to redact.)
func TestNoAllocationsPassedAndStreams(t *testing.T) {
	full := mustGrant(t, scopes.AppKey, "All")
	ctx := context.Background()
	resp := &testpb.ListItemsResponse{}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	pass := scopegrpc.PassUnlisted(func(m string) bool { return m == unlisted })
	for _, tc := range []struct {
		name   string
		opts   []scopegrpc.Option
		method string
		allocs float64
	}{
		{"passed", []scopegrpc.Option{pass}, unlisted, 0},
		{"grant-in-context", []scopegrpc.Option{scopegrpc.WithGrantInContext()}, listItems, 1},
		{"request-scoped", nil, searchItems, 1},
	} {
		unary := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(full), tc.opts...).UnaryServerInterceptor()
		info := &grpc.UnaryServerInfo{FullMethod: tc.method}
		if _, err := unary(ctx, nil, info, handler); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := testing.AllocsPerRun(200, func() { sinkResp, _ = unary(ctx, nil, info, handler) }); n != tc.allocs {
			t.Errorf("unary, %s: %v allocations per call, want %v", tc.name, n, tc.allocs)
		}
	}
	ss := &fakeStream{ctx: ctx}
	h := func(_ any, s grpc.ServerStream) error { return s.SendMsg(resp) }
	for _, tc := range []struct {
		name   string
		opts   []scopegrpc.Option
		method string
	}{
		{"passed", []scopegrpc.Option{pass}, unlisted},
		{"no-redactions", nil, collect},
	} {
		stream := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(full), tc.opts...).StreamServerInterceptor()
		info := &grpc.StreamServerInfo{FullMethod: tc.method, IsClientStream: true}
		if err := stream(nil, ss, info, h); err != nil {
			t.Fatalf("stream, %s: %v", tc.name, err)
		}
		if n := testing.AllocsPerRun(200, func() { _ = stream(nil, ss, info, h) }); n != 0 {
			t.Errorf("stream, %s: %v allocations per call, want 0", tc.name, n)
		}
	}
}

// TestStreamGrantInContext: a stream's handler finds the caller's grant in
// its stream's context with WithGrantInContext, and not without; a stream
// with nothing to redact or store reaches the handler as it is, and one that
// redacts sends copies without the hidden fields.
func TestStreamGrantInContext(t *testing.T) {
	writer := mustGrant(t, scopes.AppKey, "Items:Get", "Items:Put")
	reader := mustGrant(t, scopes.AppKey, "Items:Get")
	item := stored()[0]
	before := proto.Clone(item)
	for _, tc := range []struct {
		name    string
		grant   scopes.Grant
		opts    []scopegrpc.Option
		method  string
		granted bool // the handler finds the grant
		wrapped bool // the handler gets another stream than the call's
		redact  bool
	}{
		{"collect", writer, nil, collect, false, false, false},
		{"collect, grant in context", writer, []scopegrpc.Option{scopegrpc.WithGrantInContext()}, collect, true, true, false},
		{"watch, redacted", reader, nil, watchItems, false, true, true},
		{"watch, redacted, grant in context", reader, []scopegrpc.Option{scopegrpc.WithGrantInContext()}, watchItems, true, true, true},
	} {
		e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(tc.grant), tc.opts...)
		o := invoke(e, context.Background(), tc.method, true, item)
		if o.err != nil || len(o.sent) != 1 {
			t.Fatalf("%s: %v, %d messages sent", tc.name, o.err, len(o.sent))
		}
		g, ok := scopegrpc.GrantFromContext[scopes.Grant](o.ctx)
		if ok != tc.granted || ok && g != tc.grant {
			t.Errorf("%s: grant in the handler's context %v (%v), want %v", tc.name, ok, g, tc.granted)
		}
		if _, same := o.ss.(*captureStream); same == tc.wrapped {
			t.Errorf("%s: the handler got a %T; want the call's stream %v", tc.name, o.ss, !tc.wrapped)
		}
		want := proto.Message(item)
		if tc.redact {
			want = proto.Clone(item)
			want.(*testpb.Item).Data.Concepts = nil
		}
		if got := o.sent[0].(proto.Message); !proto.Equal(got, want) || !tc.redact && got != want {
			t.Errorf("%s: sent %v, want %v", tc.name, got, want)
		}
		if !proto.Equal(item, before) {
			t.Fatalf("%s: the handler's message changed", tc.name)
		}
	}
}

// TestRedactUnredactable: a response that is not a proto message, on an
// endpoint that redacts, ends a unary call, or a stream's SendMsg, with
// codes.Internal, and never reaches the client; a nil message, which holds
// no field, passes; and so does the handler's own error.
func TestRedactUnredactable(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	for _, stream := range []bool{false, true} {
		method := getItem
		if stream {
			method = watchItems
		}
		o := invoke(e, context.Background(), method, stream, "not a message")
		st := status.Convert(o.err)
		if st.Code() != codes.Internal || !strings.Contains(st.Message(), "string is not a proto message") || len(o.sent) != 0 {
			t.Errorf("%s, a response that is not a proto message: %v, sent %v; want Internal, nothing sent", kind(stream), o.err, o.sent)
		}
		var empty proto.Message = (*testpb.GetItemResponse)(nil)
		if stream {
			empty = (*testpb.Item)(nil)
		}
		o = invoke(e, context.Background(), method, stream, empty)
		if o.err != nil || len(o.sent) != 1 || o.sent[0] != empty {
			t.Errorf("%s, a nil message: %v, sent %v; want it sent as it is", kind(stream), o.err, o.sent)
		}
	}
	handlerErr := status.Error(codes.NotFound, "no item")
	info := &grpc.UnaryServerInfo{FullMethod: getItem}
	_, err := e.UnaryServerInterceptor()(context.Background(), nil, info, func(context.Context, any) (any, error) {
		return nil, handlerErr
	})
	if err != handlerErr {
		t.Errorf("the handler's error became %v; want it as the handler returned it", err)
	}
}
