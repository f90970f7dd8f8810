package scopegrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/scopegen/scopegen/internal/testonly/grpctest"
	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// key is a key of the in-memory key store of the tests.
type key struct {
	kind      scopes.Principal
	scopes    []string
	endpoints []string
	expires   time.Time
	disabled  bool
	invite    []string // a collaborator's invite: the scopes the app's owner granted
}

var keys = map[string]key{
	"full":       {kind: scopes.AppKey, scopes: []string{"All"}},
	"reader":     {kind: scopes.AppKey, scopes: []string{"Items:Get"}},
	"concepts":   {kind: scopes.AppKey, scopes: []string{"Items:Get", "Concepts:Get"}},
	"none":       {kind: scopes.AppKey},
	"app-writer": {kind: scopes.AppKey, scopes: []string{"Items:Get", "Items:Put"}},
	"pat-writer": {kind: scopes.PersonalAccessToken, scopes: []string{"Items:Get", "Items:Put"}},
	"restricted": {kind: scopes.AppKey, scopes: []string{"Items:Get", "Concepts:Get"}, endpoints: []string{"/scopegen.test.Items/ListItems"}},
	"searcher":   {kind: scopes.AppKey, scopes: []string{"Search"}},
	"predictor":  {kind: scopes.AppKey, scopes: []string{"Search", "Predict"}},
	"expired":    {kind: scopes.AppKey, scopes: []string{"All"}, expires: time.Now().Add(-time.Hour)},
	"valid":      {kind: scopes.AppKey, scopes: []string{"All"}, expires: time.Now().Add(time.Hour)},
	"disabled":   {kind: scopes.AppKey, scopes: []string{"All"}, disabled: true},
	// A PAT that may do everything, used on an app whose owner invited its
	// user with Items:Get and Concepts:Get only.
	"collaborator": {kind: scopes.PersonalAccessToken, scopes: []string{"All"}, invite: []string{"Items:Get", "Concepts:Get"}},
}

// resolver looks keys up in keys; grants are made once, not per call.
func resolver(t testing.TB) scopegrpc.Resolver[scopes.Grant] {
	type entry struct {
		grant    scopes.Grant
		expires  time.Time
		disabled bool
	}
	store := map[string]entry{}
	for id, k := range keys {
		g, err := scopes.NewGrant(k.kind, k.scopes, k.endpoints)
		if err != nil {
			t.Fatalf("key %s: %v", id, err)
		}
		if k.invite != nil {
			invite, err := scopes.NewGrant(scopes.AppKey|scopes.PersonalAccessToken, k.invite, nil)
			if err != nil {
				t.Fatalf("key %s: %v", id, err)
			}
			g = g.Intersect(invite)
		}
		store[id] = entry{g, k.expires, k.disabled}
	}
	return func(ctx context.Context) (scopes.Grant, error) {
		id, err := scopegrpc.KeyFromContext(ctx)
		if err != nil {
			return scopes.Grant{}, err
		}
		e, ok := store[id]
		switch {
		case id == "broken":
			return scopes.Grant{}, errors.New("the key store is down")
		case id == "busy":
			return scopes.Grant{}, status.Error(codes.Unavailable, "the key store is busy")
		case !ok:
			return scopes.Grant{}, scopegrpc.ErrKeyNotFound
		case e.disabled:
			return scopes.Grant{}, fmt.Errorf("%w: disabled", scopegrpc.ErrKeyInvalid)
		case !e.expires.IsZero() && time.Now().After(e.expires):
			return scopes.Grant{}, fmt.Errorf("%w: expired", scopegrpc.ErrKeyInvalid)
		}
		return e.grant, nil
	}
}

// stored are the items of the test server. Handlers return them as they are,
// without copying: redaction must not change them.
func stored() []*testpb.Item {
	concepts := func(names ...string) *testpb.Data {
		d := &testpb.Data{Text: "text of " + strings.Join(names, "+")}
		for _, n := range names {
			d.Concepts = append(d.Concepts, &testpb.Concept{Id: n, Name: n, Value: 0.9})
		}
		return d
	}
	return []*testpb.Item{
		{
			Id:       "a",
			Data:     concepts("cat", "dog"),
			Secret:   "secret a",
			Variants: map[string]*testpb.Data{"small": concepts("kitten"), "plain": {Text: "no concepts"}},
			Children: []*testpb.Item{{Id: "a1", Secret: "secret a1"}, {Id: "a2"}},
		},
		{Id: "b", Data: concepts("bird"), Secret: "secret b"},
		{Id: "c"},
	}
}

type server struct {
	testpb.UnimplementedItemsServer
	items []*testpb.Item
}

func (s *server) GetItem(_ context.Context, req *testpb.GetItemRequest) (*testpb.GetItemResponse, error) {
	for _, it := range s.items {
		if it.Id == req.Id {
			return &testpb.GetItemResponse{Item: it}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no item %q", req.Id)
}

func (s *server) ListItems(context.Context, *testpb.ListItemsRequest) (*testpb.ListItemsResponse, error) {
	return &testpb.ListItemsResponse{Items: s.items}, nil
}

func (s *server) WatchItems(_ *testpb.ListItemsRequest, stream grpc.ServerStreamingServer[testpb.Item]) error {
	for _, it := range s.items {
		if err := stream.Send(it); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) PutItem(_ context.Context, req *testpb.PutItemRequest) (*testpb.PutItemResponse, error) {
	return &testpb.PutItemResponse{Item: req.Item}, nil
}

func (s *server) SearchItems(ctx context.Context, req *testpb.SearchRequest) (*testpb.ListItemsResponse, error) {
	g, ok := scopegrpc.GrantFromContext[scopes.Grant](ctx)
	if !ok {
		return nil, status.Error(codes.Internal, "no grant in the context")
	}
	if req.ByImage && !g.Has(scopes.Predict) {
		return nil, status.Error(codes.PermissionDenied, "a search by image needs Predict")
	}
	return &testpb.ListItemsResponse{Items: s.items[:1]}, nil
}

func (s *server) Health(context.Context, *testpb.HealthRequest) (*testpb.HealthResponse, error) {
	return &testpb.HealthResponse{Status: "ok", Featured: s.items[0]}, nil
}

func (s *server) Unlisted(context.Context, *testpb.HealthRequest) (*testpb.HealthResponse, error) {
	return &testpb.HealthResponse{Status: "unlisted"}, nil
}

func (s *server) Collect(stream grpc.ClientStreamingServer[testpb.PutItemRequest, testpb.ListItemsResponse]) error {
	var out testpb.ListItemsResponse
	for {
		req, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&out)
		}
		if err != nil {
			return err
		}
		out.Items = append(out.Items, req.Item)
	}
}

// start serves the test service in memory with the interceptors made by
// opts, and returns a client and the items the server holds.
func start(t *testing.T, opts ...scopegrpc.Option) (testpb.ItemsClient, []*testpb.Item) {
	t.Helper()
	enforcer := scopegrpc.New[scopes.Grant, scopes.Decision](resolver(t), opts...)
	srv := grpc.NewServer(enforcer.ServerOptions()...)
	items := stored()
	testpb.RegisterItemsServer(srv, &server{items: items})
	return testpb.NewItemsClient(grpctest.Serve(t, srv)), items
}

// as returns a context whose calls carry key id.
func as(id string) context.Context {
	return scopegrpc.WithKey(context.Background(), id)
}

// denial is what a client reads from a denied call.
type denial struct {
	code     codes.Code
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
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("%v is not a status error", err)
	}
	d := denial{code: st.Code(), message: st.Message()}
	details := st.Details()
	if len(details) != 1 {
		t.Fatalf("%v: %d details, want one ErrorInfo: %v", err, len(details), details)
	}
	info, ok := details[0].(*errdetails.ErrorInfo)
	if !ok {
		t.Fatalf("%v: detail is a %T, want *errdetails.ErrorInfo", err, details[0])
	}
	md := info.Metadata
	d.outcome, d.status, d.reason = md[scopegrpc.MetadataCode], md[scopegrpc.MetadataStatus], md[scopegrpc.MetadataReason]
	d.missing, d.endpoint, d.domain = md[scopegrpc.MetadataMissingScopes], md[scopegrpc.MetadataEndpoint], info.Domain
	if info.Reason != d.status {
		t.Errorf("ErrorInfo.Reason %q, metadata status %q; want them equal", info.Reason, d.status)
	}
	return d
}

const (
	getItem     = "/scopegen.test.Items/GetItem"
	listItems   = "/scopegen.test.Items/ListItems"
	watchItems  = "/scopegen.test.Items/WatchItems"
	putItem     = "/scopegen.test.Items/PutItem"
	searchItems = "/scopegen.test.Items/SearchItems"
	unlisted    = "/scopegen.test.Items/Unlisted"
)

var (
	insufficient = denial{code: codes.PermissionDenied, message: "the key lacks the scopes this call needs", outcome: "11007", status: "CONN_INSUFFICIENT_SCOPES", domain: "scopegen.test.Items"}
	keyInvalid   = denial{code: codes.Unauthenticated, message: "the key is invalid, disabled or expired", outcome: "11008", status: "CONN_KEY_INVALID", reason: "key_invalid", domain: "scopegen.test.Items"}
	keyNotFound  = denial{code: codes.NotFound, message: "the key was not found", outcome: "11009", status: "CONN_KEY_NOT_FOUND", reason: "key_not_found", domain: "scopegen.test.Items"}
	noEndpoint   = denial{code: codes.NotFound, message: "the endpoint does not exist", outcome: "11101", status: "CONN_DOES_NOT_EXIST", reason: "unknown_endpoint", domain: "scopegen.test.Items"}
)

func with(d denial, f func(*denial)) denial {
	f(&d)
	return d
}

func wantDenial(t *testing.T, err error, want denial) {
	t.Helper()
	if got := denied(t, err); got != want {
		t.Errorf("denial\n got %+v\nwant %+v", got, want)
	}
}

func TestAllowed(t *testing.T) {
	c, items := start(t)
	resp, err := c.GetItem(as("full"), &testpb.GetItemRequest{Id: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(resp.Item, items[0]) {
		t.Errorf("a key with All got %v, want %v", resp.Item, items[0])
	}
	if _, err := c.GetItem(as("valid"), &testpb.GetItemRequest{Id: "a"}); err != nil {
		t.Errorf("a key that expires in an hour: %v", err)
	}
	// A denial by the handler itself is passed on unchanged.
	_, err = c.GetItem(as("full"), &testpb.GetItemRequest{Id: "zz"})
	if status.Code(err) != codes.NotFound || len(status.Convert(err).Details()) != 0 {
		t.Errorf("the handler's own error: %v", err)
	}
}

func TestRejected(t *testing.T) {
	c, _ := start(t)
	_, err := c.GetItem(as("none"), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.missing, d.endpoint = "missing_scopes", "Items:Get", getItem
	}))
	_, err = c.PutItem(as("reader"), &testpb.PutItemRequest{})
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.missing, d.endpoint = "principal", "Items:Put", putItem
	}))
	// A key restricted to ListItems may not call GetItem, whatever its scopes.
	_, err = c.GetItem(as("restricted"), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.endpoint = "endpoint_not_granted", getItem
	}))
	if _, err := c.ListItems(as("restricted"), &testpb.ListItemsRequest{}); err != nil {
		t.Errorf("restricted key on its endpoint: %v", err)
	}
	// Streams are refused before the handler runs.
	stream, err := c.WatchItems(as("none"), &testpb.ListItemsRequest{})
	if err == nil {
		_, err = stream.Recv()
	}
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.missing, d.endpoint = "missing_scopes", "Items:Get", watchItems
	}))
}

// redactedItem is what a key without Concepts:Get and Secrets:Get sees of it.
func redactedItem(it *testpb.Item) *testpb.Item {
	it = proto.Clone(it).(*testpb.Item)
	it.Secret = ""
	if it.Data != nil {
		it.Data.Concepts = nil
	}
	return it
}

func TestRedactedNested(t *testing.T) {
	c, items := start(t)
	before := proto.Clone(&testpb.ListItemsResponse{Items: items})
	for _, tc := range []struct {
		key  string
		want func(*testpb.Item) *testpb.Item
	}{
		{"reader", redactedItem},
		{"concepts", func(it *testpb.Item) *testpb.Item { it = proto.Clone(it).(*testpb.Item); it.Secret = ""; return it }},
		{"full", func(it *testpb.Item) *testpb.Item { return it }},
	} {
		resp, err := c.GetItem(as(tc.key), &testpb.GetItemRequest{Id: "a"})
		if err != nil {
			t.Fatal(err)
		}
		if want := tc.want(items[0]); !proto.Equal(resp.Item, want) {
			t.Errorf("%s: GetItem gave\n%v\nwant\n%v", tc.key, resp.Item, want)
		}
	}
	if !proto.Equal(before, &testpb.ListItemsResponse{Items: items}) {
		t.Errorf("redaction changed the server's items")
	}
}

func TestRedactedRepeatedAndMap(t *testing.T) {
	c, items := start(t)
	resp, err := c.ListItems(as("reader"), &testpb.ListItemsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Items) != len(items) {
		t.Fatalf("%d items, want %d", len(resp.Items), len(items))
	}
	for i, got := range resp.Items {
		want := proto.Clone(items[i]).(*testpb.Item)
		if want.Data != nil {
			want.Data.Concepts = nil // items.data.concepts: through a repeated field
		}
		for _, v := range want.Variants {
			v.Concepts = nil // items.variants.concepts: through a map
		}
		for _, ch := range want.Children {
			ch.Secret = "" // items.children.secret: through two repeated fields
		}
		if !proto.Equal(got, want) {
			t.Errorf("item %d:\n got %v\nwant %v", i, got, want)
		}
		if got.Secret != items[i].Secret {
			t.Errorf("item %d: the item's own secret is not redacted by ListItems, got %q", i, got.Secret)
		}
	}
	resp, err = c.ListItems(as("full"), &testpb.ListItemsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(resp, &testpb.ListItemsResponse{Items: items}) {
		t.Errorf("a key with All: the server's items changed or were redacted:\n%v", resp)
	}
}

func TestRedactedStream(t *testing.T) {
	c, items := start(t)
	for _, tc := range []struct {
		key    string
		redact bool
	}{{"reader", true}, {"concepts", false}} {
		stream, err := c.WatchItems(as(tc.key), &testpb.ListItemsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for ; ; n++ {
			it, err := stream.Recv()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			want := proto.Clone(items[n]).(*testpb.Item)
			if tc.redact && want.Data != nil {
				want.Data.Concepts = nil
			}
			if !proto.Equal(it, want) {
				t.Errorf("%s: message %d:\n got %v\nwant %v", tc.key, n, it, want)
			}
		}
		if n != len(items) {
			t.Errorf("%s: %d messages, want %d", tc.key, n, len(items))
		}
	}
}

func TestPublic(t *testing.T) {
	c, items := start(t)
	resp, err := c.Health(context.Background(), &testpb.HealthRequest{})
	if err != nil {
		t.Fatalf("a public endpoint without credentials: %v", err)
	}
	if resp.Status != "ok" || resp.Featured.Secret != "" || resp.Featured.Id != "a" {
		t.Errorf("without credentials: %v; want the featured item without its secret", resp)
	}
	resp, err = c.Health(as("full"), &testpb.HealthRequest{})
	if err != nil || resp.Featured.Secret != items[0].Secret {
		t.Errorf("with a key that may see secrets: %v, %v", resp, err)
	}
	// Credentials sent to a public endpoint must be valid.
	_, err = c.Health(as("nobody"), &testpb.HealthRequest{})
	wantDenial(t, err, with(keyNotFound, func(d *denial) { d.endpoint = "/scopegen.test.Items/Health" }))
}

// TestUnauthenticated: a call without credentials of an endpoint that is not
// public ends with codes.Unauthenticated, whatever gRPC code the spec gives
// its outcome (11009 CONN_KEY_NOT_FOUND is NOT_FOUND in the test spec), on a
// unary call, a server stream and a client stream.
func TestUnauthenticated(t *testing.T) {
	c, _ := start(t)
	want := func(method, missing string) denial {
		return with(keyNotFound, func(d *denial) {
			d.code, d.reason, d.missing, d.endpoint = codes.Unauthenticated, "no_credentials", missing, method
		})
	}
	_, err := c.GetItem(context.Background(), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, want(getItem, "Items:Get"))
	watch, err := c.WatchItems(context.Background(), &testpb.ListItemsRequest{})
	if err == nil {
		_, err = watch.Recv()
	}
	wantDenial(t, err, want(watchItems, "Items:Get"))
	collect, err := c.Collect(context.Background())
	if err == nil {
		_, err = collect.CloseAndRecv()
	}
	wantDenial(t, err, want("/scopegen.test.Items/Collect", "Items:Get,Items:Put"))
}

func TestUnknownKey(t *testing.T) {
	c, _ := start(t)
	_, err := c.GetItem(as("nobody"), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, with(keyNotFound, func(d *denial) { d.endpoint = getItem }))
}

func TestExpiredKey(t *testing.T) {
	c, _ := start(t)
	_, err := c.GetItem(as("expired"), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, with(keyInvalid, func(d *denial) { d.endpoint = getItem }))
}

func TestDisabledKey(t *testing.T) {
	c, _ := start(t)
	_, err := c.GetItem(as("disabled"), &testpb.GetItemRequest{Id: "a"})
	wantDenial(t, err, with(keyInvalid, func(d *denial) { d.endpoint = getItem }))
}

func TestMalformedCredentials(t *testing.T) {
	c, _ := start(t)
	for _, auth := range [][]string{
		{"authorization", "Bearer full"},
		{"authorization", "Key"},
		{"authorization", "Key "},
		{"authorization", "Key full extra"},
		{"authorization", "Key full", "authorization", "Key reader"},
	} {
		ctx := metadata.AppendToOutgoingContext(context.Background(), auth...)
		_, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"})
		wantDenial(t, err, with(keyInvalid, func(d *denial) { d.endpoint = getItem }))
	}
	// The scheme is case-insensitive, as in HTTP.
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "key full")
	if _, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"}); err != nil {
		t.Errorf("authorization: key full: %v", err)
	}
}

func TestPATOnly(t *testing.T) {
	c, _ := start(t)
	item := &testpb.Item{Id: "new"}
	_, err := c.PutItem(as("app-writer"), &testpb.PutItemRequest{Item: item})
	wantDenial(t, err, with(insufficient, func(d *denial) { d.reason, d.endpoint = "principal", putItem }))
	resp, err := c.PutItem(as("pat-writer"), &testpb.PutItemRequest{Item: item})
	if err != nil || resp.Item.GetId() != "new" {
		t.Errorf("a PAT with the scopes: %v, %v", resp, err)
	}
}

func TestCollaborator(t *testing.T) {
	c, items := start(t)
	// The invite allows Items:Get and Concepts:Get: concepts are shown,
	// secrets are not, although the collaborator's own PAT holds All.
	resp, err := c.GetItem(as("collaborator"), &testpb.GetItemRequest{Id: "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := proto.Clone(items[0]).(*testpb.Item)
	want.Secret = ""
	if !proto.Equal(resp.Item, want) {
		t.Errorf("collaborator: got %v, want %v", resp.Item, want)
	}
	_, err = c.PutItem(as("collaborator"), &testpb.PutItemRequest{})
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.missing, d.endpoint = "missing_scopes", "Items:Put", putItem
	}))
}

func TestUnknownMethod(t *testing.T) {
	c, _ := start(t)
	for _, key := range []string{"full", "nobody", ""} {
		ctx := context.Background()
		if key != "" {
			ctx = as(key)
		}
		_, err := c.Unlisted(ctx, &testpb.HealthRequest{})
		wantDenial(t, err, with(noEndpoint, func(d *denial) { d.endpoint = unlisted }))
	}
	// PassUnlisted lets chosen methods through, and only them.
	c, _ = start(t, scopegrpc.PassUnlisted(func(m string) bool { return m == unlisted }))
	if resp, err := c.Unlisted(context.Background(), &testpb.HealthRequest{}); err != nil || resp.Status != "unlisted" {
		t.Errorf("PassUnlisted: %v, %v", resp, err)
	}
	_, err := c.GetItem(context.Background(), &testpb.GetItemRequest{Id: "a"})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("PassUnlisted let an endpoint of the spec through: %v", err)
	}
}

func TestRequestScopes(t *testing.T) {
	c, _ := start(t)
	if _, err := c.SearchItems(as("searcher"), &testpb.SearchRequest{Query: "cat"}); err != nil {
		t.Errorf("search by text: %v", err)
	}
	if _, err := c.SearchItems(as("searcher"), &testpb.SearchRequest{ByImage: true}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("search by image without Predict: %v, want PermissionDenied from the handler", err)
	}
	if _, err := c.SearchItems(as("predictor"), &testpb.SearchRequest{ByImage: true}); err != nil {
		t.Errorf("search by image with Predict: %v", err)
	}
}

func TestResolverErrors(t *testing.T) {
	c, _ := start(t)
	_, err := c.GetItem(as("broken"), &testpb.GetItemRequest{Id: "a"})
	if st := status.Convert(err); st.Code() != codes.Internal || strings.Contains(st.Message(), "down") {
		t.Errorf("a resolver failure: %v; want Internal without the error's text", err)
	}
	_, err = c.GetItem(as("busy"), &testpb.GetItemRequest{Id: "a"})
	if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "the key store is busy" {
		t.Errorf("a resolver's status: %v; want it unchanged", err)
	}
}

func TestClientStream(t *testing.T) {
	c, _ := start(t)
	stream, err := c.Collect(as("app-writer"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x", "y"} {
		if err := stream.Send(&testpb.PutItemRequest{Item: &testpb.Item{Id: id}}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil || len(resp.Items) != 2 {
		t.Errorf("Collect: %v, %v", resp, err)
	}
	stream, err = c.Collect(as("reader"))
	if err == nil {
		_, err = stream.CloseAndRecv()
	}
	wantDenial(t, err, with(insufficient, func(d *denial) {
		d.reason, d.missing, d.endpoint = "missing_scopes", "Items:Put", "/scopegen.test.Items/Collect"
	}))
}

func TestGrantInContext(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []bool
	)
	probe := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		_, ok := scopegrpc.GrantFromContext[scopes.Grant](ctx)
		mu.Lock()
		seen = append(seen, ok)
		mu.Unlock()
		return handler(ctx, req)
	}
	for _, opts := range [][]scopegrpc.Option{nil, {scopegrpc.WithGrantInContext()}} {
		seen = nil
		enforcer := scopegrpc.New[scopes.Grant, scopes.Decision](resolver(t), opts...)
		srv := grpc.NewServer(grpc.ChainUnaryInterceptor(enforcer.UnaryServerInterceptor(), probe))
		testpb.RegisterItemsServer(srv, &server{items: stored()})
		conn := grpctest.Serve(t, srv)
		c := testpb.NewItemsClient(conn)
		if _, err := c.GetItem(as("full"), &testpb.GetItemRequest{Id: "a"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SearchItems(as("full"), &testpb.SearchRequest{}); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		srv.Stop()
		want := []bool{len(opts) > 0, true}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("options %d: grant in the context of GetItem, SearchItems: %v, want %v", len(opts), seen, want)
		}
	}
}

func TestDomain(t *testing.T) {
	c, _ := start(t, scopegrpc.WithDomain("api.example.com"))
	_, err := c.GetItem(as("none"), &testpb.GetItemRequest{Id: "a"})
	if d := denied(t, err); d.domain != "api.example.com" {
		t.Errorf("domain %q", d.domain)
	}
}

func TestRedactInPlace(t *testing.T) {
	c, items := start(t, scopegrpc.RedactInPlace())
	resp, err := c.GetItem(as("reader"), &testpb.GetItemRequest{Id: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Item.Secret != "" || items[1].Secret != "" {
		t.Errorf("RedactInPlace: the response's secret %q, the server's %q; want both removed", resp.Item.Secret, items[1].Secret)
	}
}

// TestRedactionMismatch serves GetItem with a response type the spec's field
// paths do not fit: the call must fail rather than send it unredacted.
// TestRedactionMismatch serves one endpoint with a response type the spec's
// paths do not fit, then with the right one, then the wrong one again, from
// one Enforcer: each response type is redacted by its own resolution of the
// paths, not by the one cached for the type served before.
func TestRedactionMismatch(t *testing.T) {
	item := &testpb.Item{Id: "a", Secret: "s", Data: &testpb.Data{Text: "t", Concepts: []*testpb.Concept{{Id: "c"}}}}
	var wrongType atomic.Bool
	enforcer := scopegrpc.New[scopes.Grant, scopes.Decision](resolver(t))
	srv := grpc.NewServer(enforcer.ServerOptions()...)
	desc := grpc.ServiceDesc{
		ServiceName: "scopegen.test.Items",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "GetItem",
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				var req testpb.GetItemRequest
				if err := dec(&req); err != nil {
					return nil, err
				}
				h := func(context.Context, any) (any, error) {
					if wrongType.Load() {
						return &testpb.HealthResponse{Status: "secret"}, nil
					}
					return &testpb.GetItemResponse{Item: item}, nil
				}
				return interceptor(ctx, &req, &grpc.UnaryServerInfo{Server: srv, FullMethod: getItem}, h)
			},
		}},
	}
	srv.RegisterService(&desc, struct{}{})
	c := testpb.NewItemsClient(grpctest.Serve(t, srv))
	for i, wrong := range []bool{true, false, true} {
		wrongType.Store(wrong)
		resp, err := c.GetItem(as("reader"), &testpb.GetItemRequest{Id: "a"})
		if wrong {
			if st := status.Convert(err); st.Code() != codes.Internal || !strings.Contains(st.Message(), `has no field "item"`) {
				t.Errorf("call %d, a response the spec's paths do not fit: %v; want Internal", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("call %d, the right response type after a wrong one: %v", i, err)
		}
		if want := redactedItem(item); !proto.Equal(resp.Item, want) {
			t.Errorf("call %d: GetItem gave\n%v\nwant\n%v", i, resp.Item, want)
		}
	}
}

func TestCheckRedactions(t *testing.T) {
	if err := scopegrpc.CheckRedactions[scopes.Grant, scopes.Decision](testpb.File_items_proto.Services().Get(0)); err != nil {
		t.Errorf("the test service: %v", err)
	}

	// The same service, whose Item has an id and nothing else: both of
	// GetItem's redacted fields, item.data.concepts and item.secret, are
	// missing.
	msg := func(name string, fields ...*descriptorpb.FieldDescriptorProto) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields}
	}
	field := func(name string, typ descriptorpb.FieldDescriptorProto_Type, typeName string) *descriptorpb.FieldDescriptorProto {
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(1), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: typ.Enum(), JsonName: proto.String(name)}
		if typeName != "" {
			f.TypeName = proto.String(typeName)
		}
		return f
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("stale_items.proto"),
		Package: proto.String("scopegen.test"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			msg("Item", field("id", descriptorpb.FieldDescriptorProto_TYPE_STRING, "")),
			msg("GetItemRequest", field("id", descriptorpb.FieldDescriptorProto_TYPE_STRING, "")),
			msg("GetItemResponse", field("item", descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, ".scopegen.test.Item")),
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Items"),
			Method: []*descriptorpb.MethodDescriptorProto{{
				Name:       proto.String("GetItem"),
				InputType:  proto.String(".scopegen.test.GetItemRequest"),
				OutputType: proto.String(".scopegen.test.GetItemResponse"),
			}},
		}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = scopegrpc.CheckRedactions[scopes.Grant, scopes.Decision](fd.Services().Get(0))
	if err == nil {
		t.Fatal("CheckRedactions passed a GetItemResponse without item.data.concepts and item.secret")
	}
	for _, want := range []string{
		`/scopegen.test.Items/GetItem: cannot redact field item.data.concepts of scopegen.test.GetItemResponse: scopegen.test.Item has no field "data"`,
		`/scopegen.test.Items/GetItem: cannot redact field item.secret of scopegen.test.GetItemResponse: scopegen.test.Item has no field "secret"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRedactions = %v\nwant it to say %s", err, want)
		}
	}
}

func TestKeyFromContext(t *testing.T) {
	for _, tc := range []struct {
		md   []string
		id   string
		want error
	}{
		{nil, "", scopegrpc.ErrNoCredentials},
		{[]string{"authorization", "Key abc"}, "abc", nil},
		{[]string{"Authorization", "KEY  abc "}, "abc", nil},
		{[]string{"authorization", "Bearer abc"}, "", scopegrpc.ErrKeyInvalid},
		{[]string{"authorization", ""}, "", scopegrpc.ErrKeyInvalid},
	} {
		ctx := context.Background()
		if tc.md != nil {
			ctx = metadata.NewIncomingContext(ctx, metadata.Pairs(tc.md...))
		}
		id, err := scopegrpc.KeyFromContext(ctx)
		if id != tc.id || err != tc.want {
			t.Errorf("%q: %q, %v; want %q, %v", tc.md, id, err, tc.id, tc.want)
		}
	}
}

// TestConcurrent calls one Enforcer from many goroutines, on endpoints whose
// redacted fields it resolves on first use: run it with -race.
func TestConcurrent(t *testing.T) {
	c, items := start(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				var err error
				switch g % 3 {
				case 0:
					var resp *testpb.GetItemResponse
					if resp, err = c.GetItem(as("reader"), &testpb.GetItemRequest{Id: "a"}); err == nil && !proto.Equal(resp.Item, redactedItem(items[0])) {
						err = fmt.Errorf("GetItem: %v", resp.Item)
					}
				case 1:
					var resp *testpb.ListItemsResponse
					if resp, err = c.ListItems(as("reader"), &testpb.ListItemsRequest{}); err == nil && resp.Items[0].Children[0].Secret != "" {
						err = fmt.Errorf("ListItems: %v", resp)
					}
				default:
					var resp *testpb.HealthResponse
					if resp, err = c.Health(context.Background(), &testpb.HealthRequest{}); err == nil && resp.Featured.Secret != "" {
						err = fmt.Errorf("Health: %v", resp)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
