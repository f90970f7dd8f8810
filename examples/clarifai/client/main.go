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
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
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
		w := flag.CommandLine.Output()
		fmt.Fprintf(w, `usage: client [-addr host:port] [-key id] METHOD [ARG] | client -tour

Calls the example server (go run ./clarifai/server) with a demo key, sent as
"authorization: Key <id>", and prints the response as JSON or, for a denied
call, the gRPC status and its ErrorInfo detail (exit status 1).

methods:
`)
		var names []string
		for m := range clarifai.Methods {
			names = append(names, m)
		}
		sort.Strings(names)
		for _, m := range names {
			fmt.Fprintf(w, "  %s\n", strings.TrimSpace(m+" "+clarifai.Methods[m]))
		}
		fmt.Fprintf(w, "\nflags:\n")
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
		fmt.Fprintln(os.Stderr, "name one METHOD, and its ARG if it takes one")
		flag.Usage()
		os.Exit(2)
	}
	if _, ok := clarifai.Methods[args[0]]; !ok {
		fmt.Fprintf(os.Stderr, "unknown method %q: use one of the methods below\n", args[0])
		flag.Usage()
		os.Exit(2)
	}
	arg := ""
	if len(args) == 2 {
		arg = args[1]
	}
	resp, err := clarifai.Invoke(ctx, c, *key, args[0], arg)
	if err != nil {
		if status.Code(err) == codes.Unavailable {
			fmt.Fprintf(os.Stderr, "%v\nis the server running? Start it with: go run ./clarifai/server -addr %s\n", err, *addr)
		} else if _, ok := status.FromError(err); ok {
			fmt.Println(clarifai.Explain(err))
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	fmt.Println(protojson.Format(resp))
}
