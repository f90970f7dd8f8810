package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// TestUsageErrors runs the command with arguments it cannot run: each exits
// with status 2 before connecting, prints nothing on stdout, and says on
// stderr what is wrong, then the usage.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the first line of stderr
	}{
		{nil, "client: name a METHOD to call, or pass -tour"},
		{[]string{"-key", "app-reader"}, "client: name a METHOD to call, or pass -tour"},
		{[]string{"Nope"}, `client: unknown method "Nope": use one of the methods below`},
		{[]string{"listinputs"}, `client: unknown method "listinputs"; did you mean ListInputs?`},
		{[]string{"GetInput"}, "client: GetInput needs its INPUT_ID: client -key ID GetInput INPUT_ID"},
		{[]string{"GetInput", ""}, `client: GetInput needs a non-empty INPUT_ID, not ""`},
		{[]string{"GetInput", "dog-1", "cat-1"}, `client: GetInput takes one INPUT_ID; drop "cat-1"`},
		{[]string{"ListInputs", "dog-1"}, `client: ListInputs takes no argument; drop "dog-1"`},
		{[]string{"PostInputs", "dog.jpg"}, `client: PostInputs: "dog.jpg" is not an http(s) URL of an image, such as https://samples.clarifai.com/dog.jpg`},
		{[]string{"PostModelOutputs", "ftp://x/y.jpg"}, `client: PostModelOutputs: "ftp://x/y.jpg" is not an http(s) URL of an image, such as https://samples.clarifai.com/dog.jpg`},
		{[]string{"-tour", "ListInputs"}, `client: -tour makes the calls of the tour; drop "ListInputs"`},
		{[]string{"-tour", "-key", "app-full"}, "client: -tour calls with every demo key; drop -key app-full"},
		{[]string{"-addr", "localhost", "ListInputs"}, `client: -addr "localhost" is not host:port, such as localhost:50051`},
		{[]string{"-addr", "", "ListInputs"}, `client: -addr "" is not host:port, such as localhost:50051`},
		{[]string{"-nope", "ListInputs"}, "flag provided but not defined: -nope"},
		{[]string{"-key"}, "flag needs an argument: -key"},
		{[]string{"-transport", "soap", "ListInputs"}, `client: -transport "soap": use one of grpc, connect, rest, or all`},
		{[]string{"-transport", "rest", "-addr", "dns:///example.com:443", "ListInputs"}, `client: -addr "dns:///example.com:443" is a gRPC target; -transport rest needs host:port`},
	} {
		var stdout, stderr strings.Builder
		code := run(tc.args, &stdout, &stderr)
		first, rest, _ := strings.Cut(stderr.String(), "\n")
		if code != 2 || stdout.Len() != 0 || first != tc.want || !strings.HasPrefix(rest, "usage: client ") {
			t.Errorf("client %q: exit %d, stdout %q, stderr:\n%s\nwant exit 2, no stdout, and on stderr %q then the usage", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
}

// TestHelp: -h prints the usage, with every method and its argument, and
// exits 0.
func TestHelp(t *testing.T) {
	var stdout, stderr strings.Builder
	code := run([]string{"-h"}, &stdout, &stderr)
	usage := stderr.String()
	if code != 0 || stdout.Len() != 0 || !strings.HasPrefix(usage, "usage: client [-addr host:port] [-transport grpc|connect|rest|all] [-key id] METHOD [ARG]\n") {
		t.Fatalf("client -h: exit %d, stdout %q, stderr:\n%s", code, stdout.String(), usage)
	}
	for _, want := range []string{"client [-addr host:port] [-transport grpc|connect|rest|all] -tour", "-transport grpc", "\n  GetInput INPUT_ID\n", "\n  ListInputs\n", "\n  PostModelOutputs IMAGE_URL\n", "-addr host:port", "-key id", "-tour", "exit with\nstatus 2"} {
		if !strings.Contains(usage, want) {
			t.Errorf("client -h lacks %q:\n%s", want, usage)
		}
	}
}

// TestParse reads command lines that can be run into the call they ask for.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want call
	}{
		{[]string{"ListInputs"}, call{addr: "localhost:50051", transport: "grpc", method: "ListInputs"}},
		{[]string{"-key", "app-full", "GetInput", "dog-1"}, call{addr: "localhost:50051", transport: "grpc", key: "app-full", method: "GetInput", arg: "dog-1"}},
		{[]string{"-addr", "127.0.0.1:1234", "PostInputs", "https://x/y.jpg"}, call{addr: "127.0.0.1:1234", transport: "grpc", method: "PostInputs", arg: "https://x/y.jpg"}},
		{[]string{"-addr", "[::1]:50051", "-tour"}, call{addr: "[::1]:50051", transport: "grpc", tour: true}},
		{[]string{"-addr", "dns:///example.com:443", "ListConcepts"}, call{addr: "dns:///example.com:443", transport: "grpc", method: "ListConcepts"}},
		{[]string{"-addr", "unix:///tmp/clarifai.sock", "ListConcepts"}, call{addr: "unix:///tmp/clarifai.sock", transport: "grpc", method: "ListConcepts"}},
		{[]string{"-transport", "rest", "-tour"}, call{addr: "localhost:50051", transport: "rest", tour: true}},
		{[]string{"-transport", "all", "-key", "app-full", "GetInput", "dog-1"}, call{addr: "localhost:50051", transport: "all", key: "app-full", method: "GetInput", arg: "dog-1"}},
	} {
		fs := flag.NewFlagSet("client", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		got, err := parse(fs, tc.args)
		if err != nil || got != tc.want {
			t.Errorf("client %q: %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}
