package scopegrpc_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// TestRedactedCopyShares: a redacted response is a copy along the paths to
// the fields removed only: the messages that hold no redacted data are the
// handler's own, shared, and the handler's messages are never changed.
func TestRedactedCopyShares(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	items := stored()
	resp := &testpb.ListItemsResponse{Items: items}
	got := redactedList(t, e, resp)
	a, b, c := got.Items[0], got.Items[1], got.Items[2]
	switch {
	case got == resp:
		t.Error("the response was not copied")
	case a == items[0] || b == items[1]:
		t.Error("items a and b, which hold concepts, were not copied")
	case c != items[2]:
		t.Error("item c, which holds nothing to redact, was copied")
	case a.Variants["plain"] != items[0].Variants["plain"]:
		t.Error("variant plain, which holds no concepts, was copied")
	case a.Variants["small"] == items[0].Variants["small"]:
		t.Error("variant small, which holds concepts, was not copied")
	case a.Children[1] != items[0].Children[1] || a.Children[0] == items[0].Children[0]:
		t.Error("child a1 (a secret) must be copied, child a2 (none) shared")
	case a.Data.Concepts != nil || a.Variants["small"].Concepts != nil || a.Children[0].Secret != "":
		t.Errorf("not redacted: %v", a)
	case a.Secret != items[0].Secret || a.Data.Text != items[0].Data.Text:
		t.Errorf("a field that is not redacted was lost: %v", a)
	}
}

// TestRedactDynamic: messages that are not protoc-gen-go's open structs
// (here dynamicpb's) take the protoreflect path, with the same result, and
// are left as they were.
func TestRedactDynamic(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	static := &testpb.ListItemsResponse{Items: stored()}
	wire, err := proto.Marshal(static)
	if err != nil {
		t.Fatal(err)
	}
	dyn := dynamicpb.NewMessage(static.ProtoReflect().Descriptor())
	if err := proto.Unmarshal(wire, dyn); err != nil {
		t.Fatal(err)
	}
	before := proto.Clone(dyn)
	o := invoke(e, context.Background(), listItems, false, dyn)
	if o.err != nil {
		t.Fatal(o.err)
	}
	if !proto.Equal(dyn, before) {
		t.Error("redaction changed the handler's dynamic message")
	}
	want := invoke(e, context.Background(), listItems, false, static).sent[0].(proto.Message)
	gotWire, err := proto.Marshal(o.sent[0].(proto.Message))
	if err != nil {
		t.Fatal(err)
	}
	got := &testpb.ListItemsResponse{}
	if err := proto.Unmarshal(gotWire, got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, want) {
		t.Errorf("dynamic message redacted to\n%v\nwant\n%v", got, want)
	}
}

// TestRedactedLongList: the copies of the elements of a long list, allocated
// in batches, are each the right element's, past the batch size and past the
// elements whose changes are remembered (256).
func TestRedactedLongList(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	resp := &testpb.ListItemsResponse{}
	for i := range 300 {
		it := &testpb.Item{Id: fmt.Sprint(i), Secret: "kept"}
		if i%3 != 0 {
			it.Data = &testpb.Data{Text: fmt.Sprint("text ", i), Concepts: []*testpb.Concept{{Id: "c"}}}
		}
		resp.Items = append(resp.Items, it)
	}
	got := redactedList(t, e, resp)
	for i, it := range got.Items {
		want := proto.Clone(resp.Items[i]).(*testpb.Item)
		if want.Data != nil {
			want.Data.Concepts = nil
		}
		if !proto.Equal(it, want) || (i%3 == 0) != (it == resp.Items[i]) {
			t.Fatalf("item %d: %v (shared %v), want %v", i, it, it == resp.Items[i], want)
		}
	}
}

// TestRedactedListSizes: lists of every size around the batch size (16),
// with every pattern of elements that change (none, all, every other, one,
// all but one), nested in the response's list (Children) as well: each
// element is redacted or shared as it should be, wherever its copy is
// allocated (with the response, in a block of its own, or in batches).
func TestRedactedListSizes(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	patterns := map[string]func(i, n int) bool{
		"none":        func(int, int) bool { return false },
		"all":         func(int, int) bool { return true },
		"even":        func(i, _ int) bool { return i%2 == 0 },
		"odd":         func(i, _ int) bool { return i%2 == 1 },
		"first":       func(i, _ int) bool { return i == 0 },
		"last":        func(i, n int) bool { return i == n-1 },
		"all but one": func(i, n int) bool { return i != n/2 },
	}
	item := func(id string, concepts bool) *testpb.Item {
		it := &testpb.Item{Id: id, Secret: "kept", Data: &testpb.Data{Text: "text of " + id}}
		if concepts {
			it.Data.Concepts = []*testpb.Concept{{Id: "c" + id}}
		}
		return it
	}
	child := func(id string, secret bool) *testpb.Item {
		it := &testpb.Item{Id: id}
		if secret {
			it.Secret = "secret " + id
		}
		return it
	}
	for n := range 20 {
		for name, changes := range patterns {
			t.Run(fmt.Sprintf("%d items/%s", n, name), func(t *testing.T) {
				resp := &testpb.ListItemsResponse{}
				for i := range n {
					// The spec redacts items.data.concepts and items.children.secret.
					it := item(fmt.Sprint(i), changes(i, n))
					for j := range n % 5 {
						it.Children = append(it.Children, child(fmt.Sprint(i, ".", j), changes(j, n%5)))
					}
					resp.Items = append(resp.Items, it)
				}
				got := redactedList(t, e, resp)
				for i, it := range got.Items {
					src := resp.Items[i]
					want := proto.Clone(src).(*testpb.Item)
					want.Data.Concepts = nil
					changed := len(src.Data.Concepts) > 0
					for _, c := range want.Children {
						changed = changed || c.Secret != ""
						c.Secret = ""
					}
					if !proto.Equal(it, want) {
						t.Fatalf("item %d is %v, want %v", i, it, want)
					}
					if (it == src) == changed {
						t.Errorf("item %d shared %v, but it changes %v", i, it == src, changed)
					}
					for j, c := range it.Children {
						if (c == src.Children[j]) != (src.Children[j].Secret == "") {
							t.Errorf("child %d.%d shared %v", i, j, c == src.Children[j])
						}
					}
				}
			})
		}
	}
}

// redactedList calls ListItems through e with the handler's response resp,
// and returns what the client gets, after checking that the handler's
// response was left as it was.
func redactedList(t *testing.T, e *scopegrpc.Enforcer[scopes.Grant, scopes.Decision], resp *testpb.ListItemsResponse) *testpb.ListItemsResponse {
	t.Helper()
	before := proto.Clone(resp)
	o := invoke(e, context.Background(), listItems, false, resp)
	if o.err != nil {
		t.Fatal(o.err)
	}
	if !proto.Equal(resp, before) {
		t.Fatal("redaction changed the handler's response")
	}
	return o.sent[0].(*testpb.ListItemsResponse)
}
