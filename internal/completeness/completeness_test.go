package completeness_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/completeness"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/completeness/golden")

// The fixture, relative to the repository's root: a shop's service with
// guarded, public, excluded and forgotten methods, a misspelled endpoint and
// a stale exclusion.
const (
	fixtureSpec       = "testdata/completeness/scopes.yaml"
	fixtureExclusions = "testdata/completeness/scopes.exclude.yaml"
	fixtureProto      = "testdata/completeness/shop/api/orders.proto"
	golden            = "testdata/completeness/golden"
)

// root makes the repository's root the working directory, so that the
// reports name the files as the command run from there does.
func root(t *testing.T) {
	t.Helper()
	t.Chdir("../..")
}

// operations reads the RPCs of the .proto files as operations, as scopegen
// check does.
func operations(t *testing.T, files ...string) []completeness.Operation {
	t.Helper()
	var srcs []protoimport.Source
	for _, f := range files {
		src, err := protoimport.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	rpcs, err := protoimport.RPCs(srcs)
	if err != nil {
		t.Fatal(err)
	}
	var ops []completeness.Operation
	for _, r := range rpcs {
		ops = append(ops, completeness.Operation{Name: r.Method, Group: r.Service, GroupPos: r.ServicePos, Pos: r.Pos})
	}
	return ops
}

// exclusionsOf reads an exclusions file.
func exclusionsOf(t *testing.T, path string) []completeness.Exclusion {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x, err := completeness.ParseExclusions(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fixture runs the gate on the fixture.
func fixture(t *testing.T) *completeness.Report {
	t.Helper()
	m, err := model.Load(fixtureSpec)
	if err != nil {
		t.Fatal(err)
	}
	r := completeness.Check(m, operations(t, fixtureProto), exclusionsOf(t, fixtureExclusions))
	r.Spec, r.Exclusions, r.Files = fixtureSpec, fixtureExclusions, []string{fixtureProto}
	return r
}

// buildModel builds the model of a spec given as text.
func buildModel(t *testing.T, text string) *model.Model {
	t.Helper()
	f, err := spec.Parse("scopes.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// specHead is a spec without endpoints, to which tests add theirs.
const specHead = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: a}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: b}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: c}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: d}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: Get, id: 1, description: Read.}
endpoints:
`

func render(t *testing.T, r *completeness.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b, format); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFixture: what the gate makes of each method of the fixture, each
// stale exclusion and each unknown endpoint.
func TestFixture(t *testing.T) {
	root(t)
	r := fixture(t)
	var got []string
	for _, m := range r.Methods {
		got = append(got, fmt.Sprintf("%s %s %s", m.Pos, m.Name, m.Status))
	}
	want := []string{
		fixtureProto + ":11:7 /shop.api.Orders/GetOrder guarded",
		fixtureProto + ":12:7 /shop.api.Orders/ListOrders guarded",
		fixtureProto + ":13:7 /shop.api.Orders/CancelOrder unguarded",
		fixtureProto + ":14:7 /shop.api.Orders/RefundOrder unguarded",
		fixtureProto + ":15:7 /shop.api.Orders/Login excluded",
		fixtureProto + ":20:7 /shop.api.Health/Check public",
	}
	if !slices.Equal(got, want) {
		t.Errorf("methods:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Stale) != 1 || r.Stale[0].Method != "/shop.api.Orders/ExportOrders" || r.Stale[0].Endpoint != nil || r.Stale[0].Pos.String() != fixtureExclusions+":6:13" {
		t.Errorf("stale exclusions %+v; want /shop.api.Orders/ExportOrders, which no file defines", r.Stale)
	}
	// CancelOrdr is a typo of CancelOrder; /shop.api.Billing/Charge is of a
	// service the file does not define, so it is not checked.
	if len(r.Unknown) != 1 || r.Unknown[0].Endpoint.Method != "/shop.api.Orders/CancelOrdr" || r.Unknown[0].Suggestion != "/shop.api.Orders/CancelOrder" ||
		r.Unknown[0].GroupPos.String() != fixtureProto+":10:9" {
		t.Errorf("unknown endpoints %+v; want /shop.api.Orders/CancelOrdr, a typo of CancelOrder", r.Unknown)
	}
	if code := r.ExitCode(); code != completeness.ExitIncomplete {
		t.Errorf("exit code %d, want %d", code, completeness.ExitIncomplete)
	}
	if got, want := r.Summary(), "6 methods of 2 services in 1 file: 2 guarded, 1 public, 1 excluded, 2 unguarded; 1 stale exclusion; 1 warning"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestGolden compares the report of the fixture in every format with
// testdata/completeness/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	root(t)
	r := fixture(t)
	for _, format := range completeness.Formats {
		name := filepath.Join(golden, "report."+format)
		got := render(t, r, format)
		if *update {
			if err := os.MkdirAll(golden, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (go test ./internal/completeness -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("-format %s differs from %s (go test ./internal/completeness -update rewrites it):\n%s", format, name, textdiff.Unified(name, name+" (got)", want, got))
		}
	}
}

// TestComplete: a spec that guards or excludes every method passes, and
// says so; an endpoint made public is an explicit decision too.
func TestComplete(t *testing.T) {
	m := buildModel(t, specHead+`  - {method: /p.S/A, requires: [Get]}
  - {method: /p.S/B, public: true}
  - {method: /q.Other/X, requires: [Get]}
`)
	ops := []completeness.Operation{
		{Name: "/p.S/A", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 2, Col: 7}},
		{Name: "/p.S/B", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 3, Col: 7}},
		{Name: "/p.S/C", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 4, Col: 7}},
	}
	r := completeness.Check(m, ops, []completeness.Exclusion{{Method: "/p.S/C", Reason: "internal", Pos: spec.Pos{File: "x.yaml", Line: 2, Col: 13}}})
	r.Files = []string{"s.proto"}
	if code := r.ExitCode(); code != completeness.ExitComplete || len(r.Stale) > 0 || len(r.Unknown) > 0 {
		t.Errorf("exit %d, stale %v, unknown %v; want a complete report", code, r.Stale, r.Unknown)
	}
	if got, want := string(render(t, r, "text")), "3 methods of 1 service in 1 file: 1 guarded, 1 public, 1 excluded, 0 unguarded\n"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if got := render(t, r, "github-actions"); len(got) != 0 {
		t.Errorf("github-actions annotates a complete report:\n%s", got)
	}
}

// TestRedundantExclusion: an exclusion of a method the spec has an endpoint
// for is stale, and fails: it would hide the method again the day the
// endpoint is removed. The endpoint decides the method's calls.
func TestRedundantExclusion(t *testing.T) {
	m := buildModel(t, specHead+"  - {method: /p.S/A, requires: [Get]}\n")
	ops := []completeness.Operation{{Name: "/p.S/A", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 2, Col: 7}}}
	r := completeness.Check(m, ops, []completeness.Exclusion{{Method: "/p.S/A", Reason: "old", Pos: spec.Pos{File: "x.yaml", Line: 3, Col: 13}}})
	r.Exclusions = "x.yaml"
	if r.Methods[0].Status != completeness.Guarded || len(r.Stale) != 1 || r.Stale[0].Endpoint == nil || r.ExitCode() != completeness.ExitIncomplete {
		t.Fatalf("methods %+v, stale %+v, exit %d; want A guarded and its exclusion stale, exit 3", r.Methods, r.Stale, r.ExitCode())
	}
	want := "x.yaml:3:13: exclusion of /p.S/A is stale: the spec has an endpoint for it (scopes.yaml:12:14), which decides its calls; remove the exclusion\n"
	if got := string(render(t, r, "text")); !strings.HasPrefix(got, want) {
		t.Errorf("text:\n%s\nwant it to start with:\n%s", got, want)
	}
}

// TestStaleSuggestion: an exclusion that misspells a method is stale, with
// the method it may mean; the method itself is unguarded.
func TestStaleSuggestion(t *testing.T) {
	m := buildModel(t, specHead+"  - {method: /p.S/A, requires: [Get]}\n")
	ops := []completeness.Operation{{Name: "/p.S/Login", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 2, Col: 7}}}
	r := completeness.Check(m, ops, []completeness.Exclusion{{Method: "/p.S/Logni", Reason: "session", Pos: spec.Pos{File: "x.yaml", Line: 3, Col: 13}}})
	if len(r.Stale) != 1 || r.Stale[0].Suggestion != "/p.S/Login" || r.Methods[0].Status != completeness.Unguarded {
		t.Errorf("stale %+v, methods %+v; want the exclusion stale, suggesting /p.S/Login, and Login unguarded", r.Stale, r.Methods)
	}
	// /p.S/A names no method of p.S, which the files define.
	if len(r.Unknown) != 1 || r.Unknown[0].Endpoint.Method != "/p.S/A" || r.Unknown[0].Suggestion != "" {
		t.Errorf("unknown %+v; want /p.S/A, without a suggestion", r.Unknown)
	}
}

// TestTextListsAtMostMaxErrors: the text format lists the first
// spec.MaxErrors problems, as a spec's errors are, and says how many more;
// JSON and the exclusions file list every method.
func TestTextListsAtMostMaxErrors(t *testing.T) {
	m := buildModel(t, specHead+"  - {method: /p.Other/A, requires: [Get]}\n")
	var ops []completeness.Operation
	n := spec.MaxErrors + 50
	for i := range n {
		ops = append(ops, completeness.Operation{Name: fmt.Sprintf("/p.S/M%03d", i), Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: i + 2, Col: 7}})
	}
	// A stale exclusion, found after the methods, is listed in its place
	// by position: first, here.
	r := completeness.Check(m, ops, []completeness.Exclusion{{Method: "/p.S/Gone", Reason: "old", Pos: spec.Pos{File: "a.yaml", Line: 2, Col: 13}}})
	lines := strings.Split(strings.TrimSuffix(string(render(t, r, "text")), "\n"), "\n")
	if len(lines) != spec.MaxErrors+2 {
		t.Fatalf("%d lines; want %d, a note and the summary", len(lines), spec.MaxErrors)
	}
	if !strings.HasPrefix(lines[0], "a.yaml:2:13: exclusion of /p.S/Gone is stale") {
		t.Errorf("first line %q; want the stale exclusion", lines[0])
	}
	if want := "s.proto:101:7: and 51 more errors, not listed (the next one is here); fix these and run again"; lines[spec.MaxErrors] != want {
		t.Errorf("note %q, want %q", lines[spec.MaxErrors], want)
	}
	if got := strings.Count(string(render(t, r, "exclusions")), "  - method: "); got != n {
		t.Errorf("-format exclusions lists %d methods, want %d", got, n)
	}
	if got := strings.Count(string(render(t, r, "json")), `"status": "unguarded"`); got != n {
		t.Errorf("-format json lists %d unguarded methods, want %d", got, n)
	}
}

// TestExclusionsFormat: the exclusions file written for the fixture keeps
// the exclusions that apply, drops the stale one and lists each method
// without a rule with an empty reason, which the file refuses; once the
// reasons are filled in, the gate passes.
func TestExclusionsFormat(t *testing.T) {
	root(t)
	out := render(t, fixture(t), "exclusions")
	_, err := completeness.ParseExclusions("new.yaml", out)
	var diags spec.Errors
	if !errors.As(err, &diags) || len(diags) != 2 {
		t.Fatalf("the written file reads with %v; want 2 errors, the empty reasons", err)
	}
	for _, d := range diags {
		if !strings.Contains(d.Msg, "the exclusion needs reason:") {
			t.Errorf("%s; want the empty reason refused", d)
		}
	}
	filled := strings.ReplaceAll(string(out), `reason: ""`, "reason: decided in review")
	x, err := completeness.ParseExclusions("new.yaml", []byte(filled))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(fixtureSpec)
	if err != nil {
		t.Fatal(err)
	}
	if r := completeness.Check(m, operations(t, fixtureProto), x); r.ExitCode() != completeness.ExitComplete {
		t.Errorf("with the written exclusions filled in: exit %d, %s", r.ExitCode(), render(t, r, "text"))
	}
}

// TestParseExclusions: every problem of an exclusions file, at its line and
// column, saying what to do.
func TestParseExclusions(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"not a mapping", "- a\n", "x.yaml:1:1: the exclusions file is a mapping with one key, exclude: a list of {method, reason}"},
		{"unknown key", "exclud: []\n", `x.yaml:1:1: unknown key "exclud" in the exclusions file; did you mean "exclude"?`},
		{"entry not a mapping", "exclude: [/p.S/A]\n", "x.yaml:1:11: an exclusion is a mapping: {method: /package.Service/Method, reason: WHY}"},
		{"no reason", "exclude:\n  - method: /p.S/A\n", "x.yaml:2:5: the exclusion needs reason: (why the spec leaves this method without a rule, and what guards it instead)"},
		{"blank reason", "exclude:\n  - {method: /p.S/A, reason: \"  \"}\n", "x.yaml:2:5: the exclusion needs reason:"},
		{"no method", "exclude:\n  - reason: why\n", "x.yaml:2:5: the exclusion needs method: (/package.Service/Method)"},
		{"not a method", "exclude:\n  - {method: /p.S.A, reason: why}\n", `x.yaml:2:14: method "/p.S.A" is neither a gRPC full method name (/package.Service/Method) nor an operation's name (an OpenAPI operationId: printable characters without spaces, not starting with '/'), as the spec's endpoints name them`},
		{"unknown field", "exclude:\n  - {method: /p.S/A, reason: why, reasons: more}\n", `x.yaml:2:35: unknown key "reasons" in an exclusion; did you mean "reason"?`},
		{"twice", "exclude:\n  - {method: /p.S/A, reason: why}\n  - {method: /p.S/A, reason: why}\n", "x.yaml:3:5: method /p.S/A is excluded twice (first at x.yaml:2:14); keep one"},
		{"reason not a string", "exclude:\n  - {method: /p.S/A, reason: [a]}\n", "x.yaml:2:30: reason must be a string, not a list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := completeness.ParseExclusions("x.yaml", []byte(c.file))
			var diags spec.Errors
			if !errors.As(err, &diags) || len(diags) != 1 || !strings.HasPrefix(diags[0].String(), c.want) {
				t.Errorf("error:\n%v\nwant one error starting with:\n%s", err, c.want)
			}
		})
	}
	x, err := completeness.ParseExclusions("x.yaml", []byte("# none yet\n"))
	if err != nil || len(x) != 0 {
		t.Errorf("a file of comments: %v, %v; want no exclusions", x, err)
	}
}
