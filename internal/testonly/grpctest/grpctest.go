// Package grpctest serves a gRPC server in memory for tests (of package
// scopegrpc, and of the examples module, which imports it from here): over a
// bufconn listener, with no network port, and stopped when the test ends.
package grpctest

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
)

// bufferSize is the size of the in-memory listener's buffer.
const bufferSize = 1 << 20

// Serve serves srv on an in-memory listener and returns a client connection
// to it. When the test ends, the connection is closed, then srv is stopped,
// and an error of srv.Serve fails the test. A test may close the connection
// and stop srv earlier itself.
func Serve(t testing.TB, srv *grpc.Server) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(bufferSize)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("grpctest: serving: %v", err)
		}
	})
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
