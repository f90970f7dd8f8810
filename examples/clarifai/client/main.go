// Command client calls the example server of ./clarifai/server with a key:
//
//	go run ./clarifai/client -key app-reader ListInputs
//	go run ./clarifai/client -key app-full GetInput dog-1
//	go run ./clarifai/client -tour
//	go run ./clarifai/client -transport all -tour
//
// It calls on gRPC, Connect or REST (-transport), or on each (-transport
// all), and prints the response as JSON or, for a denied call, the status
// and its ErrorInfo detail, which read the same on every transport. Bad
// arguments print what is wrong and the usage, and exit with status 2.
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
	"slices"
	"sort"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
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
	transport   string // grpc, connect, rest, or all
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
	fs.StringVar(&c.transport, "transport", clarifai.GRPC, "call on `grpc`, connect or rest, or on each: all")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := checkAddr(c.addr); err != nil {
		return c, err
	}
	if c.transport != "all" && !slices.Contains(clarifai.TransportNames, c.transport) {
		return c, usagef("-transport %q: use one of %s, or all", c.transport, strings.Join(clarifai.TransportNames, ", "))
	}
	if c.transport != clarifai.GRPC && (strings.Contains(c.addr, ":///") || strings.HasPrefix(c.addr, "unix:")) {
		return c, usagef("-addr %q is a gRPC target; -transport %s needs host:port", c.addr, c.transport)
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
	fmt.Fprintf(w, `usage: client [-addr host:port] [-transport grpc|connect|rest|all] [-key id] METHOD [ARG]
       client [-addr host:port] [-transport grpc|connect|rest|all] -tour

Calls the example server (go run ./clarifai/server) with a demo key, sent as
"authorization: Key <id>", on gRPC, Connect or REST, and prints the response
as JSON or, for a denied call, the status and its ErrorInfo detail (exit
status 1), the same on every transport. With -tour it makes the calls of the
tour with every demo key; with -transport all it makes each call on every
transport, and says whether they agree. Bad arguments exit with
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
	if c.transport == "all" {
		return c.runAll(stdout, stderr)
	}
	conn, closeConn, err := clarifai.Dial(c.transport, c.addr)
	if err != nil {
		fmt.Fprintf(stderr, "client: %v\n", err)
		return 1
	}
	defer closeConn()
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

// runAll makes the call, or the tour, on every transport, and prints what
// each gave: for the tour, one line per call when they agree; for one call,
// one line per transport.
func (c call) runAll(stdout, stderr io.Writer) int {
	var transports []clarifai.Transport
	for _, name := range clarifai.TransportNames {
		conn, closeConn, err := clarifai.Dial(name, c.addr)
		if err != nil {
			fmt.Fprintf(stderr, "client: %v\n", err)
			return 1
		}
		defer closeConn()
		transports = append(transports, clarifai.Transport{Name: name, Client: api.NewV2Client(conn)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c.tour {
		same, err := clarifai.TourAll(ctx, transports, stdout)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if !same {
			return 1
		}
		return 0
	}
	code := 0
	for _, t := range transports {
		resp, err := clarifai.Invoke(ctx, t.Client, c.key, c.method, c.arg)
		switch {
		case status.Code(err) == codes.Unavailable:
			fmt.Fprintf(stderr, "%s: %v\nis the server running? Start it with: go run ./clarifai/server -addr %s\n", t.Name, err, c.addr)
			return 1
		case err != nil:
			fmt.Fprintf(stdout, "%-8s %s\n", t.Name, clarifai.Explain(err))
			code = 1
		default:
			fmt.Fprintf(stdout, "%-8s %s\n", t.Name, clarifai.Summary(resp))
		}
	}
	return code
}
