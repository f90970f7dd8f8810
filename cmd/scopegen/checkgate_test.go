package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/testonly/prototruth"
)

// The completeness gate's fixture (testdata/completeness), from the
// repository's root: a shop's service with guarded, public, excluded and
// forgotten methods, a misspelled endpoint and a stale exclusion.
const (
	gateSpec   = "testdata/completeness/scopes.yaml"
	gateProto  = "testdata/completeness/shop/api/orders.proto"
	gateGolden = "testdata/completeness/golden/report."
)

// TestCheckProto: check -proto prints the gate's report in each format as
// the package writes it (testdata/completeness/golden), exits 3, and in the
// text format says on standard error what to do.
func TestCheckProto(t *testing.T) {
	t.Chdir("../..")
	for _, format := range []string{"text", "json", "github-actions", "exclusions"} {
		code, out, errOut := scopegen(t, "check", "-spec", gateSpec, "-proto", gateProto, "-format", format)
		want, err := os.ReadFile(gateGolden + format)
		if err != nil {
			t.Fatal(err)
		}
		if code != 3 || out != string(want) {
			t.Errorf("-format %s: exit %d, stdout:\n%s\nwant exit 3 and %s%s", format, code, out, gateGolden, format)
		}
		wantErr := ""
		if format == "text" {
			wantErr = "scopegen check: the spec is incomplete: 2 methods without a rule and 1 stale exclusion; give each method an endpoint in " + gateSpec +
				", or exclude it with a reason in testdata/completeness/scopes.exclude.yaml (-format exclusions writes the entries); remove the stale exclusions\n"
		}
		if errOut != wantErr {
			t.Errorf("-format %s: stderr %q, want %q", format, errOut, wantErr)
		}
	}
	// Without the exclusions, Login is unguarded too, and nothing is stale.
	code, out, _ := scopegen(t, "check", "-spec", gateSpec, "-proto", gateProto, "-exclusions", "")
	if code != 3 || !strings.HasSuffix(out, "\n6 methods of 2 services in 1 file: 2 guarded, 1 public, 0 excluded, 3 unguarded; 1 warning\n") {
		t.Errorf("-exclusions \"\": exit %d:\n%s", code, out)
	}
	// An exclusions file named but missing is an error.
	if code, _, errOut := scopegen(t, "check", "-spec", gateSpec, "-proto", gateProto, "-exclusions", "testdata/completeness/nothing.yaml"); code != 1 || !strings.Contains(errOut, "cannot read the exclusions") {
		t.Errorf("-exclusions of a missing file: exit %d, stderr %q", code, errOut)
	}
}

// TestCheckProtoComplete: once every method has an endpoint or an
// exclusion, check -proto exits 0 and says so; the .proto files may be
// named as arguments after -proto, as a shell expands api/*.proto.
func TestCheckProtoComplete(t *testing.T) {
	dir := t.TempDir()
	protoA := writeFile(t, dir, "a.proto", "syntax = \"proto3\";\npackage t;\nservice S {\n  rpc Get (A) returns (A);\n  rpc Put (A) returns (A);\n}\n")
	protoB := writeFile(t, dir, "b.proto", "syntax = \"proto3\";\npackage t;\nservice Admin { rpc Reindex (A) returns (A); }\n")
	specPath := writeFile(t, dir, "scopes.yaml", small)
	writeFile(t, dir, "scopes.exclude.yaml", "exclude:\n  - method: /t.Admin/Reindex\n    reason: the admin console's session guards it\n")
	code, out, errOut := scopegen(t, "check", "-spec", specPath, "-proto", protoA, protoB)
	// /t.S/Health is an endpoint of service t.S, which a.proto defines
	// without it: a warning, which does not fail the gate.
	if code != 0 || !strings.HasSuffix(out, "\n3 methods of 2 services in 2 files: 2 guarded, 0 public, 1 excluded, 0 unguarded; 1 warning\n") ||
		!strings.Contains(out, "scopes.yaml:21:13: warning: endpoint /t.S/Health names no method of service t.S") || errOut != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	if code, out, _ := scopegen(t, "check", "-spec", specPath, "-proto", protoA, "-proto", protoB, "-format", "json"); code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, `"exit_code": 0`) {
		t.Errorf("-proto twice, -format json: exit %d:\n%s", code, out)
	}
}

// TestCheckProtoAndStaleness: with -proto and -out, check compares the
// generated package and runs the gate; stale code exits 1 whatever the
// gate says, a failing gate alone 3. In formats other than text, the diff
// goes to standard error, leaving the report alone on standard output.
func TestCheckProtoAndStaleness(t *testing.T) {
	root := module(t, "example.com/svc")
	specPath := writeFile(t, root, "scopes.yaml", small)
	protoPath := writeFile(t, root, "s.proto", "syntax = \"proto3\";\npackage t;\nservice S {\n  rpc Get (A) returns (A);\n  rpc Put (A) returns (A);\n  rpc Health (A) returns (A);\n  rpc Delete (A) returns (A);\n}\n")
	out := filepath.Join(root, "checker")
	genFlags := []string{"-spec", specPath, "-out", out, "-pkg", "checker"}
	if code, _, errOut := scopegen(t, append([]string{"generate"}, genFlags...)...); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	check := func(format string) (int, string, string) {
		return scopegen(t, append([]string{"check", "-proto", protoPath, "-format", format}, genFlags...)...)
	}
	// In sync; Delete has no rule.
	code, stdout, errOut := check("text")
	if code != 3 || !strings.Contains(stdout, "method /t.S/Delete has no rule in the spec") || strings.Contains(stdout, "---") || strings.Contains(errOut, "stale") {
		t.Errorf("in sync, Delete unguarded: exit %d, stderr %q, stdout:\n%s", code, errOut, stdout)
	}
	// Stale, and Delete still has no rule: both reported, exit 1.
	writeFile(t, root, "scopes.yaml", small+"  - method: /t.S/List\n    requires: [Read]\n")
	code, stdout, errOut = check("text")
	if code != 1 || !strings.Contains(stdout, "--- ") || !strings.Contains(stdout, "method /t.S/Delete has no rule in the spec") ||
		!strings.Contains(errOut, "the spec is incomplete") || !strings.Contains(errOut, "is stale; run: ") {
		t.Errorf("stale, Delete unguarded: exit %d, stderr %q, stdout:\n%s", code, errOut, stdout)
	}
	code, stdout, errOut = check("json")
	if code != 1 || !json.Valid([]byte(stdout)) || !strings.Contains(errOut, "--- ") {
		t.Errorf("stale, -format json: exit %d; want 1, the report alone on stdout and the diff on stderr:\n%s", code, stdout)
	}
	// Stale, and complete: exit 1.
	writeFile(t, root, "scopes.exclude.yaml", "exclude:\n  - {method: /t.S/Delete, reason: nobody calls it yet}\n")
	if code, stdout, _ = check("text"); code != 1 || !strings.Contains(stdout, " 0 unguarded") {
		t.Errorf("stale, complete: exit %d:\n%s", code, stdout)
	}
	// In sync, and complete: exit 0.
	writeFile(t, root, "scopes.yaml", small)
	if code, stdout, errOut = check("text"); code != 0 || errOut != "" {
		t.Errorf("in sync, complete: exit %d, stderr %q:\n%s", code, errOut, stdout)
	}
}

// TestCheckProtoErrors: a .proto file that does not parse and a bad
// exclusions file are reported together, at their file:line:col, exit 1.
func TestCheckProtoErrors(t *testing.T) {
	dir := t.TempDir()
	specPath := writeFile(t, dir, "scopes.yaml", small)
	protoPath := writeFile(t, dir, "s.proto", "syntax = \"proto3\";\nservice S { rpc Get (A) returns (A) }\n")
	writeFile(t, dir, "scopes.exclude.yaml", "exclude:\n  - method: /t.S/Get\n")
	code, _, errOut := scopegen(t, "check", "-spec", specPath, "-proto", protoPath)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 1 || len(lines) != 2 || !strings.Contains(lines[0], "s.proto:2:") || !strings.Contains(lines[1], "scopes.exclude.yaml:2:5: the exclusion needs reason:") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1, the syntax error and the missing reason", code, errOut)
	}
	if code, _, errOut := scopegen(t, "check", "-spec", specPath, "-proto", filepath.Join(dir, "none.proto")); code != 1 || !strings.Contains(errOut, "cannot read") {
		t.Errorf("a missing .proto file: exit %d, stderr %q", code, errOut)
	}
}

// TestCheckProtoUsage: the gate's flags need -proto; with -proto, the
// flags of the generated package need -out.
func TestCheckProtoUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"a.proto"}, `unexpected argument "a.proto"; check takes only flags, and .proto files after -proto`},
		{[]string{"-format", "json"}, "-format is a flag of the completeness gate; add -proto FILE.proto..."},
		{[]string{"-exclusions", "x.yaml"}, "-exclusions is a flag of the completeness gate"},
		{[]string{"-proto", "a.proto", "-format", "jsno"}, `unknown -format "jsno"; did you mean "json"?`},
		{[]string{"-proto", "a.proto", "-grpc"}, "-grpc is a flag of the generated package, which check compares with -proto only when -out names it; add -out DIR"},
		{[]string{"-proto", "a.proto", "-pkg", "scopes"}, "-pkg is a flag of the generated package"},
	} {
		code, _, errOut := scopegen(t, append([]string{"check"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("check %v: exit %d, stderr %q; want 2, saying %q", c.args, code, errOut, c.want)
		}
	}
}

// TestCheckProtoReal runs the gate on Clarifai's real protos (289 RPCs of
// service clarifai.api.V2) when SCOPEGEN_REAL_PROTO names them, as
// TestImportProtoReal does. It lists the same methods as compiling the
// protos (package prototruth); the shipped spec guards 37 of them, so the
// gate lists the other 252, exit 3: that is the point, and the counts are
// asserted, not a failure. The spec import-proto writes from the same
// protos leaves out exactly the RPCs whose auth type the profile skips,
// which the gate then lists, and which exclusions let through.
func TestCheckProtoReal(t *testing.T) {
	dir := os.Getenv(realProtoEnv)
	if dir == "" {
		t.Skip("set " + realProtoEnv + " to a directory holding Clarifai's proto/clarifai/api/service.proto to run the gate on the real protos")
	}
	if _, err := os.Stat(dir); err != nil && !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir) // relative to the repository's root
	}
	root, rel, err := prototruth.Find(dir, "clarifai/api/service.proto")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, filepath.FromSlash(rel))
	cfg := protoimport.Profiles["clarifai"]()
	api, err := prototruth.Compile(cfg, []string{root}, []string{rel})
	if err != nil {
		t.Fatal(err)
	}
	var compiled, skipped []string
	for _, r := range api.RPCs {
		compiled = append(compiled, r.Method)
		if target, ok := cfg.AuthMap[r.Auth]; ok && target.Skip {
			skipped = append(skipped, r.Method)
		}
	}
	sort.Strings(compiled)
	sort.Strings(skipped)

	report := func(args ...string) (int, gateJSON) {
		t.Helper()
		code, out, errOut := scopegen(t, append([]string{"check", "-format", "json", "-proto", file}, args...)...)
		var r gateJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("check %v: exit %d, %v\n%s", args, code, err, errOut)
		}
		return code, r
	}
	methods := func(r gateJSON, status string) []string {
		var out []string
		for _, m := range r.Methods {
			if status == "" || m.Status == status {
				out = append(out, m.Method)
			}
		}
		sort.Strings(out)
		return out
	}

	// The shipped spec.
	code, r := report("-spec", clarifai)
	if got := methods(r, ""); !slices.Equal(got, compiled) {
		t.Errorf("the gate lists %d methods; compiling the protos gives %d", len(got), len(compiled))
	}
	s := r.Summary
	if code != 3 || s.Methods != 289 || s.Services != 1 || s.Guarded != 37 || s.Public != 0 || s.Excluded != 0 || s.Unguarded != 252 || s.Stale != 0 || s.Unknown != 0 {
		t.Errorf("the shipped spec: exit %d, %+v; want exit 3, 289 methods, 37 guarded, 252 unguarded", code, s)
	}
	t.Logf("the shipped spec against %s: %+v", rel, s)

	// The spec import-proto writes: every RPC but the skipped ones.
	specCode, spec, warnings := scopegen(t, "import-proto", "-profile", "clarifai", "-I", root, file)
	if specCode != 0 {
		t.Fatalf("import-proto: exit %d\n%s", specCode, warnings)
	}
	tmp := t.TempDir()
	specPath := writeFile(t, tmp, "scopes.yaml", spec)
	code, r = report("-spec", specPath)
	if got := methods(r, "unguarded"); code != 3 || !slices.Equal(got, skipped) || len(skipped) != 2 || r.Summary.Guarded+r.Summary.Public != 287 || r.Summary.Public != 3 {
		t.Errorf("the imported spec: exit %d, %+v, unguarded %v; want 287 with a rule (3 public), and unguarded only the skipped %v", code, r.Summary, got, skipped)
	}
	t.Logf("the imported spec: %+v; unguarded: %s", r.Summary, strings.Join(skipped, ", "))
	// -format exclusions writes their entries; with reasons, the gate passes.
	_, excl, _ := scopegen(t, "check", "-format", "exclusions", "-spec", specPath, "-proto", file)
	writeFile(t, tmp, "scopes.exclude.yaml", strings.ReplaceAll(excl, `reason: ""`, "reason: SessionTokenAuth takes a browser session, which no API key or token is"))
	if code, r = report("-spec", specPath); code != 0 || r.Summary.Excluded != 2 {
		t.Errorf("the imported spec with the exclusions: exit %d, %+v", code, r.Summary)
	}
}

// gateJSON is the part of check -proto -format json that the tests read.
type gateJSON struct {
	Summary struct {
		Methods   int `json:"methods"`
		Services  int `json:"services"`
		Guarded   int `json:"guarded"`
		Public    int `json:"public"`
		Excluded  int `json:"excluded"`
		Unguarded int `json:"unguarded"`
		Stale     int `json:"stale_exclusions"`
		Unknown   int `json:"unknown_endpoints"`
	} `json:"summary"`
	Methods []struct {
		Method string `json:"method"`
		Status string `json:"status"`
	} `json:"methods"`
}

// TestCheckOpenAPI: check -openapi runs the gate on an OpenAPI
// description's operations, named as import-openapi names their endpoints:
// the spec imported from pets-v1 guards all of them but deletePet, which
// the import leaves out (its requirement names two credentials); excluded
// with a reason, the gate passes; pets-v2's new operation tagPet is caught,
// at its file:line:col.
func TestCheckOpenAPI(t *testing.T) {
	t.Chdir("../..")
	const v1, v2 = "testdata/openapi/example/pets-v1.yaml", "testdata/openapi/example/pets-v2.yaml"
	dir := t.TempDir()
	code, spec, errOut := scopegen(t, "import-openapi", v1)
	if code != 0 {
		t.Fatalf("import-openapi: exit %d: %s", code, errOut)
	}
	specPath := writeFile(t, dir, "scopes.yaml", spec)
	code, out, _ := scopegen(t, "check", "-spec", specPath, "-openapi", v1)
	if code != 3 || !strings.Contains(out, v1+":31:5: method deletePet has no rule in the spec") ||
		!strings.HasSuffix(out, ": 3 guarded, 1 public, 0 excluded, 1 unguarded\n") {
		t.Errorf("-openapi %s: exit %d:\n%s", v1, code, out)
	}
	writeFile(t, dir, "scopes.exclude.yaml", "exclude:\n  - method: deletePet\n    reason: it needs two credentials in one call, which no grant holds; the handler checks both\n")
	if code, out, _ := scopegen(t, "check", "-spec", specPath, "-openapi", v1, "-format", "json"); code != 0 || !strings.Contains(out, `"exit_code": 0`) {
		t.Errorf("with deletePet excluded: exit %d:\n%s", code, out)
	}
	code, out, _ = scopegen(t, "check", "-spec", specPath, "-openapi", v2)
	if code != 3 || !strings.Contains(out, v2+":31:5: method tagPet has no rule in the spec") {
		t.Errorf("-openapi %s: exit %d:\n%s", v2, code, out)
	}
	if code, _, errOut := scopegen(t, "check", "-spec", specPath, "-openapi", "testdata/openapi/nothing.yaml"); code != 1 || !strings.Contains(errOut, "cannot read testdata/openapi/nothing.yaml") {
		t.Errorf("-openapi of a missing file: exit %d, stderr %q", code, errOut)
	}
}
