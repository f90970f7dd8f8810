package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// smallTests are tests of the small spec that pass and cover every item:
// /t.S/Get allowed and refused, its redaction applied and lifted, /t.S/Put
// allowed and refused, /t.S/Health (public) allowed.
const smallTests = `tests:
  - name: a reader gets an item without its secret
    grant: {scopes: [Read]}
    method: /t.S/Get
    allowed: true
    redacted: [item.secret]
  - name: a writer gets an item with its secret
    grant: {scopes: [Read, Write]}
    method: /t.S/Get
    allowed: true
  - name: getting an item needs Read
    grant: {}
    method: /t.S/Get
    denied: {reason: missing_scopes, code: 7, missing: [Read]}
  - name: a token writes items
    grant: {kind: pat, scopes: [Read, Write]}
    method: /t.S/Put
    allowed: true
  - name: an app key may not write items
    grant: {kind: app_key, scopes: [All]}
    method: /t.S/Put
    denied: {reason: principal, status: DENIED}
  - name: anyone checks health
    grant: {kind: none}
    method: /t.S/Health
    allowed: true
`

func TestTestPasses(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "scopes.yaml", small)
	tests := writeFile(t, dir, "scopes.tests.yaml", smallTests)
	code, stdout, stderr := scopegen(t, "test", "-spec", spec, "-min-coverage", "100", tests)
	if code != 0 || stderr != "" || stdout != "6 tests: 6 passed, 0 failed; coverage 4 of 4 items (100.0%): endpoints 3/3, redactions 1/1; -min-coverage 100% met\n" {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// With no FILE, the test file beside the spec; flags after it work too.
	if code, out, _ := scopegen(t, "test", "-spec", spec); code != 0 || !strings.HasPrefix(out, "6 tests: 6 passed") {
		t.Errorf("no FILE: exit %d\n%s", code, out)
	}
	if code, out, _ := scopegen(t, "test", tests, "-spec", spec, "-format", "json"); code != 0 || !strings.Contains(out, `"exit_code": 0`) {
		t.Errorf("-format json after FILE: exit %d\n%s", code, out)
	}
}

// TestTestFails runs a failing test file: each failure is a file:line:col
// line with what was expected and what was decided, and the run exits 1
// in every format, saying so on stderr in text.
func TestTestFails(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "scopes.yaml", small)
	tests := writeFile(t, dir, "bad.tests.yaml", `tests:
  - name: a reader sees the secret
    grant: {scopes: [Read]}
    method: /t.S/Get
    allowed: true
  - name: an app key writes items
    grant: {scopes: [Read, Write]}
    method: /t.S/Put
    denied: {reason: missing_scopes, missing: [Write]}
`)
	code, stdout, stderr := scopegen(t, "test", "-spec", spec, tests)
	for _, want := range []string{
		tests + ":5:14: FAIL: a reader sees the secret: redacted: want none; got item.secret\n",
		"    replay: scopegen explain -spec " + spec + " -scopes Read /t.S/Get\n",
		tests + ":9:22: FAIL: an app key writes items: reason: want missing_scopes; got principal\n",
		tests + ":9:47: FAIL: an app key writes items: missing: want Write; got none\n",
		"    decision: denied 7 DENIED (principal)\n",
		"    why: /t.S/Put does not accept app_key keys; it accepts only pat\n",
		"2 tests: 0 passed, 2 failed; coverage 0 of 4 items (0.0%)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if code != 1 || stderr != "scopegen test: exit status 1: 2 of 2 tests fail; fix the spec or the tests (each failure's replay line shows the decision in full)\n" {
		t.Errorf("exit %d, stderr %q; want 1 and a line saying why", code, stderr)
	}
	for _, format := range []string{"markdown", "json", "github-actions"} {
		code, stdout, stderr := scopegen(t, "test", "-spec", spec, "-format", format, tests)
		if code != 1 || stderr != "" {
			t.Errorf("-format %s: exit %d, stderr %q; want 1 and nothing on stderr", format, code, stderr)
		}
		if format == "github-actions" && !strings.HasPrefix(stdout, "::error file="+ghEscape(tests)+",line=5,col=14,title=scopegen test%3A FAIL%3A a reader sees the secret::redacted: want none; got item.secret%0A") {
			t.Errorf("github-actions:\n%s", stdout)
		}
		if format == "json" {
			var r struct {
				ExitCode int `json:"exit_code"`
				Tests    []struct {
					Passed   bool
					Failures []struct{ Key string }
				}
			}
			if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.ExitCode != 1 || len(r.Tests) != 2 || r.Tests[1].Passed || len(r.Tests[1].Failures) != 2 {
				t.Errorf("json: %v %+v\n%s", err, r, stdout)
			}
		}
	}
}

func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", ":", "%3A", ",", "%2C").Replace(s)
}

// TestTestCoverageGate: passing tests that cover too little exit 3 with
// -min-coverage, and 0 without; the gaps are listed at the spec's lines.
func TestTestCoverageGate(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "scopes.yaml", small)
	tests := writeFile(t, dir, "few.tests.yaml", `tests:
  - name: anyone checks health
    grant: {kind: none}
    method: /t.S/Health
    allowed: true
  - name: a reader gets an item without its secret
    grant: {scopes: [Read]}
    method: /t.S/Get
    allowed: true
    redacted: [item.secret]
  - name: getting an item needs Read
    grant: {scopes: [Write]}
    method: /t.S/Get
    denied: {missing: [Read]}
`)
	for _, c := range []struct {
		min  string
		code int
	}{{"0", 0}, {"50", 0}, {"51", 3}, {"100", 3}} {
		code, stdout, stderr := scopegen(t, "test", "-spec", spec, "-min-coverage", c.min, tests)
		if code != c.code {
			t.Errorf("-min-coverage %s: exit %d, want %d\n%s%s", c.min, code, c.code, stdout, stderr)
		}
		if !strings.Contains(stdout, spec+":17:17: not covered: redaction item.secret of /t.S/Get is never lifted: add an allowed call whose key holds Write\n") ||
			!strings.Contains(stdout, "coverage 2 of 4 items (50.0%)") {
			t.Errorf("-min-coverage %s:\n%s", c.min, stdout)
		}
		if c.code == 3 && !strings.HasPrefix(stderr, "scopegen test: exit status 3: coverage 50.0% is below -min-coverage "+c.min+"%") {
			t.Errorf("-min-coverage %s: stderr %q", c.min, stderr)
		}
	}
	// A failure exits 1 whatever the coverage.
	failing := writeFile(t, dir, "failing.tests.yaml", strings.Replace(smallTests, "missing: [Read]", "missing: [Write]", 1))
	if code, _, _ := scopegen(t, "test", "-spec", spec, "-min-coverage", "100", failing); code != 1 {
		t.Errorf("a failing test with full coverage otherwise: exit %d, want 1", code)
	}
}

// TestTestInvalidFiles: problems in the test files are file:line:col lines
// on stderr, from every file at once; nothing runs, and the exit status is 1.
func TestTestInvalidFiles(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "scopes.yaml", small)
	a := writeFile(t, dir, "a.tests.yaml", "tests:\n  - name: x\n    grant: {scopes: [Raed]}\n    method: /t.S/Get\n    allowed: true\n")
	b := writeFile(t, dir, "b.tests.yaml", "tests:\n  - name: x\n    grant: {}\n    mehtod: /t.S/Get\n    allowed: true\n")
	code, stdout, stderr := scopegen(t, "test", "-spec", spec, a, b)
	want := a + `:3:22: unknown scope "Raed" in grant.scopes; did you mean "Read"?` + "\n" +
		b + ":2:5: the test needs method: the full gRPC method called, e.g. method: /clarifai.api.V2/ListInputs\n" +
		b + `:4:5: unknown key "mehtod" in a test; did you mean "method"? (known keys: allowed, denied, grant, http, invite, method, name, redacted, request)` + "\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", code, stdout, stderr, want)
	}
	// An invalid spec is reported as by every command.
	badSpec := writeFile(t, dir, "bad.yaml", "scopegen: 1\n")
	if code, _, stderr := scopegen(t, "test", "-spec", badSpec, a); code != 1 || !strings.HasPrefix(stderr, badSpec+":1:1: ") {
		t.Errorf("invalid spec: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := scopegen(t, "test", "-spec", spec, filepath.Join(dir, "none.yaml")); code != 1 || !strings.Contains(stderr, "cannot read the test file") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestTestUsage(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "scopes.yaml", small)
	tests := writeFile(t, dir, "x.yaml", smallTests)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "txt", tests}, `unknown -format "txt"; did you mean "text"?`},
		{[]string{"-min-coverage", "101", tests}, "-min-coverage 101: give a percentage from 0 (report only) to 100 (every item covered)"},
		{[]string{"-min-coverage", "all", tests}, `invalid value "all" for flag -min-coverage`},
		{nil, "no test FILE given, and the spec's test file " + filepath.Join(dir, "scopes.tests.yaml") + " does not exist"},
	} {
		code, _, stderr := scopegen(t, append([]string{"test", "-spec", spec}, c.args...)...)
		if code != 2 || !strings.HasPrefix(stderr, "scopegen test: "+c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestTestHelp: the flags are a public contract, and -h documents the file,
// the coverage, the formats and the exit statuses.
func TestTestHelp(t *testing.T) {
	if got, want := flagsOf(t, "test"), []string{"format", "min-coverage", "spec"}; !slices.Equal(got, want) {
		t.Errorf("test flags = %v, want %v", got, want)
	}
	code, out, _ := scopegen(t, "-h")
	if code != 0 || !regexp.MustCompile(`scopegen test \[-spec F\] .*-min-coverage`).MatchString(out) {
		t.Errorf("scopegen -h does not list test:\n%s", out)
	}
	code, out, errOut := scopegen(t, "test", "-h")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "Usage: scopegen test ") {
		t.Fatalf("test -h: exit %d\n%s", code, out)
	}
	for _, want := range []string{"spec/scopes.tests.yaml", "denied: {reason: missing_scopes, code: 11007, missing: [Inputs:Add]}",
		"Coverage counts", "github-actions", "Exit status:", "  3  every test passes, but coverage is below -min-coverage", "-min-coverage percent"} {
		if !strings.Contains(out, want) {
			t.Errorf("test -h lacks %q", want)
		}
	}
}

// TestTestShipped runs the shipped spec's tests as .ci/run does.
func TestTestShipped(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := scopegen(t, "test", "-min-coverage", "100", "spec/scopes.tests.yaml")
	if code != 0 || stderr != "" || !regexp.MustCompile(`^\d+ tests: (\d+) passed, 0 failed; coverage 46 of 46 items \(100\.0%\): endpoints 37/37, redactions 8/8, request scopes 1/1; -min-coverage 100% met\n$`).MatchString(stdout) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
