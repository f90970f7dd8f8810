package scopegrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/enforce"
	candidate "github.com/scopegen/scopegen/internal/testonly/candidatescopes"
	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// recorder is a Hook that keeps the events it receives.
type recorder struct {
	mu     sync.Mutex
	events []enforce.Event
}

func (r *recorder) hook(_ context.Context, e enforce.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// take returns the events received since the last take.
func (r *recorder) take() []enforce.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events = nil
	return e
}

// TestEvents: every call of an endpoint, and of a method that is not one,
// is reported to the hook once, through a server, with its decision in plain
// values: kind, outcome, reason, missing scopes, redacted fields and the
// spec's hash; a resolver's failure with its error.
func TestEvents(t *testing.T) {
	var rec recorder
	c, _ := start(t, scopegrpc.WithHook(rec.hook))
	ok := func(kind string) enforce.Verdict {
		return enforce.Verdict{Kind: kind, Allowed: true, Status: "OK", Reason: "allowed", SpecHash: scopes.SpecHash}
	}
	denied := func(kind string, code int, st, reason, missing string) enforce.Verdict {
		return enforce.Verdict{Kind: kind, Code: code, Status: st, Reason: reason, Missing: missing, SpecHash: scopes.SpecHash}
	}
	redacted := ok("app_key")
	redacted.Redacted = "item.data.concepts,item.secret"
	public := ok("none")
	public.Reason, public.Redacted = "public", "featured.secret"
	for _, tc := range []struct {
		call   func() error
		method string
		want   enforce.Verdict
	}{
		{func() error { _, err := c.GetItem(as("full"), &testpb.GetItemRequest{Id: "a"}); return err }, getItem, ok("app_key")},
		{func() error { _, err := c.GetItem(as("reader"), &testpb.GetItemRequest{Id: "c"}); return err }, getItem, redacted},
		{func() error { _, err := c.PutItem(as("pat-writer"), &testpb.PutItemRequest{}); return err }, putItem, ok("pat")},
		{func() error { _, err := c.Health(context.Background(), &testpb.HealthRequest{}); return err }, "/scopegen.test.Items/Health", public},
		{func() error { _, err := c.PutItem(as("reader"), &testpb.PutItemRequest{}); return err }, putItem, denied("app_key", 11007, "CONN_INSUFFICIENT_SCOPES", "principal", "Items:Put")},
		{func() error { _, err := c.GetItem(context.Background(), &testpb.GetItemRequest{}); return err }, getItem, denied("none", 11009, "CONN_KEY_NOT_FOUND", "no_credentials", "Items:Get")},
		{func() error { _, err := c.GetItem(as("nobody"), &testpb.GetItemRequest{}); return err }, getItem, denied("none", 11009, "CONN_KEY_NOT_FOUND", "key_not_found", "")},
		{func() error { _, err := c.GetItem(as("expired"), &testpb.GetItemRequest{}); return err }, getItem, denied("none", 11008, "CONN_KEY_INVALID", "key_invalid", "")},
		{func() error { _, err := c.Unlisted(as("full"), &testpb.HealthRequest{}); return err }, unlisted, denied("none", 11101, "CONN_DOES_NOT_EXIST", "unknown_endpoint", "")},
	} {
		err := tc.call()
		events := rec.take()
		if len(events) != 1 {
			t.Errorf("%s: %d events, want 1: %+v", tc.method, len(events), events)
			continue
		}
		e := events[0]
		if e.Transport != "grpc" || e.Method != tc.method || e.Verdict != tc.want || e.Shadowed {
			t.Errorf("%s (call error %v): event\n%+v\nwant transport grpc, method %s,\n%+v", tc.method, err, e, tc.method, tc.want)
		}
		if (err == nil) != e.Allowed {
			t.Errorf("%s: the call gave %v, the event says allowed %v", tc.method, err, e.Allowed)
		}
	}
	_, err := c.GetItem(as("broken"), &testpb.GetItemRequest{Id: "a"})
	events := rec.take()
	if status.Code(err) != codes.Internal || len(events) != 1 || events[0].Reason != enforce.ReasonError || events[0].Err == nil || !strings.Contains(events[0].Err.Error(), "down") {
		t.Errorf("a resolver failure: %v, events %+v; want one with ReasonError and the resolver's error", err, events)
	}
	// A method that PassUnlisted lets through is not decided: no event.
	c, _ = start(t, scopegrpc.WithHook(rec.hook), scopegrpc.PassUnlisted(func(m string) bool { return m == unlisted }))
	if _, err := c.Unlisted(context.Background(), &testpb.HealthRequest{}); err != nil || len(rec.take()) != 0 {
		t.Errorf("a passed method: %v, or an event", err)
	}
}

// TestHookNoAllocations: with a hook that keeps nothing, the allowed path
// allocates nothing, with nothing to redact and with fields to redact that
// the response lacks (the list of fields is joined once); and so does a
// stream.
func TestHookNoAllocations(t *testing.T) {
	full := mustGrant(t, scopes.AppKey, "All")
	reader := mustGrant(t, scopes.AppKey, "Items:Get")
	n := 0
	hook := scopegrpc.WithHook(func(_ context.Context, e enforce.Event) {
		if e.Allowed {
			n++
		}
	})
	resp := &testpb.GetItemResponse{Item: &testpb.Item{Id: "c"}}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	info := &grpc.UnaryServerInfo{FullMethod: getItem}
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		grant scopes.Grant
	}{{"allowed", full}, {"absent-fields", reader}} {
		unary := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(tc.grant), hook).UnaryServerInterceptor()
		if _, err := unary(ctx, nil, info, handler); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(200, func() { sinkResp, _ = unary(ctx, nil, info, handler) }); a != 0 {
			t.Errorf("%s with a hook: %v allocations per call, want 0", tc.name, a)
		}
	}
	stream := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(full), hook).StreamServerInterceptor()
	ss := &fakeStream{ctx: ctx}
	sinfo := &grpc.StreamServerInfo{FullMethod: watchItems, IsServerStream: true}
	h := func(_ any, s grpc.ServerStream) error { return s.SendMsg(resp.Item) }
	if a := testing.AllocsPerRun(200, func() { _ = stream(nil, ss, sinfo, h) }); a != 0 {
		t.Errorf("stream with a hook: %v allocations per call, want 0", a)
	}
	if n == 0 {
		t.Error("the hook was not called")
	}
}

// TestRedactedFieldsHeader: a client reads in the response header which
// fields were withheld from it, on a unary call and a stream, also when the
// response lacks them; a caller who may see everything gets no such header.
func TestRedactedFieldsHeader(t *testing.T) {
	c, _ := start(t)
	for _, tc := range []struct {
		key, id, want string
	}{
		{"reader", "a", "item.data.concepts,item.secret"},
		{"reader", "c", "item.data.concepts,item.secret"},
		{"concepts", "a", "item.secret"},
		{"full", "a", ""},
	} {
		var header metadata.MD
		if _, err := c.GetItem(as(tc.key), &testpb.GetItemRequest{Id: tc.id}, grpc.Header(&header)); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(header.Get(scopegrpc.RedactedFieldsKey), ";")
		if got != tc.want {
			t.Errorf("GetItem %s as %s: %s %q, want %q", tc.id, tc.key, scopegrpc.RedactedFieldsKey, got, tc.want)
		}
	}
	stream, err := c.WatchItems(as("reader"), &testpb.ListItemsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	header, err := stream.Header()
	if err != nil {
		t.Fatal(err)
	}
	if got := header.Get(scopegrpc.RedactedFieldsKey); len(got) != 1 || got[0] != "data.concepts" {
		t.Errorf("WatchItems as reader: %s %q, want [data.concepts]", scopegrpc.RedactedFieldsKey, got)
	}
	for {
		if _, err := stream.Recv(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// candidateResolver resolves the keys of the tests to grants of the
// candidate spec's checker: the same kinds, scopes, endpoints and invites.
func candidateResolver(t testing.TB) scopegrpc.Resolver[candidate.Grant] {
	store := map[string]candidate.Grant{}
	for id, k := range keys {
		kind, ok := candidate.ParsePrincipal(k.kind.String())
		if !ok {
			t.Fatalf("key %s: kind %v", id, k.kind)
		}
		g, err := candidate.NewGrant(kind, k.scopes, k.endpoints)
		if err != nil {
			t.Fatalf("key %s: %v", id, err)
		}
		if k.invite != nil {
			invite, err := candidate.NewGrant(candidate.AppKey|candidate.PersonalAccessToken, k.invite, nil)
			if err != nil {
				t.Fatal(err)
			}
			g = g.Intersect(invite)
		}
		if k.disabled || !k.expires.IsZero() && time.Now().After(k.expires) {
			continue
		}
		store[id] = g
	}
	return func(ctx context.Context) (candidate.Grant, error) {
		id, err := scopegrpc.KeyFromContext(ctx)
		if err != nil {
			return candidate.Grant{}, err
		}
		g, ok := store[id]
		if !ok {
			if _, known := keys[id]; known {
				return candidate.Grant{}, scopegrpc.ErrKeyInvalid
			}
			return candidate.Grant{}, scopegrpc.ErrKeyNotFound
		}
		return g, nil
	}
}

// answer is what a client got from a call: the response or the status, in
// their wire forms.
func answer(resp proto.Message, header metadata.MD, err error) string {
	if err != nil {
		st := status.Convert(err)
		return fmt.Sprint("error ", st.Code(), st.Message(), st.Details()) // ErrorInfo's metadata in key order
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(resp)
	return fmt.Sprintf("ok %x %q", b, header.Get(scopegrpc.RedactedFieldsKey))
}

// TestShadow serves the test service twice in memory, once with a candidate
// spec in shadow mode: every client's answer is the same from both, key by
// key and method by method, while the events report the candidate's
// decisions, and Differs exactly the calls whose decision or redaction the
// candidate changes (ListItems, which it refuses without Concepts:Get, and
// GetItem, from which it withholds item.variants too).
func TestShadow(t *testing.T) {
	var rec recorder
	plainC, _ := start(t)
	shadowC, _ := start(t, scopegrpc.WithHook(rec.hook), scopegrpc.WithShadow(candidateResolver(t)))
	calls := []struct {
		method string
		call   func(c testpb.ItemsClient, ctx context.Context) string
	}{
		{getItem, func(c testpb.ItemsClient, ctx context.Context) string {
			var h metadata.MD
			r, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"}, grpc.Header(&h))
			return answer(r, h, err)
		}},
		{listItems, func(c testpb.ItemsClient, ctx context.Context) string {
			var h metadata.MD
			r, err := c.ListItems(ctx, &testpb.ListItemsRequest{}, grpc.Header(&h))
			return answer(r, h, err)
		}},
		{putItem, func(c testpb.ItemsClient, ctx context.Context) string {
			r, err := c.PutItem(ctx, &testpb.PutItemRequest{Item: &testpb.Item{Id: "n"}})
			return answer(r, nil, err)
		}},
		{"/scopegen.test.Items/Health", func(c testpb.ItemsClient, ctx context.Context) string {
			var h metadata.MD
			r, err := c.Health(ctx, &testpb.HealthRequest{}, grpc.Header(&h))
			return answer(r, h, err)
		}},
		{unlisted, func(c testpb.ItemsClient, ctx context.Context) string {
			r, err := c.Unlisted(ctx, &testpb.HealthRequest{})
			return answer(r, nil, err)
		}},
	}
	ids := []string{"", "nobody"}
	for id := range keys {
		ids = append(ids, id)
	}
	differs := map[string]bool{}
	for _, id := range ids {
		ctx := context.Background()
		if id != "" {
			ctx = as(id)
		}
		for _, c := range calls {
			want := c.call(plainC, ctx)
			rec.take()
			if got := c.call(shadowC, ctx); got != want {
				t.Errorf("%s as %q: the client's answer changed in shadow mode:\n got %s\nwant %s", c.method, id, got, want)
			}
			events := rec.take()
			if len(events) != 1 || !events[0].Shadowed || events[0].Candidate.SpecHash != candidate.SpecHash || events[0].SpecHash != scopes.SpecHash {
				t.Errorf("%s as %q: events %+v; want one with the candidate's decision", c.method, id, events)
				continue
			}
			if events[0].Differs() {
				differs[c.method+" "+id] = true
			}
		}
	}
	// The same through the two checkers: the candidate refuses ListItems
	// without Concepts:Get (and reports it missing to those it refuses
	// anyway), and withholds item.variants of GetItem without it.
	want := map[string]bool{}
	enforced, cand := resolver(t), candidateResolver(t)
	for _, id := range ids {
		ctx := context.Background()
		if id != "" {
			ctx = metadata.NewIncomingContext(ctx, metadata.Pairs("authorization", "Key "+id))
		}
		for _, c := range calls {
			g1, d1, err1 := enforce.Decide[scopes.Grant, scopes.Decision](c.method, func() (scopes.Grant, error) { return enforced(ctx) })
			g2, d2, err2 := enforce.Decide[candidate.Grant, candidate.Decision](c.method, func() (candidate.Grant, error) { return cand(ctx) })
			if !enforce.VerdictOf(g1, d1, err1).Same(enforce.VerdictOf(g2, d2, err2)) {
				want[c.method+" "+id] = true
			}
		}
	}
	for _, k := range []string{listItems + " reader", getItem + " reader", listItems + " none", listItems + " "} {
		if !want[k] {
			t.Errorf("%s: the candidate decides it as the enforced spec does; the test's specs have drifted", k)
		}
	}
	for _, k := range []string{getItem + " concepts", getItem + " full", putItem + " pat-writer", "/scopegen.test.Items/Health "} {
		if want[k] {
			t.Errorf("%s: the candidate decides it otherwise; the test's specs have drifted", k)
		}
	}
	if fmt.Sprint(differs) != fmt.Sprint(want) {
		t.Errorf("the calls that differ in shadow mode:\n got %v\nwant %v", differs, want)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("WithShadow without WithHook did not panic")
			}
		}()
		scopegrpc.New[scopes.Grant, scopes.Decision](resolver(t), scopegrpc.WithShadow(candidateResolver(t)))
	}()
}

// TestShadowResolverError: a candidate's resolver that fails changes nothing
// for the client either; its event carries the error.
func TestShadowResolverError(t *testing.T) {
	var rec recorder
	down := errors.New("the candidate's store is down")
	failing := func(context.Context) (candidate.Grant, error) { return candidate.Grant{}, down }
	c, items := start(t, scopegrpc.WithHook(rec.hook), scopegrpc.WithShadow(failing))
	resp, err := c.GetItem(as("full"), &testpb.GetItemRequest{Id: "a"})
	if err != nil || !proto.Equal(resp.Item, items[0]) {
		t.Fatalf("GetItem: %v, %v", resp, err)
	}
	events := rec.take()
	if len(events) != 1 || !events[0].Differs() || events[0].Candidate.Err != down || !events[0].Allowed {
		t.Errorf("events %+v; want one allowed, whose candidate failed with %v", events, down)
	}
}

// BenchmarkHook is the unary interceptor on an allowed call, called
// directly, without a hook, with a hook that does nothing, with
// enforce.SlogHook on a logger that discards the calls' level (Debug), and
// in shadow mode (a second resolve and check per call).
func BenchmarkHook(b *testing.B) {
	full := mustGrant(b, scopes.AppKey, "All")
	cand, _ := candidate.NewGrant(candidate.AppKey, []string{"All"}, nil)
	resp := &testpb.GetItemResponse{Item: &testpb.Item{Id: "c"}}
	handler := func(context.Context, any) (any, error) { return resp, nil }
	info := &grpc.UnaryServerInfo{FullMethod: getItem}
	nothing := func(context.Context, enforce.Event) {}
	quiet := enforce.SlogHook(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, bc := range []struct {
		name string
		opts []scopegrpc.Option
	}{
		{"no-hook", nil},
		{"hook", []scopegrpc.Option{scopegrpc.WithHook(nothing)}},
		{"slog-not-logged", []scopegrpc.Option{scopegrpc.WithHook(quiet)}},
		{"shadow", []scopegrpc.Option{scopegrpc.WithHook(nothing), scopegrpc.WithShadow(func(context.Context) (candidate.Grant, error) { return cand, nil })}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			unary := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(full), bc.opts...).UnaryServerInterceptor()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				sinkResp, _ = unary(ctx, nil, info, handler)
			}
		})
	}
}
