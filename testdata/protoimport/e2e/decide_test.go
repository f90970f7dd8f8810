// This file is copied next to a package generated from an imported spec by
// the end-to-end tests of internal/protoimport and cmd/scopegen, with
// truth.json: what the .proto files say of each RPC and each scope, written
// by the test from the files (or from compiling them), not from the spec. It
// drives the generated checker with grants made from that, and checks that
// checking does not allocate; testdata/e2e/check_test.go, copied beside it,
// checks the reference's decisions (cases.json).

package scopes

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// truth is what the .proto files say.
type truth struct {
	RPCs   []rpc   `json:"rpcs"`
	Scopes []scope `json:"scopes"`
}

// scope is what the .proto files say of one scope: its name, its id (the
// enum value's number), the scopes it depends on directly, and whether it is
// deprecated.
type scope struct {
	Name       string   `json:"name"`
	ID         int      `json:"id"`
	Requires   []string `json:"requires"`
	Deprecated bool     `json:"deprecated"`
}

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

func readTruth(t *testing.T) truth {
	t.Helper()
	data, err := os.ReadFile("truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr truth
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.RPCs) == 0 || len(tr.Scopes) == 0 {
		t.Fatalf("truth.json has %d RPCs and %d scopes", len(tr.RPCs), len(tr.Scopes))
	}
	return tr
}

func names(s Set) []string {
	var out []string
	for x := range s.Scopes() {
		out = append(out, x.String())
	}
	slices.Sort(out)
	return out
}

// TestScopesTheProtoSays: the package has exactly the enum's scopes, by
// name and id, with their prerequisites (the closure of what each depends
// on) and deprecation.
func TestScopesTheProtoSays(t *testing.T) {
	tr := readTruth(t)
	direct := map[string][]string{}
	for _, s := range tr.Scopes {
		direct[s.Name] = s.Requires
	}
	if n := AllScopes().Len(); n != len(tr.Scopes) {
		t.Errorf("the package has %d scopes, the proto %d", n, len(tr.Scopes))
	}
	for _, s := range tr.Scopes {
		got, ok := ParseScope(s.Name)
		if !ok {
			t.Errorf("scope %s (%d) is unknown to the package", s.Name, s.ID)
			continue
		}
		if int(got) != s.ID || got.String() != s.Name || got.Deprecated() != s.Deprecated {
			t.Errorf("scope %s: id %d, name %q, deprecated %v; the proto says %d, %v", s.Name, got, got.String(), got.Deprecated(), s.ID, s.Deprecated)
		}
		closure := map[string]bool{}
		var walk func(n string)
		walk = func(n string) {
			for _, r := range direct[n] {
				if !closure[r] {
					closure[r] = true
					walk(r)
				}
			}
		}
		walk(s.Name)
		delete(closure, s.Name)
		var want []string
		for n := range closure {
			want = append(want, n)
		}
		slices.Sort(want)
		if got := names(got.Prerequisites()); !slices.Equal(got, want) {
			t.Errorf("scope %s: prerequisites %v, the proto says %v", s.Name, got, want)
		}
	}
}

func TestWhatTheProtoSays(t *testing.T) {
	tr := readTruth(t)
	rpcs := tr.RPCs
	endpoints, callable := 0, 0
	for _, r := range rpcs {
		if !r.Skip {
			callable++
		}
	}
	for e := range Endpoints() {
		endpoints++
		if !slices.ContainsFunc(rpcs, func(r rpc) bool { return r.Method == e.FullMethod() && !r.Skip }) {
			t.Errorf("endpoint %s is not an RPC the proto lets keys call", e.FullMethod())
		}
	}
	if endpoints != callable {
		t.Errorf("the package has %d endpoints; the proto has %d RPCs that keys may call", endpoints, callable)
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
		}
		e, _ := LookupEndpoint(r.Method)
		want := slices.Clone(r.Requires)
		if r.Public {
			want = nil // a call without a key cannot be checked for scopes
		}
		slices.Sort(want)
		if got := names(e.Required()); !slices.Equal(got, want) || e.Public() != r.Public {
			t.Errorf("%s: requires %v, public %v; the proto says %v, %v", r.Method, got, e.Public(), want, r.Public)
		}
		if !r.Public && int(e.Principals()) != r.Kinds {
			t.Errorf("%s: principals %v; the proto says kinds %d", r.Method, e.Principals(), r.Kinds)
		}
		switch {
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
