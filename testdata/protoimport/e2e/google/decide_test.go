// This file is copied next to a package generated from the spec that
// import-proto -profile google writes, by cmd/scopegen's
// TestImportProtoGoogle, with truth.json: for each method, the scopes its
// service's google.api.oauth_scopes lists, from compiling the .proto files,
// not from the spec. It drives the generated checker with them, and checks
// that checking does not allocate; testdata/e2e/check_test.go, copied beside
// it, checks the reference's decisions (cases.json).

package scopes

import (
	"encoding/json"
	"os"
	"testing"
)

func TestAnyScopeOfTheService(t *testing.T) {
	data, err := os.ReadFile("truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var truth map[string][]string
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	if len(truth) == 0 {
		t.Fatal("truth.json lists no method")
	}
	oauth2, ok := ParsePrincipal("oauth2")
	if !ok {
		t.Fatal("no principal kind oauth2")
	}
	grant := func(scopes ...string) Grant {
		t.Helper()
		g, err := NewGrant(oauth2, scopes, nil)
		if err != nil {
			t.Fatalf("NewGrant(%v): %v", scopes, err)
		}
		return g
	}
	for method, scopes := range truth {
		for _, s := range scopes {
			g := grant(s)
			if d := g.Check(method); !d.Allowed() {
				t.Errorf("Check(%s) with %s alone: %s, want allowed", method, s, d.Reason())
			}
			if n := testing.AllocsPerRun(10, func() { g.Check(method) }); n != 0 {
				t.Errorf("Check(%s) allocates %v times", method, n)
			}
		}
		// With no scope, every alternative lacks one: the first listed is
		// what the denial names.
		if d := grant().Check(method); d.Allowed() || d.Missing().String() != scopes[0] {
			t.Errorf("Check(%s) with no scope: allowed %v, missing %q; want denied, missing %s", method, d.Allowed(), d.Missing(), scopes[0])
		}
	}
	if d := grant(truth["/google.pubsub.v1.Publisher/Publish"]...).Check("/google.pubsub.v1.Publisher/Nothing"); d.Allowed() {
		t.Error("an unknown method is allowed")
	}
}
