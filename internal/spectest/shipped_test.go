package spectest_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spectest"
)

// shippedSpec is the spec the repository ships; package generated is
// generated from it (generated's tests keep the two in sync).
const shippedSpec = "../../spec/scopes.yaml"

// loadShipped reads the shipped spec and its test file.
func loadShipped(t *testing.T) (*model.Model, []*spectest.Case) {
	t.Helper()
	m, err := model.Load(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(shippedTests)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spectest.Parse("spec/scopes.tests.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := spectest.Resolve(m, f)
	if err != nil {
		t.Fatal(err)
	}
	return m, cases
}

// runShipped runs the shipped spec's tests, as .ci/run does.
func runShipped(t *testing.T) *spectest.Report {
	t.Helper()
	m, cases := loadShipped(t)
	r := spectest.Run(m, cases)
	r.Spec, r.Files, r.MinCoverage = "spec/scopes.yaml", []string{"spec/scopes.tests.yaml"}, 100
	return r
}

// TestShippedTests runs spec/scopes.tests.yaml on spec/scopes.yaml: every
// test passes and every endpoint, redaction and request scope is covered,
// so that go test catches a spec change the tests do not follow, as
// .ci/run's step does.
func TestShippedTests(t *testing.T) {
	r := runShipped(t)
	if code := r.ExitCode(); code != spectest.ExitPass {
		var b strings.Builder
		if err := r.Write(&b, "text"); err != nil {
			t.Fatal(err)
		}
		t.Fatalf("scopegen test -min-coverage 100 spec/scopes.tests.yaml exits %d:\n%s", code, b.String())
	}
	for _, c := range []struct {
		kind  spectest.ItemKind
		total int
	}{{spectest.EndpointItem, 37}, {spectest.RedactionItem, 8}, {spectest.RequestScopeItem, 1}} {
		if cov, tot := r.Coverage.Count(c.kind); cov != tot || tot != c.total {
			t.Errorf("%s: %d of %d covered, want all %d of the shipped spec", c.kind, cov, tot, c.total)
		}
	}
}

// TestGeneratedAgrees decides every test of spec/scopes.tests.yaml with
// package generated, the checker compiled from the shipped spec, and
// checks that it gives what the test expects and what the model's rules
// (scopegen test) decided: the file is checked against both.
func TestGeneratedAgrees(t *testing.T) {
	r := runShipped(t)
	for _, res := range r.Results {
		c, x := res.Case, res.Decision
		got := decideGenerated(t, c.Call.Kind, c.Call.Scopes, c.Call.Endpoints, c.Call.Collaborator, c.Call.InviteScopes, c.Call.InviteEndpoints, c.Call.Method, c.Call.Request)
		want := decision{x.Allowed, x.Reason, x.Code, x.Status, x.Missing, x.Redacted}
		if !got.equal(want) {
			t.Errorf("%s: package generated decides %+v; the model decides %+v\n\treplay: %s", c.Name, got, want, spectest.Replay("spec/scopes.yaml", c))
		}
		e := c.Expect
		if got.allowed != e.Allowed ||
			e.Allowed && !slices.Equal(got.redacted, e.Redacted) ||
			e.Reason.Set && got.reason != e.Reason.Value ||
			e.Code.Set && got.code != e.Code.Value ||
			e.Status.Set && got.status != e.Status.Value ||
			e.Missing.Set && !slices.Equal(got.missing, e.Missing.Value) {
			t.Errorf("%s (%s): package generated decides %+v, which the test does not expect", c.Name, c.Pos, got)
		}
	}
}

// decision is what a test compares of a decision.
type decision struct {
	allowed           bool
	reason            string
	code              int
	status            string
	missing, redacted []string
}

func (d decision) equal(o decision) bool {
	return d.allowed == o.allowed && d.reason == o.reason && d.code == o.code && d.status == o.status &&
		slices.Equal(d.missing, o.missing) && slices.Equal(d.redacted, o.redacted)
}

// decideGenerated decides a call with package generated as a server does:
// the key's grant (the zero Grant for kind none), intersected with the
// invite's for a collaborator, checks the method; a request for which the
// handler checks a request-dependent scope is refused when the grant lacks
// it (scopesgrpc's handlers ask grant.Has).
func decideGenerated(t *testing.T, kind string, scopeNames, endpoints []string, collaborator bool, inviteScopes, inviteEndpoints []string, method, request string) decision {
	t.Helper()
	var g scopes.Grant
	if kind != "none" {
		p, ok := scopes.ParsePrincipal(kind)
		if !ok {
			t.Fatalf("kind %q", kind)
		}
		var err error
		if g, err = scopes.NewGrant(p, scopeNames, endpoints); err != nil {
			t.Fatal(err)
		}
	}
	if collaborator {
		inv, err := scopes.NewGrant(scopes.AppKey|scopes.PersonalAccessToken, inviteScopes, inviteEndpoints)
		if err != nil {
			t.Fatal(err)
		}
		g = g.Intersect(inv)
	}
	d := g.Check(method)
	out := decision{d.Allowed(), d.ReasonName(), d.Code(), d.Status(), []string{}, []string{}}
	for s := range d.MissingNames() {
		out.missing = append(out.missing, s)
	}
	for f := range d.Redacted() {
		out.redacted = append(out.redacted, f)
	}
	if request != "" && d.Allowed() {
		s, ok := scopes.ParseScope(request)
		if !ok {
			t.Fatalf("request %q", request)
		}
		if d.Endpoint().RequestDependent().Has(s) && !g.Has(s) {
			o := scopes.OutcomeInsufficientScopes
			out = decision{false, "missing_request_scope", o.Code(), o.Status(), []string{request}, []string{}}
		}
	}
	return out
}
