package core_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
)

// filesAndTags is every scope RetagFile requires, over three words.
var filesAndTags = []core.Scope{core.FilesGet, core.FilesAdd, core.FilesDelete, core.TagsGet, core.TagsPatch}

// reasonOutcome is the outcome each reason ends in, as the Reason and Outcome
// doc comments and the spec's outcomes say.
var reasonOutcome = map[core.Reason]core.Outcome{
	core.ReasonAllowed:            core.OutcomeAllowed,
	core.ReasonPublic:             core.OutcomeAllowed,
	core.ReasonNoCredentials:      core.OutcomeKeyNotFound,
	core.ReasonUnknownEndpoint:    core.OutcomeUnknownEndpoint,
	core.ReasonPrincipal:          core.OutcomeInsufficientScopes,
	core.ReasonEndpointNotGranted: core.OutcomeInsufficientScopes,
	core.ReasonMissingScopes:      core.OutcomeInsufficientScopes,
	core.ReasonKeyNotFound:        core.OutcomeKeyNotFound,
	core.ReasonKeyInvalid:         core.OutcomeKeyInvalid,
}

// decisionCase is a grant calling an endpoint and what Check must decide.
type decisionCase struct {
	name     string
	g        core.Grant
	e        core.Endpoint
	reason   core.Reason
	missing  core.Set
	redacted []string // fields removed, in spec order
	mask     uint64
}

// decisionCases covers every endpoint and every reason a check gives: for
// the public endpoint with and without credentials, for each other endpoint
// no credentials, principal, endpoint_not_granted, missing_scopes and allowed.
func decisionCases() []decisionCase {
	restricted := func(kind core.Principal, scopes []core.Scope, eps ...core.Endpoint) core.Grant {
		return core.MakeGrant(kind, core.NewSet(scopes...), eps...)
	}
	none := core.Set{}
	build := []string{"version.build"}
	tags := []string{"file.tags", "file.owner.tags"}
	ownerTags := []string{"file.owner.tags"}
	return []decisionCase{
		// The public endpoint: allowed for anyone; version.build is removed
		// unless the caller holds Files:Get.
		{"no credentials", core.Grant{}, core.Check, core.ReasonPublic, none, build, 1},
		{"without the unless scope", grantOf(core.AppKey, core.TagsGet), core.Check, core.ReasonPublic, none, build, 1},
		{"with the unless scope", grantOf(core.AppKey, core.FilesGet), core.Check, core.ReasonPublic, none, nil, 0},
		{"All", grantOf(both, core.All), core.Check, core.ReasonPublic, none, nil, 0},
		{"no kind", grantOf(0, core.FilesGet), core.Check, core.ReasonPublic, none, nil, 0},
		{"restricted elsewhere", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.GetFile), core.Check, core.ReasonPublic, none, nil, 0},
		{"restricted to nothing", restricted(core.AppKey, nil, 0), core.Check, core.ReasonPublic, none, build, 1},

		// GetFile: one required scope, two redactions, the second with two
		// unless scopes in two words.
		{"no credentials", core.Grant{}, core.GetFile, core.ReasonNoCredentials, core.NewSet(core.FilesGet), nil, 0},
		{"no kind", grantOf(0, core.FilesGet), core.GetFile, core.ReasonPrincipal, none, nil, 0},
		{"no kind, no scope", grantOf(0), core.GetFile, core.ReasonPrincipal, core.NewSet(core.FilesGet), nil, 0},
		{"not granted", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.DeleteFile), core.GetFile, core.ReasonEndpointNotGranted, none, nil, 0},
		{"not granted, no scope", restricted(core.AppKey, nil, core.DeleteFile), core.GetFile, core.ReasonEndpointNotGranted, core.NewSet(core.FilesGet), nil, 0},
		{"missing", grantOf(core.AppKey, core.TagsGet), core.GetFile, core.ReasonMissingScopes, core.NewSet(core.FilesGet), nil, 0},
		{"deprecated scope does not stand in", grantOf(core.AppKey, core.LegacyRead), core.GetFile, core.ReasonMissingScopes, core.NewSet(core.FilesGet), nil, 0},
		{"both redacted", grantOf(core.AppKey, core.FilesGet), core.GetFile, core.ReasonAllowed, none, tags, 0b11},
		{"owner tags redacted", grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet), core.GetFile, core.ReasonAllowed, none, ownerTags, 0b10},
		{"one unless scope of two", grantOf(core.AppKey, core.FilesGet, core.FilesAdd), core.GetFile, core.ReasonAllowed, none, tags, 0b11},
		{"nothing redacted", grantOf(core.AppKey, core.FilesGet, core.TagsGet, core.FilesAdd), core.GetFile, core.ReasonAllowed, none, nil, 0},
		{"restricted, redacted", restricted(core.AppKey, []core.Scope{core.FilesGet, core.TagsGet}, core.GetFile), core.GetFile, core.ReasonAllowed, none, ownerTags, 0b10},
		{"All", grantOf(core.AppKey, core.All), core.GetFile, core.ReasonAllowed, none, nil, 0},

		// DeleteFile: required scopes in words 0 and 1.
		{"no credentials", core.Grant{}, core.DeleteFile, core.ReasonNoCredentials, core.NewSet(core.FilesGet, core.FilesDelete), nil, 0},
		{"no kind", grantOf(0, core.FilesDelete), core.DeleteFile, core.ReasonPrincipal, core.NewSet(core.FilesGet), nil, 0},
		{"not granted", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.GetFile), core.DeleteFile, core.ReasonEndpointNotGranted, core.NewSet(core.FilesDelete), nil, 0},
		{"missing both", grantOf(core.AppKey), core.DeleteFile, core.ReasonMissingScopes, core.NewSet(core.FilesGet, core.FilesDelete), nil, 0},
		{"missing word 0", grantOf(core.AppKey, core.FilesDelete), core.DeleteFile, core.ReasonMissingScopes, core.NewSet(core.FilesGet), nil, 0},
		{"missing word 1", grantOf(core.AppKey, core.FilesGet), core.DeleteFile, core.ReasonMissingScopes, core.NewSet(core.FilesDelete), nil, 0},
		{"allowed", grantOf(core.AppKey, core.FilesGet, core.FilesDelete), core.DeleteFile, core.ReasonAllowed, none, nil, 0},
		{"restricted All", restricted(core.PersonalAccessToken, []core.Scope{core.All}, core.DeleteFile), core.DeleteFile, core.ReasonAllowed, none, nil, 0},

		// RetagFile: PAT only, five required scopes in three words.
		{"no credentials", core.Grant{}, core.RetagFile, core.ReasonNoCredentials, core.NewSet(filesAndTags...), nil, 0},
		{"app key with All", grantOf(core.AppKey, core.All), core.RetagFile, core.ReasonPrincipal, none, nil, 0},
		{"app key without scopes", grantOf(core.AppKey), core.RetagFile, core.ReasonPrincipal, core.NewSet(filesAndTags...), nil, 0},
		{"not granted", restricted(core.PersonalAccessToken, []core.Scope{core.All}, core.GetFile), core.RetagFile, core.ReasonEndpointNotGranted, none, nil, 0},
		{"missing in words 1 and 2", grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet), core.RetagFile, core.ReasonMissingScopes, core.NewSet(core.FilesAdd, core.FilesDelete, core.TagsPatch), nil, 0},
		{"missing in every word", grantOf(core.PersonalAccessToken, core.FilesAdd, core.TagsPatch), core.RetagFile, core.ReasonMissingScopes, core.NewSet(core.FilesGet, core.FilesDelete, core.TagsGet), nil, 0},
		{"missing the last", grantOf(core.PersonalAccessToken, core.FilesGet, core.FilesAdd, core.FilesDelete, core.TagsGet), core.RetagFile, core.ReasonMissingScopes, core.NewSet(core.TagsPatch), nil, 0},
		{"allowed", grantOf(core.PersonalAccessToken, filesAndTags...), core.RetagFile, core.ReasonAllowed, none, nil, 0},
		{"either kind", grantOf(both, filesAndTags...), core.RetagFile, core.ReasonAllowed, none, nil, 0},
		{"All", grantOf(core.PersonalAccessToken, core.All), core.RetagFile, core.ReasonAllowed, none, nil, 0},
		{"restricted All", restricted(core.PersonalAccessToken, []core.Scope{core.All}, core.RetagFile), core.RetagFile, core.ReasonAllowed, none, nil, 0},

		// SearchFiles: the fast path, and request scopes that the check
		// does not require.
		{"no credentials", core.Grant{}, core.SearchFiles, core.ReasonNoCredentials, core.NewSet(core.FilesGet), nil, 0},
		{"no kind", grantOf(0, core.FilesGet), core.SearchFiles, core.ReasonPrincipal, none, nil, 0},
		{"not granted", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.GetFile), core.SearchFiles, core.ReasonEndpointNotGranted, none, nil, 0},
		{"missing", grantOf(core.AppKey, core.Predict), core.SearchFiles, core.ReasonMissingScopes, core.NewSet(core.FilesGet), nil, 0},
		{"allowed without the request scope", grantOf(core.AppKey, core.FilesGet), core.SearchFiles, core.ReasonAllowed, none, nil, 0},
		{"restricted", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.SearchFiles), core.SearchFiles, core.ReasonAllowed, none, nil, 0},
		{"All", grantOf(core.PersonalAccessToken, core.All), core.SearchFiles, core.ReasonAllowed, none, nil, 0},

		// PatchTags: the fast path with two required scopes in one word,
		// both of which it needs.
		{"no credentials", core.Grant{}, core.PatchTags, core.ReasonNoCredentials, core.NewSet(core.TagsGet, core.TagsPatch), nil, 0},
		{"no kind", grantOf(0, core.TagsGet, core.TagsPatch), core.PatchTags, core.ReasonPrincipal, none, nil, 0},
		{"not granted", restricted(core.AppKey, []core.Scope{core.TagsGet, core.TagsPatch}, core.GetFile), core.PatchTags, core.ReasonEndpointNotGranted, none, nil, 0},
		{"one of two", grantOf(core.AppKey, core.TagsGet), core.PatchTags, core.ReasonMissingScopes, core.NewSet(core.TagsPatch), nil, 0},
		{"the other of two", grantOf(core.AppKey, core.TagsPatch), core.PatchTags, core.ReasonMissingScopes, core.NewSet(core.TagsGet), nil, 0},
		{"both", grantOf(core.AppKey, core.TagsGet, core.TagsPatch), core.PatchTags, core.ReasonAllowed, none, nil, 0},

		// ShareFile: any of Files:Get and Tags:Get for an app key, Files:Add
		// for an app key or a PAT, nothing for OAuth 2.0. A denial's
		// Missing is what the closest alternative its kind may use lacks,
		// the first on a tie; without credentials or with a kind none
		// accepts, the closest of all.
		{"no credentials", core.Grant{}, core.ShareFile, core.ReasonNoCredentials, none, nil, 0},
		{"no kind", grantOf(0, core.FilesGet), core.ShareFile, core.ReasonPrincipal, none, nil, 0},
		{"not granted: tie, the first", restricted(core.AppKey, []core.Scope{core.FilesGet}, core.GetFile), core.ShareFile, core.ReasonEndpointNotGranted, core.NewSet(core.TagsGet), nil, 0},
		{"app key: tie, the first", grantOf(core.AppKey, core.FilesGet), core.ShareFile, core.ReasonMissingScopes, core.NewSet(core.TagsGet), nil, 0},
		{"app key: the closest", grantOf(core.AppKey), core.ShareFile, core.ReasonMissingScopes, core.NewSet(core.FilesAdd), nil, 0},
		{"pat: only the second is its", grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet), core.ShareFile, core.ReasonMissingScopes, core.NewSet(core.FilesAdd), nil, 0},
		{"the first", grantOf(core.AppKey, core.FilesGet, core.TagsGet), core.ShareFile, core.ReasonAllowed, none, nil, 0},
		{"the second", grantOf(core.PersonalAccessToken, core.FilesAdd), core.ShareFile, core.ReasonAllowed, none, nil, 0},
		{"the third, no scope", grantOf(core.Oauth2), core.ShareFile, core.ReasonAllowed, none, nil, 0},
		{"restricted to it", restricted(core.AppKey, []core.Scope{core.FilesAdd}, core.ShareFile), core.ShareFile, core.ReasonAllowed, none, nil, 0},

		// ExportTags: HTTP-only, decided by its bindings.
		{"no credentials", core.Grant{}, core.ExportTags, core.ReasonNoCredentials, core.NewSet(core.TagsGet), nil, 0},
		{"no kind", grantOf(0, core.TagsGet), core.ExportTags, core.ReasonPrincipal, none, nil, 0},
		{"not granted", restricted(core.AppKey, []core.Scope{core.TagsGet}, core.GetFile), core.ExportTags, core.ReasonEndpointNotGranted, none, nil, 0},
		{"missing", grantOf(core.AppKey, core.FilesGet), core.ExportTags, core.ReasonMissingScopes, core.NewSet(core.TagsGet), nil, 0},
		{"allowed", grantOf(core.AppKey, core.TagsGet), core.ExportTags, core.ReasonAllowed, none, nil, 0},
	}
}

func TestDecisions(t *testing.T) {
	covered := map[core.Endpoint]map[core.Reason]bool{}
	for _, tt := range decisionCases() {
		t.Run(strings.TrimPrefix(tt.e.String(), "/files.v1.")+"/"+tt.name, func(t *testing.T) {
			d := tt.g.Check(tt.e.FullMethod())
			if tt.e == core.ExportTags {
				d = tt.g.CheckHTTP("GET", "/v1/tags/export")
			}
			if de := tt.g.CheckEndpoint(tt.e); de != d {
				t.Errorf("Check or CheckHTTP = %+v, CheckEndpoint = %+v", d, de)
			}
			checkDecision(t, d, tt.e, tt.reason, tt.missing, tt.redacted, tt.mask)
		})
		if covered[tt.e] == nil {
			covered[tt.e] = map[core.Reason]bool{}
		}
		covered[tt.e][tt.reason] = true
	}
	// The table has every reason of a check for every endpoint.
	for _, e := range allEndpoints {
		reasons := []core.Reason{core.ReasonNoCredentials, core.ReasonPrincipal, core.ReasonEndpointNotGranted, core.ReasonMissingScopes, core.ReasonAllowed}
		if e.Public() {
			reasons = []core.Reason{core.ReasonPublic}
		}
		for _, r := range reasons {
			if !covered[e][r] {
				t.Errorf("no case of %v for %v", r, e)
			}
		}
	}
}

// checkDecision fails the test unless every accessor of d says that the call
// of e was decided for reason, lacking missing and removing redacted (mask).
func checkDecision(t *testing.T, d core.Decision, e core.Endpoint, reason core.Reason, missing core.Set, redacted []string, mask uint64) {
	t.Helper()
	allowed := reason == core.ReasonAllowed || reason == core.ReasonPublic
	if d.Reason() != reason || d.Allowed() != allowed || d.Endpoint() != e || d.Method() != e.FullMethod() {
		t.Errorf("Reason, Allowed, Endpoint, Method = %v, %v, %v, %q; want %v, %v, %v, %q", d.Reason(), d.Allowed(), d.Endpoint(), d.Method(), reason, allowed, e, e.FullMethod())
	}
	if d.Outcome() != reasonOutcome[reason] {
		t.Errorf("Outcome() = %v, want %v", d.Outcome(), reasonOutcome[reason])
	}
	if got := d.Missing(); got != missing {
		t.Errorf("Missing() = %v, want %v", got, missing)
	}
	if got := collect(d.Redacted()); !slices.Equal(got, redacted) {
		t.Errorf("Redacted() = %q, want %q", got, redacted)
	}
	if d.Redacts() != (redacted != nil) || d.RedactionMask() != mask {
		t.Errorf("Redacts, RedactionMask = %v, %#b; want %v, %#b", d.Redacts(), d.RedactionMask(), redacted != nil, mask)
	}
	if err := d.Err(); (err == nil) != allowed {
		t.Errorf("Err() = %v with Allowed %v", err, allowed)
	}
}

func TestRedactedStopsEarly(t *testing.T) {
	d := grantOf(core.AppKey, core.FilesGet).CheckEndpoint(core.GetFile)
	if got := first(d.Redacted(), 1); !slices.Equal(got, []string{"file.tags"}) {
		t.Errorf("Redacted() stopped after 1 = %q", got)
	}
}

func TestUnknownEndpoint(t *testing.T) {
	grants := sampleGrants(t)
	check := func(t *testing.T, d core.Decision) {
		t.Helper()
		checkDecision(t, d, 0, core.ReasonUnknownEndpoint, core.Set{}, nil, 0)
		if d.Method() != "" || d.RequestScoped() || collect(d.Redactable()) != nil {
			t.Errorf("Method, RequestScoped, Redactable = %q, %v, %q", d.Method(), d.RequestScoped(), collect(d.Redactable()))
		}
	}
	for _, m := range unknownMethods() {
		for _, g := range grants {
			check(t, g.Check(m))
		}
	}
	for _, e := range []core.Endpoint{0, core.NumEndpoints + 1, 64, 65535} {
		for _, g := range grants {
			d := g.CheckEndpoint(e)
			check(t, d)
			if d != g.Check("") {
				t.Errorf("CheckEndpoint(%d) = %+v, Check(\"\") = %+v", e, d, g.Check(""))
			}
		}
	}
	// The zero Decision, which no check made, fails closed: it is the
	// decision on a method that is not an endpoint.
	check(t, core.Decision{})
	if d := (core.Decision{}); d.Allowed() || d.Err() == nil || d != (core.Grant{}).Check("/no.Such/Method") {
		t.Errorf("the zero Decision: Allowed %v, Err %v; want the denial of an unknown method", d.Allowed(), d.Err())
	}
}

// TestCheckAgreesWithCheckEndpoint checks every endpoint with a gRPC method
// by its method name and by its value, for grants of every shape; the name
// of an HTTP-only endpoint is no method.
func TestCheckAgreesWithCheckEndpoint(t *testing.T) {
	for _, g := range sampleGrants(t) {
		for _, e := range allEndpoints {
			d, de := g.Check(e.FullMethod()), g.CheckEndpoint(e)
			if e == core.ExportTags {
				if d.Reason() != core.ReasonUnknownEndpoint {
					t.Errorf("%v: Check(%q), an operation's name, = %+v; want unknown", g, e.FullMethod(), d)
				}
				continue
			}
			if d != de || d.Endpoint() != e {
				t.Errorf("%v: %v: Check = %+v, CheckEndpoint = %+v", g, e, d, de)
			}
		}
	}
}

func TestOutcome(t *testing.T) {
	for _, tt := range []struct {
		o       core.Outcome
		code    int
		status  string
		grpc    int
		message string
	}{
		{core.OutcomeAllowed, 0, "OK", 0, ""},
		{core.OutcomeInsufficientScopes, 11007, "CONN_INSUFFICIENT_SCOPES", 7, "the key lacks the scopes this call needs"},
		{core.OutcomeKeyInvalid, 11008, "CONN_KEY_INVALID", 16, "the key is invalid"},
		{core.OutcomeKeyNotFound, 11009, "CONN_KEY_NOT_FOUND", 5, "the key was not found"},
		{core.OutcomeUnknownEndpoint, 11101, "CONN_DOES_NOT_EXIST", 5, "the endpoint does not exist"},
		// A value that is no outcome gives OutcomeAllowed's entry, as entry's
		// doc comment says.
		{core.OutcomeUnknownEndpoint + 1, 0, "OK", 0, ""},
		{255, 0, "OK", 0, ""},
	} {
		o := tt.o
		if o.Code() != tt.code || o.Status() != tt.status || o.String() != tt.status || o.GRPCCode() != tt.grpc || o.Message() != tt.message {
			t.Errorf("Outcome(%d): Code, Status, String, GRPCCode, Message = %d, %q, %q, %d, %q; want %d, %q, %q, %d, %q",
				o, o.Code(), o.Status(), o.String(), o.GRPCCode(), o.Message(), tt.code, tt.status, tt.status, tt.grpc, tt.message)
		}
	}
}

// reasonDecisions returns a decision of each reason, KeyNotFound and
// KeyInvalid included.
func reasonDecisions(t testing.TB) map[core.Reason]core.Decision {
	missing := grantOf(core.AppKey).CheckEndpoint(core.DeleteFile)
	return map[core.Reason]core.Decision{
		core.ReasonAllowed:            grantOf(core.AppKey, core.FilesGet).CheckEndpoint(core.GetFile),
		core.ReasonPublic:             core.Grant{}.CheckEndpoint(core.Check),
		core.ReasonNoCredentials:      core.Grant{}.CheckEndpoint(core.GetFile),
		core.ReasonUnknownEndpoint:    grantOf(core.AppKey, core.All).Check("/files.v1.Files/Nope"),
		core.ReasonPrincipal:          grantOf(core.AppKey, core.All).CheckEndpoint(core.RetagFile),
		core.ReasonEndpointNotGranted: mustGrant(t, core.AppKey, []string{"All"}, mGetFile).CheckEndpoint(core.SearchFiles),
		core.ReasonMissingScopes:      missing,
		core.ReasonKeyNotFound:        missing.KeyNotFound(),
		core.ReasonKeyInvalid:         missing.KeyInvalid(),
	}
}

// TestDecisionOutcome checks the outcome fields of a decision of each reason,
// and the adapter's plain values of them.
func TestDecisionOutcome(t *testing.T) {
	ds := reasonDecisions(t)
	for _, tt := range []struct {
		reason  core.Reason
		name    string
		outcome core.Outcome
		code    int
		status  string
		grpc    int
		message string
	}{
		{core.ReasonAllowed, "allowed", core.OutcomeAllowed, 0, "OK", 0, ""},
		{core.ReasonPublic, "public", core.OutcomeAllowed, 0, "OK", 0, ""},
		{core.ReasonNoCredentials, "no_credentials", core.OutcomeKeyNotFound, 11009, "CONN_KEY_NOT_FOUND", 5, "the key was not found"},
		{core.ReasonUnknownEndpoint, "unknown_endpoint", core.OutcomeUnknownEndpoint, 11101, "CONN_DOES_NOT_EXIST", 5, "the endpoint does not exist"},
		{core.ReasonPrincipal, "principal", core.OutcomeInsufficientScopes, 11007, "CONN_INSUFFICIENT_SCOPES", 7, "the key lacks the scopes this call needs"},
		{core.ReasonEndpointNotGranted, "endpoint_not_granted", core.OutcomeInsufficientScopes, 11007, "CONN_INSUFFICIENT_SCOPES", 7, "the key lacks the scopes this call needs"},
		{core.ReasonMissingScopes, "missing_scopes", core.OutcomeInsufficientScopes, 11007, "CONN_INSUFFICIENT_SCOPES", 7, "the key lacks the scopes this call needs"},
		{core.ReasonKeyNotFound, "key_not_found", core.OutcomeKeyNotFound, 11009, "CONN_KEY_NOT_FOUND", 5, "the key was not found"},
		{core.ReasonKeyInvalid, "key_invalid", core.OutcomeKeyInvalid, 11008, "CONN_KEY_INVALID", 16, "the key is invalid"},
	} {
		d, ok := ds[tt.reason]
		if !ok || d.Reason() != tt.reason {
			t.Fatalf("no decision of reason %v (got %v)", tt.reason, d.Reason())
		}
		if d.Outcome() != tt.outcome || d.Code() != tt.code || d.Status() != tt.status || d.GRPCCode() != tt.grpc || d.Message() != tt.message {
			t.Errorf("%v: Outcome, Code, Status, GRPCCode, Message = %v, %d, %q, %d, %q; want %v, %d, %q, %d, %q",
				tt.reason, d.Outcome(), d.Code(), d.Status(), d.GRPCCode(), d.Message(), tt.outcome, tt.code, tt.status, tt.grpc, tt.message)
		}
		if d.ReasonName() != tt.name || tt.reason.String() != tt.name {
			t.Errorf("%d: ReasonName, String = %q, %q; want %q", tt.reason, d.ReasonName(), tt.reason.String(), tt.name)
		}
	}
}

func TestReasonString(t *testing.T) {
	for _, tt := range []struct {
		r    core.Reason
		want string
	}{
		{core.ReasonAllowed, "allowed"},
		{core.ReasonPublic, "public"},
		{core.ReasonNoCredentials, "no_credentials"},
		{core.ReasonUnknownEndpoint, "unknown_endpoint"},
		{core.ReasonPrincipal, "principal"},
		{core.ReasonEndpointNotGranted, "endpoint_not_granted"},
		{core.ReasonMissingScopes, "missing_scopes"},
		{core.ReasonKeyNotFound, "key_not_found"},
		{core.ReasonKeyInvalid, "key_invalid"},
		{core.ReasonKeyInvalid + 1, "Reason(9)"},
		{255, "Reason(255)"},
	} {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("Reason(%d).String() = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestErr(t *testing.T) {
	ds := reasonDecisions(t)
	for _, tt := range []struct {
		d    core.Decision
		want string // "" when allowed
	}{
		{ds[core.ReasonAllowed], ""},
		{ds[core.ReasonPublic], ""},
		{ds[core.ReasonMissingScopes], `CONN_INSUFFICIENT_SCOPES (11007): "/files.v1.Files/DeleteFile": the key lacks the scopes this call needs; missing scopes Files:Get,Files:Delete`},
		{ds[core.ReasonNoCredentials], `CONN_KEY_NOT_FOUND (11009): "/files.v1.Files/GetFile": the key was not found (no_credentials); missing scopes Files:Get`},
		{ds[core.ReasonUnknownEndpoint], `CONN_DOES_NOT_EXIST (11101): "": the endpoint does not exist (unknown_endpoint)`},
		{ds[core.ReasonPrincipal], `CONN_INSUFFICIENT_SCOPES (11007): "/files.v1.Files/RetagFile": the key lacks the scopes this call needs (principal)`},
		{ds[core.ReasonEndpointNotGranted], `CONN_INSUFFICIENT_SCOPES (11007): "/files.v1.Files/SearchFiles": the key lacks the scopes this call needs (endpoint_not_granted)`},
		{grantOf(core.AppKey).CheckEndpoint(core.RetagFile), `CONN_INSUFFICIENT_SCOPES (11007): "/files.v1.Files/RetagFile": the key lacks the scopes this call needs (principal); missing scopes Files:Get,Files:Add,Files:Delete,Tags:Get,Tags:Patch`},
		{ds[core.ReasonKeyNotFound], `CONN_KEY_NOT_FOUND (11009): "/files.v1.Files/DeleteFile": the key was not found (key_not_found)`},
		{ds[core.ReasonKeyInvalid], `CONN_KEY_INVALID (11008): "/files.v1.Files/DeleteFile": the key is invalid (key_invalid)`},
	} {
		err := tt.d.Err()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%v: Err() = %v, want nil", tt.d.Reason(), err)
			}
			continue
		}
		var denied *core.DeniedError
		if !errors.As(err, &denied) || denied.Decision != tt.d {
			t.Errorf("%v: Err() = %#v, want a *DeniedError of the decision", tt.d.Reason(), err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%v: Err().Error() =\n%s\nwant\n%s", tt.d.Reason(), err, tt.want)
		}
	}
}

func TestMissingNames(t *testing.T) {
	ds := reasonDecisions(t)
	for _, tt := range []struct {
		d    core.Decision
		want []string
	}{
		{grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet).CheckEndpoint(core.RetagFile), []string{"Files:Add", "Files:Delete", "Tags:Patch"}},
		{core.Grant{}.CheckEndpoint(core.RetagFile), []string{"Files:Get", "Files:Add", "Files:Delete", "Tags:Get", "Tags:Patch"}},
		{ds[core.ReasonMissingScopes], []string{"Files:Get", "Files:Delete"}},
		{ds[core.ReasonAllowed], nil},
		{ds[core.ReasonPublic], nil},
		{ds[core.ReasonPrincipal], nil},
		{ds[core.ReasonUnknownEndpoint], nil},
		{ds[core.ReasonKeyNotFound], nil},
	} {
		if got := collect(tt.d.MissingNames()); !slices.Equal(got, tt.want) {
			t.Errorf("%v %v: MissingNames() = %q, want %q", tt.d.Endpoint(), tt.d.Reason(), got, tt.want)
		}
		if len(tt.want) > 1 {
			if got := first(tt.d.MissingNames(), 1); !slices.Equal(got, tt.want[:1]) {
				t.Errorf("MissingNames() stopped after 1 = %q", got)
			}
		}
	}
}

// TestRequestScopedRedactable checks that both depend on the endpoint only,
// not on the grant nor the reason.
func TestRequestScopedRedactable(t *testing.T) {
	want := map[core.Endpoint][]string{
		core.Check:   {"version.build"},
		core.GetFile: {"file.tags", "file.owner.tags"},
	}
	for _, g := range sampleGrants(t) {
		for _, e := range allEndpoints {
			d := g.CheckEndpoint(e)
			for _, d := range []core.Decision{d, d.KeyNotFound(), d.KeyInvalid()} {
				if d.RequestScoped() != (e == core.SearchFiles) {
					t.Errorf("%v: %v %v: RequestScoped() = %v", g, e, d.Reason(), d.RequestScoped())
				}
				if got := collect(d.Redactable()); !slices.Equal(got, want[e]) {
					t.Errorf("%v: %v %v: Redactable() = %q, want %q", g, e, d.Reason(), got, want[e])
				}
			}
		}
	}
	d := grantOf(core.AppKey, core.All).CheckEndpoint(core.GetFile)
	if got := first(d.Redactable(), 1); !slices.Equal(got, []string{"file.tags"}) {
		t.Errorf("Redactable() stopped after 1 = %q", got)
	}
}

func TestKeyNotFoundKeyInvalid(t *testing.T) {
	for name, d := range map[string]core.Decision{
		"allowed, redacted": grantOf(core.AppKey, core.FilesGet).CheckEndpoint(core.GetFile),
		"public, redacted":  core.Grant{}.CheckEndpoint(core.Check),
		"missing scopes":    grantOf(core.PersonalAccessToken).CheckEndpoint(core.RetagFile),
		"request scoped":    grantOf(core.AppKey, core.FilesGet).CheckEndpoint(core.SearchFiles),
		"unknown endpoint":  grantOf(core.AppKey).CheckEndpoint(0),
	} {
		for _, tt := range []struct {
			got     core.Decision
			reason  core.Reason
			outcome core.Outcome
		}{
			{d.KeyNotFound(), core.ReasonKeyNotFound, core.OutcomeKeyNotFound},
			{d.KeyInvalid(), core.ReasonKeyInvalid, core.OutcomeKeyInvalid},
			{d.KeyInvalid().KeyNotFound(), core.ReasonKeyNotFound, core.OutcomeKeyNotFound},
		} {
			k := tt.got
			if k.Allowed() || k.Reason() != tt.reason || k.Outcome() != tt.outcome || k.Endpoint() != d.Endpoint() || k.Method() != d.Method() {
				t.Errorf("%s: %v: Allowed, Reason, Outcome, Endpoint = %v, %v, %v, %v", name, tt.reason, k.Allowed(), k.Reason(), k.Outcome(), k.Endpoint())
			}
			if !k.Missing().IsEmpty() || collect(k.MissingNames()) != nil || k.Redacts() || k.RedactionMask() != 0 || collect(k.Redacted()) != nil || k.Err() == nil {
				t.Errorf("%s: %v: Missing, Redacts, Err = %v, %v, %v", name, tt.reason, k.Missing(), k.Redacts(), k.Err())
			}
			if k.RequestScoped() != d.RequestScoped() || !slices.Equal(collect(k.Redactable()), collect(d.Redactable())) {
				t.Errorf("%s: %v: the endpoint's RequestScoped or Redactable changed", name, tt.reason)
			}
		}
	}
}
