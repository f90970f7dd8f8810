// Package spectest runs tests written in a spec's own terms: a file of
// calls (a grant, or a collaborator's key and invite, calling a gRPC
// method) and the outcome each must get (allowed, with exactly these
// response fields redacted, or denied, with this reason, code and these
// missing scopes). It is what scopegen test runs.
//
// One way through, as for a spec: Parse reads a test file's shape with the
// spec's own reader (spec.Decoder), Resolve checks its names against the
// spec's model (a scope, preset, endpoint or field the spec lacks is an
// error at its line and column, with a did-you-mean), and Run decides each
// call with package explain, the reference rules of scopegen explain, and
// says which endpoints, redactions and request-dependent scopes no passing
// test exercises. No generated package is compiled: a test file is checked
// against the spec file itself. Report.Write prints the result in the
// formats of scopegen diff.
package spectest

import (
	"path/filepath"
	"strings"

	"github.com/scopegen/scopegen/internal/spec"
)

// File is a parsed test file, as written: names are not yet checked
// against a spec (Resolve does that).
type File struct {
	Name  string // the file name used in positions
	Tests []Test
}

// Test is one entry of tests:, each value with where it was written.
type Test struct {
	Pos    spec.Pos // where the entry starts
	Name   spec.Str
	Grant  *Grant // nil when absent (an error)
	Invite *Grant // nil: the caller is not a collaborator
	Method spec.Str
	// Request is a request-dependent scope of Method that the handler
	// checks for this request (scopegen explain -request), or empty.
	Request spec.Str

	// The expected outcome: Allowed (allowed: true), with Redacted, or
	// Denied.
	Allowed    spec.Bool
	HasAllowed bool       // allowed: was written
	Redacted   []spec.Str // nil when absent: an allowed call redacts nothing
	// RedactedPos is where redacted: is written.
	RedactedPos spec.Pos
	Denied      *Denial // nil when absent
}

// Grant is a test's grant: what a key holds, or for an invite, what the
// invite allows. Kind is empty in an invite, which has none.
type Grant struct {
	Pos       spec.Pos
	Kind      spec.Str // app_key, pat or none; empty: app_key
	Preset    spec.Str // a preset whose scopes the key holds, or empty
	Scopes    []spec.Str
	Endpoints []spec.Str // nil: not restricted to endpoints
	// EndpointsPos is where endpoints: is written.
	EndpointsPos spec.Pos
}

// Denial is what a test expects of a denied call: each field written is
// compared, and the others are not.
type Denial struct {
	Pos     spec.Pos
	Reason  spec.Str // as scopegen explain -json's reason; empty: any
	Code    spec.Int // Set when written
	Status  spec.Str // empty: any
	Missing []spec.Str
	// HasMissing is set when missing: is written (missing: [] expects none).
	HasMissing bool
	MissingPos spec.Pos
}

// TestsFile is the test file that belongs to the spec at path: its name
// with .tests before the extension (spec/scopes.yaml →
// spec/scopes.tests.yaml), which scopegen test reads when it is given no
// FILE.
func TestsFile(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".tests" + ext
}
