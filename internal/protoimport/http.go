package protoimport

import (
	"strings"

	"github.com/bufbuild/protocompile/ast"
)

// binding is one HTTP binding of an RPC (a google.api.HttpRule without its
// additional bindings).
type binding struct {
	method, path, body, responseBody string
}

// String is the binding as the endpoint's description shows it:
// "POST /v2/inputs (body: *)".
func (b binding) String() string {
	s := b.method + " " + b.path
	var extra []string
	if b.body != "" {
		extra = append(extra, "body: "+b.body)
	}
	if b.responseBody != "" {
		extra = append(extra, "response body: "+b.responseBody)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

// set sets one field of the rule from an option value.
func (b *binding) set(field string, v ast.ValueNode) {
	str := func() string {
		if s, ok := v.(ast.StringValueNode); ok {
			return s.AsString()
		}
		return ""
	}
	switch field {
	case "get", "put", "post", "delete", "patch":
		if p := str(); p != "" {
			b.method, b.path = strings.ToUpper(field), p
		}
	case "custom":
		if m, ok := v.(*ast.MessageLiteralNode); ok {
			var kind, path string
			for _, e := range m.Elements {
				s, _ := e.Val.(ast.StringValueNode)
				if e.Name == nil || e.Name.Name == nil || s == nil {
					continue
				}
				switch string(e.Name.Name.AsIdentifier()) {
				case "kind":
					kind = s.AsString()
				case "path":
					path = s.AsString()
				}
			}
			if kind != "" && path != "" {
				b.method, b.path = kind, path
			}
		}
	case "body":
		b.body = str()
	case "response_body":
		b.responseBody = str()
	}
}

// httpRule reads a google.api.HttpRule message literal: its binding, then
// its additional bindings.
func httpRule(v ast.ValueNode) []binding {
	m, ok := v.(*ast.MessageLiteralNode)
	if !ok {
		return nil
	}
	var main binding
	var more []binding
	for _, e := range m.Elements {
		if e.Name == nil || e.Name.Name == nil || e.Name.IsExtension() || e.Val == nil {
			continue
		}
		name := string(e.Name.Name.AsIdentifier())
		if name == "additional_bindings" {
			if a, ok := e.Val.(*ast.ArrayLiteralNode); ok {
				for _, x := range a.Elements {
					more = append(more, httpRule(x)...)
				}
			} else {
				more = append(more, httpRule(e.Val)...)
			}
			continue
		}
		main.set(name, e.Val)
	}
	if main.method == "" {
		return more
	}
	return append([]binding{main}, more...)
}
