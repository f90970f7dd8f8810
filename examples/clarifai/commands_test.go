package clarifai_test

import (
	"bufio"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// build compiles the command in dir (./server, ./client) into a temporary
// directory and returns its path.
func build(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(dir))
	if out, err := exec.Command("go", "build", "-o", bin, dir).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}

// run runs a command and returns its exit code, standard output and error.
func run(t *testing.T, name string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestCommands starts the example server as a newcomer does (go run
// ./clarifai/server, here on a free port) and calls it with the client.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server and client commands")
	}
	server, client := build(t, "./server"), build(t, "./client")
	for _, bin := range []string{server, client} {
		code, stdout, stderr := run(t, bin, "-h")
		if code != 0 || stdout != "" || !strings.HasPrefix(stderr, "usage: "+filepath.Base(bin)) || !strings.Contains(stderr, "-addr host:port") {
			t.Errorf("%s -h: exit %d, stdout %q, stderr %q", filepath.Base(bin), code, stdout, stderr)
		}
	}

	cmd := exec.Command(server, "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var addr string
	select {
	case line := <-lines:
		// serving clarifai.api.V2 on 127.0.0.1:PORT with the keys
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "serving" {
			t.Fatalf("the server's first line: %q", line)
		}
		addr = f[3]
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not say where it serves within 30s")
	}
	go func() {
		for range lines {
		}
	}()

	code, stdout, stderr := run(t, client, "-addr", addr, "-key", "app-reader", "ListInputs")
	if code != 0 || !strings.Contains(stdout, `"dog-1"`) || strings.Contains(stdout, "concepts") {
		t.Errorf("ListInputs with app-reader: exit %d, stdout %q, stderr %q; want the inputs without their concepts", code, stdout, stderr)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "-key", "app-full", "GetInput", "dog-1")
	if code != 0 || !strings.Contains(stdout, "concepts") {
		t.Errorf("GetInput with app-full: exit %d, stdout %q; want the input with its concepts", code, stdout)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "-key", "app-reader", "PostInputs", "https://x/y.jpg")
	want := "PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add]\n"
	if code != 1 || stdout != want {
		t.Errorf("PostInputs with app-reader: exit %d, stdout %q; want 1, %q", code, stdout, want)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "ListInputs")
	if code != 1 || !strings.HasPrefix(stdout, "Unauthenticated: ") || !strings.Contains(stdout, "reason=no_credentials") {
		t.Errorf("ListInputs without a key: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "-transport", "all", "-tour")
	if code != 0 || !strings.HasSuffix(stdout, "\nthe same on grpc, connect, rest\n") {
		t.Errorf("the tour on every transport: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "-transport", "all", "-key", "app-reader", "ListConcepts")
	line := " PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Concepts:Get]\n"
	if want := "grpc    " + line + "connect " + line + "rest    " + line; code != 1 || stdout != want {
		t.Errorf("ListConcepts with app-reader on every transport: exit %d, stdout %q; want 1, %q", code, stdout, want)
	}
	code, stdout, _ = run(t, client, "-addr", addr, "-transport", "rest", "-key", "app-reader", "ListInputs")
	if code != 0 || !strings.Contains(stdout, `"dog-1"`) || strings.Contains(stdout, "concepts") {
		t.Errorf("ListInputs with app-reader over REST: exit %d, stdout %q; want the inputs without their concepts", code, stdout)
	}
	code, _, stderr = run(t, client, "-addr", addr, "Nope")
	if code != 2 || !strings.HasPrefix(stderr, `client: unknown method "Nope"`) {
		t.Errorf("an unknown method: exit %d, stderr %q", code, stderr)
	}
}
