package scopeconnect_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/scopeconnect"
	"github.com/scopegen/scopegen/scopeconnect/internal/testpb"
	"github.com/scopegen/scopegen/scopeconnect/internal/testpb/testpbconnect"
	scopes "github.com/scopegen/scopegen/scopeconnect/internal/testscopes"
	"github.com/scopegen/scopegen/scopeproto"
)

// The Interceptor is a connect.Interceptor.
var _ connect.Interceptor = (*scopeconnect.Interceptor[scopes.Grant, scopes.Decision])(nil)

// keys are the keys of the tests' key store, by id.
var keys = map[string]struct {
	kind      scopes.Principal
	scopes    []string
	endpoints []string
}{
	"full":       {scopes.AppKey, []string{"All"}, nil},
	"reader":     {scopes.AppKey, []string{"Items:Get"}, nil},
	"concepts":   {scopes.AppKey, []string{"Items:Get", "Concepts:Get"}, nil},
	"app-writer": {scopes.AppKey, []string{"Items:Get", "Items:Put"}, nil},
	"pat-writer": {scopes.PersonalAccessToken, []string{"Items:Get", "Items:Put"}, nil},
	"restricted": {scopes.AppKey, []string{"Items:Get", "Concepts:Get"}, []string{"/scopegen.connecttest.Items/GetItem"}},
	"searcher":   {scopes.AppKey, []string{"Search"}, nil},
	"predictor":  {scopes.AppKey, []string{"Search", "Predict"}, nil},
}

// resolver looks keys up in keys; "expired" is refused as invalid, "denied"
// with a *connect.Error of its own, "broken" with a plain error, and
// "canceled" with the context's end. resolved counts its calls.
func resolver(t testing.TB, resolved *atomic.Int32) scopeconnect.Resolver[scopes.Grant] {
	grants := map[string]scopes.Grant{}
	for id, k := range keys {
		g, err := scopes.NewGrant(k.kind, k.scopes, k.endpoints)
		if err != nil {
			t.Fatalf("key %s: %v", id, err)
		}
		grants[id] = g
	}
	return func(ctx context.Context, h http.Header) (scopes.Grant, error) {
		if resolved != nil {
			resolved.Add(1)
		}
		id, err := scopeconnect.KeyFromHeader(h)
		if err != nil {
			return scopes.Grant{}, err
		}
		switch id {
		case "expired":
			return scopes.Grant{}, fmt.Errorf("%w: key %s expired yesterday", scopeconnect.ErrKeyInvalid, id)
		case "denied":
			return scopes.Grant{}, fmt.Errorf("the key store says: %w", connect.NewError(connect.CodeResourceExhausted, errors.New("too many calls")))
		case "broken":
			return scopes.Grant{}, errors.New("the key store at 10.0.0.7 is down")
		case "canceled":
			return scopes.Grant{}, fmt.Errorf("key store: %w", context.Canceled)
		}
		g, ok := grants[id]
		if !ok {
			return scopes.Grant{}, scopeconnect.ErrKeyNotFound
		}
		return g, nil
	}
}

// stored are the items the service keeps, and returns as they are: the
// interceptor must redact copies of them.
func stored() map[string]*testpb.Item {
	return map[string]*testpb.Item{
		"a": {Id: "a", Concepts: []*testpb.Concept{{Id: "cat"}, {Id: "dog"}}, Secret: "secret a"},
		"b": {Id: "b", Concepts: []*testpb.Concept{{Id: "bird"}}},
		"c": {Id: "c"},
	}
}

// service is the test service. Its handlers know nothing of scopes, except
// SearchItems, which checks the request-dependent scope Predict.
type service struct {
	items map[string]*testpb.Item
	// grants records whether GetItem's context held the caller's grant.
	grants atomic.Int32
}

func (s *service) item(id string) (*testpb.Item, error) {
	if it, ok := s.items[id]; ok {
		return it, nil
	}
	return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("no item %q", id))
}

func (s *service) GetItem(ctx context.Context, req *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemResponse], error) {
	if _, ok := scopeconnect.GrantFromContext[scopes.Grant](ctx); ok {
		s.grants.Add(1)
	}
	it, err := s.item(req.Msg.Id)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&testpb.ItemResponse{Item: it}), nil
}

func (s *service) PutItem(_ context.Context, req *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemResponse], error) {
	return connect.NewResponse(&testpb.ItemResponse{Item: &testpb.Item{Id: req.Msg.Id}}), nil
}

func (s *service) SearchItems(ctx context.Context, req *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemsResponse], error) {
	if req.Msg.ByImage {
		g, ok := scopeconnect.GrantFromContext[scopes.Grant](ctx)
		if !ok || !g.Has(scopes.Predict) {
			return nil, connect.NewError(connect.CodePermissionDenied, errors.New("searching by image needs Predict"))
		}
	}
	return connect.NewResponse(&testpb.ItemsResponse{Items: []*testpb.Item{{Id: "found"}}}), nil
}

func (s *service) Health(context.Context, *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemResponse], error) {
	return connect.NewResponse(&testpb.ItemResponse{Item: s.items["a"]}), nil
}

func (s *service) Broken(context.Context, *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemResponse], error) {
	return connect.NewResponse(&testpb.ItemResponse{Item: s.items["a"]}), nil
}

func (s *service) WatchItems(_ context.Context, _ *connect.Request[testpb.ItemRequest], stream *connect.ServerStream[testpb.Item]) error {
	for _, id := range []string{"a", "b", "c"} {
		if err := stream.Send(s.items[id]); err != nil {
			return err
		}
	}
	return nil
}

func (s *service) CollectItems(_ context.Context, stream *connect.ClientStream[testpb.ItemRequest]) (*connect.Response[testpb.ItemsResponse], error) {
	resp := &testpb.ItemsResponse{}
	for stream.Receive() {
		it, err := s.item(stream.Msg().Id)
		if err != nil {
			return nil, err
		}
		resp.Items = append(resp.Items, it)
	}
	return connect.NewResponse(resp), stream.Err()
}

func (s *service) ExchangeItems(_ context.Context, stream *connect.BidiStream[testpb.ItemRequest, testpb.Item]) error {
	for {
		req, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		it, err := s.item(req.Id)
		if err != nil {
			return err
		}
		if err := stream.Send(it); err != nil {
			return err
		}
	}
}

func (s *service) Unlisted(_ context.Context, req *connect.Request[testpb.ItemRequest]) (*connect.Response[testpb.ItemResponse], error) {
	return connect.NewResponse(&testpb.ItemResponse{Item: &testpb.Item{Id: req.Msg.Id}}), nil
}

func (s *service) UnlistedExchange(_ context.Context, stream *connect.BidiStream[testpb.ItemRequest, testpb.Item]) error {
	for {
		req, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(&testpb.Item{Id: req.Id}); err != nil {
			return err
		}
	}
}

// protocols are the protocols a Connect handler serves; the interceptor
// must decide the same on each.
var protocols = []struct {
	name string
	opts []connect.ClientOption
}{
	{"connect", nil},
	{"grpc", []connect.ClientOption{connect.WithGRPC()}},
	{"grpcweb", []connect.ClientOption{connect.WithGRPCWeb()}},
}

// serve serves svc over HTTP/2 with TLS on a loopback port behind the
// handler options, and returns a client for each protocol.
func serve(t *testing.T, svc testpbconnect.ItemsHandler, opts ...connect.HandlerOption) map[string]testpbconnect.ItemsClient {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(testpbconnect.NewItemsHandler(svc, opts...))
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	clients := map[string]testpbconnect.ItemsClient{}
	for _, p := range protocols {
		clients[p.name] = testpbconnect.NewItemsClient(srv.Client(), srv.URL, p.opts...)
	}
	return clients
}

// enforced serves the test service behind a new Interceptor with opts, and
// returns the clients, the service and the count of the resolver's calls.
func enforced(t *testing.T, opts ...scopeconnect.Option) (map[string]testpbconnect.ItemsClient, *service, *atomic.Int32) {
	t.Helper()
	resolved := new(atomic.Int32)
	svc := &service{items: stored()}
	i := scopeconnect.New[scopes.Grant, scopes.Decision](resolver(t, resolved), opts...)
	return serve(t, svc, connect.WithInterceptors(i)), svc, resolved
}

// request returns a request for id with key ("" for none).
func request[T any](key string, msg *T) *connect.Request[T] {
	req := connect.NewRequest(msg)
	if key != "" {
		req.Header().Set("Authorization", "Key "+key)
	}
	return req
}

// denial is what a client reads from a denied call.
type denial struct {
	code     connect.Code
	message  string
	outcome  string // MetadataCode
	status   string // MetadataStatus and ErrorInfo.Reason
	reason   string // MetadataReason
	missing  string // MetadataMissingScopes
	endpoint string // MetadataEndpoint
	domain   string
}

func denied(t *testing.T, err error) denial {
	t.Helper()
	if err == nil {
		t.Fatal("the call succeeded; want a denial")
	}
	var cerr *connect.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("%v is not a *connect.Error", err)
	}
	d := denial{code: cerr.Code(), message: cerr.Message()}
	var infos int
	for _, detail := range cerr.Details() {
		v, err := detail.Value()
		if err != nil {
			t.Fatalf("detail %s: %v", detail.Type(), err)
		}
		info, ok := v.(*errdetails.ErrorInfo)
		if !ok {
			t.Fatalf("detail of type %T, want only an ErrorInfo", v)
		}
		infos++
		md := info.Metadata
		if md[scopeproto.MetadataStatus] != info.Reason {
			t.Errorf("ErrorInfo.Reason %q, metadata status %q: want the same", info.Reason, md[scopeproto.MetadataStatus])
		}
		d.outcome, d.status, d.reason = md[scopeproto.MetadataCode], info.Reason, md[scopeproto.MetadataReason]
		d.missing, d.endpoint, d.domain = md[scopeproto.MetadataMissingScopes], md[scopeproto.MetadataEndpoint], info.Domain
	}
	if infos > 1 {
		t.Errorf("%d ErrorInfo details, want at most one", infos)
	}
	return d
}

const service_ = "scopegen.connecttest.Items"

func method(name string) string { return "/" + service_ + "/" + name }

// A call of each kind, by key: the error it ends with, after reading every
// message the server sends.
var calls = map[string]func(ctx context.Context, c testpbconnect.ItemsClient, key string) error{
	"unary": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		_, err := c.GetItem(ctx, request(key, &testpb.ItemRequest{Id: "a"}))
		return err
	},
	"server-stream": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		stream, err := c.WatchItems(ctx, request(key, &testpb.ItemRequest{}))
		if err != nil {
			return err
		}
		for stream.Receive() {
		}
		return stream.Err()
	},
	"client-stream": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		stream := c.CollectItems(ctx)
		if key != "" {
			stream.RequestHeader().Set("Authorization", "Key "+key)
		}
		if err := stream.Send(&testpb.ItemRequest{Id: "a"}); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		_, err := stream.CloseAndReceive()
		return err
	},
	"bidi": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		_, err := exchange(ctx, c.ExchangeItems(ctx), key, "a")
		return err
	},
	"unlisted-unary": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		_, err := c.Unlisted(ctx, request(key, &testpb.ItemRequest{Id: "a"}))
		return err
	},
	"unlisted-bidi": func(ctx context.Context, c testpbconnect.ItemsClient, key string) error {
		_, err := exchange(ctx, c.UnlistedExchange(ctx), key, "a")
		return err
	},
}

// exchange sends a request for each id on a bidirectional stream, closes
// it, and returns the items received.
func exchange(_ context.Context, stream *connect.BidiStreamForClient[testpb.ItemRequest, testpb.Item], key string, ids ...string) ([]*testpb.Item, error) {
	if key != "" {
		stream.RequestHeader().Set("Authorization", "Key "+key)
	}
	for _, id := range ids {
		if err := stream.Send(&testpb.ItemRequest{Id: id}); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	if err := stream.CloseRequest(); err != nil {
		return nil, err
	}
	var got []*testpb.Item
	for {
		it, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return got, stream.CloseResponse()
		}
		if err != nil {
			return got, err
		}
		got = append(got, it)
	}
}

// TestDenials: a call of every kind (unary, each kind of stream, and methods
// the spec does not list) that the spec denies ends with the outcome's code
// and message and one ErrorInfo, on every protocol, before the handler runs;
// the resolver never runs for a method that is not an endpoint.
func TestDenials(t *testing.T) {
	const (
		noKey     = "the key was not found"
		lacks     = "the key lacks the scopes this call needs"
		invalid   = "the key is invalid, disabled or expired"
		noSuchRPC = "the method does not exist"
	)
	for _, c := range []struct {
		call, key string
		want      denial
		resolves  bool
	}{
		{"unary", "", denial{connect.CodeUnauthenticated, noKey, "11009", "CONN_KEY_NOT_FOUND", "no_credentials", "Items:Get", method("GetItem"), service_}, true},
		{"unary", "searcher", denial{connect.CodePermissionDenied, lacks, "11007", "CONN_INSUFFICIENT_SCOPES", "missing_scopes", "Items:Get", method("GetItem"), service_}, true},
		{"unary", "nobody", denial{connect.CodeUnauthenticated, noKey, "11009", "CONN_KEY_NOT_FOUND", "key_not_found", "", method("GetItem"), service_}, true},
		{"unary", "expired", denial{connect.CodeUnauthenticated, invalid, "11008", "CONN_KEY_INVALID", "key_invalid", "", method("GetItem"), service_}, true},
		{"server-stream", "", denial{connect.CodeUnauthenticated, noKey, "11009", "CONN_KEY_NOT_FOUND", "no_credentials", "Items:Get", method("WatchItems"), service_}, true},
		{"server-stream", "searcher", denial{connect.CodePermissionDenied, lacks, "11007", "CONN_INSUFFICIENT_SCOPES", "missing_scopes", "Items:Get", method("WatchItems"), service_}, true},
		{"server-stream", "restricted", denial{connect.CodePermissionDenied, lacks, "11007", "CONN_INSUFFICIENT_SCOPES", "endpoint_not_granted", "", method("WatchItems"), service_}, true},
		{"client-stream", "", denial{connect.CodeUnauthenticated, noKey, "11009", "CONN_KEY_NOT_FOUND", "no_credentials", "Items:Get,Items:Put", method("CollectItems"), service_}, true},
		{"client-stream", "reader", denial{connect.CodePermissionDenied, lacks, "11007", "CONN_INSUFFICIENT_SCOPES", "missing_scopes", "Items:Put", method("CollectItems"), service_}, true},
		{"bidi", "", denial{connect.CodeUnauthenticated, noKey, "11009", "CONN_KEY_NOT_FOUND", "no_credentials", "Items:Get", method("ExchangeItems"), service_}, true},
		{"bidi", "searcher", denial{connect.CodePermissionDenied, lacks, "11007", "CONN_INSUFFICIENT_SCOPES", "missing_scopes", "Items:Get", method("ExchangeItems"), service_}, true},
		{"bidi", "expired", denial{connect.CodeUnauthenticated, invalid, "11008", "CONN_KEY_INVALID", "key_invalid", "", method("ExchangeItems"), service_}, true},
		{"unlisted-unary", "full", denial{connect.CodeNotFound, noSuchRPC, "11101", "CONN_DOES_NOT_EXIST", "unknown_endpoint", "", method("Unlisted"), service_}, false},
		{"unlisted-bidi", "full", denial{connect.CodeNotFound, noSuchRPC, "11101", "CONN_DOES_NOT_EXIST", "unknown_endpoint", "", method("UnlistedExchange"), service_}, false},
	} {
		clients, _, resolved := enforced(t)
		for _, p := range protocols {
			t.Run(c.call+"/"+c.key+"/"+p.name, func(t *testing.T) {
				before := resolved.Load()
				got := denied(t, calls[c.call](context.Background(), clients[p.name], c.key))
				if got != c.want {
					t.Errorf("got  %+v\nwant %+v", got, c.want)
				}
				if ran := resolved.Load() > before; ran != c.resolves {
					t.Errorf("the resolver ran: %v, want %v", ran, c.resolves)
				}
			})
		}
	}
}

// TestPrincipal: PutItem accepts only personal access tokens.
func TestPrincipal(t *testing.T) {
	clients, _, _ := enforced(t)
	for _, p := range protocols {
		c := clients[p.name]
		_, err := c.PutItem(context.Background(), request("app-writer", &testpb.ItemRequest{Id: "x"}))
		if d := denied(t, err); d.code != connect.CodePermissionDenied || d.reason != "principal" {
			t.Errorf("%s: app key: %+v, want PermissionDenied for its principal", p.name, d)
		}
		if _, err := c.PutItem(context.Background(), request("pat-writer", &testpb.ItemRequest{Id: "x"})); err != nil {
			t.Errorf("%s: PAT: %v", p.name, err)
		}
	}
}

// TestUnaryRedacted: a unary response loses the fields the caller may not
// see, on every protocol, from a copy: the service's item is unchanged; a
// caller who may see everything gets it all, and a public endpoint's
// response is redacted for a call without credentials.
func TestUnaryRedacted(t *testing.T) {
	clients, svc, _ := enforced(t)
	for _, p := range protocols {
		c := clients[p.name]
		for _, tc := range []struct {
			key  string
			want *testpb.Item
		}{
			{"reader", &testpb.Item{Id: "a"}},
			{"concepts", &testpb.Item{Id: "a", Concepts: []*testpb.Concept{{Id: "cat"}, {Id: "dog"}}}},
			{"full", stored()["a"]},
		} {
			resp, err := c.GetItem(context.Background(), request(tc.key, &testpb.ItemRequest{Id: "a"}))
			if err != nil {
				t.Fatalf("%s: %s: %v", p.name, tc.key, err)
			}
			if !proto.Equal(resp.Msg.Item, tc.want) {
				t.Errorf("%s: %s: got %v, want %v", p.name, tc.key, resp.Msg.Item, tc.want)
			}
		}
		resp, err := c.Health(context.Background(), request("", &testpb.ItemRequest{}))
		if err != nil || resp.Msg.Item.Secret != "" || len(resp.Msg.Item.Concepts) != 2 {
			t.Errorf("%s: Health without credentials: %v, %v; want the item without its secret", p.name, resp, err)
		}
	}
	if !proto.Equal(svc.items["a"], stored()["a"]) {
		t.Errorf("the service's item was changed: %v", svc.items["a"])
	}
}

// TestStreamsRedacted: every message a handler sends on a stream of each
// kind loses the fields the caller may not see.
func TestStreamsRedacted(t *testing.T) {
	clients, svc, _ := enforced(t)
	ctx := context.Background()
	for _, p := range protocols {
		c := clients[p.name]

		stream, err := c.WatchItems(ctx, request("reader", &testpb.ItemRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		var watched []string
		for stream.Receive() {
			if it := stream.Msg(); len(it.Concepts) > 0 {
				t.Errorf("%s: WatchItems as reader: %v has its concepts", p.name, it)
			} else {
				watched = append(watched, it.Id+"/"+it.Secret)
			}
		}
		if err := stream.Err(); err != nil || !slices.Equal(watched, []string{"a/secret a", "b/", "c/"}) {
			t.Errorf("%s: WatchItems as reader: %v, %v", p.name, watched, err)
		}

		collect := c.CollectItems(ctx)
		collect.RequestHeader().Set("Authorization", "Key app-writer")
		for _, id := range []string{"a", "b"} {
			if err := collect.Send(&testpb.ItemRequest{Id: id}); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := collect.CloseAndReceive()
		if err != nil {
			t.Fatalf("%s: CollectItems: %v", p.name, err)
		}
		want := &testpb.ItemsResponse{Items: []*testpb.Item{
			{Id: "a", Concepts: []*testpb.Concept{{Id: "cat"}, {Id: "dog"}}},
			{Id: "b", Concepts: []*testpb.Concept{{Id: "bird"}}},
		}}
		if !proto.Equal(resp.Msg, want) {
			t.Errorf("%s: CollectItems as app-writer: %v, want %v", p.name, resp.Msg, want)
		}

		for key, want := range map[string][]*testpb.Item{
			"reader":   {{Id: "a"}, {Id: "b"}},
			"concepts": {{Id: "a", Concepts: []*testpb.Concept{{Id: "cat"}, {Id: "dog"}}}, {Id: "b", Concepts: []*testpb.Concept{{Id: "bird"}}}},
			"full":     {stored()["a"], stored()["b"]},
		} {
			got, err := exchange(ctx, c.ExchangeItems(ctx), key, "a", "b")
			if err != nil {
				t.Fatalf("%s: ExchangeItems as %s: %v", p.name, key, err)
			}
			if !slices.EqualFunc(got, want, func(a, b *testpb.Item) bool { return proto.Equal(a, b) }) {
				t.Errorf("%s: ExchangeItems as %s: %v, want %v", p.name, key, got, want)
			}
		}
	}
	if !proto.Equal(svc.items["a"], stored()["a"]) {
		t.Errorf("the service's item was changed: %v", svc.items["a"])
	}
}

// TestUnaryOnlyInterceptorLetsStreamsThrough shows why the Interceptor wraps
// streaming handlers: installed as a connect.UnaryInterceptorFunc, which
// wraps unary calls only, its check would let every stream through without
// credentials, with fields unredacted. Installed as it is, it refuses them.
func TestUnaryOnlyInterceptorLetsStreamsThrough(t *testing.T) {
	i := scopeconnect.New[scopes.Grant, scopes.Decision](resolver(t, nil))
	unaryOnly := serve(t, &service{items: stored()}, connect.WithInterceptors(connect.UnaryInterceptorFunc(i.WrapUnary)))["connect"]
	ctx := context.Background()
	if _, err := unaryOnly.GetItem(ctx, request("", &testpb.ItemRequest{Id: "a"})); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("unary call without credentials: %v, want Unauthenticated", err)
	}
	got, err := exchange(ctx, unaryOnly.ExchangeItems(ctx), "", "a")
	if err != nil || len(got) != 1 || got[0].Secret == "" {
		t.Fatalf("a unary-only interceptor was expected to let the stream through unchecked: %v, %v", got, err)
	}
	full := serve(t, &service{items: stored()}, connect.WithInterceptors(i))["connect"]
	if _, err := exchange(ctx, full.ExchangeItems(ctx), "", "a"); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("the Interceptor let a stream without credentials through: %v", err)
	}
}

// TestPassUnlisted lets the methods it names through unchecked, unary and
// streaming, and still refuses the others; WithDomain sets the ErrorInfo's
// domain.
func TestPassUnlisted(t *testing.T) {
	clients, _, resolved := enforced(t,
		scopeconnect.PassUnlisted(func(p string) bool { return p == method("UnlistedExchange") }),
		scopeconnect.WithDomain("api.example.com"))
	for _, p := range protocols {
		c := clients[p.name]
		ctx := context.Background()
		before := resolved.Load()
		if got, err := exchange(ctx, c.UnlistedExchange(ctx), "", "x"); err != nil || len(got) != 1 {
			t.Errorf("%s: UnlistedExchange: %v, %v; want it let through", p.name, got, err)
		}
		if resolved.Load() != before {
			t.Errorf("%s: the resolver ran for a method let through unchecked", p.name)
		}
		_, err := c.Unlisted(ctx, request("full", &testpb.ItemRequest{}))
		if d := denied(t, err); d.reason != "unknown_endpoint" || d.domain != "api.example.com" {
			t.Errorf("%s: Unlisted: %+v, want unknown_endpoint in domain api.example.com", p.name, d)
		}
	}
}

// TestGrantInContext: the handler of an endpoint with request-dependent
// scopes reads the caller's grant (SearchItems by image needs Predict); other
// handlers get it only with WithGrantInContext.
func TestGrantInContext(t *testing.T) {
	for _, with := range []bool{false, true} {
		var opts []scopeconnect.Option
		if with {
			opts = append(opts, scopeconnect.WithGrantInContext())
		}
		clients, svc, _ := enforced(t, opts...)
		for _, p := range protocols {
			c := clients[p.name]
			ctx := context.Background()
			if _, err := c.SearchItems(ctx, request("predictor", &testpb.ItemRequest{ByImage: true})); err != nil {
				t.Errorf("%s: search by image with Predict: %v", p.name, err)
			}
			_, err := c.SearchItems(ctx, request("searcher", &testpb.ItemRequest{ByImage: true}))
			if connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Errorf("%s: search by image without Predict: %v, want PermissionDenied", p.name, err)
			}
			if _, err := c.GetItem(ctx, request("reader", &testpb.ItemRequest{Id: "a"})); err != nil {
				t.Fatal(err)
			}
		}
		if got := svc.grants.Load() > 0; got != with {
			t.Errorf("WithGrantInContext %v: GetItem's context held the grant: %v", with, got)
		}
	}
}

// TestResolverErrors: a resolver's *connect.Error ends the call with its own
// code and message, not the text wrapping it; the context's end with
// Canceled; any other error with Internal, without its text.
func TestResolverErrors(t *testing.T) {
	clients, _, _ := enforced(t)
	for _, p := range protocols {
		for _, c := range []struct {
			key  string
			code connect.Code
			msg  string
		}{
			{"denied", connect.CodeResourceExhausted, "too many calls"},
			{"canceled", connect.CodeCanceled, context.Canceled.Error()},
			{"broken", connect.CodeInternal, "the credentials could not be checked"},
		} {
			for name, call := range calls {
				if strings.HasPrefix(name, "unlisted") {
					continue
				}
				err := call(context.Background(), clients[p.name], c.key)
				var cerr *connect.Error
				if !errors.As(err, &cerr) || cerr.Code() != c.code || cerr.Message() != c.msg {
					t.Errorf("%s: %s as %s: %v, want %v: %s", p.name, name, c.key, err, c.code, c.msg)
				}
			}
		}
	}
}

// TestRedactionFailsClosed: a redacted field that is not a field of the
// response ends the call with Internal rather than send the response;
// CheckRedactions finds it at start-up.
func TestRedactionFailsClosed(t *testing.T) {
	clients, _, _ := enforced(t)
	for _, p := range protocols {
		_, err := clients[p.name].Broken(context.Background(), request("reader", &testpb.ItemRequest{}))
		var cerr *connect.Error
		if !errors.As(err, &cerr) || cerr.Code() != connect.CodeInternal || !strings.Contains(cerr.Message(), "item.missing") {
			t.Errorf("%s: Broken: %v, want Internal naming item.missing", p.name, err)
		}
		if _, err := clients[p.name].Broken(context.Background(), request("full", &testpb.ItemRequest{})); err != nil {
			t.Errorf("%s: Broken by a caller who sees everything, so that nothing is redacted: %v", p.name, err)
		}
	}
	err := scopeproto.CheckRedactions[scopes.Grant, scopes.Decision](testpb.File_items_proto.Services().ByName("Items"))
	if err == nil || !strings.Contains(err.Error(), method("Broken")) || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("CheckRedactions: %v, want one error, about Broken", err)
	}
}

// TestRedactInPlace: with RedactInPlace, the handler's own message loses the
// fields.
func TestRedactInPlace(t *testing.T) {
	clients, svc, _ := enforced(t, scopeconnect.RedactInPlace())
	resp, err := clients["connect"].GetItem(context.Background(), request("reader", &testpb.ItemRequest{Id: "a"}))
	if err != nil || !proto.Equal(resp.Msg.Item, &testpb.Item{Id: "a"}) {
		t.Fatalf("GetItem: %v, %v", resp, err)
	}
	if it := svc.items["a"]; len(it.Concepts) != 0 || it.Secret != "" {
		t.Errorf("RedactInPlace left the handler's message whole: %v", it)
	}
}

// TestOnClient: installed on a client, the Interceptor does nothing: calls
// and streams go out unchanged, and its resolver never runs.
func TestOnClient(t *testing.T) {
	resolved := new(atomic.Int32)
	i := scopeconnect.New[scopes.Grant, scopes.Decision](resolver(t, resolved))
	mux := http.NewServeMux()
	mux.Handle(testpbconnect.NewItemsHandler(&service{items: stored()}))
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := testpbconnect.NewItemsClient(srv.Client(), srv.URL, connect.WithInterceptors(i))
	ctx := context.Background()
	if _, err := c.Unlisted(ctx, request("", &testpb.ItemRequest{})); err != nil {
		t.Error(err)
	}
	if got, err := exchange(ctx, c.ExchangeItems(ctx), "", "a"); err != nil || len(got) != 1 || got[0].Secret == "" {
		t.Errorf("ExchangeItems: %v, %v", got, err)
	}
	if n := resolved.Load(); n != 0 {
		t.Errorf("the resolver ran %d times on a client", n)
	}
}

func TestKeyFromHeader(t *testing.T) {
	for _, c := range []struct {
		values []string
		id     string
		err    error
	}{
		{nil, "", scopeconnect.ErrNoCredentials},
		{[]string{"Key abc"}, "abc", nil},
		{[]string{"key   abc  "}, "abc", nil},
		{[]string{"Bearer abc"}, "", scopeconnect.ErrKeyInvalid},
		{[]string{"Key"}, "", scopeconnect.ErrKeyInvalid},
		{[]string{"Key a b"}, "", scopeconnect.ErrKeyInvalid},
		{[]string{"Key a", "Key b"}, "", scopeconnect.ErrKeyInvalid},
	} {
		h := http.Header{}
		for _, v := range c.values {
			h.Add("Authorization", v)
		}
		id, err := scopeconnect.KeyFromHeader(h)
		if id != c.id || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("%q: %q, %v; want %q, %v", c.values, id, err, c.id, c.err)
		}
	}
}
