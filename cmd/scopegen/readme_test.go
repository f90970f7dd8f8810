package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestREADMEExamples runs every ```console block of README.md that starts
// with "$ go run ./cmd/scopegen ..." and compares what it prints with the
// rest of the block, so the README's examples stay true.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	const prompt = "$ go run ./cmd/scopegen"
	blocks := strings.Split(string(readme), "```console\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("README.md has no console examples")
	}
	for _, block := range blocks {
		block = block[:strings.Index(block, "```")]
		command, want, _ := strings.Cut(block, "\n")
		if !strings.HasPrefix(command, prompt) {
			t.Errorf("console block does not start with %q: %q", prompt, command)
			continue
		}
		args := strings.Fields(strings.TrimPrefix(command, prompt))
		var stdout, stderr bytes.Buffer
		run(args, &stdout, &stderr)
		if got := stdout.String(); got != want {
			t.Errorf("README: %s\nprints:\n%s\nREADME says:\n%s", command, got, want)
		}
	}
}
