// This file is copied next to a package generated from an imported spec by
// internal/protoimport's end-to-end test, with truth.json: what the .proto
// files say of each RPC, written by the test from the files, not from the
// spec. It drives the generated checker with grants made from that, and
// with the reference's decisions (cases.json), and checks that checking
// does not allocate.

package scopes

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// rpc is what the .proto files say of one RPC.
type rpc struct {
	Method   string   `json:"method"`
	Public   bool     `json:"public"`
	Skip     bool     `json:"skip"`  // left out: no API key or token may call it
	Kinds    int      `json:"kinds"` // the principals that may call it
	Requires []string `json:"requires"`
}

func mkGrant(t *testing.T, kind Principal, scopes []string) Grant {
	t.Helper()
	g, err := NewGrant(kind, scopes, nil)
	if err != nil {
		t.Fatalf("NewGrant(%v, %v): %v", kind, scopes, err)
	}
	return g
}

func TestWhatTheProtoSays(t *testing.T) {
	data, err := os.ReadFile("truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var rpcs []rpc
	if err := json.Unmarshal(data, &rpcs); err != nil {
		t.Fatal(err)
	}
	var all []string
	for s := range AllScopes().Scopes() {
		all = append(all, s.String())
	}
	for _, r := range rpcs {
		_, known := LookupEndpoint(r.Method)
		switch {
		case r.Skip:
			if known || mkGrant(t, AppKey|PersonalAccessToken, all).Check(r.Method).Allowed() {
				t.Errorf("%s: left out of the spec, but the checker knows it or allows it", r.Method)
			}
			continue
		case !known:
			t.Errorf("%s: unknown to the checker", r.Method)
			continue
		case r.Public:
			if d := (Grant{}).Check(r.Method); !d.Allowed() {
				t.Errorf("%s: public, but a call without a key is refused: %v", r.Method, d.Reason())
			}
			continue
		}
		if d := (Grant{}).Check(r.Method); d.Allowed() {
			t.Errorf("%s: a call without a key is allowed", r.Method)
		}
		for _, kind := range []Principal{AppKey, PersonalAccessToken} {
			d := mkGrant(t, kind, r.Requires).Check(r.Method)
			if int(kind)&r.Kinds == 0 {
				if d.Allowed() {
					t.Errorf("%s: a %v key is allowed; the proto allows only kinds %d", r.Method, kind, r.Kinds)
				}
				continue
			}
			if !d.Allowed() {
				t.Errorf("%s: a %v key with exactly %v is refused: %v, missing %v", r.Method, kind, r.Requires, d.Reason(), d.Missing())
			}
			for i, s := range r.Requires {
				less := slices.Delete(slices.Clone(r.Requires), i, i+1)
				if slices.Contains(less, "All") {
					continue // All grants the scope left out
				}
				d := mkGrant(t, kind, less).Check(r.Method)
				if d.Allowed() || d.Missing().String() != s {
					t.Errorf("%s: a %v key without %s gets allowed %v, missing %q", r.Method, kind, s, d.Allowed(), d.Missing())
				}
			}
		}
	}
}

type decisionCase struct {
	Method  string `json:"method"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
	Code    int    `json:"code"`
	Missing string `json:"missing"`
}

type grantCase struct {
	Kind      int      `json:"kind"`
	Scopes    []string `json:"scopes"`
	Endpoints []string `json:"endpoints"`
}

func TestDecisionsAgainstReference(t *testing.T) {
	data, err := os.ReadFile("cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Cases []struct {
			None      bool           `json:"none"`
			Key       grantCase      `json:"key"`
			Invite    *grantCase     `json:"invite"`
			Decisions []decisionCase `json:"decisions"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	mk := func(g grantCase) Grant {
		out, err := NewGrant(Principal(g.Kind), g.Scopes, g.Endpoints)
		if err != nil {
			t.Fatalf("NewGrant(%+v): %v", g, err)
		}
		return out
	}
	for i, c := range s.Cases {
		var g Grant
		if !c.None {
			g = mk(c.Key)
			if c.Invite != nil {
				g = g.Intersect(mk(*c.Invite))
			}
		}
		for _, want := range c.Decisions {
			d := g.Check(want.Method)
			if d.Allowed() != want.Allowed || d.Reason().String() != want.Reason || d.Code() != want.Code || d.Missing().String() != want.Missing {
				t.Errorf("case %d %v: Check(%q) = %v %s %d %q; reference %+v", i, g, want.Method, d.Allowed(), d.Reason(), d.Code(), d.Missing(), want)
			}
		}
		if i < 20 {
			for _, want := range c.Decisions {
				if n := testing.AllocsPerRun(10, func() { g.Check(want.Method) }); n != 0 {
					t.Errorf("Check(%q) allocates %v times", want.Method, n)
				}
			}
		}
	}
}
