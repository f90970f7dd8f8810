// Command server serves a few Clarifai API methods on gRPC, enforcing the
// shipped spec (spec/scopes.yaml) with in-memory keys. From the examples
// directory:
//
//	go run ./clarifai/server -tour   # serve on loopback, call it with every demo key, exit
//	go run ./clarifai/server         # serve on localhost:50051 until interrupted
//
// and, in another terminal, go run ./clarifai/client -key app-reader ListInputs.
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

Serves a few methods of clarifai.api.V2 on gRPC without TLS, enforcing the
scopes of spec/scopes.yaml with in-memory demo keys (listed when it starts).
Call it from another terminal, in the examples directory:

  go run ./clarifai/client -key app-reader ListInputs

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
	srv, err := clarifai.NewServer(clarifai.NewService(), store)
	if err != nil {
		log.Fatal(err)
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("%v; is another server running? Choose another address with -addr", err)
	}
	go srv.Serve(lis)
	defer srv.GracefulStop()
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
	fmt.Printf("serving clarifai.api.V2 on %s with the keys\n%s\n", lis.Addr(), clarifai.Describe(keys))
	fmt.Printf("call it with: go run ./clarifai/client -addr %s -key app-reader ListInputs\n", lis.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
}
