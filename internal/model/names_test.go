package model_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// nameSpec is a spec with one scope, named name, and its go_name when
// goName is not empty.
func nameSpec(name, goName string) []byte {
	f := baseFile()
	f.Scopes = []spec.Scope{{Name: spec.Str{Value: name}, ID: spec.Int{Value: 1, Set: true},
		Description: spec.Str{Value: "A scope."}, GoName: spec.Str{Value: goName}}}
	return spec.Marshal(f)
}

// baseFile is a spec with the outcomes and defaults.principals, and nothing
// else: the tests add scopes and endpoints.
func baseFile() *spec.File {
	str := func(v string) spec.Str { return spec.Str{Value: v} }
	f := &spec.File{Format: spec.Int{Value: spec.Format, Set: true},
		Principals: []spec.Str{str("app_key"), str("pat")}}
	for i, r := range model.Roles {
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(r)), Code: spec.Int{Value: int64(i + 1), Set: true},
			Status: str("S" + strconv.Itoa(i)), GRPC: str("PERMISSION_DENIED"), Message: str("denied")})
	}
	return f
}

// TestValidScopeName checks the exported rule, and that it is the rule Build
// applies: each name is accepted by one exactly when it is by the other.
func TestValidScopeName(t *testing.T) {
	long := strings.Repeat("a", model.MaxNameLength)
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Predict", true},
		{"Inputs:Get", true},
		{"Model_Versions:Get", true},
		{"a:1:_", true}, // later parts may start with a digit or '_'
		{"Inputs:Get:2", true},
		{long, true},
		{long + "a", false},
		{long[:model.MaxNameLength-4] + ":Get", true},
		{"", false},
		{"1Inputs", true}, // free-form: scope names as APIs write them
		{"_Inputs", true},
		{"Inputs:", true},
		{"Inputs-Get", true},
		{"read:jira-work", true},
		{"https://www.googleapis.com/auth/compute.readonly", true},
		{"Éa", true},
		{"Inputs Get", false},
		{"Inputs,Get", false}, // a comma separates scopes in lists
		{"Inputs:Get\n", false},
		{"a\x00", false},
		{"a\u00a0b", false}, // a no-break space is a space
	} {
		if got := model.ValidScopeName(tc.name); got != tc.want {
			t.Errorf("ValidScopeName(%q) = %v, want %v", tc.name, got, tc.want)
		}
		diags, _ := build(t, nameSpec(tc.name, ""))
		rejected := false
		for _, d := range diags {
			if strings.Contains(d.Msg, "is malformed") || strings.Contains(d.Msg, "longer than a scope name may be") ||
				strings.Contains(d.Msg, "scope needs a name") { // the empty name, which a spec writes as no name
				rejected = true
			}
		}
		if rejected == tc.want {
			t.Errorf("Build %s scope name %q, but ValidScopeName says %v: %v", map[bool]string{true: "rejects", false: "accepts"}[rejected], tc.name, tc.want, diags)
		}
	}
}

// TestScopeGoName checks the Go identifiers of free-form scope names, and
// that two names with one identifier are an error naming both places.
func TestScopeGoName(t *testing.T) {
	for name, want := range map[string]string{
		"Inputs:Get":     "InputsGet",
		"read:jira-work": "ReadJiraWork",
		"https://www.googleapis.com/auth/compute.readonly": "HttpsWwwGoogleapisComAuthComputeReadonly",
		"1password:read": "Scope1passwordRead",
		"_x":             "X",
		"::":             "Scope",
		"données:lire":   "DonnEsLire",
	} {
		if got := model.ScopeGoName(name); got != want {
			t.Errorf("ScopeGoName(%q) = %q, want %q", name, got, want)
		}
	}
	f := baseFile()
	for i, name := range []string{"read:jira-work", "read.jira.work"} {
		f.Scopes = append(f.Scopes, spec.Scope{Name: spec.Str{Value: name}, ID: spec.Int{Value: int64(i + 1), Set: true},
			Description: spec.Str{Value: "Read."}})
	}
	diags, _ := build(t, spec.Marshal(f))
	found := false
	for _, d := range diags {
		if strings.Contains(d.Msg, `"ReadJiraWork", which scopes.yaml:`) && strings.Contains(d.Msg, "already uses") {
			found = true
		}
	}
	if !found {
		t.Errorf("read:jira-work and read.jira.work: want an error naming both, got %v", diags)
	}
}

// TestValidGoName checks the exported rule, and that it is the rule Build
// applies to a go_name.
func TestValidGoName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"InputsGet", true},
		{"Inputs_Get2", true},
		{"X", true},
		{"Été", true}, // Go's rule: any upper-case letter starts an exported name
		{"inputsGet", false},
		{"_Inputs", false},
		{"2Inputs", false},
		{"Inputs:Get", false},
		{"Inputs Get", false},
		{"", false},
	} {
		if got := model.ValidGoName(tc.name); got != tc.want {
			t.Errorf("ValidGoName(%q) = %v, want %v", tc.name, got, tc.want)
		}
		if tc.name == "" {
			continue // an empty go_name means "the default", not an invalid one
		}
		diags, _ := build(t, nameSpec("Inputs:Get", tc.name))
		rejected := false
		for _, d := range diags {
			if strings.Contains(d.Msg, "not an exported Go name") {
				rejected = true
			}
		}
		if rejected == tc.want {
			t.Errorf("Build %s go_name %q, but ValidGoName says %v: %v", map[bool]string{true: "rejects", false: "accepts"}[rejected], tc.name, tc.want, fmt.Sprint(diags))
		}
	}
}

// TestValidOperationName checks the exported rule, that it is the rule
// Build applies to an operation name, and the Go name an operation gets:
// its words joined, whatever separates them.
func TestValidOperationName(t *testing.T) {
	long := strings.Repeat("a", model.MaxNameLength)
	for _, tc := range []struct {
		name   string
		want   bool
		goName string
	}{
		{"listReposForUser", true, "ListReposForUser"},
		{"repos/list-for-user", true, "ReposListForUser"},
		{"GetInput.v2", true, "GetInputV2"},
		{"é-list", true, "List"},
		{long, true, "A" + long[1:]},
		{long + "a", false, ""},
		{"", false, ""},
		{"/a.B/C", false, ""},
		{"list repos", false, ""},
		{"list\trepos", false, ""},
		{"list\u00a0repos", false, ""},
		{"list\u202erepos", false, ""},
	} {
		if got := model.ValidOperationName(tc.name); got != tc.want {
			t.Errorf("ValidOperationName(%q) = %v, want %v", tc.name, got, tc.want)
		}
		f := baseFile()
		f.Scopes = []spec.Scope{{Name: spec.Str{Value: "S"}, ID: spec.Int{Value: 1, Set: true}, Description: spec.Str{Value: "A scope."}}}
		f.Endpoints = []spec.Endpoint{{Operation: spec.Str{Value: tc.name}, HTTP: []spec.Binding{{Rule: spec.Str{Value: "GET /a"}}}}}
		diags, m := build(t, spec.Marshal(f))
		switch {
		case (m != nil) != tc.want:
			t.Errorf("Build of operation %q: %v; ValidOperationName says %v", tc.name, diags, tc.want)
		case m != nil && m.Endpoints[0].GoName != tc.goName:
			t.Errorf("operation %q: Go name %q, want %q", tc.name, m.Endpoints[0].GoName, tc.goName)
		}
	}
}

// TestGoNamesClaim checks the importers' rule for a go_name: the first free
// candidate, else the last numbered from 2; reserved and invalid names are
// never handed out.
func TestGoNamesClaim(t *testing.T) {
	var n model.GoNames
	for _, tc := range []struct {
		candidates []string
		want       string
	}{
		{[]string{"Read"}, "Read"},
		{[]string{"Read", "ReadScope"}, "ReadScope"},
		{[]string{"Read", "ReadScope"}, "ReadScope2"},
		{[]string{"Grant", "GrantScope"}, "GrantScope"}, // Grant is the package's own
		{[]string{"", "1x"}, "X1x2"},                    // no Go name: after X
		{[]string{"lower"}, "Xlower2"},
	} {
		if got := n.Claim(tc.candidates...); got != tc.want {
			t.Errorf("Claim(%q) = %q, want %q", tc.candidates, got, tc.want)
		}
	}
}
