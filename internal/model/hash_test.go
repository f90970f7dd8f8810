package model_test

import (
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestSpecHash: the version hash of a spec is that of its canonical form
// without comments: a spec laid out, named or commented differently has the
// same hash, any change of a value another; and it is 16 hex digits.
func TestSpecHash(t *testing.T) {
	const base = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: a}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: b}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: c}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: d}
defaults:
  principals: [app_key]
scopes:
  - {name: "Items:Get", id: 1, description: Read items.}
endpoints:
  - method: /pkg.Svc/Get
    requires: ["Items:Get"]
`
	hash := func(name, text string) string {
		t.Helper()
		f, err := spec.Parse(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Build(f)
		if err != nil {
			t.Fatal(err)
		}
		return m.SpecHash
	}
	h := hash("scopes.yaml", base)
	if len(h) != 16 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("SpecHash %q: want 16 lowercase hex digits", h)
	}
	same := `# A comment at the top.
scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: a}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: b}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: c}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: d}
# defaults
defaults:
  principals: [app_key]

# The scopes.
scopes:
  # One scope.
  - name: "Items:Get"
    description: Read items.
    id: 1
endpoints:
  - {method: /pkg.Svc/Get, requires: ["Items:Get"]}
`
	if got := hash("/elsewhere/other.yaml", same); got != h {
		t.Errorf("the same spec laid out, named and commented differently: %s, want %s", got, h)
	}
	for _, changed := range []string{
		strings.Replace(base, "Read items.", "Reads items.", 1),
		strings.Replace(base, "id: 1", "id: 2", 1),
		base + "  - {method: /pkg.Svc/Health, public: true}\n",
	} {
		if got := hash("scopes.yaml", changed); got == h {
			t.Errorf("a changed spec has the same hash %s:\n%s", h, changed)
		}
	}
}
