package spectest_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/spectest"
)

// FuzzParseTests checks that Parse never panics and returns either a File
// or spec.Errors whose diagnostics are all in the file, positioned and
// saying something; that Resolve does the same against the shipped spec
// and the spec of testdata/spectest; and that what resolves runs and
// prints in every format.
//
//	go test ./internal/spectest -run '^$' -fuzz FuzzParseTests -fuzztime 60s
func FuzzParseTests(f *testing.F) {
	shipped, err := os.ReadFile(shippedTests)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	for _, dir := range []string{"errors", "golden"} {
		paths, err := filepath.Glob(filepath.Join(testdata, dir, "*.txtar"))
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range paths {
			f.Add(readArchive(f, path).section["tests.yaml"])
		}
	}
	for _, src := range []string{
		"tests:\n\t- name: a\n",
		"tests:\n  - name: \"a\n",
		"tests: [{name: a, grant: {}, method: /t.Items/Get, denied: {code: 0x10}}]\n",
		"tests: [{name: a, grant: {}, method: /t.Items/Get, denied: {code: 99999999999999999999}}]\n",
		"tests: [{name: a, grant: {kind: none}, method: -x, denied: {reason: unknown_endpoint}}]\n",
		"tests:\n  - &a {name: a}\n  - *a\n",
		"tests: [{name: a, name: b}]\n",
		"tests: [{? [a]: b}]\n",
	} {
		f.Add([]byte(src))
	}
	shippedModel, err := model.Load(shippedSpec)
	if err != nil {
		f.Fatal(err)
	}
	small, err := model.Load(filepath.Join(testdata, "scopes.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := spectest.Parse("fuzz.yaml", data)
		checkErrors(t, "Parse", file != nil, err)
		if file == nil {
			return
		}
		for _, m := range []*model.Model{shippedModel, small} {
			cases, err := spectest.Resolve(m, file)
			checkErrors(t, "Resolve", cases != nil || len(file.Tests) == 0, err)
			if err != nil {
				continue
			}
			r := spectest.Run(m, cases)
			r.Spec, r.Files = "scopes.yaml", []string{"fuzz.yaml"}
			for _, format := range spectest.Formats {
				if err := r.Write(io.Discard, format); err != nil {
					t.Fatalf("Write %s: %v", format, err)
				}
			}
		}
	})
}

// checkErrors checks that a step returned a result or spec.Errors, each in
// fuzz.yaml at a line and column and saying something.
func checkErrors(t *testing.T, step string, ok bool, err error) {
	t.Helper()
	if err == nil {
		if !ok {
			t.Fatalf("%s returned neither a result nor an error", step)
		}
		return
	}
	var diags spec.Errors
	if !errors.As(err, &diags) || len(diags) == 0 {
		t.Fatalf("%s: %v (%T), want spec.Errors", step, err, err)
	}
	for _, d := range diags {
		if d.Pos.File != "fuzz.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 || d.Msg == "" {
			t.Fatalf("%s: diagnostic %q is not positioned in fuzz.yaml or says nothing", step, d)
		}
	}
}
