package model_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
)

// nameSpec is a spec with one scope, named name, and its go_name when
// goName is not empty.
func nameSpec(name, goName string) []byte {
	s := `scopegen: 1
outcomes:
  insufficient_scopes: {code: 11007, status: CONN_INSUFFICIENT_SCOPES, grpc: PERMISSION_DENIED, message: the key lacks scopes}
  key_invalid: {code: 11008, status: CONN_KEY_INVALID, grpc: UNAUTHENTICATED, message: the key is invalid}
  key_not_found: {code: 11009, status: CONN_KEY_NOT_FOUND, grpc: UNAUTHENTICATED, message: the key was not found}
  unknown_endpoint: {code: 11101, status: CONN_DOES_NOT_EXIST, grpc: NOT_FOUND, message: no such endpoint}
defaults:
  principals: [app_key, pat]
scopes:
  - name: ` + strconv.Quote(name) + `
    id: 1
    description: A scope.
`
	if goName != "" {
		s += "    go_name: " + strconv.Quote(goName) + "\n"
	}
	return []byte(s)
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
		{"1Inputs", false},
		{"_Inputs", false},
		{"Inputs:", false},
		{":Get", false},
		{"Inputs::Get", false},
		{"Inputs-Get", false},
		{"Inputs Get", false},
		{"Inputs:Get\n", false},
		{"Éa", false}, // ASCII only
		{"aé", false},
	} {
		if got := model.ValidScopeName(tc.name); got != tc.want {
			t.Errorf("ValidScopeName(%q) = %v, want %v", tc.name, got, tc.want)
		}
		diags, _ := build(t, nameSpec(tc.name, ""))
		rejected := false
		for _, d := range diags {
			if strings.Contains(d.Msg, "is malformed") || strings.Contains(d.Msg, "longer than a scope name may be") {
				rejected = true
			}
		}
		if rejected == tc.want {
			t.Errorf("Build %s scope name %q, but ValidScopeName says %v: %v", map[bool]string{true: "rejects", false: "accepts"}[rejected], tc.name, tc.want, diags)
		}
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
