package explain_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
)

// TestCheckGrant pins the report on a would-be key: what it lacks, scopes by
// id and then endpoints in spec order, its closure, as text and JSON, and a
// warning for an endpoint its kind can never call.
func TestCheckGrant(t *testing.T) {
	m := testModel(t)
	for _, tc := range []struct {
		kind              string
		scopes, endpoints []string
		text, json        string
		warnings          []string
	}{
		{"pat", []string{"Read", "Write"}, nil, "valid\nclosure: Read, Write\n",
			`{"valid":true,"kind":"pat","scopes":["Read","Write"],"restricted":false,"endpoints":[],"missing_prerequisites":{},"closure":["Read","Write"]}`, nil},
		{"app_key", []string{"Write"}, []string{"/t.S/Find", "/t.S/Put"}, "Write needs Read\n/t.S/Put needs Read\n/t.S/Find needs Search\nclosure: Read, Write, Search\n",
			`{"valid":false,"kind":"app_key","scopes":["Write"],"restricted":true,"endpoints":["/t.S/Put","/t.S/Find"],"missing_prerequisites":{"/t.S/Find":["Search"],"/t.S/Put":["Read"],"Write":["Read"]},"closure":["Read","Write","Search"]}`,
			[]string{"/t.S/Put accepts only pat keys, so this key (app_key) can never call it"}},
		{"app_key|pat", nil, nil, "valid\nclosure: (no scopes)\n",
			`{"valid":true,"kind":"app_key|pat","scopes":[],"restricted":false,"endpoints":[],"missing_prerequisites":{},"closure":[]}`, nil},
	} {
		r, err := explain.CheckGrant(m, tc.kind, tc.scopes, tc.endpoints)
		if err != nil {
			t.Fatalf("%s %v %v: %v", tc.kind, tc.scopes, tc.endpoints, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Text(); got != tc.text {
			t.Errorf("%s %v %v: text\n%s\nwant\n%s", tc.kind, tc.scopes, tc.endpoints, got, tc.text)
		}
		if string(b) != tc.json {
			t.Errorf("%s %v %v: JSON\n%s\nwant\n%s", tc.kind, tc.scopes, tc.endpoints, b, tc.json)
		}
		if len(r.Warnings) != len(tc.warnings) || len(r.Warnings) > 0 && r.Warnings[0] != tc.warnings[0] {
			t.Errorf("%s %v %v: warnings %q, want %q", tc.kind, tc.scopes, tc.endpoints, r.Warnings, tc.warnings)
		}
	}
}

// TestCheckGrantUnknownNames: every name the spec does not define is one
// problem of the error, the kind first, each with what was meant.
func TestCheckGrantUnknownNames(t *testing.T) {
	m := testModel(t)
	_, err := explain.CheckGrant(m, "x", []string{"Raed", "Read"}, []string{"Get"})
	want := `unknown key kind "x" in -kind; the kinds are app_key, pat; unknown scope "Raed" in -scopes; did you mean "Read"?; unknown endpoint "Get" in -endpoints; did you mean "/t.S/Get"? (methods are full gRPC names)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestCheckGrantAlternatives: a key restricted to an endpoint with several
// alternatives (any_of) needs only what all of them require to be made,
// and is warned when it holds none its kind may use.
func TestCheckGrantAlternatives(t *testing.T) {
	m, err := model.Load("../../testdata/alternatives/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind     string
		scopes   []string
		warnings []string
	}{
		{"oauth2", []string{"Files:Read"}, nil},
		{"api_key", []string{"Files:Read", "Meta:Read"}, nil},
		{"api_key", []string{"Files:Write"}, []string{"getFile accepts any one of 3 alternatives, and this key (api_key) holds none its kind may use, so it cannot call it: add Files:Read, Meta:Read (what the closest lacks)"}},
		// Meta:Write brings Meta:Read with its closure: the warning counts it.
		{"api_key", []string{"Files:Read", "Meta:Write"}, nil},
	} {
		r, err := explain.CheckGrant(m, tc.kind, tc.scopes, []string{"getFile"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Warnings, tc.warnings) {
			t.Errorf("%s %v: warnings %q, want %q", tc.kind, tc.scopes, r.Warnings, tc.warnings)
		}
	}
}
