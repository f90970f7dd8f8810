package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/spectest"
)

// testFlags are the flags of test.
type testFlags struct {
	spec, format string
	minCoverage  int
}

func (f *testFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.spec, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&f.format, "format", "text", "the output `format`: text, markdown (for a pull request comment), json or github-actions (annotations)")
	fs.IntVar(&f.minCoverage, "min-coverage", 0, "fail with exit status 3 when fewer than this `percent` of the spec's coverage items (endpoints, redactions, request scopes) are covered by passing tests; 100 requires every one (default 0: coverage is reported, not gated)")
}

// testDetail is test's help text after the summary.
const testDetail = "Runs tests written in the spec's own terms, beside the spec\n" +
	"(spec/scopes.yaml → spec/scopes.tests.yaml, read when no FILE is given). Each\n" +
	"test is a call and the outcome it must get:\n\n" +
	"  tests:\n" +
	"    - name: a reader lists inputs without their concepts\n" +
	"      grant: {kind: app_key, scopes: [Inputs:Get]}   # or preset: NAME; endpoints: [...]\n" +
	"      method: /clarifai.api.V2/ListInputs\n" +
	"      allowed: true\n" +
	"      redacted: [inputs.data.concepts]               # exactly these; none when left out\n" +
	"    - name: a collaborator's invite narrows an admin's key\n" +
	"      grant: {scopes: [All]}\n" +
	"      invite: {scopes: [Inputs:Get]}                 # the call is decided on both\n" +
	"      method: /clarifai.api.V2/PostInputs\n" +
	"      denied: {reason: missing_scopes, code: 11007, missing: [Inputs:Add]}\n\n" +
	"kind is app_key (the default), pat or none (no credentials); request: SCOPE\n" +
	"makes the call a request for which the handler checks that request-dependent\n" +
	"scope. denied: compares what it names: reason (as scopegen explain -json\n" +
	"says it), code, status, missing (exactly these). A name the spec lacks is an\n" +
	"error of the file, at its line and column. Calls are decided by the rules of\n" +
	"scopegen explain on the spec file; no generated code is compiled. The file's\n" +
	"JSON Schema is spec/scopes.tests.schema.json in scopegen's repository.\n\n" +
	"Coverage counts what the passing tests show of each item of the spec:\n" +
	"  endpoint       allowed, and (unless public) denied by a rule of its own:\n" +
	"                 a required scope lacking (missing_scopes) or a kind of key\n" +
	"                 it refuses (principal); any refusal when it has neither rule\n" +
	"  redaction      applied (an allowed call omits the field) and lifted (shown)\n" +
	"  request scope  refused (missing_request_scope) and held, by calls with\n" +
	"                 request: SCOPE\n" +
	"An item is covered when all its facets are; each one that is not is listed\n" +
	"at its position in the spec, with the test that would cover it.\n\n" +
	"Formats (-format):\n" +
	"  text            each failure as file:line:col: FAIL: test: key: want ...; got ...\n" +
	"                  with the decision and the scopegen explain command that\n" +
	"                  replays it, each item not covered, then a summary (the default)\n" +
	"  markdown        a pull request comment: failures, a coverage table, gaps\n" +
	"  json            one object, version 1; every field is described by the JSON\n" +
	"                  Schema internal/spectest/report.schema.json in scopegen's\n" +
	"                  repository\n" +
	"  github-actions  ::error at each failing line of a test file; ::error (below\n" +
	"                  -min-coverage) or ::warning at each item not covered\n\n" +
	"Exit status: the same in every format:\n" +
	"  0  every test passes, and coverage is at least -min-coverage\n" +
	"  1  a test fails, or the spec or a test file is invalid (file:line:col lines)\n" +
	"  2  usage error\n" +
	"  3  every test passes, but coverage is below -min-coverage"

func runTest(flags *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var f testFlags
	f.register(flags)
	files, err := parse(flags, args)
	if err != nil {
		return err
	}
	if !slices.Contains(spectest.Formats, f.format) {
		return usagef("unknown -format %q%s; the formats are %s", f.format, spec.DidYouMean(f.format, spectest.Formats), strings.Join(spectest.Formats, ", "))
	}
	if f.minCoverage < 0 || f.minCoverage > 100 {
		return usagef("-min-coverage %d: give a percentage from 0 (report only) to 100 (every item covered)", f.minCoverage)
	}
	if len(files) == 0 {
		files = []string{spectest.TestsFile(f.spec)}
		if _, err := os.Stat(files[0]); errors.Is(err, fs.ErrNotExist) {
			return usagef("no test FILE given, and the spec's test file %s does not exist; name the test files, or write tests beside the spec", files[0])
		}
	}
	m, err := loadModel(f.spec)
	if err != nil {
		return err
	}
	var (
		cases []*spectest.Case
		diags spec.Errors
	)
	for _, name := range files {
		data, err := readLimited(name)
		if err != nil {
			return fmt.Errorf("cannot read the test file: %v; pass the paths of test files (scopegen test -h shows the format)", err)
		}
		tf, err := spectest.Parse(name, data)
		if err == nil {
			var cs []*spectest.Case
			if cs, err = spectest.Resolve(m, tf); err == nil {
				cases = append(cases, cs...)
				continue
			}
		}
		var d spec.Errors
		if !errors.As(err, &d) {
			return err
		}
		diags.Append(d...)
	}
	if len(diags) > 0 {
		return diags
	}
	r := spectest.Run(m, cases)
	r.Spec, r.Files, r.MinCoverage = f.spec, files, f.minCoverage
	if err := r.Write(stdout, f.format); err != nil {
		return err
	}
	code := r.ExitCode()
	if f.format == "text" {
		switch code {
		case spectest.ExitFail:
			fmt.Fprintf(stderr, "scopegen test: exit status %d: %d of %d tests fail; fix the spec or the tests (each failure's replay line shows the decision in full)\n", code, r.Failed(), len(r.Results))
		case spectest.ExitCoverage:
			fmt.Fprintf(stderr, "scopegen test: exit status %d: coverage %.1f%% is below -min-coverage %d%%; add the tests that the lines \"not covered\" describe\n", code, r.Coverage.Percent(), r.MinCoverage)
		}
	}
	if code != spectest.ExitPass {
		return exitCode(code)
	}
	return nil
}

// readLimited reads at most spec.MaxBytes+1 bytes of the file at path:
// enough for the reader to refuse a file that is too big without reading
// all of it.
func readLimited(path string) ([]byte, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	return io.ReadAll(io.LimitReader(fd, spec.MaxBytes+1))
}
