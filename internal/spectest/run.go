package spectest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// Exit statuses of scopegen test. 2, a usage error, is the command's.
const (
	ExitPass     = 0 // every test passes, and coverage is at least MinCoverage
	ExitFail     = 1 // a test fails (also: the spec or a test file is invalid)
	ExitCoverage = 3 // every test passes, but coverage is below MinCoverage
)

// Report is the outcome of a run: each test's result, and the coverage of
// the spec by the tests that pass.
type Report struct {
	Spec     string   // the spec's path, as scopegen explain -spec takes it
	Files    []string // the test files, in the order given
	Results  []Result // in the order of the files and their tests
	Coverage Coverage
	// MinCoverage is the percentage of coverage items below which the run
	// fails with ExitCoverage (scopegen test -min-coverage); 0 gates
	// nothing, 100 requires every item.
	MinCoverage int
}

// Result is a test, the decision its call got, and how that differs from
// what the test expects: no Failures when it passes.
type Result struct {
	Case     *Case
	Decision *explain.Explanation
	Failures []Failure
}

// Passed reports whether the call got the outcome the test expects.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// Failure is one way a decision differs from what a test expects: the key
// of the test file (allowed, denied, redacted, reason, code, status,
// missing) that says otherwise, where it is written, and both values in
// words.
type Failure struct {
	Key       string
	Pos       spec.Pos
	Want, Got string
}

// Message is the failure in one line: "missing: want Inputs:Add; got
// Inputs:Add, Inputs:Get".
func (f Failure) Message() string {
	return fmt.Sprintf("%s: want %s; got %s", f.Key, f.Want, f.Got)
}

// Run decides the call of each case under the rules of m, as scopegen
// explain does, compares the decision with what the case expects, and
// measures what the passing cases cover (Measure). Spec, Files and
// MinCoverage are the caller's to set.
func Run(m *model.Model, cases []*Case) *Report {
	r := &Report{}
	for _, c := range cases {
		x := explain.Explain(m, c.Call)
		r.Results = append(r.Results, Result{Case: c, Decision: x, Failures: compare(c.Expect, x)})
	}
	r.Coverage = Measure(m, r.Results)
	return r
}

// compare lists how x differs from e.
func compare(e Expect, x *explain.Explanation) []Failure {
	var out []Failure
	if e.Allowed != x.Allowed {
		key := "denied"
		if e.Allowed {
			key = "allowed"
		}
		return []Failure{{key, e.Pos, wanted(e), Outcome(x)}}
	}
	if e.Allowed {
		if !slices.Equal(e.Redacted, x.Redacted) {
			out = append(out, Failure{"redacted", e.RedactedPos, list(e.Redacted), list(x.Redacted)})
		}
		return out
	}
	if w := e.Reason; w.Set && w.Value != x.Reason {
		out = append(out, Failure{"reason", w.Pos, w.Value, x.Reason})
	}
	if w := e.Code; w.Set && w.Value != x.Code {
		out = append(out, Failure{"code", w.Pos, fmt.Sprint(w.Value), fmt.Sprintf("%d (%s)", x.Code, x.Status)})
	}
	if w := e.Status; w.Set && w.Value != x.Status {
		out = append(out, Failure{"status", w.Pos, w.Value, x.Status})
	}
	if w := e.Missing; w.Set && !slices.Equal(w.Value, x.Missing) {
		out = append(out, Failure{"missing", w.Pos, list(w.Value), list(x.Missing)})
	}
	return out
}

// Outcome is a decision in words, as scopegen diff words its witnesses'
// decisions: "allowed", "allowed, redacting a.b", "denied 11007
// CONN_INSUFFICIENT_SCOPES (missing_scopes: Inputs:Add)".
func Outcome(x *explain.Explanation) string {
	switch {
	case x.Allowed && len(x.Redacted) > 0:
		return "allowed, redacting " + strings.Join(x.Redacted, ", ")
	case x.Allowed:
		return "allowed"
	}
	s := fmt.Sprintf("denied %d %s (%s", x.Code, x.Status, x.Reason)
	if len(x.Missing) > 0 && (x.Reason == string(reference.MissingScopes) || x.Reason == string(reference.MissingRequestScope)) {
		s += ": " + strings.Join(x.Missing, ", ")
	}
	return s + ")"
}

// wanted is what e expects, in the words of Outcome.
func wanted(e Expect) string {
	if e.Allowed {
		if len(e.Redacted) > 0 {
			return "allowed, redacting " + strings.Join(e.Redacted, ", ")
		}
		return "allowed"
	}
	var parts []string
	if e.Code.Set {
		parts = append(parts, fmt.Sprint(e.Code.Value))
	}
	if e.Status.Set {
		parts = append(parts, e.Status.Value)
	}
	s := strings.Join(append([]string{"denied"}, parts...), " ")
	var why []string
	if e.Reason.Set {
		why = append(why, e.Reason.Value)
	}
	if e.Missing.Set {
		why = append(why, "missing "+list(e.Missing.Value))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, "; ") + ")"
	}
	return s
}

// list is names in words: "none" for none.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Failed counts the tests that fail.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if !res.Passed() {
			n++
		}
	}
	return n
}

// CoverageMet reports whether the coverage is at least MinCoverage.
func (r *Report) CoverageMet() bool {
	return r.Coverage.AtLeast(r.MinCoverage)
}

// ExitCode is the exit status of scopegen test for r: ExitFail when a test
// fails, else ExitCoverage when the coverage is below MinCoverage, else
// ExitPass.
func (r *Report) ExitCode() int {
	switch {
	case r.Failed() > 0:
		return ExitFail
	case !r.CoverageMet():
		return ExitCoverage
	}
	return ExitPass
}
