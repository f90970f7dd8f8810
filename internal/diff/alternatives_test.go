package diff_test

import (
	"fmt"
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

// TestManyAlternatives: on an endpoint of more alternatives than the
// witness search crosses in full (66 on each side), an alternative that
// needs a scope fewer is an escalation and one that needs a scope more is
// breaking, each with a witness that shows it: a key of exactly the
// alternative's scopes on the side that allows it.
func TestManyAlternatives(t *testing.T) {
	spec := func(edit func(i, j int) string) []byte {
		var b strings.Builder
		b.WriteString("scopegen: 1\noutcomes:\n")
		b.WriteString("  insufficient_scopes: {code: 7, status: DENIED, grpc: PERMISSION_DENIED, message: m}\n")
		b.WriteString("  key_invalid: {code: 8, status: BAD_KEY, grpc: UNAUTHENTICATED, message: m}\n")
		b.WriteString("  key_not_found: {code: 9, status: NO_KEY, grpc: UNAUTHENTICATED, message: m}\n")
		b.WriteString("  unknown_endpoint: {code: 10, status: NO_METHOD, grpc: NOT_FOUND, message: m}\n")
		b.WriteString("defaults:\n  principals: [app_key]\nscopes:\n")
		for i := range 13 {
			fmt.Fprintf(&b, "  - {name: X%d, id: %d, description: X%d.}\n", i, i+1, i)
		}
		b.WriteString("endpoints:\n  - method: /t.S/Get\n    any_of:\n")
		for i := range 12 {
			for j := i + 1; j < 12; j++ {
				fmt.Fprintf(&b, "      - {requires: [%s]}\n", edit(i, j))
			}
		}
		return []byte(b.String())
	}
	same := func(i, j int) string { return fmt.Sprintf("X%d, X%d", i, j) }
	old := load(t, "old.yaml", spec(same))
	for _, tc := range []struct {
		name     string
		edit     func(i, j int) string
		category diff.Category
		rule     string
		key      string // the witness's scopes
	}{
		{"fewer", func(i, j int) string {
			if i == 3 && j == 7 {
				return "X3"
			}
			return same(i, j)
		}, diff.Escalation, "endpoint-requirement-removed", "X3"},
		{"more", func(i, j int) string {
			if i == 10 && j == 11 {
				return "X10, X11, X12"
			}
			return same(i, j)
		}, diff.Breaking, "endpoint-requirement-added", "X10 X11"},
	} {
		r := diff.Compare(old, load(t, "new.yaml", spec(tc.edit)))
		found := false
		var got []string
		for _, f := range r.Findings {
			got = append(got, fmt.Sprintf("%s %s %v", f.Category, f.Rule, f.Witness))
			if f.Category != tc.category || f.Witness == nil {
				continue
			}
			w := f.Witness
			found = found || f.Rule == tc.rule && strings.Join(w.Grant.Scopes, " ") == tc.key && w.Old.Allowed != w.New.Allowed
		}
		if !found {
			t.Errorf("%s: want %s (%s) witnessed by a key of %s; got\n%s", tc.name, tc.category, tc.rule, tc.key, strings.Join(got, "\n"))
		}
	}
}
