package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// kindString spells a set of principal kinds of m as -kind takes it.
func kindString(m *model.Model, k model.Principal) string {
	return strings.Join(m.KindNames(k), "|")
}

// parseKind is reference.ParseKinds with a message that names the bad part.
func parseKind(m *model.Model, s string) (model.Principal, string) {
	k, err := reference.ParseKinds(m, s)
	if err == nil {
		return k, ""
	}
	bad := s
	for _, part := range strings.Split(s, "|") {
		if _, err := reference.ParseKinds(m, part); err != nil {
			bad = strings.TrimSpace(part)
			break
		}
	}
	kinds := m.KindNames(m.AllKinds())
	hint := spec.DidYouMean(bad, kinds)
	if hint == "" {
		hint = "; the kinds are " + strings.Join(kinds, ", ")
	}
	return 0, fmt.Sprintf("unknown key kind %q in -kind%s", bad, hint)
}

// methods lists the names of the spec's endpoints (full methods and
// operation names), in spec order.
func methods(m *model.Model) []string {
	out := make([]string, len(m.Endpoints))
	for i, e := range m.Endpoints {
		out[i] = e.Name
	}
	return out
}

// suggestMethod is a did-you-mean hint for an unknown endpoint name. A bare
// method name ("ListInputs") suggests the full name that ends with it.
func suggestMethod(m *model.Model, name string) string {
	if !strings.Contains(name, "/") {
		for _, e := range m.Endpoints {
			if e.Method == "" {
				continue
			}
			if short := e.Method[strings.LastIndexByte(e.Method, '/')+1:]; strings.EqualFold(short, name) {
				return `; did you mean "` + e.Method + `"? (methods are full gRPC names)`
			}
		}
	}
	if hint := spec.DidYouMean(name, methods(m)); hint != "" {
		return hint
	}
	if len(m.Endpoints) == 0 {
		return "; the spec lists no endpoints"
	}
	if slices.ContainsFunc(m.Endpoints, func(e *model.Endpoint) bool { return e.Method == "" }) {
		return fmt.Sprintf("; write a full gRPC method name, or an HTTP-only endpoint's operation name, listed under endpoints: in the spec, e.g. %q", m.Endpoints[0].Name)
	}
	return fmt.Sprintf("; write a full gRPC method name listed under endpoints: in the spec, e.g. %q", m.Endpoints[0].Name)
}

// suggestScope is a did-you-mean hint for an unknown scope.
func suggestScope(m *model.Model, name string) string {
	if hint := spec.DidYouMean(name, m.ScopeNames()); hint != "" {
		return hint
	}
	if p := m.Preset(name); p != nil {
		return fmt.Sprintf("; %q is a preset, list its scopes instead: %s", name, strings.Join(model.Names(p.Scopes), ","))
	}
	return "; the scopes are " + strings.Join(m.ScopeNames(), ", ")
}

// unknownNames lists, one message each, the names in scopes and endpoints
// that the spec does not define; flag names the flags they came from.
func unknownNames(m *model.Model, scopes, endpoints []string, scopesFlag, endpointsFlag string) []string {
	var out []string
	for _, s := range scopes {
		if m.Scope(s) == nil {
			out = append(out, fmt.Sprintf("unknown scope %q in %s%s", s, scopesFlag, suggestScope(m, s)))
		}
	}
	for _, e := range endpoints {
		if m.Endpoint(e) == nil {
			out = append(out, fmt.Sprintf("unknown endpoint %q in %s%s", e, endpointsFlag, suggestMethod(m, e)))
		}
	}
	return out
}

// Grant is a grant by the names of the spec: the grant an Explanation was
// decided on, as scopegen explain -json prints it.
type Grant struct {
	Kind       string   `json:"kind"`       // "app_key", "pat" or "app_key|pat"
	Scopes     []string `json:"scopes"`     // op scopes held directly, by id
	Restricted bool     `json:"restricted"` // whether only Endpoints may be called
	Endpoints  []string `json:"endpoints"`  // in spec order; empty and restricted means none
}

// grantOf is g by names.
func grantOf(m *model.Model, g reference.Grant) Grant {
	return Grant{
		Kind:       kindString(m, g.Kinds),
		Scopes:     nonNil(reference.ScopeList(m, g)),
		Restricted: g.Restricted,
		Endpoints:  nonNil(reference.EndpointList(m, g)),
	}
}

// describe is a grant in words, for text output.
func (g Grant) describe(m *model.Model) string {
	scopes := "no scopes"
	switch {
	case m.AllScope != nil && slices.Contains(g.Scopes, m.AllScope.Name):
		scopes = "scopes " + m.AllScope.Name + " (every scope)"
	case len(g.Scopes) > 0:
		scopes = "scopes " + strings.Join(g.Scopes, ", ")
	}
	eps := "any endpoint"
	switch {
	case g.Restricted && len(g.Endpoints) == 0:
		eps = "no endpoint"
	case g.Restricted:
		eps = "only " + strings.Join(g.Endpoints, ", ")
	}
	kind := g.Kind
	if kind == "" {
		kind = "no kind"
	}
	return fmt.Sprintf("%s, %s, %s", kind, scopes, eps)
}

// nonNil is s, or an empty slice for nil, which JSON prints as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
