package generated_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
)

const v2 = "/clarifai.api.V2/"

func grant(t testing.TB, kind scopes.Principal, ops string, endpoints ...string) scopes.Grant {
	t.Helper()
	var names []string
	if ops != "" {
		names = strings.Split(ops, ",")
	}
	for i, e := range endpoints {
		endpoints[i] = v2 + e
	}
	g, err := scopes.NewGrant(kind, names, endpoints)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func redacted(d scopes.Decision) []string {
	var out []string
	for f := range d.Redacted() {
		out = append(out, f)
	}
	return out
}

// The examples of the scopes seed and of the authentication seed.
func TestSeedExamples(t *testing.T) {
	tests := []struct {
		name    string
		g       scopes.Grant
		method  string
		allowed bool
		reason  scopes.Reason
		missing string
		redact  []string
	}{
		// Predict op-level, but only the search endpoint (plus Search, which the
		// endpoint requires and a portal selects with it): searches, no predictions.
		{"search-only key searches", grant(t, scopes.AppKey, "Predict,Search", "PostSearches"), "PostSearches", true, scopes.ReasonAllowed, "", []string{"hits.input.data.concepts"}},
		{"search-only key cannot predict", grant(t, scopes.AppKey, "Predict,Search", "PostSearches"), "PostModelOutputs", false, scopes.ReasonEndpointNotGranted, "", nil},
		{"endpoint without its op scope", grant(t, scopes.AppKey, "Predict", "PostSearches"), "PostSearches", false, scopes.ReasonMissingScopes, "Search", nil},
		// Inputs:Get without Concepts:Get: inputs come back without their concepts.
		{"inputs without concepts", grant(t, scopes.AppKey, "Inputs:Get"), "ListInputs", true, scopes.ReasonAllowed, "", []string{"inputs.data.concepts"}},
		{"inputs with concepts", grant(t, scopes.AppKey, "Inputs:Get,Concepts:Get"), "ListInputs", true, scopes.ReasonAllowed, "", nil},
		// Most of the response needs the missing scope: rejected instead.
		{"output info needs concepts", grant(t, scopes.AppKey, "Models:Get"), "GetModelOutputInfo", false, scopes.ReasonMissingScopes, "Concepts:Get", nil},
		{"predict-only key", grant(t, scopes.AppKey, "Predict"), "PostInputs", false, scopes.ReasonMissingScopes, "Inputs:Add", nil},
		{"patch needs get", grant(t, scopes.PersonalAccessToken, "Inputs:Patch"), "PatchInputs", false, scopes.ReasonMissingScopes, "Inputs:Get", nil},
		{"All allows everything", grant(t, scopes.PersonalAccessToken, "All"), "PatchModels", true, scopes.ReasonAllowed, "", nil},
		{"an endpoint list restricts even All", grant(t, scopes.AppKey, "All", "PostInputs"), "ListInputs", false, scopes.ReasonEndpointNotGranted, "", nil},
		{"no credentials", scopes.Grant{}, "ListInputs", false, scopes.ReasonNoCredentials, "Inputs:Get", nil},
		{"unknown method", grant(t, scopes.AppKey, "All"), "/clarifai.api.V2/PostInputz", false, scopes.ReasonUnknownEndpoint, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if !strings.HasPrefix(method, "/") {
				method = v2 + method
			}
			d := tt.g.Check(method)
			if d.Allowed() != tt.allowed || d.Reason() != tt.reason || d.Missing().String() != tt.missing || !slices.Equal(redacted(d), tt.redact) {
				t.Errorf("%v.Check(%s) = allowed %v, %v, missing %q, redacted %q; want %v, %v, %q, %q",
					tt.g, method, d.Allowed(), d.Reason(), d.Missing(), redacted(d), tt.allowed, tt.reason, tt.missing, tt.redact)
			}
		})
	}
}

func TestOutcomeCodes(t *testing.T) {
	g := grant(t, scopes.AppKey, "Predict")
	for _, tt := range []struct {
		method, status string
		code, grpc     int
	}{
		{v2 + "PostModelOutputs", "OK", 0, 0},
		{v2 + "PostInputs", "CONN_INSUFFICIENT_SCOPES", 11007, 7},
		{v2 + "Nope", "CONN_DOES_NOT_EXIST", 11101, 5},
	} {
		d := g.Check(tt.method)
		if d.Status() != tt.status || d.Code() != tt.code || d.Outcome().GRPCCode() != tt.grpc {
			t.Errorf("Check(%s) = %s %d grpc %d; want %s %d grpc %d", tt.method, d.Status(), d.Code(), d.Outcome().GRPCCode(), tt.status, tt.code, tt.grpc)
		}
	}
	if d := (scopes.Grant{}).Check(v2 + "ListInputs"); d.Code() != 11009 || d.Outcome() != scopes.OutcomeKeyNotFound {
		t.Errorf("no credentials: %s %d", d.Status(), d.Code())
	}
	for o, want := range map[scopes.Outcome]int{scopes.OutcomeKeyInvalid: 11008, scopes.OutcomeKeyNotFound: 11009} {
		if o.Code() != want || o.GRPCCode() != 16 {
			t.Errorf("%v: code %d grpc %d", o, o.Code(), o.GRPCCode())
		}
	}
}

func TestDeniedError(t *testing.T) {
	d := grant(t, scopes.AppKey, "Inputs:Get").Check(v2 + "PatchInputs")
	err := d.Err()
	var denied *scopes.DeniedError
	if !errors.As(err, &denied) || denied.Decision != d {
		t.Fatalf("Err() = %v", err)
	}
	for _, want := range []string{"CONN_INSUFFICIENT_SCOPES (11007)", "/clarifai.api.V2/PatchInputs", "Inputs:Patch"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := grant(t, scopes.AppKey, "Inputs:Get").Check(v2 + "ListInputs").Err(); err != nil {
		t.Errorf("allowed call: Err() = %v", err)
	}
}

func TestNewGrantRejectsUnknownNames(t *testing.T) {
	for _, tt := range []struct {
		kind      scopes.Principal
		ops, eps  []string
		wantError string
	}{
		{scopes.AppKey, []string{"Inputs:Gett"}, nil, `unknown scope "Inputs:Gett"`},
		{scopes.AppKey, []string{"inputs:get"}, nil, `unknown scope "inputs:get"`},
		{scopes.AppKey, nil, []string{"/clarifai.api.V2/PostInputz"}, `unknown endpoint "/clarifai.api.V2/PostInputz"`},
		{scopes.AppKey, nil, []string{"PostInputs"}, `unknown endpoint "PostInputs"`},
		{0, []string{"Predict"}, nil, "unknown principal kind 0"},
		{4, []string{"Predict"}, nil, "unknown principal kind 4"},
	} {
		g, err := scopes.NewGrant(tt.kind, tt.ops, tt.eps)
		if err == nil || !strings.Contains(err.Error(), tt.wantError) || !g.IsZero() {
			t.Errorf("NewGrant(%v, %q, %q) = %v, %v; want error %q and the zero Grant", tt.kind, tt.ops, tt.eps, g, err, tt.wantError)
		}
	}
}

func TestPrincipals(t *testing.T) {
	pat := grant(t, scopes.PersonalAccessToken, "Inputs:Get")
	app := grant(t, scopes.AppKey, "Inputs:Get")
	// An invite of the other kind leaves the collaborator with no kind at all.
	if d := app.Intersect(pat).Check(v2 + "ListInputs"); d.Allowed() || d.Reason() != scopes.ReasonPrincipal {
		t.Errorf("app key ∩ PAT-only invite: %v", d.Reason())
	}
	if got := (scopes.AppKey | scopes.PersonalAccessToken).String(); got != "app_key|pat" {
		t.Errorf("String = %q", got)
	}
	if p, ok := scopes.ParsePrincipal("pat"); !ok || p != scopes.PersonalAccessToken {
		t.Errorf("ParsePrincipal(pat) = %v, %v", p, ok)
	}
}

func TestCollaborators(t *testing.T) {
	owner := grant(t, scopes.AppKey|scopes.PersonalAccessToken, "Inputs:Get") // the invite
	key := grant(t, scopes.AppKey, "All")                                     // the collaborator's own key
	c := key.Intersect(owner)
	if !c.Check(v2+"ListInputs").Allowed() || c.Check(v2+"PostInputs").Allowed() {
		t.Errorf("All ∩ Inputs:Get = %v: want ListInputs only", c)
	}
	if !key.Covers(c) || !owner.Covers(c) {
		t.Errorf("the intersection %v exceeds a side", c)
	}
	a := grant(t, scopes.AppKey, "All", "PostInputs")
	b := grant(t, scopes.AppKey, "All", "ListInputs")
	none := a.Intersect(b)
	for e := range scopes.Endpoints() {
		if none.CheckEndpoint(e).Allowed() {
			t.Errorf("disjoint endpoint restrictions: %v may call %v", none, e)
		}
	}
	if !none.Restricted() {
		t.Errorf("disjoint restrictions gave an unrestricted grant")
	}
}

func TestKeyCreation(t *testing.T) {
	g := grant(t, scopes.AppKey, "Models:Patch,Inputs:Delete", "PostSearches")
	got := map[string]string{}
	for _, p := range g.MissingPrerequisites() {
		key := p.Scope.String()
		if p.Endpoint != 0 {
			key = p.Endpoint.FullMethod()
		}
		got[key] = p.Missing.String()
	}
	want := map[string]string{
		"Inputs:Delete":     "Inputs:Get",
		"Models:Patch":      "Models:Get,Models:Train",
		v2 + "PostSearches": "Search",
	}
	if len(got) != len(want) {
		t.Errorf("MissingPrerequisites = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("MissingPrerequisites[%s] = %q, want %q", k, got[k], v)
		}
	}
	c := g.Closure()
	if c.Scopes().String() != "Inputs:Delete,Inputs:Get,Models:Get,Models:Patch,Models:Train,Search" || len(c.MissingPrerequisites()) != 0 {
		t.Errorf("Closure = %v, missing %v", c, c.MissingPrerequisites())
	}
	if got := scopes.ModelsPatch.Prerequisites().String(); got != "Models:Get,Models:Train" {
		t.Errorf("Models:Patch prerequisites = %q", got)
	}
	for p := range scopes.Presets() {
		if miss := grant(t, scopes.AppKey, p.Scopes().String()).MissingPrerequisites(); len(miss) != 0 {
			t.Errorf("preset %s lacks prerequisites: %v", p, miss)
		}
	}
}

func TestCovers(t *testing.T) {
	admin := grant(t, scopes.PersonalAccessToken, "All")
	editor := grant(t, scopes.PersonalAccessToken, "Inputs:Get,Inputs:Patch")
	reader := grant(t, scopes.PersonalAccessToken, "Inputs:Get")
	restricted := grant(t, scopes.PersonalAccessToken, "Inputs:Get", "ListInputs")
	for _, tt := range []struct {
		a, b scopes.Grant
		want bool
	}{
		{admin, editor, true}, {editor, reader, true}, {reader, editor, false}, {editor, admin, false},
		{reader, restricted, true}, {restricted, reader, false}, {restricted, restricted, true},
		{reader, grant(t, scopes.AppKey, "Inputs:Get"), false}, {reader, scopes.Grant{}, true}, {scopes.Grant{}, reader, false},
	} {
		if got := tt.a.Covers(tt.b); got != tt.want {
			t.Errorf("%v.Covers(%v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSetAndScopeNames(t *testing.T) {
	if scopes.InputsAdd.String() != "Inputs:Add" || scopes.Scope(9999).String() != "Scope(9999)" {
		t.Errorf("String: %q %q", scopes.InputsAdd, scopes.Scope(9999))
	}
	if s, ok := scopes.ParseScope("Models:Train"); !ok || s != scopes.ModelsTrain {
		t.Errorf("ParseScope(Models:Train) = %v, %v", s, ok)
	}
	// Ids past 64 live in the second word of a Set.
	s := scopes.NewSet(scopes.WorkflowsGet, scopes.All, scopes.Scope(5), scopes.Scope(60000))
	if s.Len() != 2 || !s.Has(scopes.WorkflowsGet) || s.Has(scopes.Scope(5)) || s.String() != "All,Workflows:Get" {
		t.Errorf("NewSet = %v (len %d): ids that are not scopes must be dropped", s, s.Len())
	}
	u := s.Union(scopes.NewSet(scopes.Search)).Intersect(scopes.NewSet(scopes.Search, scopes.WorkflowsGet))
	if u.String() != "Search,Workflows:Get" || !s.ContainsAll(scopes.NewSet(scopes.All)) || s.ContainsAll(u) {
		t.Errorf("set algebra: %v", u)
	}
	var back scopes.Set
	if err := back.UnmarshalText([]byte(" Search , Workflows:Get,")); err != nil || back != u {
		t.Errorf("UnmarshalText = %v, %v", back, err)
	}
	if e, ok := scopes.LookupEndpoint(v2 + "PostInputs"); !ok || e != scopes.PostInputs || e.Required().String() != "Inputs:Add" {
		t.Errorf("LookupEndpoint(PostInputs) = %v, %v", e, ok)
	}
	if got := scopes.PostSearches.RequestDependent().String(); got != "Predict" {
		t.Errorf("PostSearches request-dependent scopes = %q", got)
	}
	for field, unless := range scopes.ListInputs.Redactions() {
		if field != "inputs.data.concepts" || unless.String() != "Concepts:Get" {
			t.Errorf("ListInputs redaction %s unless %v", field, unless)
		}
	}
}

// TestZeroAllocations covers every path of a check: allowed, each reason for
// a denial, an unknown method, a redaction, no credentials, a collaborator.
func TestZeroAllocations(t *testing.T) {
	key := grant(t, scopes.AppKey, "Inputs:Get,Predict", "ListInputs", "PostModelOutputs", "PostInputs")
	collab := grant(t, scopes.AppKey, "All").Intersect(grant(t, scopes.AppKey|scopes.PersonalAccessToken, "Inputs:Get"))
	paths := []struct {
		name   string
		g      scopes.Grant
		method string
		reason scopes.Reason
	}{
		{"allowed", key, v2 + "PostModelOutputs", scopes.ReasonAllowed},
		{"redacted", key, v2 + "ListInputs", scopes.ReasonAllowed},
		{"missing scopes", key, v2 + "PostInputs", scopes.ReasonMissingScopes},
		{"endpoint not granted", key, v2 + "GetInput", scopes.ReasonEndpointNotGranted},
		{"principal", grant(t, scopes.PersonalAccessToken, "Inputs:Get").Intersect(key), v2 + "ListInputs", scopes.ReasonPrincipal},
		{"unknown method", key, v2 + "PostInputz", scopes.ReasonUnknownEndpoint},
		{"long unknown method", key, strings.Repeat("/x", 1<<19), scopes.ReasonUnknownEndpoint},
		{"no credentials", scopes.Grant{}, v2 + "ListInputs", scopes.ReasonNoCredentials},
		{"collaborator", collab, v2 + "ListInputs", scopes.ReasonAllowed},
	}
	for _, p := range paths {
		var d scopes.Decision
		if n := testing.AllocsPerRun(100, func() { d = p.g.Check(p.method) }); n != 0 {
			t.Errorf("%s: Check allocates %v times", p.name, n)
		}
		if d.Reason() != p.reason {
			t.Errorf("%s: reason %v, want %v", p.name, d.Reason(), p.reason)
		}
		if n := testing.AllocsPerRun(100, func() {
			for f := range d.Redacted() {
				_ = f
			}
			_ = d.Missing()
			_ = d.Code()
		}); n != 0 {
			t.Errorf("%s: reading the decision allocates %v times", p.name, n)
		}
		if e, ok := scopes.LookupEndpoint(p.method); ok {
			if n := testing.AllocsPerRun(100, func() { d = p.g.CheckEndpoint(e) }); n != 0 {
				t.Errorf("%s: CheckEndpoint allocates %v times", p.name, n)
			}
		}
	}
}

// TestConcurrentChecks shares grants between goroutines; go test -race
// checks that nothing is written.
func TestConcurrentChecks(t *testing.T) {
	g := grant(t, scopes.AppKey, "Inputs:Get,Concepts:Get")
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for e := range scopes.Endpoints() {
				d := g.CheckEndpoint(e)
				ok = ok && d.Allowed() == scopes.NewSet(scopes.InputsGet, scopes.ConceptsGet).ContainsAll(e.Required())
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("a concurrent check gave a wrong answer")
		}
	}
}
