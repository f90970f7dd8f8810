package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scopegen/scopegen/gen"
)

// command is one subcommand of scopegen.
type command struct {
	name, args, summary string
	run                 func(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"generate", "[-spec F] [-out DIR] [-pkg NAME]", "compile the spec into a Go package (the default command)", runGenerate},
	{"check", "[-spec F] [-out DIR] [-pkg NAME]", "exit 1 with a diff when the generated package is stale", runCheck},
}

// errSilent is returned when the message was already printed.
var errSilent = errors.New("")

// exitCode is an error that asks for a particular exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func usage(w io.Writer) {
	fmt.Fprintf(w, "scopegen compiles a YAML spec of API scopes into a zero-allocation Go checker.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  scopegen %s %s\n        %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintf(w, "\nWith no command, scopegen runs generate. Run scopegen COMMAND -h for a command's flags.\n")
}

func run(args []string, stdout, stderr io.Writer) int {
	name, explicit := "generate", false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args, explicit = args[0], args[1:], true
	}
	// "scopegen -h" lists every command; "scopegen generate -h" shows its flags.
	if name == "help" || (len(args) == 1 && isHelp(args[0]) && name == "generate" && !explicit) {
		usage(stdout)
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "scopegen: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("scopegen "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: scopegen %s %s\n\n%s.\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	err := cmd.run(fs, args, stdout, stderr)
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &code):
		return int(code)
	case err == errSilent:
		return 1
	default:
		fmt.Fprintf(stderr, "scopegen %s: %v\n", cmd.name, strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return 1
	}
}

func runGenerate(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var g generateFlags
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; generate takes only flags", fs.Arg(0))
	}
	files, err := g.files(stderr)
	if err != nil {
		return err
	}
	return gen.Write(g.out, files)
}

func runCheck(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var g generateFlags
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	files, err := g.files(stderr)
	if err != nil {
		return err
	}
	diff, err := gen.Stale(g.out, files)
	if err != nil {
		return err
	}
	if diff != "" {
		fmt.Fprint(stdout, diff)
		fmt.Fprintf(stderr, "scopegen check: %s is stale; run: scopegen generate -spec %s -out %s\n", g.out, g.spec, g.out)
		return exitCode(1)
	}
	return nil
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
