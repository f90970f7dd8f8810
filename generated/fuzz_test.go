package generated_test

// Fuzz targets for the names a generated package parses: method names,
// scope names, scope lists and grants. Like properties_test.go, this file
// uses only the API of every generated package, and gen's random-spec test
// runs it (seeds only) against packages generated from random specs.
//
//	go test ./generated -run '^$' -fuzz '^FuzzLookupEndpoint$' -fuzztime 10s

import (
	"slices"
	"strings"
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
)

// methodSet and scopeNameSet are the oracles: the names the spec defines.
// methodSet holds the gRPC methods: an HTTP-only endpoint's operation name,
// which never starts with "/", is no method LookupEndpoint finds.
func methodSet() map[string]scopes.Endpoint {
	out := map[string]scopes.Endpoint{}
	for e := range scopes.Endpoints() {
		if strings.HasPrefix(e.FullMethod(), "/") {
			out[e.FullMethod()] = e
		}
	}
	return out
}

func scopeNameSet() map[string]scopes.Scope {
	out := map[string]scopes.Scope{}
	for s := range scopes.AllScopes().Scopes() {
		out[s.String()] = s
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkMethod checks LookupEndpoint and Check on s against the oracle.
func checkMethod(t *testing.T, methods map[string]scopes.Endpoint, s string) {
	e, ok := scopes.LookupEndpoint(s)
	want, isMethod := methods[s]
	if ok != isMethod || e != want {
		t.Fatalf("LookupEndpoint(%.100q) (%d bytes) = %v, %v; want %v, %v", s, len(s), e, ok, want, isMethod)
	}
	if ok && e.FullMethod() != s {
		t.Fatalf("LookupEndpoint(%q) = %v, whose method is %q", s, e, e.FullMethod())
	}
	d := scopes.MakeGrant(scopes.AllPrincipals, scopes.AllScopes()).Check(s)
	if (d.Reason() == scopes.ReasonUnknownEndpoint) == isMethod || (!isMethod && d.Allowed()) {
		t.Fatalf("Check(%.100q) = %v, allowed %v; is an endpoint: %v", s, d.Reason(), d.Allowed(), isMethod)
	}
}

func FuzzLookupEndpoint(f *testing.F) {
	for i, m := range sortedKeys(methodSet()) {
		f.Add(m)
		if i < 4 { // TestLookupEndpointHostile tries near misses of every method
			for _, miss := range nearMisses(m) {
				f.Add(miss)
			}
		}
	}
	f.Add(strings.Repeat("/", 64))
	methods := methodSet()
	f.Fuzz(func(t *testing.T, s string) {
		checkMethod(t, methods, s)
	})
}

// TestLookupEndpointHostile checks, for every endpoint, strings that a
// perfect hash could confuse with it: each prefix and suffix, each byte
// changed to several values, case changes, NUL bytes anywhere, and strings of
// a megabyte that start or end with the method.
func TestLookupEndpointHostile(t *testing.T) {
	methods := methodSet()
	const mb = 1 << 20
	for i, m := range sortedKeys(methods) {
		var tries []string
		for i := range len(m) + 1 {
			tries = append(tries, m[:i], m[i:], m[:i]+"\x00"+m[i:], m[:i]+m[i:]+m[:i])
		}
		for i := range len(m) {
			for _, c := range []byte{0, 1, ' ', '/', '.', 'A', 'z', 0x7f, 0x80, 0xff, m[i] ^ 0x20, m[i] ^ 1, m[i] + 1, m[i] - 1} {
				tries = append(tries, m[:i]+string([]byte{c})+m[i+1:])
			}
		}
		tries = append(tries, strings.ToUpper(m), strings.ToLower(m), strings.ReplaceAll(m, "/", "."))
		if i < 8 { // a megabyte each: enough to show that length is checked first
			tries = append(tries, m+strings.Repeat("x", mb), strings.Repeat("x", mb)+m, strings.Repeat(m, mb/len(m)+1),
				m+strings.Repeat("\x00", mb), strings.Repeat("\x00", mb))
		}
		for _, s := range tries {
			checkMethod(t, methods, s)
		}
	}
	// Every length around the methods', made of one byte.
	for n := range 128 {
		for _, c := range []string{"/", "a", "\x00", "\xff"} {
			checkMethod(t, methods, strings.Repeat(c, n))
		}
	}
}

// checkScopeName checks ParseScope, NewGrant and UnmarshalText on one name.
func checkScopeName(t *testing.T, names map[string]scopes.Scope, name string) {
	s, ok := scopes.ParseScope(name)
	want, isName := names[name]
	if ok != isName || s != want {
		t.Fatalf("ParseScope(%.100q) = %v, %v; want %v, %v", name, s, ok, want, isName)
	}
	g, err := scopes.NewGrant(firstKind, []string{name}, nil)
	if (err == nil) != isName || g.IsZero() == isName || (isName && !g.Has(want)) {
		t.Fatalf("NewGrant(firstKind, [%.100q]) = %v, %v; is a scope: %v", name, g, err, isName)
	}
}

func FuzzParseScope(f *testing.F) {
	for i, n := range sortedKeys(scopeNameSet()) {
		f.Add(n)
		if i < 4 { // TestPropertyUnknownNamesAreDenied tries near misses of every name
			for _, miss := range nearMisses(n) {
				f.Add(miss)
			}
		}
	}
	names := scopeNameSet()
	f.Fuzz(func(t *testing.T, name string) {
		checkScopeName(t, names, name)
	})
}

// FuzzSetUnmarshalText checks UnmarshalText against splitting on commas:
// every non-empty, trimmed part must be a scope name, or the text is refused
// and the set left as it was.
func FuzzSetUnmarshalText(f *testing.F) {
	all, _ := scopes.AllScopes().MarshalText()
	f.Add(all)
	f.Add([]byte(""))
	f.Add([]byte(" , ,"))
	for n := range scopeNameSet() {
		f.Add([]byte(" " + n + " ,"))
		f.Add([]byte(n + ",\x00"))
		f.Add([]byte(strings.ToLower(n)))
	}
	names := scopeNameSet()
	f.Fuzz(func(t *testing.T, text []byte) {
		var want scopes.Set
		valid := true
		for _, part := range strings.Split(string(text), ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			s, ok := names[part]
			if !ok {
				valid = false
				break
			}
			want.Add(s)
		}
		before := scopes.AllScopes() // what a refused text must leave as it was
		got := before
		err := got.UnmarshalText(text)
		if (err == nil) != valid {
			t.Fatalf("UnmarshalText(%.100q): %v; valid: %v", text, err, valid)
		}
		if !valid {
			if got != before {
				t.Fatalf("UnmarshalText(%.100q) failed but changed the set to %v", text, got)
			}
			return
		}
		if got != want {
			t.Fatalf("UnmarshalText(%.100q) = %v, want %v", text, got, want)
		}
		back, _ := got.MarshalText()
		var again scopes.Set
		if err := again.UnmarshalText(back); err != nil || again != got {
			t.Fatalf("round trip of %v through %q: %v, %v", got, back, again, err)
		}
	})
}

// FuzzNewGrant checks NewGrant on a kind and newline-separated scope and
// endpoint names: an error exactly when a name or the kind is unknown, and
// otherwise a grant that holds exactly what was named.
func FuzzNewGrant(f *testing.F) {
	var scopeNames, methodNames []string
	for n := range scopeNameSet() {
		scopeNames = append(scopeNames, n)
	}
	for m := range methodSet() {
		methodNames = append(methodNames, m)
	}
	slices.Sort(scopeNames)
	slices.Sort(methodNames)
	f.Add(uint8(firstKind), strings.Join(scopeNames, "\n"), "")
	f.Add(uint8(scopes.AllPrincipals), strings.Join(scopeNames[:len(scopeNames)/2], "\n"), strings.Join(methodNames, "\n"))
	if len(scopeNames) > 0 { // a spec may have none: an API whose keys carry no scopes
		f.Add(uint8(3), scopeNames[0]+"\nx", "")
		f.Add(uint8(0), scopeNames[0], "")
	}
	f.Add(uint8(4), "", "")
	if len(methodNames) > 0 {
		f.Add(uint8(1), "", methodNames[0]+"\n"+methodNames[0]+"x")
	}
	names, methods := scopeNameSet(), methodSet()
	f.Fuzz(func(t *testing.T, kind uint8, scopeList, endpointList string) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		ss, es := split(scopeList), split(endpointList)
		valid := kind >= 1 && scopes.Principal(kind)&^scopes.AllPrincipals == 0
		var want scopes.Set
		for _, n := range ss {
			s, ok := names[n]
			valid = valid && ok
			want.Add(s)
		}
		var wantEps []scopes.Endpoint
		for _, m := range es {
			e, ok := methods[m]
			valid = valid && ok
			if !slices.Contains(wantEps, e) {
				wantEps = append(wantEps, e)
			}
		}
		g, err := scopes.NewGrant(scopes.Principal(kind), ss, es)
		if (err == nil) != valid || g.IsZero() == valid {
			t.Fatalf("NewGrant(%d, %q, %q) = %v, %v; valid: %v", kind, ss, es, g, err, valid)
		}
		if !valid {
			return
		}
		if all, ok := grantsAllScope(); ok && want.Has(all) {
			want = scopes.AllScopes()
		}
		slices.Sort(wantEps)
		if g.Kind() != scopes.Principal(kind) || g.Scopes() != want || g.Restricted() != (len(es) > 0) || !slices.Equal(slices.Collect(g.Endpoints()), wantEps) {
			t.Fatalf("NewGrant(%d, %q, %q) = %v; want scopes %v, endpoints %v", kind, ss, es, g, want, wantEps)
		}
		if !scopes.MakeGrant(scopes.Principal(kind), want, wantEps...).Covers(g) || !g.Covers(scopes.MakeGrant(scopes.Principal(kind), want, wantEps...)) {
			t.Fatalf("NewGrant and MakeGrant differ for %v", g)
		}
	})
}
