package scopegrpc_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// The interceptors of a benchmark's server.
const (
	plain    = iota // none
	noop            // a unary interceptor that only calls the handler
	enforced        // the Enforcer's
)

// serveTCP serves the test service on a loopback TCP port, with the
// interceptors of mode, and returns a client.
func serveTCP(b *testing.B, mode int) testpb.ItemsClient {
	b.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Skip("no loopback:", err)
	}
	var opts []grpc.ServerOption
	switch mode {
	case noop:
		opts = append(opts, grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			return handler(ctx, req)
		}))
	case enforced:
		opts = scopegrpc.New[scopes.Grant, scopes.Decision](resolver(b)).ServerOptions()
	}
	srv := grpc.NewServer(opts...)
	testpb.RegisterItemsServer(srv, &server{items: stored()})
	go srv.Serve(lis)
	b.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return testpb.NewItemsClient(conn)
}

// BenchmarkUnary is a unary call of GetItem over loopback TCP, without
// interceptors (plain), with one that does nothing (noop: what gRPC itself
// spends on any interceptor) and with the Enforcer's: for a caller who may see
// every field (nothing-to-redact), for a response that lacks the fields its
// caller may not see (absent-fields), and for a response that is redacted.
// Every call carries a key; the resolver of the tests allocates once
// (KeyFromContext copies the metadata value). Item a has every field, item c
// only an id.
func BenchmarkUnary(b *testing.B) {
	for _, bc := range []struct {
		name    string
		mode    int
		key, id string
	}{
		{"a/plain", plain, "full", "a"},
		{"a/noop", noop, "full", "a"},
		{"a/nothing-to-redact", enforced, "full", "a"},
		{"a/redacted", enforced, "reader", "a"},
		{"c/plain", plain, "reader", "c"},
		{"c/noop", noop, "reader", "c"},
		{"c/absent-fields", enforced, "reader", "c"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := serveTCP(b, bc.mode)
			ctx := as(bc.key)
			req := &testpb.GetItemRequest{Id: bc.id}
			if _, err := c.GetItem(ctx, req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetItem(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverhead measures the Enforcer's share of a unary call over
// loopback TCP on a busy machine. Each iteration calls GetItem four times, in
// a rotating order: item a (every field) on a server without interceptors
// and on one with the Enforcer, for a caller who may see every field
// (nothing to redact); item c (an id only) without interceptors and with the
// Enforcer, for a caller who may not see fields the item lacks (redaction
// that finds nothing). Each call is timed; the benchmark reports the median
// duration of each kind and the overhead of the enforced calls over the plain
// calls of the same item, in percent. Pairing the calls makes the machine's
// load fall on all of them alike.
func BenchmarkOverhead(b *testing.B) {
	calls := [4]struct {
		c   testpb.ItemsClient
		ctx context.Context
		req *testpb.GetItemRequest
	}{
		{serveTCP(b, plain), as("full"), &testpb.GetItemRequest{Id: "a"}},
		{serveTCP(b, enforced), as("full"), &testpb.GetItemRequest{Id: "a"}},
		{serveTCP(b, plain), as("reader"), &testpb.GetItemRequest{Id: "c"}},
		{serveTCP(b, enforced), as("reader"), &testpb.GetItemRequest{Id: "c"}},
	}
	for _, c := range calls {
		if _, err := c.c.GetItem(c.ctx, c.req); err != nil {
			b.Fatal(err)
		}
	}
	var took [len(calls)][]time.Duration
	for k := range took {
		took[k] = make([]time.Duration, b.N)
	}
	b.ResetTimer()
	for i := range b.N {
		for j := range calls {
			k := (i + j) % len(calls)
			start := time.Now()
			if _, err := calls[k].c.GetItem(calls[k].ctx, calls[k].req); err != nil {
				b.Fatal(err)
			}
			took[k][i] = time.Since(start)
		}
	}
	b.StopTimer()
	var median [len(calls)]float64
	for k := range took {
		slices.Sort(took[k])
		median[k] = float64(took[k][len(took[k])/2])
	}
	b.ReportMetric(median[0], "a-plain-ns/call")
	b.ReportMetric(median[1], "a-enforced-ns/call")
	b.ReportMetric(median[2], "c-plain-ns/call")
	b.ReportMetric(median[3], "c-enforced-ns/call")
	b.ReportMetric(100*(median[1]/median[0]-1), "a-overhead-%")
	b.ReportMetric(100*(median[3]/median[2]-1), "c-overhead-%")
}

// fixedResolver resolves every call to one grant, without allocating: what
// the interceptors cost on their own.
func fixedResolver(g scopes.Grant) scopegrpc.Resolver[scopes.Grant] {
	return func(context.Context) (scopes.Grant, error) { return g, nil }
}

var sinkResp any

// BenchmarkInterceptor is the unary interceptor alone, called directly: the
// overhead it adds to each call, with the resolver of the tests (map lookup
// of the key from metadata) and with one that does nothing.
func BenchmarkInterceptor(b *testing.B) {
	full, _ := scopes.NewGrant(scopes.AppKey, []string{"All"}, nil)
	reader, _ := scopes.NewGrant(scopes.AppKey, []string{"Items:Get"}, nil)
	items := stored()
	handler := func(_ context.Context, req any) (any, error) {
		return &testpb.GetItemResponse{Item: items[2]}, nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: getItem}
	incoming := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Key full"))
	for _, bc := range []struct {
		name    string
		resolve scopegrpc.Resolver[scopes.Grant]
	}{
		{"key-from-metadata", resolver(b)},
		{"fixed-grant", fixedResolver(full)},
		{"fixed-grant-absent-fields", fixedResolver(reader)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			unary := scopegrpc.New[scopes.Grant, scopes.Decision](bc.resolve).UnaryServerInterceptor()
			b.ReportAllocs()
			for b.Loop() {
				sinkResp, _ = unary(incoming, nil, info, handler)
			}
		})
	}
	b.Run("handler-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkResp, _ = handler(incoming, nil)
		}
	})
}

// TestNoAllocations: with a resolver that does not allocate, the interceptors
// allocate nothing for an allowed call with nothing to redact, for a call
// whose response lacks the fields to redact, and for a stream.
func TestNoAllocations(t *testing.T) {
	full, _ := scopes.NewGrant(scopes.AppKey, []string{"All"}, nil)
	reader, _ := scopes.NewGrant(scopes.AppKey, []string{"Items:Get"}, nil)
	pat, _ := scopes.NewGrant(scopes.PersonalAccessToken, []string{"All"}, nil)
	items := stored()
	resp := &testpb.GetItemResponse{Item: items[2]} // no data, no secret
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		grant  scopes.Grant
		method string
		resp   any
	}{
		{"allowed", full, getItem, resp},
		{"absent-fields", reader, getItem, resp},
		{"no-redactions", pat, "/scopegen.test.Items/PutItem", &testpb.PutItemResponse{}},
		{"public", scopes.Grant{}, "/scopegen.test.Items/Health", &testpb.HealthResponse{Featured: items[2]}},
	} {
		handler := func(context.Context, any) (any, error) { return tc.resp, nil }
		unary := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(tc.grant)).UnaryServerInterceptor()
		info := &grpc.UnaryServerInfo{FullMethod: tc.method}
		if _, err := unary(ctx, nil, info, handler); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := testing.AllocsPerRun(200, func() { sinkResp, _ = unary(ctx, nil, info, handler) }); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tc.name, n)
		}
	}
	stream := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(full)).StreamServerInterceptor()
	ss := &fakeStream{ctx: ctx}
	info := &grpc.StreamServerInfo{FullMethod: watchItems, IsServerStream: true}
	h := func(_ any, s grpc.ServerStream) error { return s.SendMsg(items[0]) }
	if n := testing.AllocsPerRun(200, func() { _ = stream(nil, ss, info, h) }); n != 0 {
		t.Errorf("stream: %v allocations per call, want 0", n)
	}
}

type fakeStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *fakeStream) Context() context.Context    { return s.ctx }
func (s *fakeStream) SendMsg(any) error           { return nil }
func (s *fakeStream) SetHeader(metadata.MD) error { return nil }

// TestRedactionResolvedOnce: the field paths of an endpoint are resolved on
// its response type by the first call, not by each: a call that redacts
// (in place, through nested, repeated and map fields) allocates less than the
// same call of a new Enforcer, which must resolve them. (Walking lists and
// maps through protoreflect allocates, so a call that redacts is not free;
// one with nothing to redact is: TestNoAllocations.)
func TestRedactionResolvedOnce(t *testing.T) {
	reader, _ := scopes.NewGrant(scopes.AppKey, []string{"Items:Get"}, nil)
	concepts := []*testpb.Concept{{Id: "cat"}}
	data := &testpb.Data{Text: "t"}
	variant := &testpb.Data{}
	child := &testpb.Item{Id: "child"}
	item := &testpb.Item{Id: "a", Data: data, Variants: map[string]*testpb.Data{"small": variant}, Children: []*testpb.Item{child}}
	resp := &testpb.ListItemsResponse{Items: []*testpb.Item{item}}
	// handler refills the fields that the previous call removed, without
	// allocating.
	handler := func(context.Context, any) (any, error) {
		data.Concepts, variant.Concepts, child.Secret = concepts, concepts, "secret"
		return resp, nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: listItems}
	ctx := context.Background()
	resolve := fixedResolver(reader)
	unary := scopegrpc.New[scopes.Grant, scopes.Decision](resolve, scopegrpc.RedactInPlace()).UnaryServerInterceptor()
	call := func(unary grpc.UnaryServerInterceptor) {
		if _, err := unary(ctx, nil, info, handler); err != nil {
			t.Fatal(err)
		}
	}
	call(unary)
	if data.Concepts != nil || variant.Concepts != nil || child.Secret != "" {
		t.Fatalf("in place: the fields were not removed: %v", resp)
	}
	steady := testing.AllocsPerRun(100, func() { call(unary) })
	newOnly := testing.AllocsPerRun(100, func() {
		_ = scopegrpc.New[scopes.Grant, scopes.Decision](resolve, scopegrpc.RedactInPlace()).UnaryServerInterceptor()
	})
	first := testing.AllocsPerRun(100, func() {
		call(scopegrpc.New[scopes.Grant, scopes.Decision](resolve, scopegrpc.RedactInPlace()).UnaryServerInterceptor())
	}) - newOnly
	if steady >= first {
		t.Errorf("a redacted call allocates %v times, as many as the first call of an Enforcer (%v): are the paths resolved on every call?", steady, first)
	}
	t.Logf("allocations of a call that redacts in place: %v; of the first call, which resolves the paths: %v", steady, first)

	copying := scopegrpc.New[scopes.Grant, scopes.Decision](resolve).UnaryServerInterceptor()
	handler(ctx, nil)
	got, err := copying(ctx, nil, info, handler)
	if err != nil {
		t.Fatal(err)
	}
	if g := got.(*testpb.ListItemsResponse); g == resp || g.Items[0].Data.Concepts != nil || g.Items[0].Children[0].Secret != "" || data.Concepts == nil {
		t.Errorf("a redacted copy: %v, the handler's %v", g, resp)
	}
}
