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
	before := proto.Clone(resp)
	o := invoke(e, context.Background(), listItems, false, resp)
	if o.err != nil {
		t.Fatal(o.err)
	}
	got := o.sent[0].(*testpb.ListItemsResponse)
	if !proto.Equal(resp, before) {
		t.Fatal("redaction changed the handler's response")
	}
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
	before := proto.Clone(resp)
	o := invoke(e, context.Background(), listItems, false, resp)
	if o.err != nil {
		t.Fatal(o.err)
	}
	if !proto.Equal(resp, before) {
		t.Fatal("redaction changed the handler's response")
	}
	got := o.sent[0].(*testpb.ListItemsResponse)
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
