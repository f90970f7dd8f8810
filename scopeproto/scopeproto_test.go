package scopeproto_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopeproto"
)

const getItem = "/scopegen.test.Items/GetItem"

func item() *testpb.GetItemResponse {
	return &testpb.GetItemResponse{Item: &testpb.Item{
		Id:       "a",
		Data:     &testpb.Data{Text: "t", Concepts: []*testpb.Concept{{Id: "cat"}}},
		Secret:   "s",
		Children: []*testpb.Item{{Id: "a1", Secret: "s1"}},
	}}
}

func grant(t *testing.T, names ...string) scopes.Grant {
	t.Helper()
	g, err := scopes.NewGrant(scopes.AppKey, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestRedact removes the fields a decision redacts from a copy, or from the
// message itself when InPlace is set, and returns the message itself when
// it holds none of them.
func TestRedact(t *testing.T) {
	d := grant(t, "Items:Get").Check(getItem)
	if !d.Allowed() || !d.Redacts() {
		t.Fatalf("%v: want an allowed call with redactions", d)
	}
	var r scopeproto.Redactor
	msg := item()
	got, err := scopeproto.Redact(&r, d, msg)
	if err != nil {
		t.Fatal(err)
	}
	want := &testpb.GetItemResponse{Item: &testpb.Item{Id: "a", Data: &testpb.Data{Text: "t"}, Children: []*testpb.Item{{Id: "a1", Secret: "s1"}}}}
	if !proto.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !proto.Equal(msg, item()) {
		t.Errorf("the message given was changed: %v", msg)
	}
	bare := &testpb.GetItemResponse{Item: &testpb.Item{Id: "c"}}
	if got, err := scopeproto.Redact(&r, d, bare); err != nil || got != proto.Message(bare) {
		t.Errorf("a message without the fields: %v, %v; want the message itself", got, err)
	}

	inPlace := scopeproto.Redactor{InPlace: true}
	msg = item()
	if got, err := scopeproto.Redact(&inPlace, d, msg); err != nil || got != proto.Message(msg) || !proto.Equal(msg, want) {
		t.Errorf("InPlace: %v, %v; want the message itself, redacted", got, err)
	}
}

// TestRedactWrongType: a redacted field that is not a field of the message
// is an error, which names it, and the message is not returned.
func TestRedactWrongType(t *testing.T) {
	d := grant(t, "Items:Get").Check(getItem)
	var r scopeproto.Redactor
	got, err := scopeproto.Redact(&r, d, &testpb.ListItemsResponse{})
	if err == nil || got != nil || !strings.Contains(err.Error(), "cannot redact the response of "+getItem) {
		t.Errorf("got %v, %v; want an error and no message", got, err)
	}
}

// TestErrorInfo: the detail of a denial, and its code.
func TestErrorInfo(t *testing.T) {
	d := grant(t, "Search").Check(getItem)
	info := scopeproto.ErrorInfo(d, getItem, "")
	if info.Reason != d.Status() || info.Domain != "scopegen.test.Items" {
		t.Errorf("reason %q domain %q", info.Reason, info.Domain)
	}
	want := map[string]string{"code": "11007", "status": "CONN_INSUFFICIENT_SCOPES", "endpoint": getItem, "reason": "missing_scopes", "missing_scopes": "Items:Get"}
	for k, v := range want {
		if info.Metadata[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, info.Metadata[k], v)
		}
	}
	if len(info.Metadata) != len(want) {
		t.Errorf("metadata %v, want %v", info.Metadata, want)
	}
	if c := scopeproto.Code(d); c != 7 {
		t.Errorf("Code %d, want 7 (PermissionDenied)", c)
	}
	var none scopes.Grant
	if c := scopeproto.Code(none.Check(getItem)); c != scopeproto.Unauthenticated {
		t.Errorf("Code without credentials %d, want Unauthenticated", c)
	}
	if got := scopeproto.ErrorInfo(none.Check(getItem), getItem, "example.com").Domain; got != "example.com" {
		t.Errorf("domain %q", got)
	}
	for in, want := range map[string]string{"/a.B/C": "a.B", "a.B/C": "a.B", "/x": "x"} {
		if got := scopeproto.Service(in); got != want {
			t.Errorf("Service(%q) = %q, want %q", in, got, want)
		}
	}
}
