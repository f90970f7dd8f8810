package model

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/spec"
)

// TestSchemaMatchesModel checks that spec/scopes.schema.json states the
// model's rules as they are: gRPC code names, principals, roles, the lowest
// id and outcome code, the highest outcome code, and name patterns. (Package
// spec's TestSchema checks the keys, and its TestSchemaLimits every Max limit
// of packages spec and model, such as MaxScopeID and MaxNameLength.)
func TestSchemaMatchesModel(t *testing.T) {
	data, err := os.ReadFile("../../spec/scopes.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	// at returns the schema at a slash-separated path, e.g.
	// "definitions/scope/properties/name".
	at := func(path string) map[string]any {
		t.Helper()
		var node any = schema
		for _, p := range strings.Split(path, "/") {
			m, ok := node.(map[string]any)
			if !ok {
				t.Fatalf("schema has no %s", path)
			}
			node = m[p]
		}
		m, ok := node.(map[string]any)
		if !ok {
			t.Fatalf("schema has no %s", path)
		}
		return m
	}
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		sort.Strings(out)
		return out
	}
	num := func(path, key string) int {
		t.Helper()
		v, ok := at(path)[key].(float64)
		if !ok {
			t.Fatalf("schema %s has no %s", path, key)
		}
		return int(v)
	}

	var grpc []string
	for n := range grpcCodes {
		grpc = append(grpc, n)
	}
	sort.Strings(grpc)
	if got := strs(at("definitions/grpcCode")["enum"]); !slices.Equal(got, grpc) {
		t.Errorf("grpc enum\n\t%v\nwant\n\t%v", got, grpc)
	}

	if got := at("definitions/principal")["maxLength"]; got != float64(MaxNameLength) {
		t.Errorf("principal maxLength %v, want %d", got, MaxNameLength)
	}

	roles := roleNames()
	sort.Strings(roles)
	var got []string
	for r := range at("properties/outcomes/properties") {
		got = append(got, r)
	}
	sort.Strings(got)
	if !slices.Equal(got, roles) {
		t.Errorf("outcomes %v, want %v", got, roles)
	}
	if got := strs(at("properties/outcomes")["required"]); !slices.Equal(got, roles) {
		t.Errorf("outcomes required %v, want %v", got, roles)
	}

	for _, c := range []struct {
		path, key string
		want      int
	}{
		{"definitions/scopeId", "minimum", 1},
		{"definitions/outcome/properties/code", "minimum", 1},
		{"definitions/outcome/properties/code", "maximum", 1<<31 - 1},
	} {
		if got := num(c.path, c.key); got != c.want {
			t.Errorf("schema %s %s = %d, want %d", c.path, c.key, got, c.want)
		}
	}

	// The patterns are the model's regular expressions, which use only
	// syntax that JSON Schema's (ECMA-262) regular expressions share.
	for path, re := range map[string]string{
		"definitions/endpoint/properties/method": fullMethod.String(),
		"definitions/redaction/properties/field": fieldPath.String(),
		"definitions/preset/properties/name":     presetName.String(),
		"definitions/outcome/properties/status":  statusName.String(),
	} {
		if got := at(path)["pattern"]; got != re {
			t.Errorf("schema %s pattern %v, want %s", path, got, re)
		}
	}
	// A scope name is any printable word without commas: the schema's
	// pattern (syntax that ECMA-262 and Go share) agrees with
	// ValidScopeName on these.
	pattern, _ := at("definitions/scopeName")["pattern"].(string)
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatalf("schema definitions/scopeName pattern %q: %v", pattern, err)
	}
	for _, name := range []string{"Inputs:Get", "Predict", "read:jira-work", "https://www.googleapis.com/auth/compute.readonly",
		"a.b/c", "1password", "ü", "", "a b", "a,b", "a\tb", "a\x00", "a\x7f", "a\n"} {
		if got, want := re.MatchString(name), ValidScopeName(name); got != want {
			t.Errorf("schema scopeName pattern matches %q: %v; ValidScopeName: %v", name, got, want)
		}
	}
	if got := at("properties/scopegen")["const"]; got != float64(spec.Format) {
		t.Errorf("scopegen const %v, want %d", got, spec.Format)
	}
}
