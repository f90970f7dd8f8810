package diff_test

import (
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/diff"
)

// altSpec is a spec whose /t.S/Get is written as body.
func altSpec(body string) []byte {
	return []byte(`scopegen: 1
outcomes:
  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: A, id: 1, description: A.}
  - {name: B, id: 2, description: B.}
endpoints:
  - method: /t.S/Other
    requires: [A]
` + body)
}

// TestAlternativesMessages: what an endpoint with several alternatives
// needs is said alternative by alternative, when it stops being public or
// is new, and a new endpoint is open only when an alternative needs no
// scope.
func TestAlternativesMessages(t *testing.T) {
	const alts = `  - method: /t.S/Get
    any_of:
      - {requires: [A], principals: [app_key]}
      - {requires: [B]}
`
	for _, tc := range []struct {
		old, new, rule, msg string
	}{
		{"  - {method: /t.S/Get, public: true}\n", alts, "endpoint-not-public",
			"endpoint /t.S/Get is no longer public: it now needs an app_key key holding A, or an app_key or pat key holding B"},
		{"", alts, "endpoint-added",
			"new endpoint /t.S/Get (it requires an app_key key holding A, or an app_key or pat key holding B)"},
		{"", alts + "      - {requires: [], principals: [pat]}\n", "endpoint-added-open",
			"new endpoint /t.S/Get has an alternative that requires no op scope: every pat key may call it"},
	} {
		r := diff.Compare(load(t, "old.yaml", altSpec(tc.old)), load(t, "new.yaml", altSpec(tc.new)))
		var got []string
		found := false
		for _, f := range r.Findings {
			got = append(got, f.Rule+": "+f.Message)
			found = found || f.Rule == tc.rule && strings.HasPrefix(f.Message, tc.msg)
		}
		if !found {
			t.Errorf("want %s: %s; got\n%s", tc.rule, tc.msg, strings.Join(got, "\n"))
		}
	}
}
