package clarifai

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	scopes "github.com/scopegen/scopegen/generated"

	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// The services a deployed server has besides clarifai.api.V2, which are not
// endpoints of the spec.
const (
	// HealthPrefix is the prefix of the methods of the standard health
	// service (grpc.health.v1.Health). They pass without credentials, so
	// that load balancers and orchestrators can probe the server.
	HealthPrefix = "/grpc.health.v1.Health/"
	// ReflectionPrefix and ReflectionAlphaPrefix are those of server
	// reflection (what grpcurl and grpcui call), off unless WithReflection,
	// and then open only to keys holding its scope.
	ReflectionPrefix      = "/grpc.reflection.v1.ServerReflection/"
	ReflectionAlphaPrefix = "/grpc.reflection.v1alpha.ServerReflection/"
)

// ServerOption configures NewServer.
type ServerOption func(*serverConfig)

type serverConfig struct {
	noHealth   bool
	reflection scopes.Scope // 0: off
	tokens     *TokenVerifier
	enforcer   []generatedgrpc.Option
	grpc       []grpc.ServerOption
}

// WithoutHealth leaves out the standard health service, which a server
// has by default, open to calls without credentials.
func WithoutHealth() ServerOption {
	return func(c *serverConfig) { c.noHealth = true }
}

// WithReflection serves server reflection to the callers whose grant holds
// scope, e.g. scopes.ModelsGet; a server has none by default. A call of it
// without credentials is refused with Unauthenticated, one whose grant lacks
// scope with PermissionDenied.
func WithReflection(scope scopes.Scope) ServerOption {
	return func(c *serverConfig) { c.reflection = scope }
}

// WithTokens accepts bearer tokens ("authorization: Bearer <JWT>") besides
// keys, resolved by v.
func WithTokens(v *TokenVerifier) ServerOption {
	return func(c *serverConfig) { c.tokens = v }
}

// WithEnforcerOptions passes opts to the Enforcer of the spec: a hook for
// the decisions (generatedgrpc.WithHook), shadow mode (scopegrpc.WithShadow,
// see CandidateShadow), and so on.
func WithEnforcerOptions(opts ...generatedgrpc.Option) ServerOption {
	return func(c *serverConfig) { c.enforcer = append(c.enforcer, opts...) }
}

// WithGRPCOptions passes opts to grpc.NewServer, after the Enforcer's
// interceptors.
func WithGRPCOptions(opts ...grpc.ServerOption) ServerOption {
	return func(c *serverConfig) { c.grpc = append(c.grpc, opts...) }
}

// Server is the example's gRPC server: clarifai.api.V2 enforcing the shipped
// spec, the health service (unless WithoutHealth) and reflection (with
// WithReflection).
type Server struct {
	*grpc.Server
	health *health.Server // nil without the health service
}

// NewServer returns a server of s that enforces the shipped spec, with the
// keys of store. It checks at once that the spec's redacted fields are
// fields of the service's responses.
func NewServer(s *Service, store *Store, opts ...ServerOption) (*Server, error) {
	if err := generatedgrpc.CheckRedactions(api.File_v2_proto.Services().ByName("V2")); err != nil {
		return nil, err
	}
	var c serverConfig
	for _, o := range opts {
		o(&c)
	}
	resolve := resolveAny(store, c.tokens)
	pass := func(method string) bool {
		return !c.noHealth && strings.HasPrefix(method, HealthPrefix) ||
			c.reflection != 0 && (strings.HasPrefix(method, ReflectionPrefix) || strings.HasPrefix(method, ReflectionAlphaPrefix))
	}
	enforcer := generatedgrpc.New(resolve, append([]generatedgrpc.Option{generatedgrpc.PassUnlisted(pass)}, c.enforcer...)...)
	sopts := enforcer.ServerOptions()
	if c.reflection != 0 {
		sopts = append(sopts, grpc.ChainStreamInterceptor(reflectionGuard(resolve, c.reflection)))
	}
	srv := &Server{Server: grpc.NewServer(append(sopts, c.grpc...)...)}
	api.RegisterV2Server(srv.Server, s)
	if !c.noHealth {
		srv.health = health.NewServer()
		healthpb.RegisterHealthServer(srv.Server, srv.health)
		srv.health.SetServingStatus(api.V2_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	}
	if c.reflection != 0 {
		reflection.Register(srv.Server)
	}
	return srv, nil
}

// reflectionGuard refuses the reflection calls of callers whose grant lacks
// scope; the Enforcer lets them through as unlisted methods.
func reflectionGuard(resolve generatedgrpc.Resolver, scope scopes.Scope) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if !strings.HasPrefix(info.FullMethod, ReflectionPrefix) && !strings.HasPrefix(info.FullMethod, ReflectionAlphaPrefix) {
			return handler(srv, ss)
		}
		g, err := resolve(ss.Context())
		switch {
		case errors.Is(err, generatedgrpc.ErrNoCredentials):
			return status.Error(codes.Unauthenticated, "server reflection needs credentials")
		case err != nil:
			return status.Error(codes.Unauthenticated, "server reflection: the credentials were refused")
		case !g.Has(scope):
			return status.Errorf(codes.PermissionDenied, "server reflection needs the scope %s", scope)
		}
		return handler(srv, ss)
	}
}

// Shutdown drains the server: the health service answers NOT_SERVING at
// once, so that load balancers stop sending calls; the server stops taking
// new calls and waits for those under way to end (GracefulStop), until ctx
// is done, when it stops them (Stop) and Shutdown returns ctx's error. It
// returns nil when every call ended by itself.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.health != nil {
		s.health.Shutdown()
	}
	drained := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(drained)
	}()
	select {
	case <-drained:
		return nil
	case <-ctx.Done():
		s.Stop()
		<-drained
		return ctx.Err()
	}
}
