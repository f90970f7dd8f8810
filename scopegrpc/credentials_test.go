package scopegrpc_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/scopegen/scopegen/internal/testonly/grpctest"
	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

func TestCredentialFromContext(t *testing.T) {
	for _, tc := range []struct {
		md                []string
		scheme, cred      string
		err               error
		key, bearer       string
		keyErr, bearerErr error
	}{
		{md: nil, err: scopegrpc.ErrNoCredentials, keyErr: scopegrpc.ErrNoCredentials, bearerErr: scopegrpc.ErrNoCredentials},
		{md: []string{"authorization", "Key abc"}, scheme: "Key", cred: "abc", key: "abc", bearerErr: scopegrpc.ErrKeyInvalid},
		{md: []string{"authorization", "bearer  t.o.k "}, scheme: "Bearer", cred: "t.o.k", bearer: "t.o.k", keyErr: scopegrpc.ErrKeyInvalid},
		{md: []string{"authorization", "Basic dXNlcg=="}, scheme: "Basic", cred: "dXNlcg==", keyErr: scopegrpc.ErrKeyInvalid, bearerErr: scopegrpc.ErrKeyInvalid},
		{md: []string{"authorization", "Bearer"}, err: scopegrpc.ErrKeyInvalid, keyErr: scopegrpc.ErrKeyInvalid, bearerErr: scopegrpc.ErrKeyInvalid},
		{md: []string{"authorization", "Bearer a b"}, err: scopegrpc.ErrKeyInvalid, keyErr: scopegrpc.ErrKeyInvalid, bearerErr: scopegrpc.ErrKeyInvalid},
		{md: []string{"authorization", "Bearer a", "authorization", "Key b"}, err: scopegrpc.ErrKeyInvalid, keyErr: scopegrpc.ErrKeyInvalid, bearerErr: scopegrpc.ErrKeyInvalid},
	} {
		ctx := context.Background()
		if tc.md != nil {
			ctx = metadata.NewIncomingContext(ctx, metadata.Pairs(tc.md...))
		}
		scheme, cred, err := scopegrpc.CredentialFromContext(ctx)
		if scheme != tc.scheme || cred != tc.cred || err != tc.err {
			t.Errorf("%q: CredentialFromContext = %q, %q, %v; want %q, %q, %v", tc.md, scheme, cred, err, tc.scheme, tc.cred, tc.err)
		}
		if key, err := scopegrpc.KeyFromContext(ctx); key != tc.key || err != tc.keyErr {
			t.Errorf("%q: KeyFromContext = %q, %v; want %q, %v", tc.md, key, err, tc.key, tc.keyErr)
		}
		if token, err := scopegrpc.BearerFromContext(ctx); token != tc.bearer || err != tc.bearerErr {
			t.Errorf("%q: BearerFromContext = %q, %v; want %q, %v", tc.md, token, err, tc.bearer, tc.bearerErr)
		}
	}
}

// TestPerRPCCredentials: KeyCredentials and BearerCredentials send the
// authorization metadata of every call, which a Resolver reads with
// KeyFromContext and BearerFromContext; gRPC refuses to send them without
// transport security unless AllowInsecure.
func TestPerRPCCredentials(t *testing.T) {
	keyResolve := resolver(t)
	// A Resolver of keys and of bearer tokens: here a token is looked up as
	// an opaque name; see examples/clarifai (TokenVerifier) for a JWT.
	tokens := map[string]scopes.Grant{"tok-reader": mustGrant(t, scopes.AppKey, "Items:Get")}
	resolve := func(ctx context.Context) (scopes.Grant, error) {
		scheme, token, err := scopegrpc.CredentialFromContext(ctx)
		if err != nil || scheme != scopegrpc.SchemeBearer {
			return keyResolve(ctx)
		}
		g, ok := tokens[token]
		if !ok {
			return scopes.Grant{}, scopegrpc.ErrKeyNotFound
		}
		return g, nil
	}
	srv := grpc.NewServer(scopegrpc.New[scopes.Grant, scopes.Decision](resolve).ServerOptions()...)
	testpb.RegisterItemsServer(srv, &server{items: stored()})
	c := testpb.NewItemsClient(grpctest.Serve(t, srv))
	ctx := context.Background()
	for _, tc := range []struct {
		creds scopegrpc.Credentials
		ok    bool
	}{
		{scopegrpc.KeyCredentials("full").AllowInsecure(), true},
		{scopegrpc.BearerCredentials("tok-reader").AllowInsecure(), true},
		{scopegrpc.BearerCredentials("tok-unknown").AllowInsecure(), false},
	} {
		md, _ := tc.creds.GetRequestMetadata(ctx)
		resp, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"}, grpc.PerRPCCredentials(tc.creds))
		if (err == nil) != tc.ok {
			t.Errorf("%v: %v, %v", md, resp, err)
		}
	}
	resp, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"}, grpc.PerRPCCredentials(scopegrpc.BearerCredentials("tok-reader").AllowInsecure()))
	if err != nil || resp.Item.Secret != "" {
		t.Errorf("a bearer token of a reader: %v, %v; want the item without its secret", resp, err)
	}
	for _, creds := range []scopegrpc.Credentials{scopegrpc.KeyCredentials("full"), scopegrpc.BearerCredentials("tok-reader")} {
		if !creds.RequireTransportSecurity() {
			t.Error("credentials do not require transport security by default")
		}
		_, err := c.GetItem(ctx, &testpb.GetItemRequest{Id: "a"}, grpc.PerRPCCredentials(creds))
		if err == nil || !strings.Contains(err.Error(), "transport") {
			t.Errorf("credentials sent without transport security: %v", err)
		}
	}
}
