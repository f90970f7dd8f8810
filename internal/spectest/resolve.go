package spectest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/explain"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// Case is a test resolved against a spec: the call to decide, in the terms
// of scopegen explain, and the outcome it must get.
type Case struct {
	File string
	Name string
	Pos  spec.Pos // where the test's entry starts
	Call explain.Call
	// Preset and InvitePreset name the presets the grant and the invite
	// hold the scopes of ("" for none); Call.Scopes and Call.InviteScopes
	// hold those scopes already.
	Preset, InvitePreset string
	Expect               Expect
}

// Expect is the outcome a Case must get. For an allowed call, Redacted is
// compared; for a denied one, each of Reason, Code, Status and Missing that
// the test writes (Set).
type Expect struct {
	Allowed bool
	Pos     spec.Pos // where allowed: true or denied: is written
	// Redacted are the fields an allowed call's response must omit, no
	// more and no fewer, in the endpoint's order: none when the test
	// writes no redacted:.
	Redacted    []string
	RedactedPos spec.Pos // where redacted: is written, or Pos
	Reason      Want[string]
	Code        Want[int]
	Status      Want[string]
	Missing     Want[[]string] // scope names, by id
}

// Want is a value a test expects, where it is written, and whether it is.
type Want[T any] struct {
	Value T
	Pos   spec.Pos
	Set   bool
}

// Reasons are the reasons a denied call can get, as scopegen explain -json
// spells them: the values of denied.reason. (invalid_grant cannot happen:
// a test naming what the spec lacks is an error of the file.)
var Reasons = []string{
	string(reference.NoCredentials),
	string(reference.UnknownEndpoint),
	string(reference.PrincipalNotAllowed),
	string(reference.EndpointNotGranted),
	string(reference.MissingScopes),
	string(reference.MissingRequestScope),
}

// Kinds are the values of grant.kind for a spec that declares no kinds of
// credential (app_key and pat), and none for a call without credentials. A
// spec that declares its kinds (principals:) takes those and none; the
// default is the spec's first kind, app_key for one that declares none.
var Kinds = []string{"app_key", "pat", explain.NoCredentials}

// Resolve checks the names of f against m (scopes, presets, endpoints,
// methods, redacted fields, reasons and outcome codes) and returns its
// tests as Cases, in file order. Every problem is reported, at its line
// and column in f and with what to do, as spec.Errors; then no Case is
// returned. A method the spec lacks is an error too, unless the test
// expects denied: {reason: unknown_endpoint}: a misspelt method must not
// pass as a refused call.
func Resolve(m *model.Model, f *File) ([]*Case, error) {
	r := &resolver{m: m}
	var out []*Case
	for i := range f.Tests {
		if c := r.test(f, &f.Tests[i]); c != nil {
			out = append(out, c)
		}
	}
	if len(r.errs) > 0 {
		return nil, r.errs.Sorted()
	}
	return out, nil
}

// resolver collects the problems of one file.
type resolver struct {
	m    *model.Model
	errs spec.Errors
}

func (r *resolver) errorf(pos spec.Pos, format string, args ...any) {
	r.errs.Report(pos, format, args...)
}

func (r *resolver) test(f *File, t *Test) *Case {
	m := r.m
	c := &Case{File: f.Name, Name: t.Name.Value, Pos: t.Pos}
	c.Call.Method = t.Method.Value
	e := m.Endpoint(t.Method.Value)
	if e == nil {
		expectsUnknown := t.Denied != nil && t.Denied.Reason.Value == string(reference.UnknownEndpoint)
		if !expectsUnknown {
			r.errorf(t.Method.Pos, "method %q is not an endpoint of the spec%s; a test of a method the spec lacks expects denied: {reason: unknown_endpoint}", t.Method.Value, r.suggestMethod(t.Method.Value))
		}
	}

	// The grant and the invite.
	if g := t.Grant; g != nil {
		kind := g.Kind.Value
		kinds := append(m.KindNames(m.AllKinds()), explain.NoCredentials)
		switch {
		case g.Kind.Pos.Line == 0 && len(m.Kinds) > 0:
			kind = m.Kinds[0].Name
		case !slices.Contains(kinds, kind):
			r.errorf(g.Kind.Pos, "unknown kind %q%s", kind, hintOrList(kind, "kinds", kinds))
		}
		c.Call.Kind = kind
		if kind == explain.NoCredentials {
			some := strings.Join(m.KindNames(m.AllKinds()), " or ")
			if g.Preset.Pos.Line != 0 || g.Scopes != nil || g.Endpoints != nil {
				r.errorf(g.Pos, "a grant of kind none is a call without credentials, which holds no preset, scopes or endpoints; remove them, or give kind %s", some)
			}
			if t.Invite != nil {
				r.errorf(t.Invite.Pos, "a call without credentials (kind none) is no collaborator; remove invite:, or give the grant kind %s", some)
			}
		}
		c.Preset = g.Preset.Value
		c.Call.Scopes, c.Call.Endpoints = r.grant(g, "grant")
	}
	if inv := t.Invite; inv != nil {
		c.Call.Collaborator = true
		c.InvitePreset = inv.Preset.Value
		c.Call.InviteScopes, c.Call.InviteEndpoints = r.grant(inv, "invite")
	}

	// The request.
	if t.Request.Pos.Line != 0 {
		c.Call.Request = t.Request.Value
		switch s := m.Scope(t.Request.Value); {
		case s == nil:
			r.errorf(t.Request.Pos, "request %q is not a scope of the spec%s; request: names the request-dependent scope the handler checks for this request", t.Request.Value, spec.DidYouMean(t.Request.Value, m.ScopeNames()))
		case e != nil && !slices.ContainsFunc(e.RequestScopes, func(rs model.RequestScope) bool { return rs.Scope == s }):
			checks := "checks none"
			if len(e.RequestScopes) > 0 {
				var names []string
				for _, rs := range e.RequestScopes {
					names = append(names, rs.Scope.Name)
				}
				checks = "checks only " + strings.Join(names, ", ")
			}
			r.errorf(t.Request.Pos, "the handler of %s does not check %s for any request (it %s), so request: %s adds nothing; remove it, or name a scope under the endpoint's request_scopes", e.Method, s.Name, checks, s.Name)
		}
	}

	// The expected outcome.
	x := &c.Expect
	switch {
	case t.HasAllowed:
		x.Allowed, x.Pos = true, t.Allowed.Pos
		x.RedactedPos = x.Pos
		if t.Redacted != nil {
			x.RedactedPos = t.RedactedPos
			x.Redacted = r.redacted(e, t.Redacted)
		}
	case t.Denied != nil:
		r.denial(x, t.Denied)
	}
	return c
}

// grant returns the scopes (the preset's, then those listed) and endpoints
// of g, reporting the names the spec lacks.
func (r *resolver) grant(g *Grant, key string) (scopes, endpoints []string) {
	m := r.m
	if g.Preset.Pos.Line != 0 {
		if p := m.Preset(g.Preset.Value); p != nil {
			scopes = append(scopes, model.Names(p.Scopes)...)
		} else {
			hint := spec.DidYouMean(g.Preset.Value, presetNames(m))
			if hint == "" && m.Scope(g.Preset.Value) != nil {
				hint = fmt.Sprintf("; %s is a scope: list it under %s.scopes", g.Preset.Value, key)
			} else if hint == "" {
				hint = "; the presets are " + orNone(presetNames(m))
			}
			r.errorf(g.Preset.Pos, "unknown preset %q in %s.preset%s", g.Preset.Value, key, hint)
		}
	}
	for _, s := range g.Scopes {
		if m.Scope(s.Value) == nil {
			hint := spec.DidYouMean(s.Value, m.ScopeNames())
			if hint == "" && m.Preset(s.Value) != nil {
				hint = fmt.Sprintf("; %s is a preset: write %s.preset: %s", s.Value, key, s.Value)
			}
			r.errorf(s.Pos, "unknown scope %q in %s.scopes%s", s.Value, key, hint)
			continue
		}
		if !slices.Contains(scopes, s.Value) {
			scopes = append(scopes, s.Value)
		}
	}
	for _, e := range g.Endpoints {
		if r.m.Endpoint(e.Value) == nil {
			r.errorf(e.Pos, "unknown endpoint %q in %s.endpoints%s", e.Value, key, r.suggestMethod(e.Value))
			continue
		}
		endpoints = append(endpoints, e.Value)
	}
	return scopes, endpoints
}

// redacted checks the fields of redacted: against the redactions of e (nil
// when the method is unknown, reported already) and returns them in e's
// order.
func (r *resolver) redacted(e *model.Endpoint, fields []spec.Str) []string {
	out := []string{}
	if e == nil {
		return out
	}
	var known []string
	for _, rd := range e.Redactions {
		known = append(known, rd.Field)
	}
	for _, f := range fields {
		if !slices.Contains(known, f.Value) {
			hint := "; it redacts no field: remove redacted:"
			if len(known) > 0 {
				hint = spec.DidYouMean(f.Value, known)
				if hint == "" {
					hint = "; it redacts " + strings.Join(known, ", ")
				}
			}
			r.errorf(f.Pos, "%s never redacts %q%s", e.Method, f.Value, hint)
		}
	}
	for _, k := range known {
		if slices.ContainsFunc(fields, func(f spec.Str) bool { return f.Value == k }) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// denial checks denied: and fills x.
func (r *resolver) denial(x *Expect, d *Denial) {
	m := r.m
	x.Pos = d.Pos
	if d.Reason.Pos.Line != 0 {
		x.Reason = Want[string]{d.Reason.Value, d.Reason.Pos, true}
		switch v := d.Reason.Value; {
		case v == string(reference.Allowed) || v == string(reference.Public):
			r.errorf(d.Reason.Pos, "%s is the reason of an allowed call; write allowed: true instead of denied:", v)
		case !slices.Contains(Reasons, v):
			r.errorf(d.Reason.Pos, "unknown reason %q%s", v, hintOrList(v, "reasons of a denied call", Reasons))
		}
	}
	var codes, statuses []string
	for _, o := range m.Outcomes {
		codes = append(codes, fmt.Sprintf("%d (%s)", o.Code, o.Status))
		statuses = append(statuses, o.Status)
	}
	if d.Code.Set {
		x.Code = Want[int]{int(d.Code.Value), d.Code.Pos, true}
		if !slices.ContainsFunc(m.Outcomes, func(o *model.Outcome) bool { return int64(o.Code) == d.Code.Value }) {
			r.errorf(d.Code.Pos, "code %d is not an outcome code of the spec; its outcomes are %s", d.Code.Value, strings.Join(codes, ", "))
		}
	}
	if d.Status.Pos.Line != 0 {
		x.Status = Want[string]{d.Status.Value, d.Status.Pos, true}
		if !slices.Contains(statuses, d.Status.Value) {
			r.errorf(d.Status.Pos, "status %q is not an outcome status of the spec%s; its outcomes are %s", d.Status.Value, spec.DidYouMean(d.Status.Value, statuses), strings.Join(codes, ", "))
		}
	}
	if d.HasMissing {
		var names []string
		for _, s := range d.Missing {
			if m.Scope(s.Value) == nil {
				r.errorf(s.Pos, "unknown scope %q in missing%s", s.Value, spec.DidYouMean(s.Value, m.ScopeNames()))
				continue
			}
			names = append(names, s.Value)
		}
		x.Missing = Want[[]string]{byID(m, names), d.MissingPos, true}
	}
}

// suggestMethod is a did-you-mean hint for an unknown method. A bare method
// name ("ListInputs") suggests the full name that ends with it.
func (r *resolver) suggestMethod(name string) string {
	var methods []string
	for _, e := range r.m.Endpoints {
		methods = append(methods, e.Method)
		if short := e.Method[strings.LastIndexByte(e.Method, '/')+1:]; !strings.Contains(name, "/") && short == name {
			return fmt.Sprintf("; did you mean %q? (methods are full gRPC names)", e.Method)
		}
	}
	return spec.DidYouMean(name, methods)
}

// byID orders scope names by id, as explain lists them.
func byID(m *model.Model, names []string) []string {
	out := []string{}
	for _, s := range m.Scopes {
		if slices.Contains(names, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

func presetNames(m *model.Model) []string {
	var out []string
	for _, p := range m.Presets {
		out = append(out, p.Name)
	}
	return out
}

// hintOrList is a did-you-mean hint for name among names, or else the list
// of them, as "; the KIND are a, b, c".
func hintOrList(name, kind string, names []string) string {
	if hint := spec.DidYouMean(name, names); hint != "" {
		return hint
	}
	return "; the " + kind + " are " + strings.Join(names, ", ")
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
