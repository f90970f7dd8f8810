package generated_test

import (
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
)

// TestRedactionMask checks that bit i of RedactionMask is set exactly when
// the endpoint's i-th Redactions field is among Redacted, for callers that
// lose a field and callers that keep it.
func TestRedactionMask(t *testing.T) {
	grants := []scopes.Grant{
		grant(t, scopes.AppKey, "Inputs:Get", "ListInputs"),
		grant(t, scopes.AppKey, "Inputs:Get,Concepts:Get", "ListInputs"),
		grant(t, scopes.AppKey, "All"),
	}
	redactedSome := false
	for _, g := range grants {
		for _, e := range endpointList() {
			d := g.CheckEndpoint(e)
			got := redactedSet(d)
			mask := d.RedactionMask()
			i := 0
			for field := range e.Redactions() {
				if on := mask&(1<<i) != 0; on != got[field] {
					t.Errorf("%v, %v: RedactionMask bit %d (%s) = %v, Redacted has it: %v", g, e, i, field, on, got[field])
				}
				i++
			}
			if mask>>i != 0 {
				t.Errorf("%v, %v: RedactionMask %b has bits beyond the endpoint's %d redactions", g, e, mask, i)
			}
			if (mask != 0) != d.Redacts() {
				t.Errorf("%v, %v: RedactionMask %b but Redacts() = %v", g, e, mask, d.Redacts())
			}
			redactedSome = redactedSome || mask != 0
		}
	}
	if !redactedSome {
		t.Fatal("no grant lost a field: the test checks nothing")
	}
}
