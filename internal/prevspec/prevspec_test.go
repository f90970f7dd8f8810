package prevspec

import (
	"slices"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

func scope(name string, id int64) spec.Scope {
	return spec.Scope{Name: spec.Str{Value: name}, ID: spec.Int{Value: id, Set: true}}
}

// TestAssignIDs: persisting names keep their ids, new ones take ids past
// every id used or reserved (wrapping to the lowest free one past
// model.MaxScopeID), gone ones are reserved, and a reserved name that is
// back is said so and gets a fresh id.
func TestAssignIDs(t *testing.T) {
	if got := AssignIDs(nil, []string{"b", "a"}); got.ID["b"] != 1 || got.ID["a"] != 2 || len(got.ReservedIDs)+len(got.ReservedNames) != 0 {
		t.Errorf("without prev: %+v", got)
	}
	prev := &spec.File{Scopes: []spec.Scope{scope("a", 3), scope("gone", 5)}}
	prev.Reserved.IDs = []spec.Int{{Value: 9}}
	prev.Reserved.Names = []spec.Str{{Value: "old"}, {Value: "back"}}
	got := AssignIDs(prev, []string{"new", "a", "back"})
	if got.ID["a"] != 3 || got.ID["new"] != 10 || got.ID["back"] != 11 {
		t.Errorf("ids %v, want a=3 new=10 back=11", got.ID)
	}
	if !slices.Equal(got.ReservedIDs, []int64{5, 9}) || !slices.Equal(got.ReservedNames, []string{"gone", "old"}) || !slices.Equal(got.Back, []string{"back"}) {
		t.Errorf("reserved %v %v, back %v", got.ReservedIDs, got.ReservedNames, got.Back)
	}
	// Past the largest id, the lowest free ones.
	full := &spec.File{Scopes: []spec.Scope{scope("top", model.MaxScopeID), scope("one", 1)}}
	if got := AssignIDs(full, []string{"top", "one", "x"}); got.ID["x"] != 2 {
		t.Errorf("past MaxScopeID: x=%d, want 2", got.ID["x"])
	}
}

// TestRank: prev's endpoints first, in its order, by operation or method;
// the others after them.
func TestRank(t *testing.T) {
	prev := &spec.File{Endpoints: []spec.Endpoint{{Method: spec.Str{Value: "/s/B"}}, {Operation: spec.Str{Value: "a"}}}}
	rank := Rank(prev)
	if rank("/s/B") != 1 || rank("a") != 2 || rank("/s/New") != 3 {
		t.Errorf("ranks %d %d %d", rank("/s/B"), rank("a"), rank("/s/New"))
	}
	if r := Rank(nil); r("x") != r("y") {
		t.Error("without prev, ranks differ")
	}
}
