package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/output"
)

func runCheck(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var g generateFlags
	g.register(fs)
	if err := g.parse(fs, args); err != nil {
		return err
	}
	_, files, err := g.files(stderr)
	if err != nil {
		return err
	}
	diff, err := output.Stale(inDir(g.out, files))
	if err != nil {
		return err
	}
	adapterDiff := ""
	if g.grpc.on {
		if adapterDiff, err = output.Stale(inDir(g.grpc.out, g.grpc.files)); err != nil {
			return err
		}
	}
	if diff == "" && adapterDiff == "" {
		return nil
	}
	fmt.Fprint(stdout, diff+adapterDiff)
	fmt.Fprintf(stderr, "scopegen check: %s; run: %s%s\n", staleWhat(g.out, g.grpc.out, diff != "", adapterDiff != ""), g.fixCommand(fs), regenerateHint(g.out))
	return exitCode(1)
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
// compared, with every argument quoted for a POSIX shell where it needs it.
func (g *generateFlags) fixCommand(fs *flag.FlagSet) string {
	cmd := "scopegen generate -spec " + shellQuote(g.spec) + " -out " + shellQuote(g.out) + " -pkg " + shellQuote(g.pkg)
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
// when a file of out has a //go:generate line that runs scopegen, and go run
// when scopegen is not installed.
func regenerateHint(out string) string {
	paths, _ := filepath.Glob(filepath.Join(out, "*.go"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "//go:generate ") && strings.Contains(line, "scopegen") {
				pkg := filepath.ToSlash(filepath.Clean(out))
				if !filepath.IsAbs(out) && !strings.HasPrefix(pkg, ".") {
					pkg = "./" + pkg
				}
				return fmt.Sprintf(" (or: go generate %s, whose //go:generate line runs it)", shellQuote(pkg))
			}
		}
	}
	return " (without scopegen installed: go run github.com/scopegen/scopegen/cmd/scopegen generate with the same flags)"
}
