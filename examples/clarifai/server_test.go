package clarifai_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/scopegen/scopegen/enforce"
	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopegrpc"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/candidate"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
	"github.com/scopegen/scopegen/internal/testonly/grpctest"
)

// serve serves the example server made with opts in memory, and returns a
// connection to it.
func serve(t *testing.T, opts ...clarifai.ServerOption) *grpc.ClientConn {
	t.Helper()
	store, err := clarifai.NewStore(clarifai.DemoKeys(time.Now()), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := clarifai.NewServer(clarifai.NewService(), store, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return grpctest.Serve(t, srv.Server)
}

// TestHealth: the standard health service answers without credentials by
// default; WithoutHealth leaves it out.
func TestHealth(t *testing.T) {
	ctx := context.Background()
	resp, err := healthpb.NewHealthClient(serve(t)).Check(ctx, &healthpb.HealthCheckRequest{Service: "clarifai.api.V2"})
	if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health check without credentials: %v, %v; want SERVING", resp, err)
	}
	_, err = healthpb.NewHealthClient(serve(t, clarifai.WithoutHealth())).Check(ctx, &healthpb.HealthCheckRequest{})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("health check WithoutHealth: %v; want Unimplemented (no such service)", err)
	}
}

// listServices calls server reflection with key ("" for none).
func listServices(conn *grpc.ClientConn, key string) ([]string, error) {
	ctx := context.Background()
	if key != "" {
		ctx = generatedgrpc.WithKey(ctx, key)
	}
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		return nil, err
	}
	// Send returns io.EOF when the server has already ended the stream
	// (a refusal can come that fast); Recv then says with what status.
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil && err != io.EOF {
		return nil, err
	}
	resp, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.Name)
	}
	return names, nil
}

// TestReflection: server reflection is off by default; WithReflection opens
// it to the keys holding its scope only.
func TestReflection(t *testing.T) {
	if _, err := listServices(serve(t), "pat-admin"); status.Code(err) != codes.Unimplemented {
		t.Errorf("reflection by default: %v; want Unimplemented (no such service)", err)
	}
	conn := serve(t, clarifai.WithReflection(scopes.ModelsGet))
	names, err := listServices(conn, "app-reader") // Inputs:Get, Models:Get
	if err != nil || !strings.Contains(strings.Join(names, " "), "clarifai.api.V2") {
		t.Errorf("reflection with Models:Get: %v, %v", names, err)
	}
	for key, want := range map[string]codes.Code{"": codes.Unauthenticated, "nobody": codes.Unauthenticated, "expired": codes.Unauthenticated, "predict-only": codes.PermissionDenied} {
		if _, err := listServices(conn, key); status.Code(err) != want {
			t.Errorf("reflection with key %q: %v; want %v", key, err, want)
		}
	}
}

// TestShutdown: Shutdown lets a call under way end and refuses new ones;
// with a deadline that passes first, it stops the call and says so.
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name    string
		release time.Duration // when the call under way may end
		drain   time.Duration
		want    error
	}{
		{"drained", 50 * time.Millisecond, 10 * time.Second, nil},
		{"stopped", time.Hour, 100 * time.Millisecond, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entered := make(chan struct{})
			slow := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
				close(entered)
				select {
				case <-time.After(tc.release):
				case <-ctx.Done():
				}
				return handler(ctx, req)
			}
			store, _ := clarifai.NewStore(clarifai.DemoKeys(time.Now()), time.Now)
			srv, err := clarifai.NewServer(clarifai.NewService(), store, clarifai.WithGRPCOptions(grpc.ChainUnaryInterceptor(slow)))
			if err != nil {
				t.Fatal(err)
			}
			c := api.NewV2Client(grpctest.Serve(t, srv.Server))
			done := make(chan error, 1)
			go func() {
				_, err := c.ListInputs(generatedgrpc.WithKey(context.Background(), "app-reader"), &api.ListInputsRequest{})
				done <- err
			}()
			<-entered
			ctx, cancel := context.WithTimeout(context.Background(), tc.drain)
			defer cancel()
			if err := srv.Shutdown(ctx); !errors.Is(err, tc.want) {
				t.Errorf("Shutdown: %v, want %v", err, tc.want)
			}
			err = <-done
			if tc.want == nil && err != nil {
				t.Errorf("the call under way: %v; want it to end", err)
			}
			if tc.want != nil && err == nil {
				t.Error("the call under way ended well after the deadline; want it stopped")
			}
		})
	}
}

// verifier returns a TokenVerifier and the private key that signs its
// tokens, at a fixed time.
func verifier(t *testing.T) (*clarifai.TokenVerifier, ed25519.PrivateKey, time.Time) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	return &clarifai.TokenVerifier{Key: pub, Issuer: "https://id.example.com", Audience: "clarifai", Now: func() time.Time { return now }}, priv, now
}

// TestTokenVerifier: a signed JWT's scope claim becomes a grant; anything
// wrong with the token refuses it with ErrKeyInvalid.
func TestTokenVerifier(t *testing.T) {
	v, priv, now := verifier(t)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	good := clarifai.Claims{Issuer: v.Issuer, Audience: clarifai.Audience{"clarifai"}, ExpiresAt: now.Add(time.Hour).Unix(), Scope: "Inputs:Get openid Concepts:Get"}
	g, err := v.Grant(clarifai.SignToken(priv, good))
	want, _ := scopes.NewGrant(scopes.PersonalAccessToken, []string{"Inputs:Get", "Concepts:Get"}, nil)
	if err != nil || !g.Covers(want) || !want.Covers(g) || g.Kind() != want.Kind() {
		t.Errorf("a good token: %v, %v; want %v (openid, not a scope of the spec, left out)", g, err, want)
	}
	app := good
	app.Kind = "app_key"
	if g, err := v.Grant(clarifai.SignToken(priv, app)); err != nil || g.Kind() != scopes.AppKey {
		t.Errorf("a token of kind app_key: %v, %v", g, err)
	}
	with := func(f func(*clarifai.Claims)) clarifai.Claims { c := good; f(&c); return c }
	unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + strings.Split(clarifai.SignToken(priv, good), ".")[1] + "."
	hs := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + strings.SplitN(clarifai.SignToken(priv, good), ".", 2)[1]
	for name, token := range map[string]string{
		"another key":   clarifai.SignToken(other, good),
		"expired":       clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.ExpiresAt = now.Unix() })),
		"no expiry":     clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.ExpiresAt = 0 })),
		"not yet valid": clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.NotBefore = now.Add(time.Minute).Unix() })),
		"issuer":        clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.Issuer = "https://evil.example.com" })),
		"audience":      clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.Audience = clarifai.Audience{"other"} })),
		"kind":          clarifai.SignToken(priv, with(func(c *clarifai.Claims) { c.Kind = "robot" })),
		"alg none":      unsigned,
		"alg HS256":     hs,
		"not a JWT":     "abc",
		"tampered":      strings.Replace(clarifai.SignToken(priv, good), ".", ".e30", 1),
	} {
		if g, err := v.Grant(token); !errors.Is(err, generatedgrpc.ErrKeyInvalid) {
			t.Errorf("%s: %v, %v; want ErrKeyInvalid", name, g, err)
		}
	}
}

// TestBearerTokens: with WithTokens, a call may carry a bearer token
// instead of a key, sent by the client with BearerCredentials; its grant is
// enforced as a key's.
func TestBearerTokens(t *testing.T) {
	v, priv, now := verifier(t)
	v.Now = time.Now
	token := clarifai.SignToken(priv, clarifai.Claims{Issuer: v.Issuer, Audience: clarifai.Audience{"clarifai"}, ExpiresAt: now.Add(100 * 365 * 24 * time.Hour).Unix(), Scope: "Inputs:Get"})
	c := api.NewV2Client(serve(t, clarifai.WithTokens(v)))
	creds := grpc.PerRPCCredentials(scopegrpc.BearerCredentials(token).AllowInsecure())
	resp, err := c.ListInputs(context.Background(), &api.ListInputsRequest{}, creds)
	if err != nil || len(resp.Inputs) == 0 || len(resp.Inputs[0].Data.GetConcepts()) != 0 {
		t.Errorf("ListInputs with a token of Inputs:Get: %v, %v; want the inputs without concepts", resp, err)
	}
	if _, err := c.PostInputs(context.Background(), &api.PostInputsRequest{}, creds); status.Code(err) != codes.PermissionDenied {
		t.Errorf("PostInputs with a token of Inputs:Get: %v; want PermissionDenied", err)
	}
	bad := grpc.PerRPCCredentials(scopegrpc.BearerCredentials(token + "x").AllowInsecure())
	if _, err := c.ListInputs(context.Background(), &api.ListInputsRequest{}, bad); status.Code(err) != codes.Unauthenticated {
		t.Errorf("ListInputs with a bad token: %v; want Unauthenticated (key_invalid)", err)
	}
	keyed := grpc.PerRPCCredentials(scopegrpc.KeyCredentials("app-full").AllowInsecure())
	if resp, err := c.ListInputs(context.Background(), &api.ListInputsRequest{}, keyed); err != nil || len(resp.Inputs[0].Data.GetConcepts()) == 0 {
		t.Errorf("ListInputs with a key, beside tokens: %v, %v", resp, err)
	}
}

// events collects the events of a hook.
type events struct {
	mu   sync.Mutex
	list []enforce.Event
}

func (e *events) hook(_ context.Context, ev enforce.Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
}

// TestShadowExample serves the example twice, once evaluating the candidate
// spec in shadow mode: every demo key's answer to every method is the same
// from both servers, and the events report the calls the candidate decides
// otherwise: ListInputs, whose inputs' metadata it withholds from keys
// without Inputs:Add, and GetModel, which it refuses without Concepts:Get.
func TestShadowExample(t *testing.T) {
	keys := clarifai.DemoKeys(time.Now())
	shadow, err := clarifai.CandidateShadow(keys, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rec events
	plain := api.NewV2Client(serve(t))
	shadowed := api.NewV2Client(serve(t, clarifai.WithEnforcerOptions(generatedgrpc.WithHook(rec.hook), shadow)))
	args := map[string]string{"GetInput": "dog-1", "GetModel": "pets", "PostInputs": "https://x/y.jpg", "PostModelOutputs": "https://x/y.jpg"}
	differs := map[string]bool{}
	ids := []string{"", "nobody"}
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	for _, id := range ids {
		for m := range clarifai.Methods {
			ctx := context.Background()
			want := answerOf(clarifai.Invoke(ctx, plain, id, m, args[m]))
			got := answerOf(clarifai.Invoke(ctx, shadowed, id, m, args[m]))
			if got != want {
				t.Errorf("%s with %q: the answer changed in shadow mode:\n got %s\nwant %s", m, id, got, want)
			}
		}
	}
	rec.mu.Lock()
	for _, ev := range rec.list {
		if !ev.Shadowed || ev.Candidate.SpecHash != candidate.SpecHash {
			t.Errorf("an event without the candidate's decision: %+v", ev)
		}
		if ev.Differs() {
			differs[strings.TrimPrefix(ev.Method, "/clarifai.api.V2/")+" "+ev.Kind] = true
		}
	}
	rec.mu.Unlock()
	got := fmt.Sprint(differs)
	for _, want := range []string{"ListInputs app_key", "GetModel app_key"} {
		if !differs[want] {
			t.Errorf("differences %s; want %s among them", got, want)
		}
	}
	for d := range differs {
		if m := strings.Fields(d)[0]; m != "ListInputs" && m != "GetModel" {
			t.Errorf("the candidate differs on %s; only ListInputs and GetModel changed", d)
		}
	}
}

// answerOf is what a client read from a call.
func answerOf(resp any, err error) string {
	if err != nil {
		st := status.Convert(err)
		return fmt.Sprint("error ", st.Code(), st.Message(), st.Details())
	}
	return fmt.Sprint("ok ", resp)
}
