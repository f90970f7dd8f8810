package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/textdiff"
)

// writeFile writes text to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Changes to the small spec, one per category.
var (
	// escalating: Get no longer requires Read.
	escalating = strings.Replace(small, "  - method: /t.S/Get\n    requires: [Read]\n", "  - method: /t.S/Get\n    requires: []\n", 1)
	// breaking: Health is removed.
	breaking = strings.Replace(small, "  - method: /t.S/Health\n    public: true\n", "", 1)
	// safeChange: a new endpoint.
	safeChange = small + "  - method: /t.S/List\n    requires: [Read]\n"
	// both: the two changes above.
	both = strings.Replace(escalating, "  - method: /t.S/Health\n    public: true\n", "", 1)
)

func TestDiffExitStatus(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", small)
	for _, c := range []struct {
		name, new string
		args      []string
		code      int
	}{
		{"same", small, nil, 0},
		{"safe", safeChange, nil, 0},
		{"breaking", breaking, nil, 3},
		{"escalation", escalating, nil, 4},
		{"both", both, nil, 5},
		{"both allowed", both, []string{"-allow", "breaking,escalation"}, 0},
		{"breaking allowed", both, []string{"-allow", "breaking"}, 4},
		{"escalation allowed", both, []string{"-allow", "escalation"}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			new := writeFile(t, t.TempDir(), "new.yaml", c.new)
			code, stdout, stderr := scopegen(t, append(append([]string{"diff"}, c.args...), old, new)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			if (code == 0) != (stderr == "") {
				t.Errorf("exit %d with stderr %q: a failing diff says what to do, a passing one says nothing", code, stderr)
			}
		})
	}
}

func TestDiffFormats(t *testing.T) {
	dir := t.TempDir()
	old, new := writeFile(t, dir, "old.yaml", small), writeFile(t, dir, "new.yaml", both)

	code, stdout, _ := scopegen(t, "diff", old, new)
	if code != 5 || !strings.Contains(stdout, new+":") || !strings.Contains(stdout, old+":") || !strings.Contains(stdout, "escalation: endpoint-requirement-removed: endpoint /t.S/Get no longer requires Read") ||
		!strings.Contains(stdout, "witness: ") || !strings.HasSuffix(stdout, "1 escalation, 1 breaking, 0 safe\n") {
		t.Errorf("text: exit %d\n%s", code, stdout)
	}

	code, stdout, _ = scopegen(t, "diff", "-format", "json", old, new)
	var r struct {
		Version  int `json:"version"`
		ExitCode int `json:"exit_code"`
		Findings []struct {
			Category, Rule, Element, Side string
			Position                      struct{ File string }
			Witness                       *struct {
				Grant struct {
					Kind   string
					Scopes []string
				}
				Old, New struct{ Allowed bool }
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("json: %v\n%s", err, stdout)
	}
	if code != 5 || r.Version != 1 || r.ExitCode != 5 || len(r.Findings) != 2 {
		t.Fatalf("json: exit %d, %+v", code, r)
	}
	for _, f := range r.Findings {
		// The removed endpoint is where OLD had it.
		if f.Witness == nil || f.Witness.Old.Allowed == f.Witness.New.Allowed || (f.Position.File == old) != (f.Side == "old") {
			t.Errorf("json finding %+v", f)
		}
	}

	code, stdout, _ = scopegen(t, "diff", "-format", "markdown", old, new)
	if code != 5 || !strings.HasPrefix(stdout, "## scopegen diff: 1 escalation, 1 breaking, 0 safe") || !strings.Contains(stdout, "### Escalation") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}

	code, stdout, _ = scopegen(t, "diff", "-format", "github-actions", old, new)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 5 || len(lines) != 2 {
		t.Fatalf("github-actions: exit %d\n%s", code, stdout)
	}
	if !strings.HasPrefix(lines[0], "::error file="+new+",line=14,col=13,title=scopegen diff%3A escalation%3A endpoint-requirement-removed::endpoint /t.S/Get no longer requires Read%0A") ||
		!strings.HasPrefix(lines[1], "::error file="+old+",line=21,col=13,title=scopegen diff%3A breaking%3A endpoint-removed::") {
		t.Errorf("github-actions:\n%s", stdout)
	}
}

func TestDiffAllowances(t *testing.T) {
	dir := t.TempDir()
	old, new := writeFile(t, dir, "old.yaml", small), writeFile(t, dir, "new.yaml", both)
	// The file beside NEW is read by default.
	writeFile(t, dir, "new.allow.yaml", `allow:
  - rule: endpoint-requirement-removed
    element: /t.S/Get
    reason: Get is meant to be open to any key
  - rule: scope-removed
    element: Gone
    reason: stale on purpose
`)
	code, stdout, _ := scopegen(t, "diff", old, new)
	if code != 3 || !strings.Contains(stdout, "escalation (accepted): endpoint-requirement-removed") ||
		!strings.Contains(stdout, "accepted: Get is meant to be open to any key (") ||
		!strings.Contains(stdout, "new.allow.yaml:5:5: stale allowance: rule scope-removed on Gone matches no finding; remove it") {
		t.Errorf("exit %d, want 3 (only breaking is left)\n%s", code, stdout)
	}
	// -allowances "" turns them off.
	if code, _, _ := scopegen(t, "diff", "-allowances", "", old, new); code != 5 {
		t.Errorf("-allowances \"\": exit %d, want 5", code)
	}
	// An explicit file must exist.
	if code, _, stderr := scopegen(t, "diff", "-allowances", filepath.Join(dir, "none.yaml"), old, new); code != 1 || !strings.Contains(stderr, "cannot read the allowances") {
		t.Errorf("missing allowances: exit %d, stderr %q", code, stderr)
	}
	// Problems are reported as file:line:col.
	bad := writeFile(t, dir, "bad.yaml", "allow:\n  - rule: endpoint-requirement-remove\n    element: /t.S/Get\n")
	code, _, stderr := scopegen(t, "diff", "-allowances", bad, old, new)
	if code != 1 || !strings.Contains(stderr, bad+`:2:11: unknown rule "endpoint-requirement-remove"; did you mean "endpoint-requirement-removed"?`) ||
		!strings.Contains(stderr, bad+":2:5: the allowance needs reason:") {
		t.Errorf("bad allowances: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestDiffUsage(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", small)
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(small, "requires: [Read]", "requires: [Reed]", 1))
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"diff", old}, 2, "want OLD.yaml NEW.yaml, or -base REV [SPEC]"},
		{[]string{"diff", "-format", "yaml", old, old}, 2, `unknown -format "yaml"`},
		{[]string{"diff", "-allow", "safe", old, old}, 2, "the categories to accept are breaking and escalation"},
		{[]string{"diff", "-base", "HEAD", old, old}, 2, "with -base, give at most one SPEC"},
		{[]string{"diff", "-base-spec", old, old, old}, 2, "-base-spec needs -base REV"},
		{[]string{"diff", old, bad}, 1, bad + `:12:64: scope "Write" requires names scope "Reed"`},
		{[]string{"diff", old, filepath.Join(dir, "none.yaml")}, 1, "cannot read the spec"},
	} {
		code, _, stderr := scopegen(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestDiffBase compares a spec with its version in a git repository.
func TestDiffBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	if err := os.MkdirAll(filepath.Join(dir, "spec"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec := writeFile(t, filepath.Join(dir, "spec"), "scopes.yaml", small)
	git("add", ".")
	git("commit", "-q", "-m", "spec")

	// A spec that git does not have at the revision is new: it is compared
	// with an empty spec, so its public endpoint is an escalation.
	other := writeFile(t, filepath.Join(dir, "spec"), "other.yaml", small)
	code, stdout, stderr := scopegen(t, "diff", "-base", "HEAD", other)
	if code != 4 || !strings.Contains(stderr, "spec/other.yaml does not exist at HEAD: comparing with an empty spec") ||
		!strings.Contains(stdout, "escalation: endpoint-added-open: new endpoint /t.S/Health is public") ||
		!strings.HasSuffix(stdout, "1 escalation, 0 breaking, 6 safe\n") {
		t.Errorf("new spec: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
	// -base-spec names where it was at the revision, after a rename.
	if code, stdout, stderr := scopegen(t, "diff", "-base", "HEAD", "-base-spec", filepath.Join(dir, "spec", "scopes.yaml"), other); code != 0 || stdout != "no changes\n" {
		t.Errorf("-base-spec: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := scopegen(t, "diff", "-base", "HEAD", "-base-spec", filepath.Join(dir, "spec", "gone.yaml"), other); code != 1 || !strings.Contains(stderr, "-base-spec "+filepath.Join(dir, "spec", "gone.yaml")+": HEAD has no such file") {
		t.Errorf("-base-spec naming no file: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, stderr := scopegen(t, "diff", "-base", "HEAD", spec); code != 0 || stdout != "no changes\n" {
		t.Errorf("unchanged: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	writeFile(t, filepath.Join(dir, "spec"), "scopes.yaml", strings.Replace(small, "  - method: /t.S/Health\n    public: true\n", "", 1))
	code, stdout, _ = scopegen(t, "diff", "-base", "HEAD", spec)
	if want := "HEAD:spec/scopes.yaml:21:13: breaking: endpoint-removed: endpoint /t.S/Health is removed"; code != 3 || !strings.Contains(stdout, want) {
		t.Errorf("removed endpoint: exit %d, want %q in\n%s", code, want, stdout)
	}
	// The Markdown report replays OLD from git.
	code, stdout, _ = scopegen(t, "diff", "-base", "HEAD", "-format", "markdown", spec)
	if want := "    scopegen explain -spec <(git show HEAD:spec/scopes.yaml) -kind none /t.S/Health\n"; code != 3 || !strings.Contains(stdout, want) {
		t.Errorf("markdown: exit %d, want %q in\n%s", code, want, stdout)
	}
	// An annotation cannot point into a revision: it names NEW's file, and says where OLD had it.
	code, stdout, _ = scopegen(t, "diff", "-base", "HEAD", "-format", "github-actions", spec)
	if code != 3 || !strings.HasPrefix(stdout, "::error file="+spec+",title=") || !strings.Contains(stdout, "%0A(was at HEAD:") {
		t.Errorf("github-actions: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := scopegen(t, "diff", "-base", "no-such-branch", spec); code != 1 || !strings.Contains(stderr, "-base no-such-branch: not a revision") {
		t.Errorf("bad revision: exit %d, stderr %q", code, stderr)
	}

	// Commit the change: HEAD~1 is the old spec, as in a pull request
	// compared with its base branch. From the repository's root, SPEC
	// defaults to spec/scopes.yaml and positions are relative.
	git("commit", "-q", "-a", "-m", "remove Health")
	t.Chdir(dir)
	code, stdout, _ = scopegen(t, "diff", "-base", "HEAD~1")
	if want := "HEAD~1:spec/scopes.yaml:21:13: breaking: endpoint-removed:"; code != 3 || !strings.HasPrefix(stdout, want) {
		t.Errorf("-base HEAD~1 from the root: exit %d, want %q in\n%s", code, want, stdout)
	}
	if code, stdout, _ := scopegen(t, "diff", "-base", "HEAD"); code != 0 || stdout != "no changes\n" {
		t.Errorf("-base HEAD after the commit: exit %d\n%s", code, stdout)
	}
	// The allowances file beside the spec accepts the finding.
	writeFile(t, filepath.Join(dir, "spec"), "scopes.allow.yaml",
		"allow:\n  - {rule: endpoint-removed, element: /t.S/Health, reason: nobody calls it}\n")
	code, stdout, _ = scopegen(t, "diff", "-base", "HEAD~1", "-format", "json")
	var r struct {
		ExitCode int `json:"exit_code"`
		Old      string
		Findings []struct{ Side, Accepted any }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 0 || r.ExitCode != 0 || r.Old != "HEAD~1:spec/scopes.yaml" ||
		len(r.Findings) != 1 || r.Findings[0].Side != "old" || r.Findings[0].Accepted == nil {
		t.Errorf("-base HEAD~1 with an allowance: exit %d, %v\n%s", code, err, stdout)
	}
	// From a subdirectory, SPEC is relative to it; OLD is named as git
	// show takes it, relative to the repository's root.
	t.Chdir(filepath.Join(dir, "spec"))
	if code, stdout, _ := scopegen(t, "diff", "-base", "HEAD~1", "-allowances", "", "scopes.yaml"); code != 3 || !strings.HasPrefix(stdout, "HEAD~1:spec/scopes.yaml:21:13: breaking: endpoint-removed:") {
		t.Errorf("-base HEAD~1 scopes.yaml from spec/: exit %d\n%s", code, stdout)
	}
}

// TestDiffHelp checks that diff -h documents every format, every exit
// status, every rule and where the JSON shape is described; and docs -h its
// format and exit status.
func TestDiffHelp(t *testing.T) {
	code, out, _ := scopegen(t, "diff", "-h")
	if code != 0 {
		t.Fatalf("diff -h: exit %d", code)
	}
	formats := out[strings.Index(out, "Formats (-format):"):strings.Index(out, "Rules:")]
	for _, f := range diff.Formats {
		if !strings.Contains(formats, "\n  "+f+" ") {
			t.Errorf("diff -h does not describe -format %s:\n%s", f, formats)
		}
	}
	const schema = "internal/diff/report.schema.json"
	if !strings.Contains(formats, schema) {
		t.Errorf("diff -h does not say where the JSON shape is described (%s)", schema)
	}
	if _, err := os.Stat("../../" + schema); err != nil {
		t.Errorf("diff -h names %s: %v", schema, err)
	}
	for _, c := range []struct {
		code int
		what string
	}{
		{diff.ExitSafe, "nothing breaking or escalating"},
		{1, "a spec, the allowances file or the config is invalid"},
		{2, "usage error"},
		{diff.ExitBreaking, "breaking changes are left, no escalation"},
		{diff.ExitEscalation, "escalations are left, nothing breaking"},
		{diff.ExitBoth, "both"},
	} {
		if !strings.Contains(out, fmt.Sprintf("\n  %d  %s", c.code, c.what)) {
			t.Errorf("diff -h does not document exit status %d (%s)", c.code, c.what)
		}
	}
	for _, r := range diff.Rules {
		if !strings.Contains(out, "\n  "+r.Name+" ") {
			t.Errorf("diff -h does not list rule %s", r.Name)
		}
	}

	code, out, _ = scopegen(t, "docs", "-h")
	if code != 0 || !strings.Contains(out, "Markdown") || !strings.Contains(out, "Exit status: 0 written, 1 the spec is invalid") {
		t.Errorf("docs -h: exit %d\n%s", code, out)
	}
}

// TestDiffExitStatusEveryFormat checks that the exit status does not depend
// on the format.
func TestDiffExitStatusEveryFormat(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", small)
	for _, c := range []struct {
		name, new string
		code      int
	}{{"safe", safeChange, 0}, {"breaking", breaking, 3}, {"escalation", escalating, 4}, {"both", both, 5}} {
		new := writeFile(t, t.TempDir(), "new.yaml", c.new)
		for _, format := range diff.Formats {
			if code, stdout, stderr := scopegen(t, "diff", "-format", format, old, new); code != c.code {
				t.Errorf("%s, -format %s: exit %d, want %d\n%s%s", c.name, format, code, c.code, stdout, stderr)
			}
		}
	}
}

var updateReview = flag.Bool("update-review", false, "rewrite testdata/diff/review/scopes.yaml from spec/scopes.yaml")

// reviewEdits turn spec/scopes.yaml into testdata/diff/review/scopes.yaml,
// the pull request that README's "For reviewers of a spec change" runs
// scopegen diff on: an escalation, an accepted rename and a new endpoint.
var reviewEdits = []struct{ from, to string }{
	{"    requires: [Concepts:Get, Models:Get]\n  - method: /clarifai.api.V2/GetModelVersion\n",
		"    requires: [Models:Get]\n  - method: /clarifai.api.V2/GetModelVersion\n"},
	{"  - name: Workflows:Get\n", "  - name: Workflows:Read\n"},
	{"      - \"GET /v2/workflows/{workflow_id}\"\n    requires: [Workflows:Get]\n",
		"      - \"GET /v2/workflows/{workflow_id}\"\n    requires: [Workflows:Read]\n"},
	{"      - \"GET /v2/workflows\"\n    requires: [Workflows:Get]\n",
		"      - \"GET /v2/workflows\"\n    requires: [Workflows:Read]\n"},
	{"      - \"POST /v2/workflows\"\n    requires: [Workflows:Add]\n",
		"      - \"POST /v2/workflows\"\n    requires: [Workflows:Add]\n  - method: /clarifai.api.V2/ListWorkflowVersions\n    requires: [Workflows:Read]\n"},
}

// TestReviewExample checks that the README's example pull request is the
// shipped spec with reviewEdits applied, so that the example's output
// follows the shipped spec; and what it reports.
func TestReviewExample(t *testing.T) {
	const shipped, review = "../../spec/scopes.yaml", "../../testdata/diff/review/scopes.yaml"
	data, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	want := string(data)
	for _, e := range reviewEdits {
		if strings.Count(want, e.from) != 1 {
			t.Fatalf("spec/scopes.yaml no longer holds %q once; update reviewEdits (and README's example)", e.from)
		}
		want = strings.Replace(want, e.from, e.to, 1)
	}
	if *updateReview {
		if err := os.WriteFile(review, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(review)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("testdata/diff/review/scopes.yaml is not spec/scopes.yaml with reviewEdits; run go test ./cmd/scopegen -run TestReviewExample -update-review, then check README's example:\n%s",
			textdiff.Unified("scopes.yaml", "scopes.yaml", []byte(want), got))
	}
	t.Chdir("../..")
	code, stdout, _ := scopegen(t, "diff", "-format", "json", "spec/scopes.yaml", "testdata/diff/review/scopes.yaml")
	var r struct {
		ExitCode int `json:"exit_code"`
		Findings []struct {
			Category, Rule, Element string
			Accepted                any
			Witness                 any
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range r.Findings {
		found = append(found, fmt.Sprintf("%s %s %s accepted=%v witness=%v", f.Category, f.Rule, f.Element, f.Accepted != nil, f.Witness != nil))
	}
	wantFound := []string{
		"escalation endpoint-requirement-removed /clarifai.api.V2/GetModelOutputInfo accepted=false witness=true",
		"breaking scope-renamed Workflows:Read accepted=true witness=false",
		"safe endpoint-added /clarifai.api.V2/ListWorkflowVersions accepted=false witness=false",
	}
	if code != 4 || r.ExitCode != 4 || !slices.Equal(found, wantFound) {
		t.Errorf("the example reports (exit %d):\n%s\nwant (exit 4):\n%s", code, strings.Join(found, "\n"), strings.Join(wantFound, "\n"))
	}
}

// TestWitnessesReproduceWithExplain runs scopegen diff on every spec pair of
// testdata/diff and replays each witness on both specs: a key being made
// with scopegen grant (exit 0 exactly when it may be made), a call with
// scopegen explain, which must decide as the witness says (allowed, code and
// redacted fields; explain -request for a witness with a request, explain
// -kind none for one without credentials).
func TestWitnessesReproduceWithExplain(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/diff/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	replayed := 0
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range a.Files {
			if f.Name == "old.yaml" || f.Name == "new.yaml" {
				writeFile(t, dir, f.Name, string(f.Data))
			}
		}
		oldPath, newPath := filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")
		_, out, _ := scopegen(t, "diff", "-format", "json", oldPath, newPath)
		var rep struct {
			Findings []struct {
				Rule    string        `json:"rule"`
				Element string        `json:"element"`
				Witness *diff.Witness `json:"witness"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, out)
		}
		for _, f := range rep.Findings {
			w := f.Witness
			if w != nil && w.Action == "create" {
				// A key being made replays with scopegen grant: exit 0 when
				// it may be made, 1 when prerequisites are missing.
				replayed++
				for _, side := range []struct {
					spec   string
					scopes []string
					want   diff.Decision
				}{{oldPath, w.Grant.Scopes, w.Old}, {newPath, w.Grant.NewScopes, w.New}} {
					code, _, _ := scopegen(t, "grant", "-spec", side.spec, "-kind", w.Grant.Kind, "-scopes", strings.Join(side.scopes, ","))
					if (code == 0) != side.want.Allowed {
						t.Errorf("%s: %s %s: grant -spec %s -scopes %v exits %d; the witness says %+v", filepath.Base(path), f.Rule, f.Element, side.spec, side.scopes, code, side.want)
					}
				}
				continue
			}
			if w == nil || w.Action != "call" {
				continue
			}
			replayed++
			for _, side := range []struct {
				spec   string
				scopes []string
				want   diff.Decision
				scope  string
			}{{oldPath, w.Grant.Scopes, w.Old, reqScope(w, true)}, {newPath, w.Grant.NewScopes, w.New, reqScope(w, false)}} {
				args := []string{"-spec", side.spec, "-kind", w.Grant.Kind, "-scopes", strings.Join(side.scopes, ",")}
				if w.Grant.Restricted {
					args = append(args, "-endpoints", strings.Join(w.Grant.Endpoints, ","))
				}
				if side.scope != "" {
					args = append(args, "-request", side.scope)
				}
				args = append(args, w.Endpoint)
				_, x := explainJSON(t, args...)
				allowed, code := x["allowed"] == true, int(x["code"].(float64))
				if (x["reason"] == diff.MissingRequestScope) != (side.want.Reason == diff.MissingRequestScope) {
					t.Errorf("%s: %s %s: explain %v gives reason %v; the witness says %s", filepath.Base(path), f.Rule, f.Element, args, x["reason"], side.want.Reason)
				}
				if allowed != side.want.Allowed || code != side.want.Code || !slices.Equal(strs(t, x["redacted"]), side.want.Redacted) {
					t.Errorf("%s: %s %s: explain %v decides allowed %v code %d redacted %v (%v); the witness says %+v",
						filepath.Base(path), f.Rule, f.Element, args, allowed, code, x["redacted"], x["message"], side.want)
				}
			}
		}
	}
	if replayed < 20 {
		t.Errorf("only %d witnesses replayed", replayed)
	}
}

// reqScope is the request-dependent scope of w's request on one side, or "".
func reqScope(w *diff.Witness, old bool) string {
	switch {
	case w.Request == nil:
		return ""
	case old:
		return w.Request.OldScope
	}
	return w.Request.NewScope
}

// TestExplainNoCredentials: explain -kind none decides a call that carries
// no credentials, as scopegen diff's witnesses of kind none make it: only a
// public endpoint lets it through; with a key's scopes it is a contradiction,
// refused as an invalid key.
func TestExplainNoCredentials(t *testing.T) {
	spec := writeSpec(t, small)
	if code, v := explainJSON(t, "-spec", spec, "-kind", "none", "/t.S/Health"); code != 0 || v["reason"] != "public" || v["allowed"] != true {
		t.Errorf("public endpoint: exit %d, %v", code, v)
	}
	code, v := explainJSON(t, "-spec", spec, "-kind", "none", "/t.S/Get")
	if g, _ := v["grant"].(map[string]any); code != 1 || v["reason"] != "no_credentials" || v["code"] != float64(9) || g["kind"] != "none" {
		t.Errorf("guarded endpoint: exit %d, %v", code, v)
	}
	if code, v := explainJSON(t, "-spec", spec, "-kind", "none", "/t.S/Nope"); code != 1 || v["reason"] != "unknown_endpoint" {
		t.Errorf("unknown endpoint: exit %d, %v", code, v)
	}
	if code, v := explainJSON(t, "-spec", spec, "-kind", "none", "-scopes", "Read", "/t.S/Health"); code != 1 || v["reason"] != "invalid_grant" {
		t.Errorf("-kind none with scopes: exit %d, %v", code, v)
	}
}

// TestExplainRequest: explain -request decides a request for which the
// handler checks a request-dependent scope, as diff's witnesses with a
// request do.
func TestExplainRequest(t *testing.T) {
	const postSearches = "/clarifai.api.V2/PostSearches"
	code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Search", "-request", "Predict", postSearches)
	if code != 1 || v["reason"] != "missing_request_scope" || v["code"] != float64(11007) || !slices.Equal(strs(t, v["missing"]), []string{"Predict"}) {
		t.Errorf("without Predict: exit %d, %v", code, v)
	}
	if code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Search,Predict", "-request", "Predict", postSearches); code != 0 || v["allowed"] != true {
		t.Errorf("with Predict: exit %d, %v", code, v)
	}
	if code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Search", postSearches); code != 0 || v["allowed"] != true {
		t.Errorf("without -request: exit %d, %v", code, v)
	}
	// A scope the handler does not check adds nothing: the witness of a
	// removed request scope names it on NEW too.
	if code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Search", "-request", "Inputs:Get", postSearches); code != 0 || v["allowed"] != true {
		t.Errorf("-request naming a scope the handler does not check: exit %d, %v", code, v)
	}
	code, _, stderr := scopegen(t, "explain", "-spec", clarifai, "-scopes", "Search", "-request", "Predikt", postSearches)
	if code != 2 || !strings.Contains(stderr, `did you mean "Predict"`) {
		t.Errorf("-request naming no scope of the spec: exit %d, %s", code, stderr)
	}
	// The reason line names who lacks the scope and when the handler checks it.
	const when = "(when the query searches by image or crop, which runs a prediction first)"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-scopes", "Search"}, "the key lacks Predict, which the handler of " + postSearches + " checks for this request " + when},
		{[]string{"-scopes", "Search", "-invite-scopes", "Search,Predict"}, "the collaborator lacks Predict, which the handler of " + postSearches + " checks for this request " + when},
	} {
		args := append(append([]string{"explain", "-spec", clarifai}, c.args...), "-request", "Predict", postSearches)
		code, stdout, _ := scopegen(t, args...)
		if want := "\n  reason     missing_request_scope: " + c.want + "\n"; code != 1 || !strings.HasPrefix(stdout, "DENIED 11007 ") || !strings.Contains(stdout, want) {
			t.Errorf("explain %v: exit %d, want a line %q in\n%s", c.args, code, want, stdout)
		}
	}
}

// TestExplainRequestNoCredentials: a call without credentials of a public
// endpoint whose handler checks a request-dependent scope is refused for
// such a request, with nothing to reveal; other requests go through.
func TestExplainRequestNoCredentials(t *testing.T) {
	spec := writeSpec(t, `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: Read, id: 2, description: Reads.}
  - {name: Predict, id: 3, description: Predicts.}
endpoints:
  - method: /t.S/Health
    public: true
    request_scopes:
      - {scope: Predict, when: it runs a model}
    redact:
      - {field: a.b, unless: [Read]}
`)
	code, v := explainJSON(t, "-spec", spec, "-kind", "none", "-request", "Predict", "/t.S/Health")
	if code != 1 || v["reason"] != "missing_request_scope" || v["code"] != float64(7) || v["status"] != "DENIED" ||
		!slices.Equal(strs(t, v["missing"]), []string{"Predict"}) || len(strs(t, v["redacted"])) != 0 ||
		len(v["reveal"].(map[string]any)) != 0 ||
		v["message"] != "the call lacks Predict, which the handler of /t.S/Health checks for this request (when it runs a model)" {
		t.Errorf("a request that needs Predict: exit %d, %v", code, v)
	}
	for _, request := range []string{"Read", ""} {
		code, v := explainJSON(t, "-spec", spec, "-kind", "none", "-request", request, "/t.S/Health")
		if code != 0 || v["reason"] != "public" || !slices.Equal(strs(t, v["redacted"]), []string{"a.b"}) {
			t.Errorf("-request %q: exit %d, %v", request, code, v)
		}
	}
}

// TestDiffWriteAllowances: -format allowances writes the entries that
// accept the current findings; once each says why, the diff passes; a
// wider change of the same element fails again, and the entry is stale.
func TestDiffWriteAllowances(t *testing.T) {
	dir := t.TempDir()
	old, new := writeFile(t, dir, "old.yaml", small), writeFile(t, dir, "new.yaml", both)
	code, written, _ := scopegen(t, "diff", "-format", "allowances", old, new)
	if code != 5 || strings.Count(written, "\n  - rule: ") != 2 || strings.Count(written, `reason: ""`) != 2 {
		t.Fatalf("exit %d, want 5 and two entries without a reason:\n%s", code, written)
	}
	// As written, the file is refused until each entry says why.
	writeFile(t, dir, "new.allow.yaml", written)
	if code, _, stderr := scopegen(t, "diff", old, new); code != 1 || !strings.Contains(stderr, "the allowance needs reason:") {
		t.Errorf("reasons left empty: exit %d, stderr %q", code, stderr)
	}
	writeFile(t, dir, "new.allow.yaml", strings.ReplaceAll(written, `reason: ""`, "reason: intended"))
	if code, stdout, _ := scopegen(t, "diff", old, new); code != 0 || strings.Contains(stdout, "stale") || strings.Contains(stdout, "unpinned") {
		t.Errorf("with the allowances: exit %d\n%s", code, stdout)
	}
	// Accept "Put no longer requires Write", then drop Read too: the
	// finding fails again and the entry is stale.
	narrow := strings.Replace(small, "requires: [Read, Write]", "requires: [Read]", 1)
	writeFile(t, dir, "new.yaml", narrow)
	_, written, _ = scopegen(t, "diff", "-format", "allowances", old, new)
	writeFile(t, dir, "new.allow.yaml", strings.ReplaceAll(written, `reason: ""`, "reason: Put is for any reader"))
	if code, _, _ := scopegen(t, "diff", old, new); code != 0 {
		t.Errorf("narrow change accepted: exit %d", code)
	}
	writeFile(t, dir, "new.yaml", strings.Replace(small, "requires: [Read, Write]", "requires: []", 1))
	code, stdout, _ := scopegen(t, "diff", old, new)
	if code != 4 || !strings.Contains(stdout, "escalation: endpoint-requirement-removed: endpoint /t.S/Put no longer requires Read and Write\n") ||
		!strings.Contains(stdout, "new.allow.yaml:6:5: stale allowance: rule endpoint-requirement-removed on /t.S/Put accepted another effect") {
		t.Errorf("wider change: exit %d, want 4 and a stale allowance\n%s", code, stdout)
	}
}

// TestMarkdownReplayCommands runs, for every spec pair of testdata/diff,
// the commands the Markdown report gives to replay each witness, and checks
// that each decides as the report says: exit 0 where the witness is
// allowed (or the key may be made), 1 where it is refused.
func TestMarkdownReplayCommands(t *testing.T) {
	root, _ := filepath.Abs("../../testdata/diff")
	paths, _ := filepath.Glob(filepath.Join(root, "*.txtar"))
	replayed := 0
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range a.Files {
			if f.Name == "old.yaml" || f.Name == "new.yaml" {
				writeFile(t, dir, f.Name, string(f.Data))
			}
		}
		t.Chdir(dir)
		_, out, _ := scopegen(t, "diff", "-format", "markdown", "old.yaml", "new.yaml")
		var decisions []string // old then new, of the last witness
		for _, line := range strings.Split(out, "\n") {
			switch trimmed := strings.TrimSpace(line); {
			case strings.HasPrefix(trimmed, "- old: "), strings.HasPrefix(trimmed, "- new: "):
				if strings.HasPrefix(trimmed, "- old: ") {
					decisions = nil
				}
				decisions = append(decisions, trimmed[len("- old: "):])
			case strings.HasPrefix(trimmed, "scopegen explain "), strings.HasPrefix(trimmed, "scopegen grant "):
				if strings.ContainsAny(trimmed, `'"<>$`) {
					t.Fatalf("%s: a command this test cannot run without a shell: %s", path, trimmed)
				}
				if len(decisions) == 0 {
					t.Fatalf("%s: a command without a decision: %s", path, trimmed)
				}
				want := 1
				if d := decisions[0]; strings.HasPrefix(d, "allowed") || d == "may be made" {
					want = 0
				}
				decisions = decisions[1:]
				if code, stdout, stderr := scopegen(t, strings.Fields(trimmed)[1:]...); code != want {
					t.Errorf("%s: %s exits %d, want %d\n%s%s", filepath.Base(path), trimmed, code, want, stdout, stderr)
				}
				replayed++
			}
		}
	}
	if replayed < 40 {
		t.Errorf("only %d commands replayed", replayed)
	}
}

// TestDiffFailOnAndConfig: -fail-on gates the exit status, the config beside
// the spec sets severities and fail_on, and -fail-on wins over it.
func TestDiffFailOnAndConfig(t *testing.T) {
	dir := t.TempDir()
	old, new := writeFile(t, dir, "old.yaml", small), writeFile(t, dir, "new.yaml", both)
	for _, c := range []struct {
		level string
		code  int
	}{{"escalation", 4}, {"breaking", 5}, {"warning", 5}, {"none", 0}} {
		if code, stdout, _ := scopegen(t, "diff", "-fail-on", c.level, old, new); code != c.code {
			t.Errorf("-fail-on %s: exit %d, want %d\n%s", c.level, code, c.code, stdout)
		}
	}
	if code, _, stderr := scopegen(t, "diff", "-fail-on", "breakng", old, new); code != 2 || !strings.Contains(stderr, `unknown -fail-on "breakng"; did you mean "breaking"?`) {
		t.Errorf("bad -fail-on: exit %d, %s", code, stderr)
	}
	// The config beside NEW: breaking changes are warnings.
	writeFile(t, dir, "new.diff.yaml", "severity:\n  breaking: warning\n")
	code, stdout, _ := scopegen(t, "diff", old, new)
	if code != 4 || !strings.Contains(stdout, "breaking (warning): endpoint-removed:") {
		t.Errorf("config: exit %d, want 4\n%s", code, stdout)
	}
	if code, _, _ := scopegen(t, "diff", "-fail-on", "warning", old, new); code != 5 {
		t.Errorf("config with -fail-on warning: exit %d, want 5", code)
	}
	if code, _, _ := scopegen(t, "diff", "-config", "", old, new); code != 5 {
		t.Errorf("-config \"\": exit %d, want 5", code)
	}
	writeFile(t, dir, "new.diff.yaml", "fail_on: none\nseverity:\n  scope-added: error\n")
	if code, _, stderr := scopegen(t, "diff", old, new); code != 1 || !strings.Contains(stderr, "new.diff.yaml:3:16: scope-added is safe") {
		t.Errorf("bad config: exit %d, stderr %s", code, stderr)
	}
}

// TestREADMERules checks that README's reviewer section lists every rule of
// scopegen diff with its category, as the config refers to them.
func TestREADMERules(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range diff.Rules {
		if row := fmt.Sprintf("| `%s` | %s | %s |", r.Name, r.Category, r.Summary); !strings.Contains(string(readme), row) {
			t.Errorf("README.md lacks the row %s", row)
		}
	}
}

// TestDiffNow: -now is the day a removal is compared with its sunset date.
func TestDiffNow(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", strings.Replace(small, "  - method: /t.S/Health\n    public: true\n",
		"  - method: /t.S/Health\n    deprecated: use gRPC health checks\n    sunset: 2027-01-31\n    public: true\n", 1))
	new := writeFile(t, dir, "new.yaml", breaking)
	for _, c := range []struct {
		now, want string
		code      int
	}{
		{"2027-01-30", "breaking: endpoint-removed: endpoint /t.S/Health is removed before its sunset date, 2027-01-31", 3},
		{"2027-01-31", "safe: endpoint-sunset: endpoint /t.S/Health is removed on or after its sunset date, 2027-01-31, as its deprecation announced (use gRPC health checks)", 0},
	} {
		if code, stdout, _ := scopegen(t, "diff", "-now", c.now, old, new); code != c.code || !strings.Contains(stdout, c.want) {
			t.Errorf("-now %s: exit %d, want %d and %q in\n%s", c.now, code, c.code, c.want, stdout)
		}
	}
	if code, _, stderr := scopegen(t, "diff", "-now", "31/01/2027", old, new); code != 2 || !strings.Contains(stderr, `-now "31/01/2027" is not a date; write YYYY-MM-DD`) {
		t.Errorf("bad -now: exit %d, %s", code, stderr)
	}
}

// TestDiffSwapNotHiddenByAllow: swapping two scopes' ids breaks keys stored
// by id and lets them gain: -allow breaking leaves the escalation failing.
func TestDiffSwapNotHiddenByAllow(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", small)
	// All and Read swap ids: a key stored by id that held Read holds All.
	swapped := strings.Replace(strings.Replace(small, "{name: All, id: 1,", "{name: All, id: 2,", 1), "{name: Read, id: 2,", "{name: Read, id: 1,", 1)
	new := writeFile(t, dir, "new.yaml", swapped)
	code, stdout, _ := scopegen(t, "diff", "-allow", "breaking", old, new)
	if code != 4 || !strings.Contains(stdout, "escalation: scope-id-reused-gains:") || !strings.Contains(stdout, "breaking (allowed by -allow): scope-id-changed:") {
		t.Errorf("-allow breaking on an id swap: exit %d, want 4\n%s", code, stdout)
	}
}
