package reference_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scopegen/scopegen/internal/reference"
)

// TestUses checks where endpoints refer to a scope: requirements, request
// scopes (each entry) and redactions (each field), endpoint by endpoint in
// spec order; a scope that grants every scope only where it is named.
func TestUses(t *testing.T) {
	m := build(t, `scopes:
  - {name: All, id: 1, description: Everything., grants_all: true}
  - {name: Read, id: 2, description: Reads.}
  - {name: Write, id: 3, description: Writes.}
  - {name: Unused, id: 4, description: Nothing.}
endpoints:
  - method: /t.S/Put
    requires: [Write]
    redact:
      - {field: a.b, unless: [Read, Write]}
      - {field: a.c, unless: [Write]}
  - method: /t.S/Get
    requires: [Read]
    request_scopes:
      - {scope: Write, when: it writes}
      - {scope: All, when: it does everything}
  - {method: /t.S/Health, public: true}
`)
	show := func(uses []reference.Use) []string {
		var out []string
		for _, u := range uses {
			out = append(out, fmt.Sprintf("%s %d %s", u.Endpoint.Method, u.Kind, u.Field))
		}
		return out
	}
	req, check, red := reference.UseRequired, reference.UseRequest, reference.UseRedaction
	for scope, want := range map[string][]string{
		"Write": {
			fmt.Sprintf("/t.S/Put %d ", req), fmt.Sprintf("/t.S/Put %d a.b", red), fmt.Sprintf("/t.S/Put %d a.c", red),
			fmt.Sprintf("/t.S/Get %d ", check)},
		"Read":   {fmt.Sprintf("/t.S/Put %d a.b", red), fmt.Sprintf("/t.S/Get %d ", req)},
		"All":    {fmt.Sprintf("/t.S/Get %d ", check)},
		"Unused": nil,
	} {
		s := m.Scope(scope)
		if got := show(reference.Uses(m, s)); !slices.Equal(got, want) {
			t.Errorf("Uses(%s) = %q, want %q", scope, got, want)
		}
		var at []reference.Use
		for _, e := range m.Endpoints {
			at = append(at, reference.UsesAt(e, s)...)
		}
		if got := show(at); !slices.Equal(got, want) {
			t.Errorf("UsesAt of each endpoint for %s = %q, want %q", scope, got, want)
		}
	}
	if uses := reference.UsesAt(m.Endpoint("/t.S/Health"), m.Scope("Read")); uses != nil {
		t.Errorf("UsesAt of an endpoint that does not refer to the scope = %v, want nil", uses)
	}
}
