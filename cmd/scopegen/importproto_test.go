package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/testonly/cases"
	"github.com/scopegen/scopegen/internal/testonly/prototruth"
)

const protodata = "../../testdata/protoimport"

// acmeArgs import the Acme fixture with its config file.
var acmeArgs = []string{"import-proto", "-config", protodata + "/importproto.yaml",
	protodata + "/acme/api/items.proto", protodata + "/acme/api/reports.proto"}

// acmeFlags say with flags alone what testdata/protoimport/importproto.yaml says.
var acmeFlags = []string{"import-proto", "-enum", "acme.auth.Scope", "-grants-all", "All",
	"-depends-option", "acme.auth.needs", "-exposed-option", "acme.auth.exposed",
	"-requires-option", "acme.auth.requires", "-auth-option", "acme.auth.auth",
	"-auth-map", "NONE=public,API_KEY=app_key|pat,TOKEN=pat,SESSION=skip,ADMIN=skip", "-I", protodata,
	protodata + "/acme/api/items.proto", protodata + "/acme/api/reports.proto"}

func TestImportProtoHelp(t *testing.T) {
	want := []string{"I", "any-of", "auth-default", "auth-map", "auth-option", "config", "depends-option", "enum", "exposed-option",
		"grants-all", "http-option", "names", "o", "prev", "principals", "profile", "requires-option", "separator", "service-requires-option", "strip-prefix"}
	if got := flagsOf(t, "import-proto"); !slices.Equal(got, want) {
		t.Errorf("flags = %v, want %v", got, want)
	}
	code, out, errOut := scopegen(t, "import-proto", "-h")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "Usage: scopegen import-proto") || !strings.Contains(out, "Exit status:") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	entries := regexp.MustCompile(`(?m)^  -`).Split(out[strings.Index(out, "Flags:"):], -1)[1:]
	if len(entries) != len(want) {
		t.Errorf("%d flag entries, want %d", len(entries), len(want))
	}
	for _, e := range entries {
		if !strings.Contains(e, "default") {
			t.Errorf("entry -%s says nothing of its default", strings.TrimSpace(e))
		}
	}
	if code, out, _ := scopegen(t, "-h"); code != 0 || !strings.Contains(out, "scopegen import-proto ") {
		t.Errorf("scopegen -h does not list import-proto:\n%s", out)
	}
}

// TestImportProtoNothingGiven: with nothing saying where the rules are, the
// command explains what to pass.
func TestImportProtoNothingGiven(t *testing.T) {
	code, out, errOut := scopegen(t, "import-proto", protodata+"/acme/api/items.proto")
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, s := range []string{"-enum", "-requires-option", "-auth-option", "-auth-map", "-depends-option", "-exposed-option",
		"-grants-all", "-config FILE", "-profile clarifai", "Example:", "scopegen import-proto -enum acme.auth.Scope"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("the explanation does not mention %q:\n%s", s, errOut)
		}
	}
}

func TestImportProtoUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-enum", "a.S", "x.proto"}, "pass -requires-option (or -service-requires-option), -auth-option (or -auth-default) too"},
		{[]string{"-enum", "a.S", "-requires-option", "a.r", "-auth-option", "a.auth", "x.proto"}, "pass -auth-map too"},
		{[]string{"-profile", "clarifia", "x.proto"}, `unknown profile "clarifia"; the profiles are clarifai`},
		{[]string{"-profile", "clarifai"}, "no .proto files given"},
		{[]string{"-profile", "clarifai", "-auth-map", "KeyAuth", "x.proto"}, `-auth-map: "KeyAuth" is not VALUE=TARGET`},
		{[]string{"-profile", "clarifai", "-auth-map", "KeyAuth=apps", "x.proto"}, `-auth-map: KeyAuth: unknown target "apps"`},
		{[]string{"-profile", "clarifai", "-auth-default", "nobody", "x.proto"}, "-auth-default: unknown target"},
		{[]string{"-profile", "clarifai", "-names", "snake", "x.proto"}, `-names "snake": the styles are colon, last-colon, keep`},
		{[]string{"-profile", "clarifai", "-requires-option", "(a.b", "x.proto"}, "-requires-option: option name \"(a.b\" has no closing parenthesis"},
		{[]string{"-config", "nope.yaml", "x.proto"}, "cannot read -config"},
		{[]string{"-profile", "google", "-prev", "/no/such/spec.yaml", "x.proto"}, "cannot read -prev"},
		{[]string{"-profile", "clarifai", "-bogus", "x.proto"}, "flag provided but not defined: -bogus"},
	} {
		code, _, errOut := scopegen(t, append([]string{"import-proto"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "run scopegen import-proto -h") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestImportProto runs the command on the fixtures: with a config file,
// with flags alone, with the clarifai profile, and into a file.
func TestImportProto(t *testing.T) {
	golden, err := os.ReadFile(protodata + "/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := scopegen(t, acmeArgs...)
	if code != 0 || out != string(golden) {
		t.Fatalf("exit %d, stderr:\n%s\nthe output differs from acme.yaml:\n%s", code, errOut, out)
	}
	if n := strings.Count(errOut, "warning: "); n != 5 || !regexp.MustCompile(`(?m)^\S+/items\.proto:38:35: warning: rpc /acme\.api\.Items/CreateItems lists Items_Add twice`).MatchString(errOut) ||
		!regexp.MustCompile(`(?m)^\S+/items\.proto:6:1: warning: import google/api/annotations\.proto not found`).MatchString(errOut) {
		t.Errorf("%d warnings, want 5 as file:line:col lines, a missing import among them:\n%s", n, errOut)
	}

	// The same settings as flags give the same spec, but for the outcomes
	// that only the config file sets.
	code, out, errOut = scopegen(t, acmeFlags...)
	if code != 0 {
		t.Fatalf("flags: exit %d:\n%s", code, errOut)
	}
	cut := func(s string) string { return s[strings.Index(s, "\ndefaults:"):] }
	if cut(out) != cut(string(golden)) {
		t.Errorf("flags give another spec:\n%s", out)
	}

	clarifai, err := os.ReadFile(protodata + "/clarifai.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = scopegen(t, "import-proto", "-profile", "clarifai", "-I", protodata+"/clarifai",
		protodata+"/clarifai/proto/clarifai/api/service.proto")
	if code != 0 || out != string(clarifai) {
		t.Errorf("clarifai profile: exit %d, stderr:\n%s\nthe output differs from clarifai.yaml:\n%s", code, errOut, out)
	}
	// Without -I, the imports are found from the file's own directories.
	code, out, errOut = scopegen(t, "import-proto", "-profile", "clarifai", protodata+"/clarifai/proto/clarifai/api/service.proto")
	if code != 0 || out != string(clarifai) {
		t.Errorf("clarifai profile without -I: exit %d, stderr:\n%s\nthe output differs from clarifai.yaml:\n%s", code, errOut, out)
	}
	// The config file written out says the same.
	code, out, errOut = scopegen(t, "import-proto", "-config", protodata+"/clarifai/importproto.yaml", protodata+"/clarifai/proto/clarifai/api/service.proto")
	if code != 0 || out != string(clarifai) {
		t.Errorf("clarifai/importproto.yaml: exit %d, stderr:\n%s\nthe output differs from clarifai.yaml:\n%s", code, errOut, out)
	}

	// -o writes the file, and leaves it alone when it holds the same bytes.
	path := filepath.Join(t.TempDir(), "scopes.yaml")
	if code, out, errOut := scopegen(t, append(slices.Clone(acmeArgs), "-o", path)...); code != 0 || out != "" {
		t.Fatalf("-o: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != string(golden) {
		t.Fatalf("-o wrote:\n%s", data)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := scopegen(t, append(slices.Clone(acmeArgs), "-o", path)...); code != 0 {
		t.Fatalf("-o again: exit %d", code)
	}
	if info, err := os.Stat(path); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("an unchanged spec was written again")
	}
}

// TestImportProtoGoogle imports the cut-down Google protos with -profile
// google, with the config file that writes it out, and with flags (which
// set no outcomes): the same spec, the golden google.yaml. The checker
// generated from it lets a token holding any one scope of a method's
// service call it, and decides as the reference does
// (testdata/protoimport/e2e/google/decide_test.go).
func TestImportProtoGoogle(t *testing.T) {
	golden, err := os.ReadFile(protodata + "/google.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{protodata + "/google/google/pubsub/v1/pubsub.proto", protodata + "/google/google/cloud/compute/v1/compute.proto"}
	for _, args := range [][]string{
		{"-profile", "google"},
		{"-config", protodata + "/google/importproto.yaml"},
		{"-service-requires-option", "google.api.oauth_scopes", "-any-of", "-separator", ",", "-principals", "oauth2", "-auth-default", "oauth2"},
	} {
		code, out, errOut := scopegen(t, append(append([]string{"import-proto"}, args...), files...)...)
		if code != 0 || errOut != "" {
			t.Errorf("%v: exit %d, stderr:\n%s", args, code, errOut)
			continue
		}
		if args[0] == "-service-requires-option" {
			cut := func(s string) string { return s[strings.Index(s, "\nprincipals:"):] }
			out, golden = cut(out), []byte(cut(string(golden)))
		}
		if out != string(golden) {
			t.Errorf("%v: the output differs from google.yaml:\n%s", args, out)
		}
	}
	// Generate the checker and run testdata/protoimport/e2e/google's driver
	// in a module of its own, with what compiling the protos says and the
	// reference's decisions.
	truth, err := prototruth.ServiceScopes([]string{protodata + "/google"},
		[]string{"google/pubsub/v1/pubsub.proto", "google/cloud/compute/v1/compute.proto"})
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(t.TempDir(), "scopes")
	if code, _, errOut := scopegen(t, "generate", "-spec", protodata+"/google.yaml", "-out", pkg, "-pkg", "scopes"); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	runDriver(t, pkg, protodata+"/e2e/google/decide_test.go", load(t, protodata+"/google.yaml"), truth)

	// explain reads it: any one scope of the service, with an oauth2 token.
	code, out, errOut := scopegen(t, "explain", "-spec", protodata+"/google.yaml", "-kind", "oauth2",
		"-scopes", "https://www.googleapis.com/auth/pubsub", "/google.pubsub.v1.Publisher/Publish")
	if code != 0 || !strings.HasPrefix(out, "ALLOWED") {
		t.Errorf("explain: exit %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = scopegen(t, "explain", "-spec", protodata+"/google.yaml", "-kind", "oauth2",
		"-scopes", "https://www.googleapis.com/auth/pubsub", "/google.cloud.compute.v1.Zones/Get")
	if code != 1 || !strings.HasPrefix(out, "DENIED 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT (PERMISSION_DENIED)") {
		t.Errorf("explain of a scope of another service: exit %d:\n%s%s", code, out, errOut)
	}

	// -auth-default names a kind -principals does not declare.
	code, _, errOut = scopegen(t, append([]string{"import-proto", "-profile", "google", "-auth-default", "oauth"}, files...)...)
	if code != 2 || !strings.Contains(errOut, `-auth-default: unknown target "oauth"; did you mean "oauth2"?`) {
		t.Errorf("an undeclared kind: exit %d, stderr %s", code, errOut)
	}
}

// TestImportProtoErrors: problems in the files are file:line:col lines and
// exit 1; a file that cannot be read says so.
func TestImportProtoErrors(t *testing.T) {
	args := slices.Clone(acmeFlags)
	i := slices.Index(args, "-auth-map")
	args[i+1] = "NONE=public,API_KEY=app_key|pat,TOKEN=pat"
	code, out, errOut := scopegen(t, args...)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || !regexp.MustCompile(`^\S+/reports\.proto:\d+:\d+: auth type SESSION \(used by 1 RPC\) is not mapped.*-auth-map SESSION=TARGET`).MatchString(lines[0]) ||
		!strings.Contains(lines[1], "auth type ADMIN") {
		t.Errorf("stderr:\n%s", errOut)
	}

	code, _, errOut = scopegen(t, "import-proto", "-profile", "clarifai", filepath.Join(t.TempDir(), "missing.proto"))
	if code != 1 || !strings.Contains(errOut, "cannot read") || !strings.Contains(errOut, "missing.proto: no such file or directory") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}

	// The Clarifai profile on files without the enum names what is missing.
	code, _, errOut = scopegen(t, "import-proto", "-profile", "clarifai", protodata+"/acme/api/items.proto")
	if code != 1 || !strings.Contains(errOut, "enum clarifai.auth.scope.S is not defined in") || !strings.Contains(errOut, "-I the directory") {
		t.Errorf("enum not found: exit %d, stderr %q", code, errOut)
	}
}

// TestImportProtoReadmeExample runs the README's example: import the
// fixture, generate the checker, and explain a call.
func TestImportProtoReadmeExample(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "acme.yaml")
	if code, _, errOut := scopegen(t, append(slices.Clone(acmeArgs), "-o", spec)...); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	if code, _, errOut := scopegen(t, "generate", "-spec", spec, "-out", filepath.Join(dir, "acmescopes")); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	code, out, _ := scopegen(t, "explain", "-spec", spec, "-kind", "app_key", "-scopes", "Items:Get,Items:Add,Items:Delete", "/acme.api.Items/DeleteItem")
	if code != 1 || !strings.Contains(out, "pat") {
		t.Errorf("explain DeleteItem with an app key: exit %d:\n%s", code, out)
	}
	code, out, _ = scopegen(t, "explain", "-spec", spec, "-kind", "pat", "-scopes", "Items:Get,Items:Add,Items:Delete", "/acme.api.Items/DeleteItem")
	if code != 0 {
		t.Errorf("explain DeleteItem with a PAT: exit %d:\n%s", code, out)
	}
	code, out, _ = scopegen(t, "explain", "-spec", spec, "/acme.api.Console/Login")
	if code != 1 || !strings.Contains(out, "unknown") {
		t.Errorf("explain Login (skipped): exit %d:\n%s", code, out)
	}
}

// realProtoEnv names the directory of Clarifai's real protos for
// TestImportProtoReal.
const realProtoEnv = "SCOPEGEN_REAL_PROTO"

// TestImportProtoReal imports Clarifai's real protos (about 300 RPCs and
// 120 scopes) with the clarifai profile and with the config file written
// out, generates the checker, and checks it against what compiling the
// protos says (package prototruth: protoc's reading, every import linked,
// not the import's syntax-level one): every scope by name, id,
// prerequisites and deprecation; every RPC by who may call it and exactly
// the scopes it lists, each of which is needed; descriptions from the
// leading comments and HTTP bindings; reserved numbers; one warning per
// repeated requirement. It runs only when SCOPEGEN_REAL_PROTO names a
// directory holding proto/clarifai/api/service.proto and the files it
// imports: a checkout of github.com/Clarifai/clarifai-nodejs-grpc, or its
// npm package unpacked (npm pack clarifai-nodejs-grpc && tar xzf *.tgz gives
// package/).
func TestImportProtoReal(t *testing.T) {
	dir := os.Getenv(realProtoEnv)
	if dir == "" {
		t.Skip("set " + realProtoEnv + " to a directory holding Clarifai's proto/clarifai/api/service.proto to import the real protos")
	}
	if _, err := os.Stat(dir); err != nil && !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", dir) // relative to the repository's root
	}
	root, rel, err := prototruth.Find(dir, "clarifai/api/service.proto")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, filepath.FromSlash(rel))

	// The profile and the config file give the same bytes, again and again.
	code, spec, warnings := scopegen(t, "import-proto", "-profile", "clarifai", "-I", root, file)
	if code != 0 {
		t.Fatalf("import-proto -profile clarifai: exit %d:\n%s", code, warnings)
	}
	for _, args := range [][]string{
		{"-config", protodata + "/clarifai/importproto.yaml", "-I", root, file},
		{"-profile", "clarifai", "-I", root, file},
	} {
		code, again, w := scopegen(t, append([]string{"import-proto"}, args...)...)
		if code != 0 || again != spec || w != warnings {
			t.Errorf("import-proto %v: exit %d; the spec or the warnings differ from the first import:\n%s", args, code, w)
		}
	}
	dirOut := t.TempDir()
	specPath := filepath.Join(dirOut, "scopes.yaml")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	m := load(t, specPath)

	cfg := protoimport.Profiles["clarifai"]()
	api, err := prototruth.Compile(cfg, []string{root}, []string{rel})
	if err != nil {
		t.Fatal(err)
	}
	want, err := api.Expect(cfg)
	if err != nil {
		t.Fatal(err)
	}
	problems, stats := api.Compare(cfg, m)
	for _, p := range problems {
		t.Error(p)
	}
	if n := strings.Count(warnings, " twice "); n != stats.Repeats {
		t.Errorf("%d warnings of a repeated scope; the files repeat %d:\n%s", n, stats.Repeats, warnings)
	}
	if n := strings.Count(warnings, "\n"); n != strings.Count(warnings, ": warning: ") {
		t.Errorf("stderr has lines that are not warnings:\n%s", warnings)
	}
	t.Logf("%v; %d warnings in all", stats, strings.Count(warnings, "\n"))

	// Generate the checker and run testdata/protoimport/e2e/decide_test.go
	// in a module of its own with what the compiled protos say.
	pkg := filepath.Join(dirOut, "scopes")
	if code, _, errOut := scopegen(t, "generate", "-spec", specPath, "-out", pkg, "-pkg", "scopes"); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	if code, out, errOut := scopegen(t, "check", "-spec", specPath, "-out", pkg, "-pkg", "scopes"); code != 0 {
		t.Fatalf("check right after generate: exit %d\n%s%s", code, out, errOut)
	}
	runDriver(t, pkg, protodata+"/e2e/decide_test.go", m, want)
}

// runDriver runs a driver test (a decide_test.go of testdata/protoimport/e2e)
// in the generated package at pkg, as a module of its own, with truth (what
// compiling the protos says) as truth.json; and testdata/e2e/check_test.go,
// the checker against the reference's decisions on m for 2,000 random grants
// (cases.json).
func runDriver(t *testing.T, pkg, driverPath string, m *model.Model, truth any) {
	t.Helper()
	driver, err := os.ReadFile(driverPath)
	if err != nil {
		t.Fatal(err)
	}
	agree, err := os.ReadFile("../../testdata/e2e/check_test.go")
	if err != nil {
		t.Fatal(err)
	}
	truthJSON, err := json.Marshal(truth)
	if err != nil {
		t.Fatal(err)
	}
	suite, err := json.Marshal(cases.Build(m, 1, 2000))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"go.mod":         []byte("module example.com/scopes\n\ngo 1.24\n"),
		"decide_test.go": driver,
		"check_test.go":  agree,
		"truth.json":     truthJSON,
		"cases.json":     suite,
	} {
		if err := os.WriteFile(filepath.Join(pkg, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goTool, "test", "-count=1", "./...")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test in the generated package: %v\n%s", err, out)
	}
}
