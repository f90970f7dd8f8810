package core_test

import (
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
)

// Sinks keep the results of the measured calls alive.
var (
	sinkDecision core.Decision
	sinkInt      int
	sinkString   string
	sinkBool     bool
	sinkMask     uint64
)

// checkCase is a call whose cost is measured: a grant and a method.
type checkCase struct {
	name   string
	g      core.Grant
	method string
	reason core.Reason
	redact bool
}

// checkCases are the calls measured: allowed by the fast path and the long
// one, denied, redacted, public and unknown.
func checkCases() []checkCase {
	return []checkCase{
		{"allowed", grantOf(core.AppKey, core.FilesGet), mSearchFiles, core.ReasonAllowed, false},
		{"allowed/long", grantOf(core.PersonalAccessToken, core.All), mRetagFile, core.ReasonAllowed, false},
		{"denied", grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet), mRetagFile, core.ReasonMissingScopes, false},
		{"denied/no_credentials", core.Grant{}, mDeleteFile, core.ReasonNoCredentials, false},
		{"redacted", grantOf(core.AppKey, core.FilesGet), mGetFile, core.ReasonAllowed, true},
		{"redacted/public", core.Grant{}, mCheck, core.ReasonPublic, true},
		{"unknown", grantOf(core.AppKey, core.All), "/files.v1.Files/PatchFile", core.ReasonUnknownEndpoint, false},
		{"alternatives/allowed", grantOf(core.PersonalAccessToken, core.FilesAdd), mShareFile, core.ReasonAllowed, false},
		{"alternatives/denied", grantOf(core.AppKey, core.TagsGet), mShareFile, core.ReasonMissingScopes, false},
	}
}

func TestCheckDoesNotAllocate(t *testing.T) {
	for _, tt := range checkCases() {
		g, m := tt.g, tt.method
		d := g.Check(m)
		if d.Reason() != tt.reason || d.Redacts() != tt.redact {
			t.Fatalf("%s: Check(%s) = %v, redacts %v; want %v, %v", tt.name, m, d.Reason(), d.Redacts(), tt.reason, tt.redact)
		}
		e := d.Endpoint()
		for _, c := range []struct {
			name string
			f    func()
		}{
			{"Check", func() { sinkDecision = g.Check(m) }},
			{"CheckEndpoint", func() { sinkDecision = g.CheckEndpoint(e) }},
			{"GRPCCode", func() { sinkInt = d.GRPCCode() }},
			{"Message", func() { sinkString = d.Message() }},
			{"ReasonName", func() { sinkString = d.ReasonName() }},
			{"RequestScoped", func() { sinkBool = d.RequestScoped() }},
			{"RedactionMask", func() { sinkMask = d.RedactionMask() }},
			{"KeyNotFound", func() { sinkDecision = d.KeyNotFound() }},
			{"KeyInvalid", func() { sinkDecision = d.KeyInvalid() }},
		} {
			if n := testing.AllocsPerRun(100, c.f); n != 0 {
				t.Errorf("%s: %s allocates %v times", tt.name, c.name, n)
			}
		}
	}
}

// BenchmarkCheck measures Check for each of checkCases.
func BenchmarkCheck(b *testing.B) {
	for _, tt := range checkCases() {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tt.g.Check(tt.method)
			}
		})
	}
}

// BenchmarkCheckEndpoint measures CheckEndpoint for each of checkCases,
// without the method name lookup.
func BenchmarkCheckEndpoint(b *testing.B) {
	for _, tt := range checkCases() {
		e, _ := core.LookupEndpoint(tt.method)
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tt.g.CheckEndpoint(e)
			}
		})
	}
}
