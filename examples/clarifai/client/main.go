// Command client calls the example server of ./clarifai/server with a key:
//
//	go run ./clarifai/client -key app-reader ListInputs
//	go run ./clarifai/client -key app-full GetInput dog-1
//	go run ./clarifai/client -tour
//
// It prints the response as JSON or, for a denied call, the gRPC status and
// its ErrorInfo detail.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
)

func main() {
	addr := flag.String("addr", "localhost:50051", "the server's `host:port`")
	key := flag.String("key", "", "call with this key `id` (none: no credentials)")
	tour := flag.Bool("tour", false, "call the server with every demo key")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: client [-addr host:port] [-key id] METHOD [ARG] | client -tour\n\nmethods:\n")
		var names []string
		for m := range clarifai.Methods {
			names = append(names, m)
		}
		sort.Strings(names)
		for _, m := range names {
			fmt.Fprintf(os.Stderr, "  %s %s\n", m, clarifai.Methods[m])
		}
		fmt.Fprintf(os.Stderr, "\nflags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := api.NewV2Client(conn)
	if *tour {
		if err := clarifai.Tour(ctx, c, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	args := flag.Args()
	if len(args) == 0 || len(args) > 2 {
		flag.Usage()
		os.Exit(2)
	}
	if _, ok := clarifai.Methods[args[0]]; !ok {
		flag.Usage()
		os.Exit(2)
	}
	arg := ""
	if len(args) == 2 {
		arg = args[1]
	}
	resp, err := clarifai.Invoke(ctx, c, *key, args[0], arg)
	if err != nil {
		if _, ok := status.FromError(err); ok {
			fmt.Println(clarifai.Explain(err))
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	fmt.Println(protojson.Format(resp))
}
