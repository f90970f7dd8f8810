// This file is copied next to a generated package by gen's end-to-end test,
// with cases.json computed by the reference implementation (internal/testonly/cases).
// It checks that the generated checker gives the reference's answer for every
// case, and that checking never allocates.

package scopes

import (
	_ "embed"
	"encoding/json"
	"strings"
	"testing"
)

// casesJSON is embedded rather than read, so that the go command can cache
// the test's result: a file the test opens would tie it to its directory.
//
//go:embed cases.json
var casesJSON []byte

type grantCase struct {
	Kind      int      `json:"kind"`
	Scopes    []string `json:"scopes"`
	Endpoints []string `json:"endpoints"`
}

type decisionCase struct {
	Method   string   `json:"method"`
	Allowed  bool     `json:"allowed"`
	Reason   string   `json:"reason"`
	Code     int      `json:"code"`
	Missing  string   `json:"missing"`
	Redacted []string `json:"redacted"`
}

type suite struct {
	Methods  []string `json:"methods"`
	Requests []struct {
		Verb string `json:"verb"`
		Path string `json:"path"`
	} `json:"requests"`
	Cases []struct {
		None                 bool              `json:"none"`
		Key                  grantCase         `json:"key"`
		Invite               *grantCase        `json:"invite"`
		Decisions            []decisionCase    `json:"decisions"`
		HTTP                 []decisionCase    `json:"http"`
		MissingPrerequisites map[string]string `json:"missing_prerequisites"`
		Closure              string            `json:"closure"`
		Scopes               string            `json:"scopes"`
	} `json:"cases"`
	Covers []struct {
		A, B int
		Want bool
	} `json:"covers"`
}

func load(t *testing.T) suite {
	var s suite
	if err := json.Unmarshal(casesJSON, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func newGrant(t *testing.T, g grantCase) Grant {
	t.Helper()
	out, err := NewGrant(Principal(g.Kind), g.Scopes, g.Endpoints)
	if err != nil {
		t.Fatalf("NewGrant(%+v): %v", g, err)
	}
	return out
}

func TestAgainstReference(t *testing.T) {
	s := load(t)
	grants := make([]Grant, len(s.Cases))
	for i, c := range s.Cases {
		var g Grant
		if !c.None {
			g = newGrant(t, c.Key)
			if c.Invite != nil {
				g = g.Intersect(newGrant(t, *c.Invite))
			}
		}
		grants[i] = g
		if got := g.Scopes().String(); got != c.Scopes {
			t.Errorf("case %d %v: scopes %q, want %q", i, g, got, c.Scopes)
		}
		for _, want := range c.Decisions {
			d := g.Check(want.Method)
			var redacted []string
			for f := range d.Redacted() {
				redacted = append(redacted, f)
			}
			if d.Allowed() != want.Allowed || d.Reason().String() != want.Reason || d.Code() != want.Code ||
				d.Missing().String() != want.Missing || strings.Join(redacted, " ") != strings.Join(want.Redacted, " ") {
				t.Errorf("case %d %v: Check(%q) = allowed %v, reason %s, code %d, missing %q, redacted %q; reference: %+v",
					i, g, want.Method, d.Allowed(), d.Reason(), d.Code(), d.Missing(), redacted, want)
			}
			if e, ok := LookupEndpoint(want.Method); ok != (e != 0) || (ok && e.FullMethod() != want.Method) {
				t.Errorf("LookupEndpoint(%q) = %v, %v", want.Method, e, ok)
			} else if ok && g.CheckEndpoint(e) != d {
				t.Errorf("case %d: CheckEndpoint(%v) differs from Check", i, e)
			}
		}
		for j, want := range c.HTTP {
			req := s.Requests[j]
			d := g.CheckHTTP(req.Verb, req.Path)
			var redacted []string
			for f := range d.Redacted() {
				redacted = append(redacted, f)
			}
			if d.Method() != want.Method || d.Allowed() != want.Allowed || d.Reason().String() != want.Reason || d.Code() != want.Code ||
				d.Missing().String() != want.Missing || strings.Join(redacted, " ") != strings.Join(want.Redacted, " ") {
				t.Errorf("case %d %v: CheckHTTP(%s %q) = %s, allowed %v, reason %s, code %d, missing %q, redacted %q; reference: %+v",
					i, g, req.Verb, req.Path, d.Method(), d.Allowed(), d.Reason(), d.Code(), d.Missing(), redacted, want)
			}
		}
		got := map[string]string{}
		for _, p := range g.MissingPrerequisites() {
			key := p.Scope.String()
			if p.Endpoint != 0 {
				key = p.Endpoint.FullMethod()
			}
			got[key] = p.Missing.String()
		}
		if len(got) != len(c.MissingPrerequisites) {
			t.Errorf("case %d %v: MissingPrerequisites = %v, reference %v", i, g, got, c.MissingPrerequisites)
		}
		for k, v := range c.MissingPrerequisites {
			if got[k] != v {
				t.Errorf("case %d %v: MissingPrerequisites[%q] = %q, reference %q", i, g, k, got[k], v)
			}
		}
		if closure := g.Closure(); closure.Scopes().String() != c.Closure || len(closure.MissingPrerequisites()) != 0 {
			t.Errorf("case %d %v: Closure = %v, reference scopes %q", i, g, closure, c.Closure)
		}
	}
	for _, c := range s.Covers {
		if got := grants[c.A].Covers(grants[c.B]); got != c.Want {
			t.Errorf("%v covers %v = %v, reference %v", grants[c.A], grants[c.B], got, c.Want)
		}
	}
	t.Logf("%d grants × (%d methods + %d HTTP requests), %d covers", len(s.Cases), len(s.Methods), len(s.Requests), len(s.Covers))
}

func TestCheckDoesNotAllocate(t *testing.T) {
	s := load(t)
	for _, c := range s.Cases[:min(len(s.Cases), 40)] {
		var g Grant
		if !c.None {
			g = newGrant(t, c.Key)
		}
		for _, m := range s.Methods {
			if n := testing.AllocsPerRun(20, func() { _ = g.Check(m) }); n != 0 {
				t.Errorf("%v: Check(%q) allocates %v times", g, m, n)
			}
		}
	}
}

func TestSetRoundTrip(t *testing.T) {
	all := AllScopes()
	if all.Len() != NumScopes {
		t.Fatalf("AllScopes has %d scopes, want %d", all.Len(), NumScopes)
	}
	text, _ := all.MarshalText()
	var back Set
	if err := back.UnmarshalText(text); err != nil || back != all {
		t.Fatalf("round trip of %q: %v, %v", text, back, err)
	}
	for s := range all.Scopes() {
		if p, ok := ParseScope(s.String()); !ok || p != s || !s.Valid() {
			t.Errorf("ParseScope(%q) = %v, %v", s.String(), p, ok)
		}
	}
	if err := back.UnmarshalText([]byte("No:Such:Scope")); err == nil || back != all {
		t.Errorf("unknown name: err %v, set changed to %v", err, back)
	}
}
