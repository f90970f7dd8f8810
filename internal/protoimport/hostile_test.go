package protoimport_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// hostileConfig is the config of the hostile-input tests: package t, its
// enum Scope, options requires and auth.
const hostileConfig = `enum: t.Scope
grants_all: All
options:
  requires: t.requires
  auth: t.auth
auth:
  NONE: public
  KEY: app_key|pat
`

// importFiles imports files, given as name and contents in turn, with
// hostileConfig; imports are found among the same files by name.
func importFiles(t *testing.T, files ...string) (*protoimport.Result, error) {
	t.Helper()
	c, err := protoimport.ParseConfig("config.yaml", []byte(hostileConfig))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	var srcs []protoimport.Source
	for i := 0; i+1 < len(files); i += 2 {
		byName[files[i]] = []byte(files[i+1])
		srcs = append(srcs, protoimport.Source{Name: files[i], Data: []byte(files[i+1])})
	}
	return protoimport.Import(c, srcs, func(path string) (protoimport.Source, bool, error) {
		data, ok := byName[path]
		return protoimport.Source{Name: path, Data: data}, ok, nil
	})
}

// diagnostics returns the spec.Errors err holds, failing the test when it
// holds none.
func diagnostics(t *testing.T, err error) spec.Errors {
	t.Helper()
	var diags spec.Errors
	if !errors.As(err, &diags) {
		t.Fatalf("error %v; want spec.Errors", err)
	}
	return diags
}

// TestTooManyErrors checks that an import lists at most spec.MaxErrors
// errors, and warnings, then says how many more there were, in the words a
// spec's errors use.
func TestTooManyErrors(t *testing.T) {
	const n = 2000
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage t;\nenum Scope {\n  UNSET = 0;\n  All = 1;\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  V%d = %d;\n", i, 20000+i) // past the largest scope id
	}
	b.WriteString("}\n")
	_, err := importFiles(t, "a.proto", b.String())
	diags := diagnostics(t, err)
	if len(diags) != spec.MaxErrors+1 {
		t.Errorf("%d errors listed; want spec.MaxErrors (%d) and a note", len(diags), spec.MaxErrors)
	}
	want := fmt.Sprintf("a.proto:%d:10: and %d more errors, not listed (the next one is here); fix these and run again", 6+spec.MaxErrors, n-spec.MaxErrors)
	if last := diags[len(diags)-1].String(); last != want {
		t.Errorf("last error\n%s\nwant\n%s", last, want)
	}

	// Warnings: an RPC that lists a scope n+1 times.
	b.Reset()
	b.WriteString("syntax = \"proto3\";\npackage t;\nenum Scope { UNSET = 0; All = 1; Read = 2; }\nmessage M {}\nservice S {\n  rpc A (M) returns (M) {\n    option (auth) = KEY;\n")
	for i := 0; i <= n; i++ {
		b.WriteString("    option (requires) = Read;\n")
	}
	b.WriteString("  }\n}\n")
	res, err := importFiles(t, "a.proto", b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != spec.MaxErrors+1 {
		t.Errorf("%d warnings listed; want spec.MaxErrors (%d) and a note", len(res.Warnings), spec.MaxErrors)
	}
	want = fmt.Sprintf("a.proto:%d:25: warning: and %d more warnings, not listed (the next one is here)", 9+spec.MaxErrors, n-spec.MaxErrors)
	if last := res.Warnings[len(res.Warnings)-1].String(); last != want {
		t.Errorf("last warning\n%s\nwant\n%s", last, want)
	}
}
