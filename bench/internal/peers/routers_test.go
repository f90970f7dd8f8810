package peers_test

import (
	"testing"

	"github.com/scopegen/scopegen/bench/internal/peers"
	"github.com/scopegen/scopegen/internal/model"
)

// TestRouters checks that each router routes the requests of the mix to
// the binding they were made for, and says what each router skips.
func TestRouters(t *testing.T) {
	m, err := model.Load("../../specs/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs := peers.NewRouters(m)
	t.Logf("%d bindings; skipped %v; routed elsewhere %v; mix of %d requests", len(rs.Routes), rs.Skipped, rs.Wrong, len(rs.Mix))
	if len(rs.Mix) < len(rs.Routes)/2 {
		t.Errorf("a mix of %d requests of %d bindings: too few", len(rs.Mix), len(rs.Routes))
	}
	for i, req := range rs.Mix {
		if !rs.LookupHTTPRouter(req.Verb, req.Path) || !rs.FindChi(req.Verb, req.Path) || !rs.HandlerServeMux(rs.MuxRequests[i]) {
			t.Errorf("%s %s: not routed by every router", req.Verb, req.Path)
		}
	}
}
