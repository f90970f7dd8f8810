package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	for s, want := range map[string]string{
		"internal/scopes":         "internal/scopes",
		"./a-b_c/v1.2@x:y,z=%+":   "./a-b_c/v1.2@x:y,z=%+",
		"":                        "''",
		"my scopes":               "'my scopes'",
		"it's":                    `'it'\''s'`,
		"$HOME/*.go":              "'$HOME/*.go'",
		"a\tb\nc":                 "'a\tb\nc'",
		"example.com/svc/my pkg":  "'example.com/svc/my pkg'",
		`C:\scopes`:               `'C:\scopes'`,
		"dir;rm -rf x":            "'dir;rm -rf x'",
		"~user/x":                 "'~user/x'",
		"ünïcode":                 "'ünïcode'",
		"a\"b":                    `'a"b'`,
		"back`tick`":              "'back`tick`'",
		"brace{a,b}":              "'brace{a,b}'",
		"question?mark[0]":        "'question?mark[0]'",
		"semi;colon&amp|pipe<>()": "'semi;colon&amp|pipe<>()'",
	} {
		if got := shellQuote(s); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", s, got, want)
		}
	}
}

// shellWords splits a command line as a POSIX shell does.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to split the command with:", err)
	}
	out, err := exec.Command(sh, "-c", "for w in "+line+"; do printf '%s\\000' \"$w\"; done").Output()
	if err != nil {
		t.Fatalf("sh cannot run %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestCheckGRPCFixCommand makes the gRPC adapter stale, the package in -out,
// and both, in directories whose names a shell would split, and checks that
// check names exactly what is stale and that its command, pasted into a
// shell, regenerates it: scopegen generate ..., or go tool scopegen generate
// ... when the module of the current directory declares scopegen as a tool.
func TestCheckGRPCFixCommand(t *testing.T) {
	spec, err := filepath.Abs(clarifai)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []struct {
		name  string
		gomod string   // appended to the go.mod of the current directory's module
		run   []string // the words that run scopegen in the fix command
	}{
		{"installed", "", []string{"scopegen"}},
		{"go tool", "\ntool github.com/scopegen/scopegen/cmd/scopegen\n", []string{"go", "tool", "scopegen"}},
	} {
		root := module(t, "example.com/svc")
		if form.gomod != "" {
			f, err := os.OpenFile(filepath.Join(root, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(form.gomod); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		t.Chdir(root)
		out := filepath.Join(root, "my scopes")
		adapter := filepath.Join(root, "server dir", "authz")
		flags := []string{"-spec", spec, "-out", out, "-pkg", "checker", "-docs", "REF $1.md", "-grpc", "-grpc-out", adapter, "-import-path", "example.com/svc/it's"}
		check := append([]string{"check"}, flags...)
		for _, tc := range []struct {
			name    string
			stale   []string // the files edited by hand
			message string   // what stderr says is stale
		}{
			{"the adapter", []string{filepath.Join(adapter, "redact.go")}, "the gRPC adapter in " + adapter + " is stale"},
			{"the package", []string{filepath.Join(out, "scopes.go")}, out + " is stale"},
			{"both", []string{filepath.Join(out, "scopes.go"), filepath.Join(adapter, "redact.go")}, out + " and the gRPC adapter in " + adapter + " are stale"},
		} {
			what := form.name + ", " + tc.name + " stale"
			if code, _, stderr := scopegen(t, append([]string{"generate"}, flags...)...); code != 0 {
				t.Fatalf("%s: generate: exit %d, stderr %q", what, code, stderr)
			}
			for _, path := range tc.stale {
				if err := os.WriteFile(path, []byte("package x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := scopegen(t, check...)
			prefix := "scopegen check: " + tc.message + "; run: " + strings.Join(form.run, " ") + " generate "
			if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, prefix) {
				t.Errorf("%s: exit %d, stderr %q; want 1 and one line starting %q", what, code, stderr, prefix)
				continue
			}
			for _, path := range tc.stale {
				if !strings.Contains(stdout, "--- "+filepath.ToSlash(path)) {
					t.Errorf("%s: the diff lacks %s:\n%.300s", what, path, stdout)
				}
			}
			_, command, _ := strings.Cut(strings.TrimSuffix(stderr, "\n"), "; run: ")
			command, hint, _ := strings.Cut(command, " (")
			if form.gomod != "" && hint != "" {
				t.Errorf("%s: with scopegen a tool of the module, check still hints (%s", what, hint)
			}
			words := shellWords(t, command)
			if want := append(append(slices.Clone(form.run), "generate"), flags...); !slices.Equal(words, want) {
				t.Errorf("%s: the command %s\nis, split by a shell, %q\nwant %q", what, command, words, want)
				continue
			}
			if code, _, stderr := scopegen(t, words[len(form.run):]...); code != 0 {
				t.Fatalf("%s: the pasted command: exit %d, stderr %q", what, code, stderr)
			}
			if code, _, stderr := scopegen(t, check...); code != 0 {
				t.Errorf("%s: check after the pasted command: exit %d, stderr %q", what, code, stderr)
			}
		}
	}
}

// TestGoTool: check prints the go tool form exactly when the go.mod of the
// current directory's module, the one go tool reads, declares scopegen as a
// tool, in any of the ways go.mod can say it.
func TestGoTool(t *testing.T) {
	const head = "module example.com/svc\n\ngo 1.24\n"
	for gomod, want := range map[string]bool{
		head: false,
		head + "tool github.com/scopegen/scopegen/cmd/scopegen\n":                                            true,
		head + "tool \"github.com/scopegen/scopegen/cmd/scopegen\" // quoted\n":                              true,
		head + "tool (\n\tgolang.org/x/tools/cmd/stringer\n\tgithub.com/scopegen/scopegen/cmd/scopegen\n)\n": true,
		head + "tool (\n\tgolang.org/x/tools/cmd/stringer\n)\n":                                              false,
		head + "tool github.com/scopegen/scopegen/cmd/scopegenx\n":                                           false,
		head + "// tool github.com/scopegen/scopegen/cmd/scopegen\n":                                         false,
		head + "require github.com/scopegen/scopegen v1.0.0\n":                                               false,
	} {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
		sub := filepath.Join(root, "internal", "scopes")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Chdir(sub) // as go generate runs it: in the package's directory
		if got := goTool(); got != want {
			t.Errorf("goTool() = %v in a module whose go.mod is\n%s", got, gomod)
		}
	}
	t.Chdir(t.TempDir()) // no module at all, most likely
	if _, err := os.Stat("/go.mod"); err == nil {
		t.Skip("/go.mod exists")
	}
	if goTool() {
		t.Error("goTool() = true outside any module")
	}
}

// TestCheckRefusesWithoutGRPC: check without -grpc compares only the checker,
// so when the directory's //go:generate line also writes the adapter, check
// fails and says to add -grpc, instead of passing with the adapter unchecked.
func TestCheckRefusesWithoutGRPC(t *testing.T) {
	root := module(t, "example.com/svc")
	specPath := writeFile(t, root, "scopes.yaml", small)
	out := filepath.Join(root, "checker")
	gen := []string{"-spec", specPath, "-out", out, "-pkg", "checker"}
	if code, _, stderr := scopegen(t, append([]string{"generate", "-grpc"}, gen...)...); code != 0 {
		t.Fatalf("generate -grpc: exit %d, %s", code, stderr)
	}
	for line, refused := range map[string]bool{
		"//go:generate go tool scopegen generate -spec ../scopes.yaml -out . -pkg checker -grpc":                                             true,
		"//go:generate go run github.com/scopegen/scopegen/cmd/scopegen@v1.2.3 generate -grpc=true -spec ../scopes.yaml -out . -pkg checker": true,
		"//go:generate go -C .. run ./cmd/scopegen --grpc -out checker":                                                                      true,
		"//go:generate scopegen generate -spec ../scopes.yaml -out . -pkg checker":                                                           false,
		"//go:generate scopegen generate -spec ../scopes.yaml -out . -pkg checker -grpc=false":                                               false,
		"//go:generate scopegen generate -grpc-out ../x -out .":                                                                              false,
		"//go:generate stringer -type Kind -grpc":                                                                                            false,
	} {
		writeFile(t, out, "generate.go", "package checker\n\n"+line+"\n")
		code, _, stderr := scopegen(t, append([]string{"check"}, gen...)...)
		switch {
		case refused && (code != 1 || !strings.Contains(stderr, "generate.go:3: the //go:generate line writes a gRPC adapter (-grpc)") || !strings.Contains(stderr, "add -grpc")):
			t.Errorf("%s\ncheck without -grpc: exit %d, stderr %q; want 1, naming the line and saying to add -grpc", line, code, stderr)
		case !refused && code != 0:
			t.Errorf("%s\ncheck without -grpc: exit %d, stderr %q; want 0", line, code, stderr)
		}
		if code, _, stderr := scopegen(t, append([]string{"check", "-grpc"}, gen...)...); code != 0 {
			t.Errorf("%s\ncheck -grpc: exit %d, stderr %q", line, code, stderr)
		}
	}
}

// TestRegenerateHintQuotes: the go generate command of the hint is quoted
// like the rest of the fix command.
func TestRegenerateHintQuotes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "my scopes")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "gen.go"), []byte("package scopes\n\n//go:generate scopegen generate -out .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := " (or: go generate " + shellQuote(filepath.ToSlash(out)) + ", whose //go:generate line runs it)"
	if got := regenerateHint(out, generateLines(out), false); got != want || !strings.Contains(got, "'") {
		t.Errorf("regenerateHint(%s) = %q, want %q", out, got, want)
	}
	t.Chdir(filepath.Dir(out))
	if got, want := regenerateHint("my scopes", generateLines("my scopes"), false), " (or: go generate './my scopes', whose //go:generate line runs it)"; got != want {
		t.Errorf("regenerateHint(\"my scopes\") = %q, want %q", got, want)
	}
}
