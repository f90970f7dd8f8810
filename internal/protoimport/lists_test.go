package protoimport_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// describeAlternatives is what an endpoint requires, as its alternatives:
// "A B | C" for {A, B} or {C}; "public" for a public one.
func describeAlternatives(e *model.Endpoint) string {
	if e.Public {
		return "public"
	}
	var alts []string
	for _, a := range e.Alternatives {
		names := model.Names(a.Requires)
		slices.Sort(names)
		alts = append(alts, strings.Join(names, " "))
	}
	return strings.Join(alts, " | ")
}

// TestListRule imports scopes named by strings through options of every
// form: on the service, any one of a comma-separated list; on RPCs, every
// one of a repeated option, and any one of another. An RPC that sets any
// requires option has what its own options say; one that sets none has
// its service's. Several options on one RPC all apply: every scope of the
// all-of ones, and one scope of each any-of one.
func TestListRule(t *testing.T) {
	const file = `syntax = "proto3";
package t;
service S {
  option (t.scopes) = "Cloud:All, Cloud:Read";
  rpc Inherit (R) returns (R);
  rpc Own (R) returns (R) { option (t.needs) = "Cloud:Write"; }
  rpc Mixed (R) returns (R) {
    option (t.needs) = "Cloud:Write";
    option (t.either) = "Cloud:All,Cloud:Admin";
  }
  rpc Both (R) returns (R) { option (t.needs) = "Cloud:Write"; option (t.needs) = "Cloud:Read"; }
  rpc Redundant (R) returns (R) { option (t.needs) = "Cloud:All"; option (t.either) = "Cloud:All,Cloud:Admin"; }
}
service Bare {
  rpc Open (R) returns (R);
}
`
	c := &protoimport.Config{
		Lists: []protoimport.ScopeList{
			{Option: "t.scopes", Service: true, AnyOf: true, Separator: ","},
			{Option: "t.needs"},
			{Option: "t.either", AnyOf: true, Separator: ","},
		},
		Principals:  []string{"oauth2"},
		AuthDefault: &protoimport.Target{Kinds: []string{"oauth2"}},
	}
	res, err := protoimport.Import(c, []protoimport.Source{{Name: "t.proto", Data: []byte(file)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := readBack(t, res.YAML)
	want := map[string]string{
		"/t.S/Inherit":   "Cloud:All | Cloud:Read",
		"/t.S/Own":       "Cloud:Write",
		"/t.S/Mixed":     "Cloud:All Cloud:Write | Cloud:Admin Cloud:Write",
		"/t.S/Both":      "Cloud:Read Cloud:Write",
		"/t.S/Redundant": "Cloud:All", // {All, Admin} holds {All}: it adds nothing
		"/t.Bare/Open":   "",
	}
	for _, e := range m.Endpoints {
		if got := describeAlternatives(e); got != want[e.Method] {
			t.Errorf("%s: %q, want %q", e.Method, got, want[e.Method])
		}
		if got := strings.Join(m.KindNames(e.Principals), "|"); got != "oauth2" {
			t.Errorf("%s: principals %s, want oauth2", e.Method, got)
		}
	}
	if len(m.Endpoints) != len(want) {
		t.Errorf("%d endpoints, want %d", len(m.Endpoints), len(want))
	}
	// Ids in the order the scopes are first listed.
	var ids []string
	for _, s := range m.Scopes {
		ids = append(ids, s.Name)
	}
	if got := strings.Join(ids, " "); got != "Cloud:All Cloud:Read Cloud:Write Cloud:Admin" {
		t.Errorf("scopes in id order: %s", got)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(),
		"t.proto:14:9: warning: service t.Bare sets no (t.scopes), and its RPC Open sets no requires option either, so it requires no scope") {
		t.Errorf("warnings: %v", res.Warnings)
	}
	checkAlternatives(t, m)
}

// checkAlternatives checks every endpoint of m by the reference rules: a
// grant holding exactly one alternative's scopes may call it; a grant
// missing one scope of it, and holding no other alternative in full, may
// not, and is told that scope is missing; a grant with no scope may call
// only an endpoint that requires none.
func checkAlternatives(t *testing.T, m *model.Model) {
	t.Helper()
	kinds := m.AllKinds()
	decide := func(method string, scopes []string) reference.Decision {
		t.Helper()
		g, err := reference.NewGrant(m, kinds, scopes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return reference.Decide(m, g, method)
	}
	holds := func(scopes []string, a model.Alternative) bool {
		for _, s := range a.Requires {
			if !slices.Contains(scopes, s.Name) {
				return false
			}
		}
		return true
	}
	for _, e := range m.Endpoints {
		if e.Public {
			continue
		}
		needsNone := slices.ContainsFunc(e.Alternatives, func(a model.Alternative) bool { return len(a.Requires) == 0 })
		if d := decide(e.Method, nil); d.Allowed != needsNone {
			t.Errorf("%s with no scope: allowed %v, want %v", e.Method, d.Allowed, needsNone)
		}
		for _, a := range e.Alternatives {
			names := model.Names(a.Requires)
			if d := decide(e.Method, names); !d.Allowed {
				t.Errorf("%s with %v: denied (%s), want allowed", e.Method, names, d.Reason)
			}
			for i := range names {
				less := slices.Delete(slices.Clone(names), i, i+1)
				if slices.ContainsFunc(e.Alternatives, func(b model.Alternative) bool { return holds(less, b) }) {
					continue
				}
				d := decide(e.Method, less)
				if d.Allowed {
					t.Errorf("%s with %v (no %s): allowed, want denied", e.Method, less, names[i])
				}
			}
		}
	}
	if d := decide("/no.Such/Method", nil); d.Allowed {
		t.Error("an unknown method is allowed")
	}
}

// TestListLimits: a service whose any-of option lists more scopes than an
// endpoint may have alternatives is one error, at the option, not one per
// RPC; a long string of scopes is read in linear time.
func TestListLimits(t *testing.T) {
	google := protoimport.Profiles["google"]
	var scopes []string
	for i := range model.MaxAlternatives + 1 {
		scopes = append(scopes, fmt.Sprintf("S:%d", i))
	}
	file := `syntax = "proto3";
service S {
  option (google.api.oauth_scopes) = "` + strings.Join(scopes, ",") + `";
  rpc A (R) returns (R);
  rpc B (R) returns (R);
}
`
	_, err := protoimport.Import(google(), []protoimport.Source{{Name: "s.proto", Data: []byte(file)}}, nil)
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.HasPrefix(err.Error(),
		"s.proto:3:10: rpc /S/A may be called with any of more than "+strconv.Itoa(model.MaxAlternatives)+" sets of scopes (one scope of each any-of option), the most alternatives an endpoint may have") {
		t.Errorf("error %v", err)
	}

	// 30,000 scopes any one of which suffices, on a service of 10 RPCs: the
	// same one error, after a bounded amount of work per RPC (the choices
	// are not compared pairwise).
	var wide []string
	for i := range 30000 {
		wide = append(wide, fmt.Sprintf("S:%d", i))
	}
	var rpcs strings.Builder
	for i := range 10 {
		fmt.Fprintf(&rpcs, "  rpc M%d (R) returns (R);\n", i)
	}
	file = "syntax = \"proto3\";\nservice S {\n  option (google.api.oauth_scopes) = \"" + strings.Join(wide, ",") + "\";\n" + rpcs.String() + "}\n"
	_, err = protoimport.Import(google(), []protoimport.Source{{Name: "s.proto", Data: []byte(file)}}, nil)
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "more than "+strconv.Itoa(model.MaxAlternatives)+" sets of scopes") {
		t.Errorf("30,000 scopes on 10 RPCs: %v", err)
	}

	// One scope name of 4 MB, and 200,000 short ones: both read at once
	// (a name over the length limit is an error, at its place).
	long := `syntax = "proto3";
service S {
  option (google.api.oauth_scopes) = "` + strings.Repeat("x", 4<<20) + `";
  rpc A (R) returns (R);
}
`
	_, err = protoimport.Import(google(), []protoimport.Source{{Name: "s.proto", Data: []byte(long)}}, nil)
	if err == nil || !strings.Contains(err.Error(), "s.proto:3:39: service S requires a scope name of 4194304 bytes") {
		t.Errorf("a long name: %v", err)
	}
	many := `syntax = "proto3";
service S {
  option (google.api.oauth_scopes) = "` + strings.Repeat("A:b,", 200000) + `A:c";
  rpc A (R) returns (R);
}
`
	res, err := protoimport.Import(google(), []protoimport.Source{{Name: "s.proto", Data: []byte(many)}}, nil)
	if err != nil || len(res.Warnings) != spec.MaxErrors+1 || !strings.Contains(res.Warnings[0].String(), "lists A:b twice") {
		t.Errorf("many names: %v, warnings %d", err, len(res.Warnings))
	}
}

// TestListSettings: the settings about an enum's values need an enum, and a
// target names only kinds the spec declares.
func TestListSettings(t *testing.T) {
	src := []protoimport.Source{{Name: "s.proto", Data: []byte(`syntax = "proto3"; service S { rpc A (R) returns (R); }`)}}
	for _, tc := range []struct {
		change func(c *protoimport.Config)
		want   string
	}{
		{func(c *protoimport.Config) { c.Depends = []string{"t.needs"} }, "-depends-option is about the values of the scope enum, and no -enum is given"},
		{func(c *protoimport.Config) { c.GrantsAll = "All" }, "-grants-all is about the values of the scope enum"},
		{func(c *protoimport.Config) { c.AuthDefault = &protoimport.Target{Kinds: []string{"pat"}} },
			"auth default: pat is not a kind of credential the spec declares (oauth2); declare it with -principals"},
		{func(c *protoimport.Config) {
			c.Lists = append(c.Lists, protoimport.ScopeList{Option: "(google.api.oauth_scopes)"})
		},
			"requires option google.api.oauth_scopes is given twice"},
	} {
		c := protoimport.Profiles["google"]()
		tc.change(c)
		if _, err := protoimport.Import(c, src, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// TestListEnum: with an enum, options written in full read its values as
// they read strings without one: on services, any one of them.
func TestListEnum(t *testing.T) {
	const file = `syntax = "proto3";
package e;
enum Scope { UNSET = 0; Read = 1; Write = 2; Admin = 3; }
service S {
  option (e.svc) = Read;
  option (e.svc) = Admin;
  rpc Get (M) returns (M);
  rpc Put (M) returns (M) { option (e.needs) = Write; }
}
`
	c, err := protoimport.ParseConfig("c.yaml", []byte(`enum: e.Scope
names: keep
auth_default: app_key|pat
options:
  requires:
    - e.needs
    - {option: e.svc, on: service, any_of: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := protoimport.Import(c, []protoimport.Source{{Name: "e.proto", Data: []byte(file)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := readBack(t, res.YAML)
	for method, want := range map[string]string{"/e.S/Get": "Read | Admin", "/e.S/Put": "Write"} {
		if got := describeAlternatives(m.Endpoint(method)); got != want {
			t.Errorf("%s: %q, want %q", method, got, want)
		}
	}
	checkAlternatives(t, m)
}
