package explain

import (
	"fmt"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/route"
)

// HTTPRequest is the HTTP request an explanation decided, by the spec's
// HTTP bindings; scopegen explain -json prints it as "http", only for a
// request.
type HTTPRequest struct {
	Verb string `json:"verb"` // e.g. "GET"
	Path string `json:"path"` // the raw path, e.g. "/v2/inputs"
	// Endpoints are the endpoints the request reaches, in spec order: one,
	// several when they share the binding it matches (each must allow it),
	// none when no binding matches.
	Endpoints []string `json:"endpoints"`
	// Binding is the binding it matches, as the spec writes it ("GET
	// /v2/inputs"), of the first endpoint; "" when none does.
	Binding string `json:"binding"`
}

// ParseHTTP reads an HTTP request as scopegen explain takes it in place of
// a method: "VERB /path", the verb in upper case and the raw,
// percent-encoded path (a query is dropped). ok is false when s is not of
// that form; a method name (which has no space) never is.
func ParseHTTP(s string) (verb, path string, ok bool) {
	verb, path, ok = strings.Cut(s, " ")
	if !ok || verb == "" || verb != strings.ToUpper(verb) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t") {
		return "", "", false
	}
	for _, r := range verb {
		if (r < 'A' || r > 'Z') && r != '-' && r != '_' {
			return "", "", false
		}
	}
	path, _, _ = strings.Cut(path, "?")
	return verb, path, true
}

// routes returns the HTTP bindings of m's endpoints as package route reads
// them, in spec order (what gen builds the generated route tree from), and
// the binding of each.
func routes(m *model.Model) ([]route.Route, []*model.Binding) {
	kinds := map[model.SegmentKind]route.Kind{model.Literal: route.Literal, model.Param: route.Param, model.Rest: route.Rest}
	var out []route.Route
	var bindings []*model.Binding
	for _, e := range m.Endpoints {
		for i := range e.HTTP {
			b := &e.HTTP[i]
			r := route.Route{Verb: b.Verb, Custom: b.CustomVerb, Endpoint: e.Index}
			for _, s := range b.Segments {
				r.Segments = append(r.Segments, route.Segment{Kind: kinds[s.Kind], Literal: s.Literal})
			}
			out = append(out, r)
			bindings = append(bindings, b)
		}
	}
	return out, bindings
}

// ExplainHTTP decides an HTTP request of verb to the raw path, made with
// the grant of c (whose Method it ignores), by the spec's HTTP bindings
// under the rule of package route (route.Match), as the generated CheckHTTP
// does: a request no binding matches is denied as an unknown endpoint; one
// that reaches several endpoints (which share the binding it matches) is
// allowed only when every one of them allows it, and is decided as the first
// that refuses it, or else as the first. It says which endpoints the
// request reached, by which binding, and how each decided.
func ExplainHTTP(m *model.Model, c Call, verb, path string) *Explanation {
	request := verb + " " + path
	rs, bindings := routes(m)
	var eps []*model.Endpoint
	for _, i := range route.Match(rs, verb, path) {
		eps = append(eps, m.Endpoints[i-1])
	}
	req := &HTTPRequest{Verb: verb, Path: path, Endpoints: []string{}}
	if len(eps) == 0 {
		c.Method = request
		x := Explain(m, c)
		x.Method, x.HTTP = "", req
		if x.Reason == string(reference.UnknownEndpoint) {
			x.Message = fmt.Sprintf("no HTTP binding of the spec matches %s", printable(request))
			x.lines[1] = fmt.Sprintf("  %-10s %s: %s", "reason", x.Reason, x.Message)
		}
		x.lines[0] = fmt.Sprintf("  %-10s %s: no binding matches", "request", printable(request))
		return x
	}
	for _, e := range eps {
		req.Endpoints = append(req.Endpoints, e.Name)
	}
	// The binding matched: the one of the first endpoint that matches alone.
	for i, r := range rs {
		if r.Endpoint == eps[0].Index && len(route.Match(rs[i:i+1], verb, path)) == 1 && bindingBeats(rs, i, verb, path) {
			req.Binding = bindings[i].String()
			break
		}
	}
	xs := make([]*Explanation, len(eps))
	pick := 0
	for i, e := range eps {
		c.Method = e.Name
		xs[i] = Explain(m, c)
		if !xs[i].Allowed && xs[pick].Allowed {
			pick = i
		}
	}
	x := xs[pick]
	x.HTTP = req
	head := []string{
		fmt.Sprintf("  %-10s %s: binding %s of %s", "request", printable(request), req.Binding, eps[0].Name),
	}
	if len(eps) > 1 {
		head = append(head, fmt.Sprintf("  %-10s %d endpoints share this binding (%s): the request is allowed only when every one of them allows it", "shared", len(eps), strings.Join(req.Endpoints, ", ")))
		for i, e := range eps {
			verdict := "allows it"
			if !xs[i].Allowed {
				verdict = fmt.Sprintf("refuses it (%s)", xs[i].Reason)
			}
			head = append(head, fmt.Sprintf("  %-10s %s %s", "endpoint", e.Name, verdict))
		}
		if !x.Allowed {
			x.Message = fmt.Sprintf("%s reaches %d endpoints, and %s refuses it: %s", request, len(eps), eps[pick].Name, x.Message)
		} else {
			x.Message = fmt.Sprintf("%s reaches %d endpoints, and every one allows it: %s", request, len(eps), x.Message)
		}
		for i, l := range x.lines {
			if strings.HasPrefix(l, "  reason ") {
				x.lines[i] = fmt.Sprintf("  %-10s %s: %s", "reason", x.Reason, x.Message)
			}
		}
	}
	x.lines = append(head, x.lines...)
	return x
}

// bindingBeats reports whether no other route of the same endpoint that the
// request matches is more specific than rs[i]: Match on the endpoint's
// routes keeps rs[i] among the most specific.
func bindingBeats(rs []route.Route, i int, verb, path string) bool {
	var same []route.Route
	at := -1
	for j, r := range rs {
		if r.Endpoint == rs[i].Endpoint {
			if j == i {
				at = len(same)
			}
			r.Endpoint = len(same) + 1 // number them, to see which Match keeps
			same = append(same, r)
		}
	}
	for _, k := range route.Match(same, verb, path) {
		if k-1 == at {
			return true
		}
	}
	return false
}
