package protoimport_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestNameRules checks that the import applies the model's scope name rule
// (model.ValidScopeName) to the scope names it makes from enum values and
// reserved names, length included. For reserved names that is on purpose
// stricter than model.Build, which does not bound their length: the import
// refuses a reserved name that could never have been a scope.
func TestNameRules(t *testing.T) {
	long := strings.Repeat("A", model.MaxNameLength)
	for _, tc := range []struct {
		name, body string
		want       string // "" to import, else a substring of the only error
	}{
		{"longest value", "A = 1; " + long + " = 2;", ""},
		{"value too long", "A = 1; " + long + "B = 2;", "becomes scope name \"" + long + "B\", which is not valid"},
		{"value empty part", "A = 1; B__C = 2;", ""}, // B::C: scope names are free-form
		{"longest reserved name", `A = 1; reserved "` + long + `";`, ""},
		{"reserved name too long", `A = 1; reserved "` + long + `B";`, "reserved name \"" + long + "B\" becomes \"" + long + "B\", which is not a scope name"},
		{"reserved name, empty part", `A = 1; reserved "B_";`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "syntax = \"proto3\";\npackage t;\nenum Scope {\n  UNSET = 0;\n  " + tc.body + "\n}\n"
			c := &protoimport.Config{Enum: "t.Scope", Requires: []string{"t.requires"}, AuthDefault: &protoimport.Target{Public: true}}
			res, err := protoimport.Import(c, []protoimport.Source{{Name: "a.proto", Data: []byte(src)}}, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("import failed: %v", err)
				}
				if len(res.Model.Scopes) == 0 {
					t.Fatal("no scopes")
				}
				return
			}
			var diags spec.Errors
			if !errors.As(err, &diags) || len(diags) != 1 || !strings.Contains(diags[0].Msg, tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestGoNames checks the Go names the import chooses when the default one is
// reserved by the generated package or taken.
func TestGoNames(t *testing.T) {
	src := `syntax = "proto3";
package t;
enum Scope {
  UNSET = 0;
  Set = 1;
  SetScope = 2;
  Inputs_Get = 3;
}
service S {
  rpc InputsGet(M) returns (M);
  rpc Set(M) returns (M);
  rpc _2Go(M) returns (M);
}
message M {}
`
	c := &protoimport.Config{Enum: "t.Scope", Requires: []string{"t.requires"}, AuthDefault: &protoimport.Target{Public: true}}
	res, err := protoimport.Import(c, []protoimport.Source{{Name: "a.proto", Data: []byte(src)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Set":            "SetScope",      // Set is reserved
		"SetScope":       "SetScopeScope", // SetScope is taken by the one before
		"Inputs:Get":     "InputsGet",
		"/t.S/InputsGet": "SInputsGet", // InputsGet is taken by the scope
		"/t.S/Set":       "SSet",
		"/t.S/_2Go":      "S2Go", // 2Go is not a Go name
	}
	got := map[string]string{}
	for _, s := range res.Model.Scopes {
		got[s.Name] = s.GoName
	}
	for _, e := range res.Model.Endpoints {
		got[e.Method] = e.GoName
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: Go name %q, want %q", k, got[k], v)
		}
	}
}
