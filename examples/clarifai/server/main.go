// Command server serves the Clarifai API methods of the shipped spec
// (spec/scopes.yaml) on gRPC, Connect and REST, on one port, enforcing the
// spec with in-memory keys on each. From the examples directory:
//
//	go run ./clarifai/server -tour   # serve on loopback, call it with every demo key, exit
//	go run ./clarifai/server         # serve on localhost:50051 until interrupted
//
// and, in another terminal, go run ./clarifai/client -key app-reader ListInputs
// (-transport connect or rest for the other transports, or all for each).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
)

func main() {
	addr := flag.String("addr", "localhost:50051", "listen on `host:port`")
	tour := flag.Bool("tour", false, "serve on a free loopback port, run the tour of the demo keys, and exit")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), `usage: server [-addr host:port] | server -tour

Serves the methods of clarifai.api.V2 that spec/scopes.yaml lists, without
TLS, on one port: on gRPC, on Connect (and gRPC-Web) at /clarifai.api.V2/...,
and on REST at the paths of their google.api.http bindings (GET /v2/inputs),
enforcing the scopes of the spec on each with in-memory demo keys (listed
when it starts). Call it from another terminal, in the examples directory:

  go run ./clarifai/client -key app-reader ListInputs
  go run ./clarifai/client -transport all -key app-reader ListInputs
  curl -H 'Authorization: Key app-reader' localhost:50051/v2/inputs

flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "server takes no arguments, got %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	if *tour {
		*addr = "127.0.0.1:0"
	}
	keys := clarifai.DemoKeys(time.Now())
	store, err := clarifai.NewStore(keys, time.Now)
	if err != nil {
		log.Fatal(err)
	}
	transports, err := clarifai.NewTransports(clarifai.NewService(), store)
	if err != nil {
		log.Fatal(err)
	}
	defer transports.Close()
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("%v; is another server running? Choose another address with -addr", err)
	}
	srv := clarifai.NewHTTPServer(transports.Handler)
	go srv.Serve(lis)
	defer srv.Close()
	if *tour {
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			log.Fatal(err)
		}
		defer conn.Close()
		if err := clarifai.Tour(context.Background(), api.NewV2Client(conn), os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	fmt.Printf("serving clarifai.api.V2 on %s (gRPC, Connect and REST) with the keys\n%s\n", lis.Addr(), clarifai.Describe(keys))
	fmt.Printf("call it with: go run ./clarifai/client -addr %s -key app-reader ListInputs\n", lis.Addr())
	fmt.Printf("or over REST: curl -H 'Authorization: Key app-reader' http://%s/v2/inputs\n", lis.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
}
