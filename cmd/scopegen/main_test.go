package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// clarifai is the spec the repository ships.
const clarifai = "../../spec/scopes.yaml"

// Method names of the Clarifai spec used below.
const (
	listInputs       = "/clarifai.api.V2/ListInputs"
	postInputs       = "/clarifai.api.V2/PostInputs"
	getInput         = "/clarifai.api.V2/GetInput"
	postSearches     = "/clarifai.api.V2/PostSearches"
	postModelOutputs = "/clarifai.api.V2/PostModelOutputs"
	patchModels      = "/clarifai.api.V2/PatchModels"
)

// small is a spec with what the Clarifai spec lacks: an endpoint that only
// one kind of key may call, and a public endpoint.
const small = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: the key lacks scopes}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: the key is invalid}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: no such key}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: no such method}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: All, id: 1, description: Everything., grants_all: true}
  - {name: Read, id: 2, description: Read items.}
  - {name: Write, id: 3, description: Write items., requires: [Read]}
endpoints:
  - method: /t.S/Get
    requires: [Read]
    redact:
      - {field: item.secret, unless: [Write]}
  - method: /t.S/Put
    principals: [pat]
    requires: [Read, Write]
  - method: /t.S/Health
    public: true
`

// scopegen runs the command in-process.
func scopegen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeSpec writes a spec into a fresh directory and returns its path.
func writeSpec(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scopes.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, path string) *model.Model {
	t.Helper()
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// explainJSON runs explain -json and decodes its one object.
func explainJSON(t *testing.T, args ...string) (int, map[string]any) {
	t.Helper()
	code, out, errOut := scopegen(t, append([]string{"explain", "-json"}, args...)...)
	if errOut != "" {
		t.Errorf("explain %v: unexpected stderr %q", args, errOut)
	}
	return code, decodeOne(t, out)
}

// decodeOne decodes stdout, which must be exactly one JSON object and a newline.
func decodeOne(t *testing.T, out string) map[string]any {
	t.Helper()
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("want one JSON object on one line, got %q", out)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value in %q", out)
	}
	return v
}

// strs turns a decoded JSON array of strings into a []string.
func strs(t *testing.T, v any) []string {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON array, got %T %v", v, v)
	}
	out := []string{}
	for _, x := range a {
		s, ok := x.(string)
		if !ok {
			t.Fatalf("want strings, got %T in %v", x, v)
		}
		out = append(out, s)
	}
	return out
}

func TestExplainAllowed(t *testing.T) {
	code, out, errOut := scopegen(t, "explain", "-spec", clarifai, "-scopes", "Inputs:Get,Concepts:Get", listInputs)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "ALLOWED" {
		t.Errorf("first line %q, want ALLOWED", lines[0])
	}
	for _, want := range []string{listInputs, "app_key: accepted", "not restricted to endpoints", "Inputs:Get: held", "inputs.data.concepts: Concepts:Get held"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "redacted") {
		t.Errorf("nothing should be redacted with Concepts:Get:\n%s", out)
	}
}

func TestExplainRedaction(t *testing.T) {
	code, out, _ := scopegen(t, "explain", "-spec", clarifai, "-scopes", "Inputs:Get", listInputs)
	if code != 0 || !strings.HasPrefix(out, "ALLOWED\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !regexp.MustCompile(`redacted +inputs\.data\.concepts: .*Concepts:Get would reveal it`).MatchString(out) {
		t.Errorf("output does not say inputs.data.concepts is redacted until Concepts:Get:\n%s", out)
	}
	code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Inputs:Get", listInputs)
	if code != 0 || v["allowed"] != true {
		t.Fatalf("exit %d, %v", code, v)
	}
	if got := strs(t, v["redacted"]); !slices.Equal(got, []string{"inputs.data.concepts"}) {
		t.Errorf("redacted = %v", got)
	}
	if got := strs(t, v["reveal"].(map[string]any)["inputs.data.concepts"]); !slices.Equal(got, []string{"Concepts:Get"}) {
		t.Errorf("reveal = %v", got)
	}
	// All reveals everything.
	_, v = explainJSON(t, "-spec", clarifai, "-scopes", "All", listInputs)
	if got := strs(t, v["redacted"]); len(got) != 0 {
		t.Errorf("All: redacted = %v", got)
	}
}

func TestExplainDenied(t *testing.T) {
	smallSpec := writeSpec(t, small)
	for _, tc := range []struct {
		name     string
		args     []string
		headline string
		reason   string
		missing  []string
		text     []string // in the text output
	}{
		{
			name:     "missing scopes",
			args:     []string{"-spec", clarifai, "-scopes", "Inputs:Get", postInputs},
			headline: "DENIED 11007 CONN_INSUFFICIENT_SCOPES (PERMISSION_DENIED)",
			reason:   "missing_scopes", missing: []string{"Inputs:Add"},
			text: []string{"Inputs:Add: missing", "lacks Inputs:Add"},
		},
		{
			name:     "missing prerequisite-listed scopes",
			args:     []string{"-spec", clarifai, "-scopes", "Models:Patch", patchModels},
			headline: "DENIED 11007 CONN_INSUFFICIENT_SCOPES (PERMISSION_DENIED)",
			reason:   "missing_scopes", missing: []string{"Models:Get", "Models:Train"},
			text: []string{"Models:Patch: held", "Models:Get: missing", "Models:Train: missing"},
		},
		{
			// The seed's example: op-level Predict (with Search, which the spec
			// says PostSearches requires) and only the PostSearches endpoint.
			name:     "endpoint not granted",
			args:     []string{"-spec", clarifai, "-scopes", "Predict,Search", "-endpoints", postSearches, postModelOutputs},
			headline: "DENIED 11007 CONN_INSUFFICIENT_SCOPES (PERMISSION_DENIED)",
			reason:   "endpoint_not_granted", missing: []string{},
			text: []string{"restricted to 1 endpoint, not this one: " + postSearches, "Predict: held"},
		},
		{
			// Predict alone does not cover PostSearches: the spec requires Search.
			name:     "restricted endpoint without its op scope",
			args:     []string{"-spec", clarifai, "-scopes", "Predict", "-endpoints", postSearches, postSearches},
			headline: "DENIED 11007 CONN_INSUFFICIENT_SCOPES (PERMISSION_DENIED)",
			reason:   "missing_scopes", missing: []string{"Search"},
			text: []string{"including this one", "Search: missing", "Predict, when the query searches by image"},
		},
		{
			name:     "principal",
			args:     []string{"-spec", smallSpec, "-kind", "app_key", "-scopes", "All", "/t.S/Put"},
			headline: "DENIED 7 DENIED (PERMISSION_DENIED)",
			reason:   "principal", missing: []string{},
			text: []string{"app_key: not accepted (the endpoint accepts only pat)", "Read: held (through All)"},
		},
		{
			name:     "invalid scope",
			args:     []string{"-spec", clarifai, "-scopes", "Inputs:Gett", listInputs},
			headline: "DENIED 11008 CONN_KEY_INVALID (UNAUTHENTICATED)",
			reason:   "invalid_grant", missing: []string{},
			text: []string{`unknown scope "Inputs:Gett" in -scopes; did you mean "Inputs:Get"?`, "refused outright"},
		},
		{
			name:     "invalid endpoint",
			args:     []string{"-spec", clarifai, "-scopes", "Inputs:Get", "-endpoints", "/clarifai.api.V2/ListInput", listInputs},
			headline: "DENIED 11008 CONN_KEY_INVALID (UNAUTHENTICATED)",
			reason:   "invalid_grant", missing: []string{},
			text: []string{`unknown endpoint "/clarifai.api.V2/ListInput" in -endpoints; did you mean "/clarifai.api.V2/ListInputs"?`},
		},
		{
			name:     "invalid kind",
			args:     []string{"-spec", clarifai, "-kind", "apikey", "-scopes", "Inputs:Get", listInputs},
			headline: "DENIED 11008 CONN_KEY_INVALID (UNAUTHENTICATED)",
			reason:   "invalid_grant", missing: []string{},
			text: []string{`unknown key kind "apikey" in -kind; did you mean "app_key"?`},
		},
		{
			name:     "invalid invite scope",
			args:     []string{"-spec", clarifai, "-scopes", "All", "-invite-scopes", "Inputs:get", listInputs},
			headline: "DENIED 11008 CONN_KEY_INVALID (UNAUTHENTICATED)",
			reason:   "invalid_grant", missing: []string{},
			text: []string{`unknown scope "Inputs:get" in -invite-scopes; did you mean "Inputs:Get"?`},
		},
		{
			name:     "unknown method",
			args:     []string{"-spec", clarifai, "-scopes", "All", "/clarifai.api.V2/ListInputz"},
			headline: "DENIED 11101 CONN_DOES_NOT_EXIST (NOT_FOUND)",
			reason:   "unknown_endpoint", missing: []string{},
			text: []string{`unknown method "/clarifai.api.V2/ListInputz"; did you mean "/clarifai.api.V2/ListInputs"?`},
		},
		{
			name:     "bare method name",
			args:     []string{"-spec", clarifai, "-scopes", "All", "ListInputs"},
			headline: "DENIED 11101 CONN_DOES_NOT_EXIST (NOT_FOUND)",
			reason:   "unknown_endpoint", missing: []string{},
			text: []string{`did you mean "/clarifai.api.V2/ListInputs"?`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := scopegen(t, append([]string{"explain"}, tc.args...)...)
			if code != 1 || errOut != "" {
				t.Fatalf("exit %d, stderr %q, want 1 and nothing", code, errOut)
			}
			if first, _, _ := strings.Cut(out, "\n"); first != tc.headline {
				t.Errorf("first line %q, want %q", first, tc.headline)
			}
			for _, want := range tc.text {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			code, v := explainJSON(t, tc.args...)
			if code != 1 || v["allowed"] != false || v["reason"] != tc.reason {
				t.Errorf("exit %d, allowed %v, reason %v; want 1, false, %s", code, v["allowed"], v["reason"], tc.reason)
			}
			if got := strs(t, v["missing"]); !slices.Equal(got, tc.missing) {
				t.Errorf("missing = %v, want %v", got, tc.missing)
			}
			if msg, _ := v["message"].(string); msg == "" || !strings.Contains(out, msg) {
				t.Errorf("message %q is empty or not in the text output", msg)
			}
		})
	}
	// The seed's example, the other half: the same key may call PostSearches.
	code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Predict,Search", "-endpoints", postSearches, postSearches)
	if code != 0 || v["allowed"] != true {
		t.Errorf("PostSearches: exit %d, %v", code, v)
	}
}

func TestExplainPublic(t *testing.T) {
	spec := writeSpec(t, small)
	code, v := explainJSON(t, "-spec", spec, "/t.S/Health")
	if code != 0 || v["reason"] != "public" || v["allowed"] != true {
		t.Errorf("exit %d, %v", code, v)
	}
	// Fail closed even on a public endpoint when the key is corrupt.
	code, v = explainJSON(t, "-spec", spec, "-scopes", "Nope", "/t.S/Health")
	if code != 1 || v["reason"] != "invalid_grant" || v["code"] != float64(8) {
		t.Errorf("invalid key on a public endpoint: exit %d, %v", code, v)
	}
}

func TestExplainCollaborator(t *testing.T) {
	// Key All, invite Inputs:Get: reading inputs only.
	args := []string{"-spec", clarifai, "-scopes", "All", "-invite-scopes", "Inputs:Get"}
	code, v := explainJSON(t, append(args, listInputs)...)
	if code != 0 || v["allowed"] != true || v["collaborator"] != true {
		t.Errorf("ListInputs: exit %d, %v", code, v)
	}
	// The invite lacks Concepts:Get, so the concepts are redacted even though the key holds All.
	if got := strs(t, v["redacted"]); !slices.Equal(got, []string{"inputs.data.concepts"}) {
		t.Errorf("ListInputs: redacted = %v", got)
	}
	grant := v["grant"].(map[string]any)
	if got := strs(t, grant["scopes"]); !slices.Equal(got, []string{"Inputs:Get"}) || grant["restricted"] != false {
		t.Errorf("effective grant = %v, want Inputs:Get, unrestricted", grant)
	}
	code, v = explainJSON(t, append(args, postInputs)...)
	if code != 1 || v["reason"] != "missing_scopes" || !slices.Equal(strs(t, v["missing"]), []string{"Inputs:Add"}) {
		t.Errorf("PostInputs: exit %d, %v", code, v)
	}
	_, out, _ := scopegen(t, append([]string{"explain"}, append(args, postInputs)...)...)
	for _, want := range []string{"Inputs:Add: missing (the invite lacks it)", "key        app_key, scopes All", "invite     app_key|pat, scopes Inputs:Get", "effective  app_key, scopes Inputs:Get"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}

	// Disjoint endpoint restrictions: nothing is callable.
	m := load(t, clarifai)
	disjoint := []string{"-spec", clarifai, "-scopes", "All", "-endpoints", listInputs, "-invite-scopes", "All", "-invite-endpoints", getInput}
	for _, e := range m.Endpoints {
		code, v := explainJSON(t, append(disjoint, e.Method)...)
		if code != 1 || v["allowed"] != false || v["reason"] != "endpoint_not_granted" {
			t.Errorf("%s: exit %d, %v; want endpoint_not_granted", e.Method, code, v)
		}
		grant := v["grant"].(map[string]any)
		if grant["restricted"] != true || len(strs(t, grant["endpoints"])) != 0 {
			t.Errorf("%s: effective grant %v, want restricted to no endpoint", e.Method, grant)
		}
	}
	_, out, _ = scopegen(t, append([]string{"explain"}, append(disjoint, listInputs)...)...)
	if !strings.Contains(out, "no endpoint in common") {
		t.Errorf("text does not explain the empty intersection:\n%s", out)
	}

	// An invite restricted to endpoints, a key restricted to none.
	code, v = explainJSON(t, "-spec", clarifai, "-scopes", "All", "-invite-endpoints", getInput, getInput)
	if code != 1 || v["reason"] != "missing_scopes" {
		t.Errorf("invite with endpoints but no scopes: exit %d, %v", code, v)
	}
	code, v = explainJSON(t, "-spec", clarifai, "-scopes", "All", "-invite-scopes", "All", "-invite-endpoints", getInput, listInputs)
	if code != 1 || v["reason"] != "endpoint_not_granted" {
		t.Errorf("invite restricted to GetInput, calling ListInputs: exit %d, %v", code, v)
	}
	// An empty -invite-scopes still makes a collaborator, holding nothing.
	code, v = explainJSON(t, "-spec", clarifai, "-scopes", "All", "-invite-scopes", "", listInputs)
	if code != 1 || v["collaborator"] != true || v["reason"] != "missing_scopes" {
		t.Errorf("empty invite: exit %d, %v", code, v)
	}
}

// TestExplainJSONShape checks every field's type, and that arrays are never null.
func TestExplainJSONShape(t *testing.T) {
	types := map[string]string{
		"method": "string", "allowed": "bool", "code": "number", "status": "string",
		"grpc_code": "number", "grpc_status": "string", "reason": "string",
		"missing": "array", "required": "array", "alternatives": "array", "request_dependent": "array",
		"redacted": "array", "reveal": "object", "collaborator": "bool",
		"grant": "object", "message": "string",
	}
	kind := func(v any) string {
		switch v.(type) {
		case string:
			return "string"
		case bool:
			return "bool"
		case float64:
			return "number"
		case []any:
			return "array"
		case map[string]any:
			return "object"
		case nil:
			return "null"
		}
		return "?"
	}
	for _, args := range [][]string{
		{"-scopes", "Search,Predict", postSearches},                 // allowed, request-dependent, redacted
		{"-scopes", "Inputs:Get", postInputs},                       // missing scopes
		{"-scopes", "Nope", postInputs},                             // invalid grant
		{"-scopes", "All", "/nope.S/M"},                             // unknown method
		{"-scopes", "All", "-invite-endpoints", getInput, getInput}, // collaborator
		{listInputs}, // no scopes at all
	} {
		_, v := explainJSON(t, append([]string{"-spec", clarifai}, args...)...)
		for k, want := range types {
			if got := kind(v[k]); got != want {
				t.Errorf("%v: %q is %s, want %s", args, k, got, want)
			}
		}
		for k := range v {
			if _, ok := types[k]; !ok {
				t.Errorf("%v: undocumented field %q", args, k)
			}
		}
		grant, _ := v["grant"].(map[string]any)
		for k, want := range map[string]string{"kind": "string", "scopes": "array", "restricted": "bool", "endpoints": "array"} {
			if got := kind(grant[k]); got != want {
				t.Errorf("%v: grant.%s is %s, want %s", args, k, got, want)
			}
		}
		alts, _ := v["alternatives"].([]any)
		for _, a := range alts {
			a := a.(map[string]any)
			if kind(a["scopes"]) != "array" || kind(a["principals"]) != "array" || kind(a["missing"]) != "array" || kind(a["usable"]) != "bool" || kind(a["chosen"]) != "bool" || len(a) != 5 {
				t.Errorf("%v: alternatives entry %v", args, a)
			}
		}
		rd, _ := v["request_dependent"].([]any)
		for _, r := range rd {
			r := r.(map[string]any)
			if kind(r["scope"]) != "string" || kind(r["when"]) != "string" || kind(r["held"]) != "bool" {
				t.Errorf("%v: request_dependent entry %v", args, r)
			}
		}
		if v["allowed"] == true && (v["code"] != float64(0) || v["status"] != "OK" || v["grpc_code"] != float64(0)) {
			t.Errorf("%v: allowed with code %v status %v grpc %v", args, v["code"], v["status"], v["grpc_code"])
		}
	}
	// Request-dependent scopes, held and not.
	for _, tc := range []struct {
		scopes string
		held   bool
	}{{"Search,Predict", true}, {"Search", false}} {
		_, v := explainJSON(t, "-spec", clarifai, "-scopes", tc.scopes, postSearches)
		rd := v["request_dependent"].([]any)
		if len(rd) != 1 {
			t.Fatalf("request_dependent = %v", rd)
		}
		r := rd[0].(map[string]any)
		if r["scope"] != "Predict" || r["held"] != tc.held || !strings.Contains(r["when"].(string), "image") {
			t.Errorf("-scopes %s: request_dependent = %v", tc.scopes, r)
		}
	}
}

// TestExplainMatchesReference cross-checks explain against reference.Decide
// for every endpoint of both specs and a handful of grants.
func TestExplainMatchesReference(t *testing.T) {
	type grant struct {
		kind, scopes, endpoints string
		invite                  *[2]string // scopes, endpoints
	}
	specs := []struct {
		path   string
		grants []grant
	}{
		{clarifai, []grant{
			{"app_key", "", "", nil},
			{"app_key", "All", "", nil},
			{"pat", "Inputs:Get", "", nil},
			{"app_key", "Inputs:Get,Inputs:Patch,Models:Get", "", nil},
			{"app_key", "Predict,Search", postSearches, nil},
			{"pat", "All", listInputs + "," + postInputs + "," + patchModels, nil},
			{"app_key", "Models:Get,Models:Patch,Models:Train,Concepts:Get", "", &[2]string{"Models:Get,Concepts:Get", ""}},
			{"app_key", "All", listInputs + "," + getInput, &[2]string{"All", getInput}},
			{"app_key|pat", "All", "", &[2]string{"Inputs:Get", ""}},
		}},
		{writeSpec(t, small), []grant{
			{"app_key", "", "", nil},
			{"app_key", "All", "", nil},
			{"pat", "Read", "", nil},
			{"pat", "Read,Write", "/t.S/Put", nil},
			{"app_key|pat", "Read,Write", "", &[2]string{"Read", ""}},
		}},
	}
	for _, sp := range specs {
		m := load(t, sp.path)
		methods := []string{"/unknown.S/Method"}
		for _, e := range m.Endpoints {
			methods = append(methods, e.Method)
		}
		for _, gr := range sp.grants {
			kinds, err := reference.ParseKinds(m, gr.kind)
			if err != nil {
				t.Fatal(err)
			}
			g, err := reference.NewGrant(m, kinds, splitList(gr.scopes), splitList(gr.endpoints))
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"-spec", sp.path, "-kind", gr.kind, "-scopes", gr.scopes, "-endpoints", gr.endpoints}
			if gr.invite != nil {
				inv, err := reference.NewGrant(m, model.AppKey|model.PersonalAccessToken, splitList(gr.invite[0]), splitList(gr.invite[1]))
				if err != nil {
					t.Fatal(err)
				}
				g = reference.Intersect(m, g, inv)
				args = append(args, "-invite-scopes", gr.invite[0], "-invite-endpoints", gr.invite[1])
			}
			for _, method := range methods {
				d := reference.Decide(m, g, method)
				code, v := explainJSON(t, append(args, method)...)
				wantCode := 1
				if d.Allowed {
					wantCode = 0
				}
				outcome := 0
				if !d.Allowed {
					outcome = m.Outcome(d.Outcome).Code
				}
				if code != wantCode || v["allowed"] != d.Allowed || v["reason"] != string(d.Reason) ||
					v["code"] != float64(outcome) ||
					!slices.Equal(strs(t, v["missing"]), nonNil(d.Missing)) ||
					!slices.Equal(strs(t, v["redacted"]), nonNil(d.Redacted)) {
					t.Errorf("%v %s:\n got exit %d %v\nwant %+v", args, method, code, v, d)
				}
			}
		}
	}
}

func TestExplainUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "-spec", clarifai}, "missing METHOD"},
		{[]string{"explain", "-spec", clarifai, listInputs, postInputs}, "want one METHOD"},
		{[]string{"explain", "-spec", clarifai, "-scopes", "Inputs:Get", "Concepts:Get", listInputs}, "want one METHOD"},
		{[]string{"explain", "-bogus", listInputs}, "flag provided but not defined: -bogus"},
		{[]string{"explain", "-json=maybe", listInputs}, "invalid boolean value"},
		{[]string{"explain", "-scopes"}, "flag needs an argument"},
	} {
		code, out, errOut := scopegen(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", tc.args, code, out, errOut, tc.want)
		}
	}
	// Flags may follow METHOD.
	code, out, _ := scopegen(t, "explain", listInputs, "-spec", clarifai, "-scopes", "Inputs:Get")
	if code != 0 || !strings.HasPrefix(out, "ALLOWED") {
		t.Errorf("flags after METHOD: exit %d\n%s", code, out)
	}
	// After "--" everything is positional.
	code, _, errOut := scopegen(t, "explain", "-spec", clarifai, "--", "-scopes")
	if code != 1 || errOut != "" {
		t.Errorf("-- -scopes: exit %d, stderr %q; want the method -scopes to be unknown", code, errOut)
	}
	// A spaced list is trimmed.
	code, _, _ = scopegen(t, "explain", "-spec", clarifai, "-scopes", " Inputs:Get , ", listInputs)
	if code != 0 {
		t.Errorf("spaced list: exit %d", code)
	}
}

func TestGrant(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		missing map[string][]string
		closure []string
		text    []string
	}{
		{
			name: "valid", args: []string{"-scopes", "Inputs:Get,Inputs:Patch"}, code: 0,
			missing: map[string][]string{}, closure: []string{"Inputs:Get", "Inputs:Patch"},
			text: []string{"valid\n", "closure: Inputs:Get, Inputs:Patch\n"},
		},
		{
			name: "empty", args: nil, code: 0,
			missing: map[string][]string{}, closure: []string{},
			text: []string{"valid\n", "closure: (no scopes)\n"},
		},
		{
			name: "All", args: []string{"-scopes", "All", "-endpoints", patchModels}, code: 0,
			missing: map[string][]string{}, closure: []string{"All"},
		},
		{
			name: "missing prerequisites", args: []string{"-scopes", "Models:Patch"}, code: 1,
			missing: map[string][]string{"Models:Patch": {"Models:Get", "Models:Train"}},
			closure: []string{"Models:Get", "Models:Patch", "Models:Train"},
			text:    []string{"Models:Patch needs Models:Get, Models:Train\n", "closure: Models:Get, Models:Patch, Models:Train\n"},
		},
		{
			name: "endpoint needs op scopes", args: []string{"-scopes", "Inputs:Get", "-endpoints", patchModels + "," + listInputs}, code: 1,
			missing: map[string][]string{patchModels: {"Models:Get", "Models:Patch", "Models:Train"}},
			closure: []string{"Inputs:Get", "Models:Get", "Models:Patch", "Models:Train"},
			text:    []string{patchModels + " needs Models:Get, Models:Patch, Models:Train\n"},
		},
		{
			name: "seed example", args: []string{"-scopes", "Predict", "-endpoints", postSearches}, code: 1,
			missing: map[string][]string{postSearches: {"Search"}},
			closure: []string{"Predict", "Search"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"grant", "-spec", clarifai}, tc.args...)
			code, out, errOut := scopegen(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			if tc.code == 1 && !strings.Contains(errOut, "-scopes "+strings.Join(tc.closure, ",")) {
				t.Errorf("stderr does not suggest the closure: %q", errOut)
			}
			for _, want := range tc.text {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			code, out, _ = scopegen(t, append(args, "-json")...)
			if code != tc.code {
				t.Errorf("-json: exit %d, want %d", code, tc.code)
			}
			v := decodeOne(t, out)
			if v["valid"] != (tc.code == 0) {
				t.Errorf("valid = %v", v["valid"])
			}
			mp, ok := v["missing_prerequisites"].(map[string]any)
			if !ok {
				t.Fatalf("missing_prerequisites is %T, want an object", v["missing_prerequisites"])
			}
			got := map[string][]string{}
			for k, x := range mp {
				got[k] = strs(t, x)
			}
			if !reflect.DeepEqual(got, tc.missing) {
				t.Errorf("missing_prerequisites = %v, want %v", got, tc.missing)
			}
			if c := strs(t, v["closure"]); !slices.Equal(c, tc.closure) {
				t.Errorf("closure = %v, want %v", c, tc.closure)
			}
			strs(t, v["scopes"])
			strs(t, v["endpoints"])
			if v["kind"] != "app_key" {
				t.Errorf("kind = %v", v["kind"])
			}
			if _, ok := v["restricted"].(bool); !ok {
				t.Errorf("restricted = %v", v["restricted"])
			}
		})
	}
}

func TestGrantMatchesReference(t *testing.T) {
	m := load(t, clarifai)
	// Every scope alone, and every endpoint alone with no scopes.
	for _, s := range m.Scopes {
		g, _ := reference.NewGrant(m, model.AppKey, []string{s.Name}, nil)
		want := reference.MissingPrerequisites(m, g)
		code, out, _ := scopegen(t, "grant", "-spec", clarifai, "-json", "-scopes", s.Name)
		checkGrant(t, s.Name, code, decodeOne(t, out), want, reference.ScopeList(m, reference.Closure(m, g)))
	}
	for _, e := range m.Endpoints {
		g, _ := reference.NewGrant(m, model.PersonalAccessToken, nil, []string{e.Method})
		want := reference.MissingPrerequisites(m, g)
		code, out, _ := scopegen(t, "grant", "-spec", clarifai, "-json", "-kind", "pat", "-endpoints", e.Method)
		checkGrant(t, e.Method, code, decodeOne(t, out), want, reference.ScopeList(m, reference.Closure(m, g)))
	}
}

func checkGrant(t *testing.T, what string, code int, v map[string]any, want map[string][]string, closure []string) {
	t.Helper()
	got := map[string][]string{}
	for k, x := range v["missing_prerequisites"].(map[string]any) {
		got[k] = strs(t, x)
	}
	wantCode := 0
	if len(want) > 0 {
		wantCode = 1
	}
	if code != wantCode || !reflect.DeepEqual(got, want) || !slices.Equal(strs(t, v["closure"]), nonNil(closure)) {
		t.Errorf("%s: exit %d, %v; want %d, %v, closure %v", what, code, v, wantCode, want, closure)
	}
}

func TestGrantUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-scopes", "Inputs:Gett"}, `unknown scope "Inputs:Gett" in -scopes; did you mean "Inputs:Get"?`},
		{[]string{"-scopes", "predict"}, `did you mean "Predict"?`},
		{[]string{"-endpoints", "ListInputs"}, `did you mean "/clarifai.api.V2/ListInputs"?`},
		{[]string{"-endpoints", "/clarifai.api.V2/PostInput"}, `did you mean "/clarifai.api.V2/PostInputs"?`},
		{[]string{"-kind", "personal"}, `unknown key kind "personal"`},
		{[]string{"-scopes", "Inputs:Get", "Inputs:Patch"}, `unexpected argument "Inputs:Patch"`},
		{[]string{"-nope"}, "flag provided but not defined"},
	} {
		code, out, errOut := scopegen(t, append([]string{"grant", "-spec", clarifai}, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

func TestGrantPrincipalWarning(t *testing.T) {
	spec := writeSpec(t, small)
	code, _, errOut := scopegen(t, "grant", "-spec", spec, "-kind", "app_key", "-scopes", "Read,Write", "-endpoints", "/t.S/Put")
	if code != 0 || !strings.Contains(errOut, "warning: /t.S/Put accepts only pat keys") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestGenerateAndCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "checker")
	code, stdout, stderr := scopegen(t, "generate", "-spec", clarifai, "-out", out)
	if code != 0 || stdout != filepath.ToSlash(out)+"/: wrote 13 files, 22 scopes, 37 endpoints\n" {
		t.Fatalf("generate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	src, err := os.ReadFile(filepath.Join(out, "scopes.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "package checker\n") {
		t.Errorf("the package is not named after -out:\n%.300s", src)
	}
	if code, stdout, stderr := scopegen(t, "check", "-spec", clarifai, "-out", out); code != 0 || stdout != "" {
		t.Errorf("check in sync: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// Stale: one file edited by hand.
	path := filepath.Join(out, "endpoints.go")
	if err := os.WriteFile(path, []byte("package checker\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = scopegen(t, "check", "-spec", clarifai, "-out", out)
	if code != 1 {
		t.Errorf("check stale: exit %d, want 1", code)
	}
	name := filepath.ToSlash(path)
	for _, want := range []string{"--- " + name, "+++ " + name, "@@ "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff lacks %q:\n%.500s", want, stdout)
		}
	}
	if strings.Contains(stdout, "scopes.go") {
		t.Errorf("diff mentions a file in sync:\n%.500s", stdout)
	}
	if !strings.Contains(stderr, "is stale; run: scopegen generate") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q", stderr)
	}
	// generate repairs it.
	if code, _, _ := scopegen(t, "generate", "-spec", clarifai, "-out", out); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}
	if code, _, _ := scopegen(t, "check", "-spec", clarifai, "-out", out); code != 0 {
		t.Errorf("check after generate: exit %d", code)
	}
	// A missing output directory is stale, not an error.
	code, stdout, _ = scopegen(t, "check", "-spec", clarifai, "-out", filepath.Join(t.TempDir(), "none"))
	if code != 1 || !strings.Contains(stdout, "+++ ") {
		t.Errorf("check of a missing directory: exit %d", code)
	}
}

func TestGenerateUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"generate", "extra"}, `unexpected argument "extra"`},
		{[]string{"check", "-out", t.TempDir(), "extra"}, `unexpected argument "extra"`},
		{[]string{"generate", "-pkg", "not-a-name"}, `-pkg "not-a-name" is not a Go package name`},
		{[]string{"generate", "-out", filepath.Join(t.TempDir(), "my-pkg")}, `pass -pkg NAME`},
		{[]string{"generate", "-out", ""}, `-out is empty`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"chekc"}, `did you mean "check"?`},
		{[]string{"help", "frob"}, `unknown command "frob"`},
	} {
		code, out, errOut := scopegen(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestNoArgsRunsGenerate runs scopegen with no arguments in a directory laid
// out like the repository.
func TestNoArgsRunsGenerate(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(clarifai)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "spec"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "spec", "scopes.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, _, errOut := scopegen(t); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "generated", "decision.go")); err != nil {
		t.Error(err)
	}
	// -out . names the package after the current directory.
	sub := filepath.Join(dir, "checker")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if code, _, errOut := scopegen(t, "-spec", "../spec/scopes.yaml", "-out", "."); code != 0 {
		t.Fatalf("-out .: exit %d: %s", code, errOut)
	}
	src, _ := os.ReadFile(filepath.Join(sub, "scopes.go"))
	if !strings.Contains(string(src), "package checker\n") {
		t.Errorf("-out . did not name the package after the directory:\n%.300s", src)
	}
}

func TestBadSpec(t *testing.T) {
	bad := writeSpec(t, strings.Replace(small, "requires: [Read]}", "requires: [Raed]}", 1))
	pos := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `:\d+:\d+: .+$`)
	for _, args := range [][]string{
		{"generate", "-spec", bad, "-out", t.TempDir(), "-pkg", "checker"},
		{"check", "-spec", bad, "-out", t.TempDir(), "-pkg", "checker"},
		{"explain", "-spec", bad, "/t.S/Get"},
		{"explain", "-spec", bad, "-json", "/t.S/Get"},
		{"grant", "-spec", bad, "-scopes", "Read"},
	} {
		code, out, errOut := scopegen(t, args...)
		if code != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want 1 and nothing", args, code, out)
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		for _, l := range lines {
			if !pos.MatchString(l) {
				t.Errorf("%v: stderr line %q is not file:line:col: message", args, l)
			}
		}
		if !strings.Contains(errOut, `did you mean "Read"?`) {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}
	// YAML syntax errors too.
	broken := writeSpec(t, "scopegen: 1\nscopes: [\n")
	code, _, errOut := scopegen(t, "explain", "-spec", broken, "/t.S/Get")
	if code != 1 || !regexp.MustCompile(`^`+regexp.QuoteMeta(broken)+`:\d+:\d+: `).MatchString(errOut) {
		t.Errorf("broken YAML: exit %d, stderr %q", code, errOut)
	}
	// A missing spec is one line saying what to do.
	code, _, errOut = scopegen(t, "grant", "-spec", filepath.Join(t.TempDir(), "none.yaml"))
	if code != 1 || !strings.Contains(errOut, "pass -spec") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("missing spec: exit %d, stderr %q", code, errOut)
	}
}

// flagsOf lists the flags a command registers, by running its -h.
func flagsOf(t *testing.T, name string) []string {
	t.Helper()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := lookup(name).run(fs, []string{"-h"}, io.Discard, io.Discard); err != flag.ErrHelp {
		t.Fatalf("%s -h: %v", name, err)
	}
	var out []string
	fs.VisitAll(func(f *flag.Flag) { out = append(out, f.Name) })
	return out
}

func TestHelp(t *testing.T) {
	// The flags are a public contract.
	want := map[string][]string{
		"generate": {"docs", "grpc", "grpc-out", "import-path", "out", "pkg", "spec"},
		"check":    {"docs", "exclusions", "format", "grpc", "grpc-out", "import-path", "openapi", "out", "pkg", "proto", "spec"},
		"explain":  {"endpoints", "invite-endpoints", "invite-scopes", "json", "kind", "request", "scopes", "spec"},
		"grant":    {"endpoints", "json", "kind", "scopes", "spec"},
		"diff":     {"allow", "allowances", "base", "base-spec", "config", "fail-on", "format", "now"},
		"docs":     {"o", "spec"},
	}
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}, {"help"}} {
		code, out, errOut := scopegen(t, args...)
		if code != 0 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for name, flags := range want {
			if !strings.Contains(out, "scopegen "+name+" ") {
				t.Errorf("%v does not list %s", args, name)
			}
			for _, f := range flags {
				if !regexp.MustCompile(`[\[ ]-` + f + `\b`).MatchString(out) {
					t.Errorf("%v does not mention -%s", args, f)
				}
			}
		}
	}
	for name, flags := range want {
		if got := flagsOf(t, name); !slices.Equal(got, flags) {
			t.Errorf("%s flags = %v, want %v", name, got, flags)
		}
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}} {
			code, out, errOut := scopegen(t, args...)
			if code != 0 || errOut != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
			if !strings.HasPrefix(out, "Usage: scopegen "+name) || !strings.Contains(out, "Exit status:") {
				t.Errorf("%v:\n%s", args, out)
			}
			// Each flag's entry says what it does and its default.
			entries := regexp.MustCompile(`(?m)^  -`).Split(out[strings.Index(out, "Flags:"):], -1)[1:]
			if len(entries) != len(flags) {
				t.Errorf("%v: %d flag entries, want %d:\n%s", args, len(entries), len(flags), out)
			}
			for i, e := range entries {
				if i < len(flags) && !strings.HasPrefix(e, flags[i]) {
					t.Errorf("%v: entry %q, want -%s", args, e, flags[i])
				}
				if !strings.Contains(e, "default") {
					t.Errorf("%v: entry -%s says nothing of its default", args, strings.TrimSpace(e))
				}
			}
		}
	}
	// -h wins over other arguments.
	if code, out, _ := scopegen(t, "explain", "-scopes", "x", "-h"); code != 0 || !strings.HasPrefix(out, "Usage: scopegen explain") {
		t.Errorf("explain -scopes x -h: exit %d", code)
	}
}

// TestExplainHTTP: an HTTP request "VERB /path" in place of METHOD is
// decided by the spec's bindings; -json adds what it reached; a request no
// binding matches is denied as an unknown endpoint, and an argument with a
// space that is no request is a usage error.
func TestExplainHTTP(t *testing.T) {
	code, out, errOut := scopegen(t, "explain", "-spec", clarifai, "-scopes", "Inputs:Get", "GET /v2/users/me/apps/main/inputs")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "ALLOWED\n  request    GET /v2/users/me/apps/main/inputs: binding GET /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/inputs of /clarifai.api.V2/ListInputs\n  method     /clarifai.api.V2/ListInputs\n") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, v := explainJSON(t, "-spec", clarifai, "-scopes", "Inputs:Get", "POST /v2/inputs")
	h, _ := v["http"].(map[string]any)
	if code != 1 || v["method"] != postInputs || v["reason"] != "missing_scopes" || h["verb"] != "POST" || h["path"] != "/v2/inputs" || h["binding"] != "POST /v2/inputs" || len(strs(t, h["endpoints"])) != 1 {
		t.Errorf("POST /v2/inputs: exit %d, %v", code, v)
	}
	code, v = explainJSON(t, "-spec", clarifai, "-scopes", "All", "GET /v2/inputs/")
	if h, _ := v["http"].(map[string]any); code != 1 || v["reason"] != "unknown_endpoint" || v["method"] != "" || len(strs(t, h["endpoints"])) != 0 {
		t.Errorf("GET /v2/inputs/: exit %d, %v", code, v)
	}
	for _, arg := range []string{"get /v2/inputs", "GET v2/inputs", "GET /v2/a b"} {
		if code, _, errOut := scopegen(t, "explain", "-spec", clarifai, arg); code != 2 || !strings.Contains(errOut, "neither a method nor an HTTP request") {
			t.Errorf("explain %q: exit %d, stderr %q; want a usage error", arg, code, errOut)
		}
	}
}

// TestExplainAlternatives: on a spec of its own kinds whose endpoints accept
// any one of several alternatives, -kind defaults to the spec's first kind,
// the JSON lists each alternative with what the key lacks of it, and a
// denial's missing is the closest usable alternative's.
func TestExplainAlternatives(t *testing.T) {
	const alts = "../../testdata/alternatives/scopes.yaml"
	code, v := explainJSON(t, "-spec", alts, "-scopes", "Files:Read", "getFile")
	if code != 0 || v["allowed"] != true || v["grant"].(map[string]any)["kind"] != "oauth2" {
		t.Errorf("no -kind: exit %d, %v", code, v)
	}
	code, v = explainJSON(t, "-spec", alts, "-kind", "api_key", "-scopes", "Files:Read", "getFile")
	if code != 1 || v["reason"] != "missing_scopes" || fmt.Sprint(v["missing"]) != "[Meta:Read]" {
		t.Errorf("api_key: exit %d, %v", code, v)
	}
	var got []string
	for _, a := range v["alternatives"].([]any) {
		a := a.(map[string]any)
		got = append(got, fmt.Sprint(a["scopes"], a["principals"], a["missing"], a["usable"], a["chosen"]))
	}
	want := []string{
		"[Files:Write] [oauth2] [Files:Write] false false",
		"[Files:Read] [oauth2] [] false false",
		"[Files:Read Meta:Read] [oauth2 api_key] [Meta:Read] true true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alternatives:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// batchGet takes an API key holding no op scope, but not such a token.
	if code, v = explainJSON(t, "-spec", alts, "-kind", "api_key", "batchGet"); code != 0 {
		t.Errorf("batchGet, api_key: exit %d, %v", code, v)
	}
	if code, v = explainJSON(t, "-spec", alts, "-kind", "oauth2", "batchGet"); code != 1 || fmt.Sprint(v["missing"]) != "[Files:Read]" {
		t.Errorf("batchGet, oauth2: exit %d, %v", code, v)
	}
}
