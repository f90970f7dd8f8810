package clarifai_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// startServer starts the server binary with args, and returns its command,
// the address it serves on, and a channel of the rest of its output lines.
func startServer(t *testing.T, bin string, args ...string) (*exec.Cmd, string, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "serving" {
			t.Fatalf("the server's first line: %q", line)
		}
		return cmd, f[3], lines
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not say where it serves within 30s")
	}
	return nil, "", nil
}

// TestServerDrains signals the server binary as an orchestrator stops it:
// on SIGTERM (and SIGINT) it drains and exits 0, not 143. With a health
// watch open (a call that never ends by itself), the watcher is told
// NOT_SERVING at once and the server stops it after -drain; with no call
// under way it drains at once.
func TestServerDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := build(t, "./server")
	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		watch bool
		want  string
	}{
		{"SIGTERM, a watch open", syscall.SIGTERM, true, "stopped: calls were still under way after 300ms"},
		{"SIGINT, idle", syscall.SIGINT, false, "drained"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, addr, lines := startServer(t, bin, "-drain", "300ms")
			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			health := healthpb.NewHealthClient(conn)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
			if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
				t.Fatalf("health check without credentials: %v, %v; want SERVING", resp, err)
			}
			var watch healthpb.Health_WatchClient
			if tc.watch {
				if watch, err = health.Watch(ctx, &healthpb.HealthCheckRequest{}); err != nil {
					t.Fatal(err)
				}
				if r, err := watch.Recv(); err != nil || r.Status != healthpb.HealthCheckResponse_SERVING {
					t.Fatalf("watch: %v, %v", r, err)
				}
			}
			start := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			if tc.watch {
				if r, err := watch.Recv(); err != nil || r.Status != healthpb.HealthCheckResponse_NOT_SERVING {
					t.Errorf("watch after %v: %v, %v; want NOT_SERVING", tc.sig, r, err)
				}
			}
			var out []string
			for line := range lines {
				out = append(out, line)
			}
			err = cmd.Wait()
			var exit *exec.ExitError
			if errors.As(err, &exit) || err != nil {
				t.Fatalf("after %v the server exited with %v; want 0\n%s", tc.sig, err, strings.Join(out, "\n"))
			}
			if got := out[len(out)-1]; got != tc.want {
				t.Errorf("after %v the server said %q, want %q", tc.sig, got, tc.want)
			}
			took := time.Since(start)
			if tc.watch && took < 300*time.Millisecond || took > 20*time.Second {
				t.Errorf("the server took %v to stop with -drain 300ms", took)
			}
		})
	}
}
