package protoimport_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// rangeSpec is a spec whose reserved ids are ids.
func rangeSpec(ids string, scopeID int) string {
	return `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: m}
defaults:
  principals: [app_key, pat]
scopes:
  - {name: "Items:Get", id: ` + strconv.Itoa(scopeID) + `, description: d}
reserved:
  ids: ` + ids + `
endpoints:
  - {method: /a.S/Get, requires: ["Items:Get"]}
`
}

func build(text string) (*model.Model, error) {
	f, err := spec.Parse("s.yaml", []byte(text))
	if err != nil {
		return nil, err
	}
	return model.Build(f)
}

// TestReservedRanges checks the range form that import-proto writes for
// "reserved 100 to max": the spec reads FROM-TO as every id in it, the
// model refuses a scope that takes one, the docs write it back compactly,
// and malformed or oversized ranges are errors.
func TestReservedRanges(t *testing.T) {
	if spec.MaxReservedID != model.MaxScopeID {
		t.Fatalf("spec.MaxReservedID is %d, model.MaxScopeID %d: keep them equal", spec.MaxReservedID, model.MaxScopeID)
	}
	m, err := build(rangeSpec("[3, 10-12, 100-16383]", 1))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Reserved.IDs); n != 4+16284 || m.Reserved.IDs[0] != 3 || m.Reserved.IDs[3] != 12 || m.Reserved.IDs[n-1] != 16383 {
		t.Errorf("reserved ids %v…, %d in all; want 3, 10, 11, 12, 100…16383", m.Reserved.IDs[:min(6, n)], n)
	}
	docs := string(gen.Docs(m, "s.yaml"))
	if !strings.Contains(docs, "- Ids: 3, 10-12, 100-16383\n") || len(docs) > 4000 {
		t.Errorf("docs list the reserved ids as\n%s\n(%d bytes); want 3, 10-12, 100-16383", grepLine(docs, "- Ids:"), len(docs))
	}
	for _, c := range []struct{ ids, want string }{
		{"[100-16383]", "has id 11000, which is reserved"}, // with scope id 11000 below
		{"[0-5]", "reserved range 0-5 is out of range; scope ids are 1 to 16383"},
		{"[1-16384]", "reserved range 1-16384 is out of range"},
		{"[9-7]", "reserved range 9-7 ends before it starts"},
		{"[1-16383, 1-16383]", "reserved ids list more than 16383 ids"},
		{"[5, 4-6]", "reserved id 5 is listed twice"},
		{`["10-12"]`, "reserved id must be a whole number"},
	} {
		_, err := build(rangeSpec(c.ids, 11000))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("reserved ids %s: error %v, want %q", c.ids, err, c.want)
		}
	}
}

func grepLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
