package enforce_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/generated"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
)

func TestJoin(t *testing.T) {
	for _, names := range [][]string{nil, {"a"}, {"a", "b"}, {"a", "b", "c"}} {
		if got, want := enforce.Join(slices.Values(names)), strings.Join(names, ","); got != want {
			t.Errorf("Join(%q) = %q, want %q", names, got, want)
		}
	}
}

// TestVerdictOf: a verdict holds the decision in plain values, with the
// missing scopes of a denial, the redacted fields of an allowed call and the
// error of a failed resolver; the allowed path allocates nothing, and
// neither does a redacting one after its first call.
func TestVerdictOf(t *testing.T) {
	const getItem = "/scopegen.test.Items/GetItem"
	reader, err := scopes.NewGrant(scopes.AppKey, []string{"Items:Get"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := scopes.NewGrant(scopes.AppKey, []string{"All"}, nil)
	pat, _ := scopes.NewGrant(scopes.PersonalAccessToken, []string{"Items:Get"}, nil)
	boom := errors.New("down")
	for _, tc := range []struct {
		name  string
		grant scopes.Grant
		d     scopes.Decision
		err   error
		want  enforce.Verdict
	}{
		{"allowed", full, full.Check(getItem), nil, enforce.Verdict{Kind: "app_key", Allowed: true, Status: "OK", Reason: "allowed"}},
		{"redacted", reader, reader.Check(getItem), nil, enforce.Verdict{Kind: "app_key", Allowed: true, Status: "OK", Reason: "allowed", Redacted: "item.data.concepts,item.secret"}},
		{"principal", pat, pat.Check("/scopegen.test.Items/Collect"), nil, enforce.Verdict{Kind: "pat", Code: 11007, Status: "CONN_INSUFFICIENT_SCOPES", Reason: "missing_scopes", Missing: "Items:Put"}},
		{"no credentials", scopes.Grant{}, scopes.Grant{}.Check("/scopegen.test.Items/Collect"), nil, enforce.Verdict{Kind: "none", Code: 11009, Status: "CONN_KEY_NOT_FOUND", Reason: "no_credentials", Missing: "Items:Get,Items:Put"}},
		{"unknown", full, full.Check("/x.Y/Z"), nil, enforce.Verdict{Kind: "app_key", Code: 11101, Status: "CONN_DOES_NOT_EXIST", Reason: "unknown_endpoint"}},
		{"key refused", scopes.Grant{}, full.Check(getItem).KeyInvalid(), nil, enforce.Verdict{Kind: "none", Code: 11008, Status: "CONN_KEY_INVALID", Reason: "key_invalid", Missing: ""}},
		{"resolver error", scopes.Grant{}, scopes.Decision{}, boom, enforce.Verdict{Kind: "none", Reason: enforce.ReasonError, Err: boom}},
	} {
		tc.want.SpecHash = scopes.SpecHash
		if got := enforce.VerdictOf(tc.grant, tc.d, tc.err); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	for _, g := range []scopes.Grant{full, reader} {
		d := g.Check(getItem)
		if n := testing.AllocsPerRun(100, func() { _ = enforce.VerdictOf(g, d, nil) }); n != 0 {
			t.Errorf("VerdictOf(%v): %v allocations, want 0", g, n)
		}
	}
	if scopes.SpecHash == generated.SpecHash {
		t.Errorf("two specs with the same hash %s", scopes.SpecHash)
	}
}

func TestDiffers(t *testing.T) {
	allowed := enforce.Verdict{Kind: "app_key", Allowed: true, Status: "OK", Reason: "allowed", SpecHash: "a"}
	e := enforce.Event{Verdict: allowed}
	if e.Differs() {
		t.Error("an event without a candidate differs")
	}
	e.Shadowed, e.Candidate = true, allowed
	e.Candidate.SpecHash, e.Candidate.Kind = "b", "pat"
	if e.Differs() {
		t.Error("a candidate of another hash and kind, but the same decision, differs")
	}
	for _, change := range []func(*enforce.Verdict){
		func(v *enforce.Verdict) { v.Allowed = false },
		func(v *enforce.Verdict) { v.Code = 1 },
		func(v *enforce.Verdict) { v.Reason = "public" },
		func(v *enforce.Verdict) { v.Missing = "X" },
		func(v *enforce.Verdict) { v.Redacted = "a.b" },
	} {
		c := e
		change(&c.Candidate)
		if !c.Differs() {
			t.Errorf("a candidate %+v does not differ from %+v", c.Candidate, c.Verdict)
		}
	}
}

func TestHooks(t *testing.T) {
	var got []string
	h := enforce.Hooks(
		func(_ context.Context, e enforce.Event) { got = append(got, "1 "+e.Method) },
		nil,
		func(_ context.Context, e enforce.Event) { got = append(got, "2 "+e.Method) },
	)
	h(context.Background(), enforce.Event{Method: "/a.B/C"})
	if want := []string{"1 /a.B/C", "2 /a.B/C"}; !slices.Equal(got, want) {
		t.Errorf("Hooks called %q, want %q", got, want)
	}
}

// TestSlogHook: allowed calls are logged at Debug, denied ones at Info, and
// those a candidate decides otherwise at Warn, with their attributes; a
// level the logger does not log costs no allocation.
func TestSlogHook(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	hook := enforce.SlogHook(l)
	ctx := context.Background()
	allowed := enforce.Verdict{Kind: "app_key", Allowed: true, Status: "OK", Reason: "allowed", Redacted: "a.b,c", SpecHash: "h1"}
	denied := enforce.Verdict{Kind: "app_key", Code: 11007, Status: "CONN_INSUFFICIENT_SCOPES", Reason: "missing_scopes", Missing: "Items:Put", SpecHash: "h2"}
	hook(ctx, enforce.Event{Transport: "grpc", Method: "/a.B/C", Verdict: allowed})
	hook(ctx, enforce.Event{Transport: "grpc", Method: "/a.B/D", Verdict: denied})
	hook(ctx, enforce.Event{Transport: "grpc", Method: "/a.B/C", Verdict: allowed, Shadowed: true, Candidate: denied})
	hook(ctx, enforce.Event{Transport: "grpc", Method: "/a.B/E", Verdict: enforce.Verdict{Kind: "none", Reason: enforce.ReasonError, Err: errors.New("down")}})
	want := []string{
		`level=DEBUG msg="scope decision" transport=grpc method=/a.B/C kind=app_key allowed=true code=0 status=OK reason=allowed redacted=a.b,c spec_hash=h1`,
		`level=INFO msg="scope decision" transport=grpc method=/a.B/D kind=app_key allowed=false code=11007 status=CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Items:Put spec_hash=h2`,
		`level=WARN msg="scope decision differs in shadow" transport=grpc method=/a.B/C kind=app_key allowed=true code=0 status=OK reason=allowed redacted=a.b,c spec_hash=h1 candidate.kind=app_key candidate.allowed=false candidate.code=11007 candidate.status=CONN_INSUFFICIENT_SCOPES candidate.reason=missing_scopes candidate.missing=Items:Put candidate.spec_hash=h2`,
		`level=INFO msg="scope decision" transport=grpc method=/a.B/E kind=none allowed=false code=0 status="" reason=error spec_hash="" error=down`,
	}
	if got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("logged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	quiet := enforce.SlogHook(slog.New(slog.NewTextHandler(&buf, nil))) // Info and above
	e := enforce.Event{Transport: "grpc", Method: "/a.B/C", Verdict: allowed}
	if n := testing.AllocsPerRun(100, func() { quiet(ctx, e) }); n != 0 {
		t.Errorf("an allowed call, not logged at Info: %v allocations, want 0", n)
	}
}
