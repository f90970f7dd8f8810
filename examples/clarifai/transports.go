package clarifai

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopeconnect"

	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/api/apiconnect"
)

// Transports serves the service on gRPC, Connect and REST, on one port:
// Handler is an http.Handler for a server that speaks HTTP/1.1 and HTTP/2
// without TLS (NewHTTPServer). Each transport enforces the shipped spec:
//
//   - gRPC (Content-Type application/grpc): the gRPC server of NewServer,
//     whose interceptors (generatedgrpc, over package scopegrpc) decide and
//     redact;
//   - Connect and gRPC-Web (the paths /clarifai.api.V2/...): the Connect
//     handlers, behind package scopeconnect's interceptor;
//   - REST (every other path, e.g. GET /v2/inputs): grpc-gateway, whose
//     handlers call the gRPC server through a client connection, over an
//     in-process pipe, so that every REST call passes the gRPC interceptors:
//     the same decision and the same redaction as the gRPC call, by
//     construction. The gateway forwards the Authorization header as the
//     call's "authorization" metadata.
//
// The gateway is registered with api.RegisterV2HandlerClient, never with
// RegisterV2HandlerServer: that one calls the service's methods directly,
// skipping every gRPC interceptor, so a REST call would reach the handler
// unchecked and unredacted (TestGatewayHandlerServerSkipsTheCheck shows it).
type Transports struct {
	Handler http.Handler
	GRPC    *Server // the enforcing gRPC server, also served on the pipe

	pipe *pipeListener
	conn *grpc.ClientConn
	done chan error
}

// NewTransports returns the three transports of s with the keys of store;
// opts are the options of the gRPC server (NewServer). Close them when done.
func NewTransports(s *Service, store *Store, opts ...ServerOption) (*Transports, error) {
	srv, err := NewServer(s, store, opts...)
	if err != nil {
		return nil, err
	}
	t := &Transports{GRPC: srv, pipe: newPipeListener(), done: make(chan error, 1)}
	go func() { t.done <- srv.Serve(t.pipe) }()
	t.conn, err = grpc.NewClient("passthrough:///clarifai-in-process",
		grpc.WithContextDialer(t.pipe.dial),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Close()
		return nil, err
	}
	gateway := runtime.NewServeMux()
	if err := api.RegisterV2HandlerClient(context.Background(), gateway, api.NewV2Client(t.conn)); err != nil {
		t.Close()
		return nil, err
	}
	interceptor := scopeconnect.New[scopes.Grant, scopes.Decision](store.ResolveConnect)
	path, connectHandler := apiconnect.NewV2Handler(s, connect.WithInterceptors(interceptor, connectErrors))
	t.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		switch {
		case r.ProtoMajor == 2 && strings.HasPrefix(ct, "application/grpc") && !strings.HasPrefix(ct, "application/grpc-web"):
			srv.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, path):
			connectHandler.ServeHTTP(w, r)
		default:
			gateway.ServeHTTP(w, r)
		}
	})
	return t, nil
}

// Drain stops h, the HTTP server that carries the three transports, as
// Server.Shutdown stops a gRPC server: the health service answers
// NOT_SERVING at once, h stops taking connections and waits for the calls
// under way (gRPC calls too, which h carries) to end, until ctx is done,
// when it closes them and Drain returns ctx's error.
func (t *Transports) Drain(ctx context.Context, h *http.Server) error {
	if t.GRPC.health != nil {
		t.GRPC.health.Shutdown()
	}
	err := h.Shutdown(ctx)
	if err != nil {
		h.Close()
	}
	return err
}

// Close stops the gRPC server and the gateway's connection to it.
func (t *Transports) Close() error {
	if t.conn != nil {
		t.conn.Close()
	}
	t.GRPC.Stop()
	t.pipe.Close()
	if err := <-t.done; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// NewHTTPServer returns a server of h that speaks HTTP/1.1 and, without TLS,
// HTTP/2 (which gRPC clients use).
func NewHTTPServer(h http.Handler) *http.Server {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &http.Server{Handler: h, Protocols: &p}
}

// ResolveConnect is the server's scopeconnect.Resolver: the grant of the
// key a Connect call carries in its Authorization header.
func (s *Store) ResolveConnect(_ context.Context, h http.Header) (scopes.Grant, error) {
	id, err := scopeconnect.KeyFromHeader(h)
	if err != nil {
		return scopes.Grant{}, err
	}
	return s.Grant(id)
}

// pipeListener is a net.Listener whose connections are in-process pipes,
// made by dial: the gateway's way to the gRPC server without a port.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// dial returns the client's end of a new pipe, whose server's end Accept
// returns.
func (l *pipeListener) dial(ctx context.Context, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
	case <-ctx.Done():
	}
	client.Close()
	server.Close()
	return nil, errors.New("the in-process listener is closed")
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "in-process" }
