package testscopesgrpc_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/internal/testonly/grpctest"
	"github.com/scopegen/scopegen/internal/testonly/testpb"
	"github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/internal/testonly/testscopes/testscopesgrpc"
	"github.com/scopegen/scopegen/scopegrpc"
)

// The adapter itself is tested in package scopegrpc, instantiated for
// package testscopes; this test goes through the names of the glue that
// scopegen generate -grpc wrote for it, as a service using the glue does.

// glueServer serves GetItem, with a secret the reader may not see, PutItem,
// which the reader may not call, and Unlisted, which is not an endpoint.
type glueServer struct {
	testpb.UnimplementedItemsServer
	granted chan bool // whether GetItem's handler found the grant in its context
}

func (s glueServer) GetItem(ctx context.Context, req *testpb.GetItemRequest) (*testpb.GetItemResponse, error) {
	_, ok := testscopesgrpc.GrantFromContext(ctx)
	s.granted <- ok
	return &testpb.GetItemResponse{Item: &testpb.Item{Id: req.Id, Secret: "secret"}}, nil
}

func (glueServer) PutItem(_ context.Context, req *testpb.PutItemRequest) (*testpb.PutItemResponse, error) {
	return &testpb.PutItemResponse{Item: req.Item}, nil
}

func (glueServer) Unlisted(context.Context, *testpb.HealthRequest) (*testpb.HealthResponse, error) {
	return &testpb.HealthResponse{Status: "unlisted"}, nil
}

// TestGlue serves the test service with an Enforcer made and configured
// through the glue's names only, and checks that each reaches scopegrpc.
func TestGlue(t *testing.T) {
	reader, err := testscopes.NewGrant(testscopes.AppKey, []string{"Items:Get"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var resolve testscopesgrpc.Resolver = func(ctx context.Context) (testscopes.Grant, error) {
		id, err := testscopesgrpc.KeyFromContext(ctx)
		switch {
		case err != nil:
			return testscopes.Grant{}, err
		case id == "invalid":
			return testscopes.Grant{}, testscopesgrpc.ErrKeyInvalid
		case id != "reader":
			return testscopes.Grant{}, testscopesgrpc.ErrKeyNotFound
		}
		return reader, nil
	}
	opts := []testscopesgrpc.Option{
		testscopesgrpc.WithGrantInContext(),
		testscopesgrpc.WithDomain("glue.example.com"),
		testscopesgrpc.PassUnlisted(func(m string) bool { return m == testpb.Items_Unlisted_FullMethodName }),
		testscopesgrpc.RedactInPlace(),
	}
	var e *testscopesgrpc.Enforcer = testscopesgrpc.New(resolve, opts...)
	var _ *scopegrpc.Enforcer[testscopes.Grant, testscopes.Decision] = e
	srv := grpc.NewServer(e.ServerOptions()...)
	s := glueServer{granted: make(chan bool, 1)}
	testpb.RegisterItemsServer(srv, s)
	c := testpb.NewItemsClient(grpctest.Serve(t, srv))
	as := func(id string) context.Context { return testscopesgrpc.WithKey(context.Background(), id) }

	// Allowed, with the grant in the handler's context (WithGrantInContext:
	// GetItem checks no request-dependent scopes) and the secret redacted.
	resp, err := c.GetItem(as("reader"), &testpb.GetItemRequest{Id: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !<-s.granted {
		t.Error("WithGrantInContext: GetItem's handler found no grant in its context")
	}
	if resp.Item.GetId() != "a" || resp.Item.GetSecret() != "" {
		t.Errorf("GetItem as the reader: %v; want item a without its secret", resp.Item)
	}

	// Denied: the ErrorInfo under the glue's metadata keys, in the domain
	// of WithDomain.
	_, err = c.PutItem(as("reader"), &testpb.PutItemRequest{})
	st := status.Convert(err)
	if st.Code() != codes.PermissionDenied || len(st.Details()) != 1 {
		t.Fatalf("PutItem as the reader: %v; want PermissionDenied with an ErrorInfo", err)
	}
	info, ok := st.Details()[0].(*errdetails.ErrorInfo)
	if !ok {
		t.Fatalf("PutItem as the reader: detail %T, want *errdetails.ErrorInfo", st.Details()[0])
	}
	for key, want := range map[string]string{
		testscopesgrpc.MetadataCode:          "11007",
		testscopesgrpc.MetadataStatus:        "CONN_INSUFFICIENT_SCOPES",
		testscopesgrpc.MetadataEndpoint:      testpb.Items_PutItem_FullMethodName,
		testscopesgrpc.MetadataReason:        enforce.ReasonPrincipal,
		testscopesgrpc.MetadataMissingScopes: "Items:Put",
	} {
		if got := info.Metadata[key]; got != want {
			t.Errorf("PutItem as the reader: metadata %s = %q, want %q", key, got, want)
		}
	}
	if info.Domain != "glue.example.com" {
		t.Errorf("WithDomain: the ErrorInfo's domain is %q", info.Domain)
	}

	// The resolver's errors, and PassUnlisted.
	for _, tc := range []struct {
		ctx  context.Context
		code codes.Code
	}{
		{context.Background(), codes.Unauthenticated},
		{as("nobody"), codes.NotFound},
		{as("invalid"), codes.Unauthenticated},
	} {
		if _, err := c.PutItem(tc.ctx, &testpb.PutItemRequest{}); status.Code(err) != tc.code {
			t.Errorf("PutItem: %v, want %v", err, tc.code)
		}
	}
	if resp, err := c.Unlisted(context.Background(), &testpb.HealthRequest{}); err != nil || resp.Status != "unlisted" {
		t.Errorf("PassUnlisted: %v, %v", resp, err)
	}

	if err := testscopesgrpc.CheckRedactions(testpb.File_items_proto.Services().Get(0)); err != nil {
		t.Errorf("CheckRedactions of the test service: %v", err)
	}
	if testscopesgrpc.AuthorizationKey != scopegrpc.AuthorizationKey {
		t.Errorf("AuthorizationKey %q", testscopesgrpc.AuthorizationKey)
	}
	for _, pair := range [][2]error{
		{testscopesgrpc.ErrNoCredentials, enforce.ErrNoCredentials},
		{testscopesgrpc.ErrKeyNotFound, enforce.ErrKeyNotFound},
		{testscopesgrpc.ErrKeyInvalid, enforce.ErrKeyInvalid},
	} {
		if !errors.Is(pair[0], pair[1]) {
			t.Errorf("the glue's %v is not package enforce's", pair[0])
		}
	}
}
