package enforce_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/generated"
)

const v2 = "/clarifai.api.V2/"

// decide instantiates Decide with the shipped spec's checker: it compiles
// only while the generated types satisfy the constraints.
func decide(method string, resolve func() (generated.Grant, error)) (generated.Grant, generated.Decision, error) {
	return enforce.Decide[generated.Grant, generated.Decision](method, resolve)
}

func grant(t testing.TB, scopes ...string) generated.Grant {
	t.Helper()
	g, err := generated.NewGrant(generated.AppKey, scopes, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDecide(t *testing.T) {
	key := grant(t, "Inputs:Get")
	boom := errors.New("the key store is down")
	for _, tc := range []struct {
		method   string
		grant    generated.Grant
		err      error
		resolved bool   // whether resolve must run
		reason   string // the decision's reason; "" when Decide returns err
		outcome  generated.Outcome
	}{
		{v2 + "ListInputs", key, nil, true, enforce.ReasonAllowed, generated.OutcomeAllowed},
		{v2 + "PostInputs", key, nil, true, enforce.ReasonMissingScopes, generated.OutcomeInsufficientScopes},
		{v2 + "NoSuchMethod", key, nil, false, enforce.ReasonUnknownEndpoint, generated.OutcomeUnknownEndpoint},
		{v2 + "NoSuchMethod", key, enforce.ErrKeyInvalid, false, enforce.ReasonUnknownEndpoint, generated.OutcomeUnknownEndpoint},
		{v2 + "ListInputs", generated.Grant{}, enforce.ErrNoCredentials, true, enforce.ReasonNoCredentials, generated.OutcomeKeyNotFound},
		{v2 + "ListInputs", key, fmt.Errorf("%w: wrapped", enforce.ErrNoCredentials), true, enforce.ReasonNoCredentials, generated.OutcomeKeyNotFound},
		{v2 + "ListInputs", key, enforce.ErrKeyNotFound, true, enforce.ReasonKeyNotFound, generated.OutcomeKeyNotFound},
		{v2 + "ListInputs", key, fmt.Errorf("%w: expired", enforce.ErrKeyInvalid), true, enforce.ReasonKeyInvalid, generated.OutcomeKeyInvalid},
		{v2 + "ListInputs", key, boom, true, "", 0},
	} {
		resolved := false
		g, d, err := decide(tc.method, func() (generated.Grant, error) {
			resolved = true
			return tc.grant, tc.err
		})
		name := fmt.Sprintf("%s with (%v, %v)", tc.method, tc.grant, tc.err)
		if resolved != tc.resolved {
			t.Errorf("%s: resolve ran: %v, want %v", name, resolved, tc.resolved)
		}
		if tc.reason == "" {
			if err != tc.err || d != (generated.Decision{}) || !g.IsZero() {
				t.Errorf("%s: %v, %v, %v; want the resolver's error alone", name, g, d, err)
			}
			continue
		}
		if err != nil || d.ReasonName() != tc.reason || d.Outcome() != tc.outcome {
			t.Errorf("%s: reason %s, outcome %v, err %v; want %s, %v", name, d.ReasonName(), d.Outcome(), err, tc.reason, tc.outcome)
		}
		if tc.err != nil && !g.IsZero() {
			t.Errorf("%s: decided on %v, want the zero Grant", name, g)
		}
		if tc.method != v2+"NoSuchMethod" && d.Method() != tc.method {
			t.Errorf("%s: decision's method %q", name, d.Method())
		}
		if d.KeyNotFound().Missing() != (generated.Set{}) || d.KeyInvalid().Allowed() {
			t.Errorf("%s: a refused key keeps missing scopes or is allowed", name)
		}
	}
}

// TestReasonNames: the names adapters compare are the generated Reason's.
func TestReasonNames(t *testing.T) {
	for r, want := range map[generated.Reason]string{
		generated.ReasonAllowed:            enforce.ReasonAllowed,
		generated.ReasonPublic:             enforce.ReasonPublic,
		generated.ReasonNoCredentials:      enforce.ReasonNoCredentials,
		generated.ReasonUnknownEndpoint:    enforce.ReasonUnknownEndpoint,
		generated.ReasonPrincipal:          enforce.ReasonPrincipal,
		generated.ReasonEndpointNotGranted: enforce.ReasonEndpointNotGranted,
		generated.ReasonMissingScopes:      enforce.ReasonMissingScopes,
		generated.ReasonKeyNotFound:        enforce.ReasonKeyNotFound,
		generated.ReasonKeyInvalid:         enforce.ReasonKeyInvalid,
	} {
		if r.String() != want {
			t.Errorf("generated %v is named %q, enforce says %q", int(r), r.String(), want)
		}
	}
	if s := generated.Reason(generated.ReasonKeyInvalid + 1).String(); s != "Reason(9)" {
		t.Errorf("a reason past the last is %q: a new reason needs its name in package enforce", s)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	key := grant(t, "Inputs:Get")
	resolve := func() (generated.Grant, error) { return key, nil }
	refuse := func() (generated.Grant, error) { return generated.Grant{}, enforce.ErrKeyNotFound }
	for _, method := range []string{v2 + "ListInputs", v2 + "PostInputs", v2 + "Nope"} {
		for _, r := range []func() (generated.Grant, error){resolve, refuse} {
			if n := testing.AllocsPerRun(100, func() { _, _, _ = decide(method, r) }); n != 0 {
				t.Errorf("Decide(%s) allocates %v times", method, n)
			}
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	key := grant(b, "Inputs:Get")
	resolve := func() (generated.Grant, error) { return key, nil }
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = decide(v2+"ListInputs", resolve)
	}
}
