package grpctest_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/scopegen/scopegen/internal/testonly/grpctest"
)

// TestServe calls a server with no services through the connection: the call
// reaches it, which answers Unimplemented, and a call after the server is
// stopped does not.
func TestServe(t *testing.T) {
	srv := grpc.NewServer()
	conn := grpctest.Serve(t, srv)
	err := conn.Invoke(context.Background(), "/none.Service/Method", &emptypb.Empty{}, &emptypb.Empty{})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("a call of a method the server lacks: %v, want Unimplemented", err)
	}
	srv.Stop()
	err = conn.Invoke(context.Background(), "/none.Service/Method", &emptypb.Empty{}, &emptypb.Empty{}, grpc.WaitForReady(false))
	if code := status.Code(err); code != codes.Unavailable {
		t.Errorf("a call after the server stopped: %v, want Unavailable", err)
	}
}
