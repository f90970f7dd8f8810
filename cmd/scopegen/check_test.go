package main

import (
	"os"
	"os/exec"
	"path/filepath"
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
// shell, regenerates it.
func TestCheckGRPCFixCommand(t *testing.T) {
	root := module(t, "example.com/svc")
	out := filepath.Join(root, "my scopes")
	adapter := filepath.Join(root, "server dir", "authz")
	flags := []string{"-spec", clarifai, "-out", out, "-pkg", "checker", "-docs", "REF $1.md", "-grpc", "-grpc-out", adapter, "-import-path", "example.com/svc/it's"}
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
		if code, _, stderr := scopegen(t, append([]string{"generate"}, flags...)...); code != 0 {
			t.Fatalf("generate: exit %d, stderr %q", code, stderr)
		}
		for _, path := range tc.stale {
			if err := os.WriteFile(path, []byte("package x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := scopegen(t, check...)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "scopegen check: "+tc.message+"; run: scopegen generate ") {
			t.Errorf("%s stale: exit %d, stderr %q; want 1 and one line saying %q", tc.name, code, stderr, tc.message)
			continue
		}
		for _, path := range tc.stale {
			if !strings.Contains(stdout, "--- "+filepath.ToSlash(path)) {
				t.Errorf("%s stale: the diff lacks %s:\n%.300s", tc.name, path, stdout)
			}
		}
		_, command, _ := strings.Cut(stderr, "; run: ")
		command, _, _ = strings.Cut(command, " (")
		words := shellWords(t, command)
		if want := append([]string{"scopegen", "generate"}, flags...); strings.Join(words, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%s stale: the command %s\nis, split by a shell, %q\nwant %q", tc.name, command, words, want)
			continue
		}
		if code, _, stderr := scopegen(t, words[1:]...); code != 0 {
			t.Fatalf("%s stale: the pasted command: exit %d, stderr %q", tc.name, code, stderr)
		}
		if code, _, stderr := scopegen(t, check...); code != 0 {
			t.Errorf("%s stale: check after the pasted command: exit %d, stderr %q", tc.name, code, stderr)
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
	if got := regenerateHint(out); got != want || !strings.Contains(got, "'") {
		t.Errorf("regenerateHint(%s) = %q, want %q", out, got, want)
	}
	t.Chdir(filepath.Dir(out))
	if got, want := regenerateHint("my scopes"), " (or: go generate './my scopes', whose //go:generate line runs it)"; got != want {
		t.Errorf("regenerateHint(\"my scopes\") = %q, want %q", got, want)
	}
}
