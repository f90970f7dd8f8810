// Command server serves the Clarifai API methods of the shipped spec
// (spec/scopes.yaml) on gRPC, Connect and REST, on one port, enforcing the
// spec on each with in-memory keys and bearer tokens. From the examples
// directory:
//
//	go run ./clarifai/server -tour   # serve on loopback, call it with every demo key, exit
//	go run ./clarifai/server         # serve on localhost:50051 until SIGINT or SIGTERM
//
// and, in another terminal, go run ./clarifai/client -key app-reader ListInputs
// (-transport connect or rest for the other transports, or all for each).
//
// The server has the standard health service, open without credentials, and
// server reflection only with -reflection SCOPE, for keys holding SCOPE. On
// SIGINT or SIGTERM it drains: the health service answers NOT_SERVING, new
// calls are refused, and calls under way may end for up to -drain before
// they are stopped.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/scopegen/scopegen/enforce"
	scopes "github.com/scopegen/scopegen/generated"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: server [-addr host:port] [-drain d] [-health=false] [-reflection SCOPE] [-shadow] [-log level] | server -tour

Serves the methods of clarifai.api.V2 that spec/scopes.yaml lists, without
TLS, on one port: on gRPC, on Connect (and gRPC-Web) at /clarifai.api.V2/...,
and on REST at the paths of their google.api.http bindings (GET /v2/inputs),
enforcing the scopes of the spec on each with in-memory demo keys and a demo
bearer token (listed when it starts). Call it from another terminal, in the
examples directory:

  go run ./clarifai/client -key app-reader ListInputs
  go run ./clarifai/client -transport all -key app-reader ListInputs
  curl -H 'Authorization: Key app-reader' localhost:50051/v2/inputs

flags:
`

// run serves until ctx is done (SIGINT or SIGTERM), then drains, and returns
// the exit status: 0 when it served and drained or stopped, 1 when it could
// not serve, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:50051", "listen on `host:port`")
	tour := fs.Bool("tour", false, "serve on a free loopback port, run the tour of the demo keys, and exit")
	drain := fs.Duration("drain", 10*time.Second, "on SIGINT or SIGTERM, let calls under way end for up to `d` before stopping them")
	healthOn := fs.Bool("health", true, "serve the standard health service (grpc.health.v1.Health), without credentials")
	reflectScope := fs.String("reflection", "", "serve server reflection to the keys holding `SCOPE` (e.g. Models:Get); off when empty")
	shadow := fs.Bool("shadow", false, "evaluate the candidate spec (clarifai/candidate.yaml) in shadow mode, and log the calls it would decide otherwise")
	level := fs.String("log", "warn", "log the decisions at `level` and above: debug (every call), info (denials), warn (shadow differences)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "server takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "-log %s: %v\n", *level, err)
		return 2
	}
	if *tour {
		*addr = "127.0.0.1:0"
	}

	keys := clarifai.DemoKeys(time.Now())
	store, err := clarifai.NewStore(keys, time.Now)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// The demo's identity provider: a key pair made at start, and a token
	// it issues. A real server is given the provider's public key.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	tokens := &clarifai.TokenVerifier{Key: pub, Issuer: "https://id.example.com", Audience: "clarifai-example"}
	token := clarifai.SignToken(priv, clarifai.Claims{
		Issuer: tokens.Issuer, Audience: clarifai.Audience{tokens.Audience}, Subject: "demo",
		ExpiresAt: time.Now().Add(24 * time.Hour).Unix(), Scope: "Inputs:Get Models:Get",
	})

	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	opts := []clarifai.ServerOption{
		clarifai.WithTokens(tokens),
		clarifai.WithEnforcerOptions(generatedgrpc.WithHook(enforce.SlogHook(logger))),
	}
	if !*healthOn {
		opts = append(opts, clarifai.WithoutHealth())
	}
	if *reflectScope != "" {
		s, ok := scopes.ParseScope(*reflectScope)
		if !ok {
			fmt.Fprintf(stderr, "-reflection %s: not a scope of the spec\n", *reflectScope)
			return 2
		}
		opts = append(opts, clarifai.WithReflection(s))
	}
	if *shadow {
		o, err := clarifai.CandidateShadow(keys, time.Now, tokens)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		opts = append(opts, clarifai.WithEnforcerOptions(o))
	}
	transports, err := clarifai.NewTransports(clarifai.NewService(), store, opts...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer transports.Close()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "%v; is another server running? Choose another address with -addr\n", err)
		return 1
	}
	srv := clarifai.NewHTTPServer(transports.Handler)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	if *tour {
		defer srv.Close()
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer conn.Close()
		if err := clarifai.Tour(ctx, api.NewV2Client(conn), stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "serving clarifai.api.V2 on %s (gRPC, Connect and REST) with the keys\n%s\n", lis.Addr(), clarifai.Describe(keys))
	fmt.Fprintf(stdout, "and the bearer token (Inputs:Get Models:Get, for a day)\n  %s\n", token)
	fmt.Fprintf(stdout, "call it with: go run ./clarifai/client -addr %s -key app-reader ListInputs\n", lis.Addr())
	fmt.Fprintf(stdout, "or over REST: curl -H 'Authorization: Key app-reader' http://%s/v2/inputs\n", lis.Addr())

	select {
	case err := <-served:
		fmt.Fprintln(stderr, "serving:", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintf(stdout, "draining: up to %s for the calls under way\n", *drain)
	dctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := transports.Drain(dctx, srv); errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stdout, "stopped: calls were still under way after", *drain)
	} else {
		fmt.Fprintln(stdout, "drained")
	}
	return 0
}
