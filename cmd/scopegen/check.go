package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/completeness"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
)

// checkArgs is check's usage line.
const checkArgs = "[-spec F] [-out DIR] [-pkg NAME] [-docs NAME] [-grpc [-grpc-out DIR] [-import-path P]] [-proto FILE.proto...] [-openapi FILE] [-exclusions F] [-format text|json|github-actions|exclusions]"

// checkDetail is check's help text after the summary.
const checkDetail = "Generates the package in memory and compares it with -out (and the gRPC\n" +
	"adapter with -grpc-out, with -grpc), writing nothing.\n" +
	"Use it in CI to catch a spec edited without running go generate. It refuses\n" +
	"what generate refuses: bad package names, and files that are symbolic links.\n" +
	"Give it the flags of the //go:generate line: without -grpc it fails when that\n" +
	"line, in -out, writes a gRPC adapter, which it would not compare.\n\n" +
	"When stale, it prints the command that regenerates the files: go tool\n" +
	"scopegen generate ... when the go.mod of the current directory's module\n" +
	"declares scopegen as a tool (go get -tool), and scopegen generate ...\n" +
	"otherwise.\n\n" +
	"The completeness gate (-proto FILE.proto...): compares the spec with the API's\n" +
	"own definitions, every RPC of the services the .proto files define (not those\n" +
	"of their imports, which are not read). Each method must be an endpoint of the\n" +
	"spec (public or not: public is a decision too) or be excluded on purpose, with\n" +
	"a reason, in the exclusions file beside the spec (scopes.yaml ->\n" +
	"scopes.exclude.yaml, or -exclusions FILE):\n" +
	"  exclude:\n" +
	"    - method: /acme.api.Items/Login\n" +
	"      reason: takes a browser session, not an API key; the frontend guards it\n" +
	"-openapi FILE does the same with every operation of an OpenAPI description\n" +
	"(2.0, 3.0 or 3.1), named as import-openapi names its endpoint (the\n" +
	"operationId, or VERB:/path); an exclusion then names the operation.\n" +
	"An exclusion names one method, never a pattern, so that an RPC added later is\n" +
	"decided on its own. Each method with neither is an error at its file:line:col;\n" +
	"so is an exclusion of a method no file defines, or one the spec has an endpoint\n" +
	"for (stale). An endpoint of the spec that names no method of a service the\n" +
	"files define is a warning (a typo, or a removed RPC). The files are read as\n" +
	"import-proto reads them, with the same limits. Name more files as arguments\n" +
	"after -proto (scopegen check -proto api/*.proto), or repeat -proto. With -proto,\n" +
	"the generated package is compared too only when -out is given; then both are\n" +
	"checked and reported in one run.\n\n" +
	"Formats of the gate (-format):\n" +
	"  text            each method without a rule and each stale exclusion as\n" +
	"                  file:line:col: message (the first 100 of them, then how many\n" +
	"                  more), each warning, then a summary (the default)\n" +
	"  json            one object, version 1, every method with its status; the JSON\n" +
	"                  Schema internal/completeness/report.schema.json in scopegen's\n" +
	"                  repository describes every field\n" +
	"  github-actions  ::error at each method without a rule and each stale\n" +
	"                  exclusion, ::warning at each endpoint that names no method\n" +
	"  exclusions      the exclusions file for the current methods: the exclusions\n" +
	"                  that apply, with their reasons, and an entry with an empty\n" +
	"                  reason (which the file refuses) for each method without a rule\n" +
	"In the formats other than text, a stale package's diff goes to standard error,\n" +
	"so that standard output holds the report alone.\n\n" +
	"Exit status:\n" +
	"  0  in sync, and (with -proto) every method has a rule or is excluded\n" +
	"  1  stale (a unified diff is printed), whatever the gate says; or the spec,\n" +
	"     a .proto file or the exclusions file is invalid (file:line:col lines)\n" +
	"  2  usage error\n" +
	"  3  the gate fails: a method has no rule and no exclusion, or an exclusion is\n" +
	"     stale; the package is in sync, or not compared"

func runCheck(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var (
		g    generateFlags
		gate gateFlags
	)
	g.register(fs)
	gate.register(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := gate.parse(fs, files); err != nil {
		return err
	}
	// The generated package is compared unless the gate alone is asked
	// for: with -proto, only when -out names it.
	compare := !gate.on() || isSet(fs, "out")
	if !compare {
		for _, name := range []string{"pkg", "docs", "grpc", "grpc-out", "import-path"} {
			if isSet(fs, name) {
				return usagef("-%s is a flag of the generated package, which check compares with -proto only when -out names it; add -out DIR", name)
			}
		}
	}
	var (
		m         *model.Model
		generated []gen.File
		lines     []generateLine
	)
	if compare {
		// The flags are parsed: g.parse settles the package name and the
		// adapter's (nil: no arguments are left).
		if err := g.parse(fs, nil); err != nil {
			return err
		}
		if m, generated, err = g.files(stderr); err != nil {
			return err
		}
		lines = generateLines(g.out)
		if !g.grpc.on {
			// Without -grpc, check compares only the checker: a stale adapter
			// would pass. Refuse when the directory's own //go:generate line
			// writes one.
			for _, l := range lines {
				if l.grpc {
					fmt.Fprintf(stderr, "scopegen check: %s:%d: the //go:generate line writes a gRPC adapter (-grpc), which check compares only when given -grpc; run check with the flags of that line: add -grpc (and its -grpc-out or -import-path, if it has them)\n", filepath.ToSlash(l.file), l.line)
					return exitCode(1)
				}
			}
		}
	} else {
		if m, err = loadModel(g.spec); err != nil {
			return err
		}
		for _, w := range m.Warnings {
			fmt.Fprintln(stderr, oneLine(w.String()))
		}
	}
	var report *completeness.Report
	if gate.on() {
		if report, err = gate.gate(fs, m, g.spec); err != nil {
			return err
		}
	}

	diff, adapterDiff := "", ""
	if compare {
		if diff, err = output.Stale(inDir(g.out, generated)); err != nil {
			return err
		}
		if g.grpc.on {
			if adapterDiff, err = output.Stale(inDir(g.grpc.out, g.grpc.files)); err != nil {
				return err
			}
		}
	}
	stale := diff != "" || adapterDiff != ""
	if stale {
		// Standard output holds the gate's report alone in its other
		// formats, for the machines that read it.
		w := stdout
		if gate.on() && gate.format != "text" {
			w = stderr
		}
		fmt.Fprint(w, diff+adapterDiff)
	}
	code := 0
	if report != nil {
		if err := report.Write(stdout, gate.format); err != nil {
			return err
		}
		code = report.ExitCode()
		if code != completeness.ExitComplete && gate.format == "text" {
			fmt.Fprint(stderr, gateHint(report))
		}
	}
	if stale {
		tool := goTool()
		fmt.Fprintf(stderr, "scopegen check: %s; run: %s%s\n", staleWhat(g.out, g.grpc.out, diff != "", adapterDiff != ""), g.fixCommand(fs, tool), regenerateHint(g.out, lines, tool))
		return exitCode(1) // stale code wins over the gate: both are reported
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// staleWhat names what check found stale: the package in out, the gRPC
// adapter in adapter, or both.
func staleWhat(out, adapter string, outStale, adapterStale bool) string {
	switch {
	case outStale && adapterStale:
		return fmt.Sprintf("%s and the gRPC adapter in %s are stale", out, adapter)
	case adapterStale:
		return fmt.Sprintf("the gRPC adapter in %s is stale", adapter)
	}
	return out + " is stale"
}

// fixCommand is the scopegen generate command that rewrites what check
// compared, with every argument quoted for a POSIX shell where it needs it;
// with tool, in the go tool scopegen form.
func (g *generateFlags) fixCommand(fs *flag.FlagSet, tool bool) string {
	cmd := "scopegen generate -spec " + shellQuote(g.spec) + " -out " + shellQuote(g.out) + " -pkg " + shellQuote(g.pkg)
	if tool {
		cmd = "go tool " + cmd
	}
	if g.docs != "SCOPES.md" {
		// A double-quoted name, as always, unless the shell would expand or
		// unescape something inside the double quotes.
		docs := strconv.Quote(g.docs)
		if strings.ContainsAny(docs[1:len(docs)-1], "$`\\!") {
			docs = shellQuote(g.docs)
		}
		cmd += " -docs " + docs
	}
	return cmd + g.grpc.args(fs)
}

// shellQuote returns s as one word of a POSIX shell command line: s itself
// when it holds only characters no shell treats specially, else s in single
// quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// regenerateHint names the other ways to run scopegen generate: go generate
// when out has a //go:generate line that runs scopegen (lines), and go run
// when scopegen is neither a tool of the module (tool) nor, perhaps,
// installed.
func regenerateHint(out string, lines []generateLine, tool bool) string {
	if len(lines) > 0 {
		pkg := filepath.ToSlash(filepath.Clean(out))
		if !filepath.IsAbs(out) && !strings.HasPrefix(pkg, ".") {
			pkg = "./" + pkg
		}
		return fmt.Sprintf(" (or: go generate %s, whose //go:generate line runs it)", shellQuote(pkg))
	}
	if tool {
		return ""
	}
	return " (without scopegen installed: go run " + toolPath + " generate with the same flags)"
}

// generateLine is a //go:generate line that runs scopegen.
type generateLine struct {
	file string // the file, in the directory check compares
	line int    // its line number
	grpc bool   // whether it passes -grpc: it writes a gRPC adapter
}

// generateLines returns the //go:generate lines of the .go files of dir that
// run scopegen: a word of the line names it (scopegen, ./cmd/scopegen,
// github.com/scopegen/scopegen/cmd/scopegen@v1.2.3...).
func generateLines(dir string) []generateLine {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []generateLine
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			cmd, ok := strings.CutPrefix(line, "//go:generate ")
			if !ok {
				continue
			}
			words := strings.Fields(cmd)
			for j, w := range words {
				w, _, _ = strings.Cut(strings.Trim(w, `"'`), "@") // go run path@version
				if w == "scopegen" || strings.HasSuffix(w, "/scopegen") {
					out = append(out, generateLine{file: p, line: i + 1, grpc: hasGRPCFlag(words[j+1:])})
					break
				}
			}
		}
	}
	return out
}

// hasGRPCFlag reports whether the arguments of a scopegen command line set
// -grpc, as the flag package reads it: -grpc, --grpc or -grpc=true.
func hasGRPCFlag(args []string) bool {
	for _, a := range args {
		a = strings.Trim(a, `"'`)
		if a == "--" {
			return false
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "grpc" {
			continue
		}
		if !hasValue {
			return true
		}
		on, err := strconv.ParseBool(value)
		return on || err != nil // an odd value: assume it writes one
	}
	return false
}

// toolPath is the package path of scopegen: what a go.mod's tool directive
// names for go tool scopegen to run it.
const toolPath = "github.com/scopegen/scopegen/cmd/scopegen"

// goTool reports whether the commands check prints should run scopegen as go
// tool scopegen: whether the module of the current directory declares it as
// a tool (the go.mod line go get -tool writes).
//
// The printed command is pasted in the same directory, where go tool looks
// for scopegen in that module's go.mod, so that go.mod decides whether go
// tool scopegen works, whatever ran check (go tool, go run or an installed
// binary); and the go tool form runs the version the module pins, which its
// //go:generate line and CI run too. A workspace (go.work) whose tool is
// declared by another of its modules gets the plain form, which works where
// scopegen is installed.
func goTool() bool {
	dir, err := os.Getwd()
	if err != nil {
		return false
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			return declaresTool(data, toolPath)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// declaresTool reports whether a go.mod file has a tool directive for the
// package path, on its own line (tool path) or in a block (tool ( ... )).
func declaresTool(gomod []byte, path string) bool {
	inBlock := false
	for _, line := range strings.Split(string(gomod), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case inBlock && len(f) == 1 && f[0] == ")":
			inBlock = false
		case inBlock && len(f) == 1:
			if unquote(f[0]) == path {
				return true
			}
		case len(f) == 2 && f[0] == "tool" && f[1] == "(":
			inBlock = true
		case len(f) == 2 && f[0] == "tool":
			if unquote(f[1]) == path {
				return true
			}
		}
	}
	return false
}

// unquote returns a go.mod token without its quotes, if it has them.
func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
