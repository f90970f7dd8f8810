package protoimport_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
)

func TestScopeName(t *testing.T) {
	for _, tc := range []struct{ style, prefix, in, want string }{
		{"", "", "Inputs_Get", "Inputs:Get"},
		{protoimport.NamesColon, "", "Model_Versions_Get", "Model:Versions:Get"},
		{protoimport.NamesLastColon, "", "Model_Versions_Get", "Model_Versions:Get"},
		{protoimport.NamesLastColon, "", "Predict", "Predict"},
		{protoimport.NamesKeep, "", "Inputs_Get", "Inputs_Get"},
		{protoimport.NamesLastColon, "SCOPE_", "SCOPE_INPUTS_GET", "INPUTS:GET"},
		{protoimport.NamesColon, "SCOPE_", "SCOPE_", "SCOPE:"}, // the prefix alone is not stripped
		{protoimport.NamesColon, "SCOPE_", "OTHER_GET", "OTHER:GET"},
	} {
		c := &protoimport.Config{Names: tc.style, StripPrefix: tc.prefix}
		if got := c.ScopeName(tc.in); got != tc.want {
			t.Errorf("%s/%s: %s → %s, want %s", tc.style, tc.prefix, tc.in, got, tc.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]string{
		"public": "public", "skip": "skip", "app_key|pat": "app_key|pat", "pat+app_key": "app_key|pat", " pat ": "pat",
	} {
		got, err := protoimport.ParseTarget(in)
		if err != nil || got.String() != want {
			t.Errorf("%q → %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "public|pat", "apps", "|"} {
		if _, err := protoimport.ParseTarget(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseConfig(t *testing.T) {
	c, err := protoimport.ParseConfig("dir/c.yaml", []byte(`
enum: a.S
options:
  requires: a.r, (a.rule).needs
  auth: [a.auth]
auth:
  K: [app_key, pat]
  N: public
auth_default: pat
import_paths: [protos, /abs]
outcomes:
  key_invalid: {code: 9, status: BAD, grpc: UNAUTHENTICATED, message: bad key}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Enum != "a.S" || strings.Join(c.Requires, " ") != "a.r (a.rule).needs" || strings.Join(c.Auth, " ") != "a.auth" ||
		protoimport.FormatAuthMap(c.AuthMap) != "K=app_key|pat,N=public" || c.AuthDefault.String() != "pat" ||
		strings.Join(c.ImportPaths, " ") != "dir/protos /abs" || c.Outcomes[model.KeyInvalid].Code != 9 || len(c.Missing()) != 0 {
		t.Errorf("config %+v", c)
	}
	for text, want := range map[string]string{
		"enum: a.S\nenums: b\n":           `c.yaml:2:1: unknown key "enums" in the config; did you mean "enum"?`,
		"options: {require: x}\n":         `c.yaml:1:11: unknown key "require" in options; did you mean "requires"?`,
		"auth: {K: apps}\n":               `auth: K: unknown target "apps"`,
		"outcomes: {denied: {code: 1}}\n": `unknown outcome "denied"`,
		"":                                "the config is empty",
		"options: {requires: [{option: a.b, on: services}]}\n":  `c.yaml:1:40: options.requires: on: "services" is neither rpc nor service; did you mean "service"?`,
		"options: {requires: [{option: a.b, any_of: maybe}]}\n": `c.yaml:1:44: any_of must be true or false, not "maybe"`,
		"principals: [oauth2, oauth2]\n":                        `c.yaml:1:22: principals: oauth2 is listed twice; keep one`,
		"principals: [a|b]\n":                                   `c.yaml:1:14: principals: "a|b" is not a kind name`,
		"principals: [oauth2]\nauth_default: pat\n":             `c.yaml:2:15: auth_default: unknown target "pat"`,
		"options: {requires: {a: b}}\n":                         `unknown key "a" in an option of options.requires (known keys: any_of, on, option, separator)`,
		"enum: a.S\nnames: colonn\n":                            `c.yaml:2:8: names: unknown name style "colonn"; did you mean "colon"?`,
		"enum: S-x\n":                                           `c.yaml:1:7: enum: "S-x" is not a full name`,
		"enum: a.S\ngrants_all: All-x\n":                        `c.yaml:2:13: grants_all: "All-x" is not an enum value name`,
		"enum: a.S\noptions:\n  depends: (a.needs\n":            `c.yaml:3:12: options.depends: option name "(a.needs" has no closing parenthesis`,
	} {
		if _, err := protoimport.ParseConfig("c.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

// TestShapes imports small files with the less common shapes: an enum
// nested in a message, HTTP bindings as a list and as custom verbs, a
// proto2 file, block comments on one line.
func TestShapes(t *testing.T) {
	const file = `syntax = "proto2";
package p;
message Auth {
  enum Scope {
    NONE = 0;
    /* Read things. */ READ = 1;
    // Write things.
    WRITE = 2 [(p.needs) = READ];
  }
}
extend google.protobuf.EnumValueOptions { repeated Auth.Scope needs = 5000; }
service S {
  // Get.
  rpc Get (M) returns (M) {
    option (p.requires) = READ;
    option (google.api.http) = { get: "/a" additional_bindings: [{ get: "/b" }, { custom { kind: "HEAD" path: "/c" } }] };
  }
  rpc Put (M) returns (M) {
    option (p.requires) = WRITE;
    option (p.requires) = READ;
    option (google.api.http).put = "/a";
    option (google.api.http).body = "thing";
  }
}
`
	c := &protoimport.Config{Enum: "p.Auth.Scope", Names: protoimport.NamesKeep, Depends: []string{"p.needs"},
		Requires: []string{"p.requires"}, AuthDefault: &protoimport.Target{Kinds: []string{"app_key"}}}
	res, err := protoimport.Import(c, []protoimport.Source{{Name: "p.proto", Data: []byte(file)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := readBack(t, res.YAML)
	if d := m.Scope("READ").Description; d != "Read things." {
		t.Errorf("READ: description %q", d)
	}
	if got := describeScope(m.Scope("WRITE")); got != "WRITE 2 needs READ" {
		t.Errorf("WRITE: %s", got)
	}
	get, put := m.Endpoint("/p.S/Get"), m.Endpoint("/p.S/Put")
	if get.Description != "Get." || describeEndpoint(m, get) != "app_key: READ" || bindings(get) != "GET /a, GET /b, HEAD /c" {
		t.Errorf("Get: %q %s, bindings %s", get.Description, describeEndpoint(m, get), bindings(get))
	}
	if put.Description != "" || describeEndpoint(m, put) != "app_key: READ WRITE" || bindings(put) != "PUT /a" {
		t.Errorf("Put: %q %s, bindings %s", put.Description, describeEndpoint(m, put), bindings(put))
	}
}

// bindings lists the HTTP bindings of e.
func bindings(e *model.Endpoint) string {
	var out []string
	for _, b := range e.HTTP {
		out = append(out, b.String())
	}
	return strings.Join(out, ", ")
}

func TestRoots(t *testing.T) {
	got := protoimport.Roots(nil, []string{filepath.Join("a", "b", "c.proto"), filepath.Join("a", "d.proto")})
	want := []string{".", filepath.Join("a", "b"), "a", ".."}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("Roots = %q, want %q first", got, want)
	}
	if got := protoimport.Roots([]string{"x"}, []string{"c.proto"}); !slices.Equal(got[:2], []string{"x", "."}) {
		t.Errorf("with -I x: %q", got)
	}
	abs := filepath.Join(t.TempDir(), "p", "c.proto")
	if got := protoimport.Roots(nil, []string{abs}); got[1] != filepath.Dir(abs) {
		t.Errorf("for an absolute file: %q", got)
	}
}

// TestConfigYAMLErrors checks that a config is read as a spec is: its YAML
// syntax errors are placed at the character they are about and say what to
// do, a second document and aliases are refused, and every other problem is
// at its line and column.
func TestConfigYAMLErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		// A parser error: yaml.v3 gives the 0-based line (3), the key is on line 4.
		{"enum: t.S\noptions:\n  depends: a\n bad: 1\n",
			"c.yaml:4:1: invalid YAML: did not find expected key; check the indentation and quoting from this line on"},
		{"enum: t.S\nnames: [colon, keep\n",
			`c.yaml:2:8: invalid YAML: did not find expected ',' or ']'; the list this [ starts is not closed where it should be: separate its entries with commas, close it with ], and quote an entry that holds ": "`},
		{"enum: t.S\nauth: {K: pat\n",
			`c.yaml:2:7: invalid YAML: did not find expected ',' or '}'; the mapping this { starts is not closed where it should be: separate its entries with commas, close it with }, and quote an entry that holds ": "`},
		{"enum: t.S\nnames: \"colon\nstrip_prefix: x\n",
			`c.yaml:2:8: invalid YAML: found unexpected end of stream; this " starts a quoted value that is never closed: add the closing "`},
		{"enum: t.S\noptions:\n  requires: a: b\n",
			`c.yaml:3:14: invalid YAML: mapping values are not allowed in this context; quote a value that holds ": ", or start a key on its own line, indented as the other keys of its mapping`},
		{"enum: t.S\noptions:\n\trequires: a\n",
			"c.yaml:3:1: invalid YAML: found character that cannot start any token; YAML indents with spaces only: replace this tab with spaces"},
		{"enum: t.S\nnames: *x\n",
			"c.yaml:2:8: *x is a YAML alias, and no anchor &x is defined: write the value out, or quote it if it is text"},
		{"enum: t.S\nnames: a\x01\n",
			"c.yaml:2:9: invalid YAML: control characters are not allowed; a config is UTF-8 text without control characters (other than tab and newline): remove this one"},
		// Read as a spec is: one document, no aliases, each problem at its
		// line and column (these were ignored, or at the start of a line).
		{"enum: t.S\n---\nnames: [colon\n",
			`c.yaml:3:8: invalid YAML: did not find expected ',' or ']'; the list this [ starts is not closed where it should be: separate its entries with commas, close it with ], and quote an entry that holds ": "`},
		{"enum: t.S\n---\nenum: u.S\n",
			"c.yaml:2:1: a config is one YAML document; remove this second one"},
		{"enum: t.S\nnames: &n colon\nstrip_prefix: *n\n",
			"c.yaml:3:15: YAML aliases (*name) are not allowed in a config; write the value out so a diff shows it"},
		{"enum: t.S\noptions:\n  requires: [a.b, [c]]\n",
			"c.yaml:3:19: options.requires must be a string, not a list"},
		{"enum: t.S\noptions:\n  requires: {on: service}\n",
			`c.yaml:3:13: an option of options.requires needs option: its name, e.g. {option: google.api.oauth_scopes, on: service, any_of: true, separator: ","}`},
		{"enum: t.S\noutcomes:\n  key_invalid: {code: x, status: BAD}\n",
			`c.yaml:3:23: code must be a whole number, not "x"`},
		{"enum: t.S\nauth:\n  K: pat\n  K: app_key\n",
			`c.yaml:4:3: auth has key "K" twice; keep one`},
		{"enum: t.S\n<<: 5\n",
			`c.yaml:2:1: unknown key "<<" in the config (known keys: auth, auth_default, enum, grants_all, import_paths, names, options, outcomes, principals, strip_prefix)`},
	} {
		_, err := protoimport.ParseConfig("c.yaml", []byte(tc.text))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.text, err, tc.want)
		}
	}
}
