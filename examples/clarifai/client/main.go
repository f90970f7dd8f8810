// Command client calls the example server of ./clarifai/server with a key:
//
//	go run ./clarifai/client -key app-reader ListInputs
//	go run ./clarifai/client -key app-full GetInput dog-1
//	go run ./clarifai/client -tour
//
// It prints the response as JSON or, for a denied call, the gRPC status and
// its ErrorInfo detail. Bad arguments print what is wrong and the usage, and
// exit with status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
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
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// call is what the command line asks for: the tour, or one call of Method
// with Arg and Key.
type call struct {
	addr, key   string
	tour        bool
	method, arg string
}

// usageError is a command line that cannot be run; its message says why.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// run runs the command with args and returns its exit status: 0 done, 1 the
// call was denied or failed, 2 a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, err := parse(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "client: %v\n", err)
		fs.Usage()
		return 2
	case err != nil: // the flag package printed the error and the usage
		return 2
	}
	return c.run(stdout, stderr)
}

// parse reads the command line into a call and checks it, without
// connecting to the server.
func parse(fs *flag.FlagSet, args []string) (call, error) {
	var c call
	fs.StringVar(&c.addr, "addr", "localhost:50051", "the server's `host:port`")
	fs.StringVar(&c.key, "key", "", "call with this key `id` (none: no credentials)")
	fs.BoolVar(&c.tour, "tour", false, "call the server with every demo key")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := checkAddr(c.addr); err != nil {
		return c, err
	}
	args = fs.Args()
	if c.tour {
		if len(args) > 0 {
			return c, usagef("-tour makes the calls of the tour; drop %q", strings.Join(args, " "))
		}
		if c.key != "" {
			return c, usagef("-tour calls with every demo key; drop -key %s", c.key)
		}
		return c, nil
	}
	if len(args) == 0 {
		return c, usagef("name a METHOD to call, or pass -tour")
	}
	c.method = args[0]
	want, ok := clarifai.Methods[c.method]
	if !ok {
		for m := range clarifai.Methods {
			if strings.EqualFold(m, c.method) {
				return c, usagef("unknown method %q; did you mean %s?", c.method, m)
			}
		}
		return c, usagef("unknown method %q: use one of the methods below", c.method)
	}
	switch {
	case want == "" && len(args) > 1:
		return c, usagef("%s takes no argument; drop %q", c.method, strings.Join(args[1:], " "))
	case want == "":
		return c, nil
	case len(args) == 1:
		return c, usagef("%s needs its %s: client -key ID %s %s", c.method, want, c.method, want)
	case len(args) > 2:
		return c, usagef("%s takes one %s; drop %q", c.method, want, strings.Join(args[2:], " "))
	}
	c.arg = args[1]
	return c, checkArg(c.method, want, c.arg)
}

// checkAddr checks that addr is host:port, or a gRPC target with a scheme
// such as dns:///host:port or unix:///path.
func checkAddr(addr string) error {
	if strings.Contains(addr, ":///") || strings.HasPrefix(addr, "unix:") {
		return nil
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return usagef("-addr %q is not host:port, such as localhost:50051", addr)
	}
	return nil
}

// checkArg checks the argument of method, named want in clarifai.Methods.
func checkArg(method, want, arg string) error {
	if strings.TrimSpace(arg) == "" {
		return usagef("%s needs a non-empty %s, not %q", method, want, arg)
	}
	if want == "IMAGE_URL" {
		u, err := url.Parse(arg)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("%s: %q is not an http(s) URL of an image, such as https://samples.clarifai.com/dog.jpg", method, arg)
		}
	}
	return nil
}

// usage prints the usage, the methods and the flags.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, `usage: client [-addr host:port] [-key id] METHOD [ARG]
       client [-addr host:port] -tour

Calls the example server (go run ./clarifai/server) with a demo key, sent as
"authorization: Key <id>", and prints the response as JSON or, for a denied
call, the gRPC status and its ErrorInfo detail (exit status 1). With -tour it
makes the calls of the tour with every demo key. Bad arguments exit with
status 2.

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
	fs.PrintDefaults()
}

// run makes the call, or the tour, and prints what the server answered.
func (c call) run(stdout, stderr io.Writer) int {
	conn, err := grpc.NewClient(c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintf(stderr, "client: %v\n", err)
		return 1
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := api.NewV2Client(conn)
	if c.tour {
		if err := clarifai.Tour(ctx, client, stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	resp, err := clarifai.Invoke(ctx, client, c.key, c.method, c.arg)
	if err != nil {
		if status.Code(err) == codes.Unavailable {
			fmt.Fprintf(stderr, "%v\nis the server running? Start it with: go run ./clarifai/server -addr %s\n", err, c.addr)
		} else if _, ok := status.FromError(err); ok {
			fmt.Fprintln(stdout, clarifai.Explain(err))
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	fmt.Fprintln(stdout, protojson.Format(resp))
	return 0
}
