// Command server enforces the spec of a downstream module's checker on a
// gRPC server, with the adapter that scopegen generate -grpc writes beside
// the checker, as the README's section "Enforcing on a gRPC server" says.
// cmd/scopegen's TestDownstream copies it into a module made by the README's
// steps, builds it and runs it; the README's Go examples of the adapter are
// quoted from it.
//
// It serves two methods of the shipped spec on a loopback port, calls them
// and a method the spec lacks with a few keys, and prints how each call
// ends: first through the generated glue (package scopesgrpc), then through
// package scopegrpc instantiated directly.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/scopegrpc"

	"example.com/svc/internal/scopes"
	"example.com/svc/internal/scopes/scopesgrpc"

	// The candidate spec of shadow mode would be a second generated
	// package; this program shadows the spec with itself, which the
	// README's wiring does not tell apart.
	candidate "example.com/svc/internal/scopes"
)

// keyStore is the service's store of keys, here in memory.
type keyStore map[string]scopes.Grant

// Grant returns the grant of the key id, or ErrKeyNotFound.
func (s keyStore) Grant(ctx context.Context, id string) (scopes.Grant, error) {
	if g, ok := s[id]; ok {
		return g, nil
	}
	return scopes.Grant{}, scopesgrpc.ErrKeyNotFound
}

var store = keyStore{
	"reader": scopes.MakeGrant(scopes.AppKey, scopes.NewSet(scopes.InputsGet, scopes.ConceptsGet)),
}

// Resolve returns the grant of the key "authorization: Key <id>" names.
func (s keyStore) Resolve(ctx context.Context) (scopes.Grant, error) {
	id, err := scopegrpc.KeyFromContext(ctx)
	if err != nil {
		return scopes.Grant{}, err
	}
	return s.Grant(ctx, id)
}

// tokenStore is the service's verifier of bearer tokens, here a table of
// tokens and their grants.
type tokenStore map[string]scopes.Grant

// Resolve returns the grant of the token "authorization: Bearer <token>"
// carries; a token it does not know is invalid.
func (s tokenStore) Resolve(ctx context.Context) (scopes.Grant, error) {
	token, err := scopegrpc.BearerFromContext(ctx)
	if err != nil {
		return scopes.Grant{}, err
	}
	if g, ok := s[token]; ok {
		return g, nil
	}
	return scopes.Grant{}, scopesgrpc.ErrKeyInvalid
}

var tokens = tokenStore{"t0k3n": scopes.MakeGrant(scopes.PersonalAccessToken, scopes.NewSet(scopes.InputsGet, scopes.ConceptsGet))}

// withEverything is the README's server with bearer tokens beside keys,
// decision events logged with log/slog, and a candidate spec in shadow mode.
func withEverything() *grpc.Server {
	resolve := func(ctx context.Context) (scopes.Grant, error) {
		if scheme, _, err := scopegrpc.CredentialFromContext(ctx); err == nil && scheme == scopegrpc.SchemeBearer {
			return tokens.Resolve(ctx) // a refused token is scopesgrpc.ErrKeyInvalid
		}
		return store.Resolve(ctx) // "authorization: Key <id>"
	}
	resolveCandidate := func(ctx context.Context) (candidate.Grant, error) { return resolve(ctx) }
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	enforcer := scopesgrpc.New(resolve,
		scopesgrpc.WithHook(enforce.SlogHook(logger)),
		scopegrpc.WithShadow[candidate.Grant, candidate.Decision](resolveCandidate))
	return grpc.NewServer(enforcer.ServerOptions()...)
}

// withLog is the README's server whose decisions are logged.
func withLog(resolve scopesgrpc.Resolver) *grpc.Server {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	enforcer := scopesgrpc.New(resolve, scopesgrpc.WithHook(enforce.SlogHook(logger)))
	return grpc.NewServer(enforcer.ServerOptions()...)
}

// withGlue is the README's server, with the generated glue.
func withGlue() *grpc.Server {
	enforcer := scopesgrpc.New(func(ctx context.Context) (scopes.Grant, error) {
		id, err := scopesgrpc.KeyFromContext(ctx) // "authorization: Key <id>"
		if err != nil {
			return scopes.Grant{}, err // no credentials, or not one Key credential
		}
		return store.Grant(ctx, id) // scopesgrpc.ErrKeyNotFound, ErrKeyInvalid (disabled, expired), or key.Intersect(invite) for a collaborator
	})
	srv := grpc.NewServer(enforcer.ServerOptions()...)
	return srv
}

// direct is the same server with package scopegrpc instantiated for the
// checker, as the README's example without the glue.
func direct() *grpc.Server {
	resolve := func(ctx context.Context) (scopes.Grant, error) {
		id, err := scopegrpc.KeyFromContext(ctx)
		if err != nil {
			return scopes.Grant{}, err
		}
		return store.Grant(ctx, id)
	}
	enforcer := scopegrpc.New[scopes.Grant, scopes.Decision](resolve)
	return grpc.NewServer(enforcer.ServerOptions()...)
}

func main() {
	for _, s := range []struct {
		name string
		srv  *grpc.Server
	}{{"scopesgrpc", withGlue()}, {"scopegrpc", direct()}, {"everything", withEverything()}, {"log", withLog(store.Resolve)}} {
		if err := serve(s.name, s.srv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// serve registers ListInputs, PostInputs and NoSuchMethod of
// clarifai.api.V2 on srv, which answer with empty messages, calls them, and
// prints how each call ends.
func serve(name string, srv *grpc.Server) error {
	handler := func(_ any, ctx context.Context, dec func(any) error, intercept grpc.UnaryServerInterceptor) (any, error) {
		in := new(emptypb.Empty)
		if err := dec(in); err != nil {
			return nil, err
		}
		method, _ := grpc.Method(ctx)
		return intercept(ctx, in, &grpc.UnaryServerInfo{FullMethod: method}, func(context.Context, any) (any, error) {
			return new(emptypb.Empty), nil
		})
	}
	srv.RegisterService(&grpc.ServiceDesc{
		ServiceName: "clarifai.api.V2",
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			{MethodName: "ListInputs", Handler: handler},
			{MethodName: "PostInputs", Handler: handler},
			{MethodName: "NoSuchMethod", Handler: handler},
		},
	}, struct{}{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(lis)
	defer srv.Stop()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, c := range []struct{ key, method string }{
		{"reader", "ListInputs"},
		{"reader", "PostInputs"},
		{"nobody", "ListInputs"},
		{"", "ListInputs"},
		{"reader", "NoSuchMethod"},
	} {
		ctx := context.Background()
		if c.key != "" {
			ctx = scopegrpc.WithKey(ctx, c.key)
		}
		err := conn.Invoke(ctx, "/clarifai.api.V2/"+c.method, new(emptypb.Empty), new(emptypb.Empty))
		fmt.Printf("%s %s %s: %s\n", name, or(c.key, "-"), c.method, describe(err))
		if c.method == "ListInputs" && err == nil {
			fmt.Printf("  withheld: %v\n", withheld(ctx, conn))
		}
	}
	if name == "everything" {
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer t0k3n")
		err := conn.Invoke(ctx, "/clarifai.api.V2/ListInputs", new(emptypb.Empty), new(emptypb.Empty))
		fmt.Printf("%s bearer ListInputs: %s\n", name, describe(err))
	}
	return nil
}

// withheld calls ListInputs and returns the fields the response header
// says were redacted, as the README's client reads them.
func withheld(ctx context.Context, conn *grpc.ClientConn) []string {
	req, resp := new(emptypb.Empty), new(emptypb.Empty)
	var header metadata.MD
	err := conn.Invoke(ctx, "/clarifai.api.V2/ListInputs", req, resp, grpc.Header(&header))
	withheld := header.Get(scopesgrpc.RedactedFieldsKey) // ["inputs.data.concepts"]
	if err != nil {
		return []string{err.Error()}
	}
	return withheld
}

// describe says how a call ended: its code and the ErrorInfo of a denial.
func describe(err error) string {
	st := status.Convert(err)
	out := []string{st.Code().String()}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			out = append(out, info.Metadata["code"], info.Reason, "reason="+info.Metadata["reason"])
			if m := info.Metadata["missing_scopes"]; m != "" {
				out = append(out, "missing="+m)
			}
		}
	}
	return strings.Join(out, " ")
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
