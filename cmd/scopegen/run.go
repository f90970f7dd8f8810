package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// command is one subcommand of scopegen.
type command struct {
	name    string
	args    string // the synopsis after the command's name
	summary string // one line, for scopegen -h
	detail  string // paragraphs for scopegen COMMAND -h
	run     func(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"generate", "[-spec F] [-out DIR] [-pkg NAME] [-docs NAME] [-grpc [-grpc-out DIR] [-import-path P]]",
		"compile the spec into a Go package (the default command)",
		"Validates the spec and writes the generated checker into -out. Files that\n" +
			"already hold the same bytes are left untouched. Prints one line saying what\n" +
			"it did, e.g. \"generated/: wrote scopes.go (13 files), 22 scopes, 37 endpoints\"\n" +
			"or \"generated/: 13 files up to date, ...\".\n\n" +
			"With -grpc it also writes a gRPC adapter, a package of its own in -grpc-out\n" +
			"(default -out/PKGgrpc): server interceptors that enforce the spec and redact\n" +
			"responses. Only the adapter imports gRPC and protobuf.\n\n" +
			"All the files of a run (the checker, its reference and the adapter) land, or\n" +
			"none does: each is written to a temporary file beside it, and they are\n" +
			"renamed into place only when all are written.\n\n" +
			"-pkg (default: the base name of -out) must be a Go identifier other than _\n" +
			"and init; with -grpc it cannot be main, as the adapter imports the package.\n" +
			"The adapter's package name, the base name of -grpc-out, follows the same rules.\n\n" +
			"Symbolic links: -out and -grpc-out, and the directories above them, may be\n" +
			"links to directories, which are followed; a link that points nowhere is an\n" +
			"error. A file to be written that is a symbolic link is refused, neither\n" +
			"replaced nor written through: remove the link. check treats links the same\n" +
			"way.\n\n" +
			"Exit status: 0 written, 1 the spec is invalid (listed as file:line:col lines)\n" +
			"or the package cannot be written, 2 usage error (a bad flag, package name or\n" +
			"output directory).",
		runGenerate},
	{"check", checkArgs, "exit 1 with a diff when the generated package is stale; with -proto or -openapi, exit 3 when a method of the API has no rule", checkDetail, runCheck},
	{"explain", "[-spec F] [-kind KIND|none] [-scopes a,b] [-endpoints m1,m2] [-invite-scopes a,b] [-invite-endpoints m1,m2] [-request SCOPE] [-json] METHOD | \"VERB /path\"",
		"show whether a key may call METHOD, or make an HTTP request, and why",
		"Decides a call of METHOD (a full gRPC method name, e.g. /clarifai.api.V2/ListInputs)\n" +
			"by a key of kind -kind holding the op scopes -scopes, restricted to the endpoints\n" +
			"-endpoints, and explains the decision: the principal, the endpoint restriction,\n" +
			"each required scope, the scopes the handler checks for some requests, and the\n" +
			"response fields redacted.\n\n" +
			"In place of METHOD, an HTTP request \"VERB /path\" (one argument, quoted: the verb\n" +
			"in upper case, the raw path, e.g. \"GET /v2/inputs\") is decided by the spec's HTTP\n" +
			"bindings, as the generated CheckHTTP decides it: the endpoint whose binding the\n" +
			"request matches; when several endpoints share that binding, the request is\n" +
			"allowed only when every one of them allows it (fail closed), and explain says\n" +
			"how each decided. -json adds \"http\": the verb, the path, the endpoints reached\n" +
			"and the binding matched. A request no binding matches is an unknown endpoint.\n\n" +
			"With -invite-scopes or -invite-endpoints the caller is a collaborator: the call\n" +
			"is decided on what both the key and the invite allow (their intersection).\n\n" +
			"-kind none decides a call without credentials; -request SCOPE a request for\n" +
			"which METHOD's handler checks its request-dependent scope SCOPE. Both replay\n" +
			"scopegen diff's witnesses.\n\n" +
			"An unknown scope, endpoint or kind in the grant is denied as an invalid key;\n" +
			"an unknown METHOD is denied as an unknown endpoint.\n\n" +
			"Exit status: 0 allowed, 1 denied or the spec is invalid, 2 usage error.",
		runExplain},
	{"grant", "[-spec F] [-kind KIND] [-scopes a,b] [-endpoints m1,m2] [-json]",
		"check that a would-be key holds every prerequisite of its scopes and endpoints",
		"Validates a key before it is made: each held scope needs its prerequisites\n" +
			"(Inputs:Patch needs Inputs:Get), and each endpoint the key is restricted to\n" +
			"needs the op scopes it requires, with their prerequisites. Prints what is\n" +
			"missing and the closure: the scopes a portal would auto-select.\n\n" +
			"Exit status: 0 valid, 1 prerequisites missing or the spec is invalid,\n" +
			"2 usage error or unknown name.",
		runGrant},
	{"import-proto", importProtoArgs, "write a spec from .proto files whose scope rules are custom options", importProtoDetail, runImportProto},
	{"import-openapi", importOpenAPIArgs, "write a spec from an OpenAPI description's security schemes and requirements", importOpenAPIDetail, runImportOpenAPI},
	{"diff", diffArgs,
		"classify the changes between two versions of a spec: escalation, breaking, safe",
		diffDetail(), runDiff},
	{"test", "[-spec F] [-format text|markdown|json|github-actions] [-min-coverage PERCENT] [FILE...]",
		"run the tests written beside the spec, and report what they cover",
		testDetail, runTest},
	{"docs", "[-spec F] [-o FILE]",
		"write a Markdown reference of the spec",
		"Prints the reference that generate writes next to the code (-docs): scopes with\n" +
			"their ids, descriptions, prerequisites and presets; each endpoint's principals,\n" +
			"required, request-dependent and redacted fields; and which endpoints each scope\n" +
			"opens. The same spec always gives the same bytes.\n\n" +
			"Exit status: 0 written, 1 the spec is invalid or FILE cannot be written,\n" +
			"2 usage error.",
		runDocs},
}

// exitCode is an error that asks for a particular exit status; its message,
// if any, was already printed.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "scopegen compiles a YAML spec of API scopes into a zero-allocation Go checker,\nand answers questions about the spec's rules.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  scopegen %s %s\n        %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintf(w, "\nWith no command, scopegen runs generate. Run scopegen COMMAND -h (or\nscopegen help COMMAND) for a command's flags and exit status.\n")
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.name)
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && isHelp(args[0]) {
		usage(stdout)
		return 0
	}
	name := "generate"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		switch {
		case len(args) == 0:
			usage(stdout)
			return 0
		case len(args) == 1 && lookup(args[0]) != nil:
			name, args = args[0], []string{"-h"}
		default:
			fmt.Fprintf(stderr, "scopegen help: unknown command %q; the commands are %s\n", strings.Join(args, " "), strings.Join(commandNames(), ", "))
			return 2
		}
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "scopegen: unknown command %q%s; the commands are %s (run scopegen -h)\n",
			name, spec.DidYouMean(name, commandNames()), strings.Join(commandNames(), ", "))
		return 2
	}
	fs := flag.NewFlagSet("scopegen "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := cmd.run(fs, args, stdout, stderr)
	var (
		code  exitCode
		uerr  usageError
		diags spec.Errors
	)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		commandHelp(stdout, cmd, fs)
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "scopegen %s: %s (run scopegen %s -h for usage)\n", cmd.name, oneLine(uerr.msg), cmd.name)
		return 2
	case errors.As(err, &diags):
		// file:line:col: message, one per line, as editors and go vet print them.
		for _, d := range diags.Sorted() {
			fmt.Fprintln(stderr, oneLine(d.String()))
		}
		return 1
	default:
		fmt.Fprintf(stderr, "scopegen %s: %s\n", cmd.name, oneLine(err.Error()))
		return 1
	}
}

// commandHelp prints a command's usage, description and flags.
func commandHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: scopegen %s %s\n\n%s%s.\n\n%s\n\nFlags:\n",
		cmd.name, cmd.args, strings.ToUpper(cmd.summary[:1]), cmd.summary[1:], cmd.detail)
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  -%s", f.Name)
		if arg != "" {
			fmt.Fprintf(w, " %s", arg)
		}
		if !strings.Contains(text, "default") {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "\n%s\n", wrap(text, "        ", 80))
	})
}

// wrap fills text into lines of at most width columns, each indented.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		switch {
		case n == 0:
			b.WriteString(indent)
			n = len(indent)
		case n+1+len(word) > width:
			b.WriteString("\n" + indent)
			n = len(indent)
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// parse parses flags and positional arguments in any order: a command line
// like "explain /pkg.S/M -scopes A" works as well as the Go flag style. After
// "--" everything is positional.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// splitList splits a comma-separated flag value, trimming spaces and
// dropping empty items: "" and "a, b," are both fine.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// noArgs rejects positional arguments for commands that take only flags.
func noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q; this command takes only flags", pos[0])
	}
	return nil
}

// loadModel reads the spec; spec problems come back as spec.Errors, which
// run prints as file:line:col lines.
func loadModel(path string) (*model.Model, error) {
	m, err := model.Load(path)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot read the spec: %v; pass -spec with the path of a scopes spec", err)
	}
	return m, err
}

// isSet reports whether flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// oneLine keeps an error to one line of output.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
