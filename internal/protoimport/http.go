package protoimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile/ast"

	"github.com/scopegen/scopegen/internal/spec"
)

// binding is one HTTP binding of an RPC: a google.api.HttpRule's pattern,
// without its body (which says where the request message is, not who may
// send it) and its additional bindings.
type binding struct {
	verb, path string
	pos        spec.Pos // where the path is written
}

// String is the binding as a spec writes it: "POST /v2/inputs".
func (b binding) String() string { return b.verb + " " + b.path }

// The fields of google.api.HttpRule and CustomHttpPattern, for the warning
// of a field they do not have.
var (
	httpRuleFields      = []string{"selector", "get", "put", "post", "delete", "patch", "custom", "body", "response_body", "additional_bindings"}
	customPatternFields = []string{"kind", "path"}
)

// ruleReader reads the google.api.http rules of one RPC. A field that
// HttpRule does not have (Clarifai's service_processed.proto spells one
// additional_bindings1) is a warning at the field: it is left out, with the
// bindings it holds, and never silently.
type ruleReader struct {
	im     *importer
	f      *protoFile
	method string // the RPC's full method, for messages
}

// rule is a google.api.HttpRule being read: its pattern, and its additional
// bindings, which follow it.
type rule struct {
	verb, path string
	pos        spec.Pos // of the path
	setAt      spec.Pos // where the pattern was set, for a second one
	kind       string   // of a custom pattern set field by field
	kindPos    spec.Pos
	more       []binding
}

// bindings returns the rule's binding, then its additional bindings.
func (r *rule) bindings() []binding {
	if r.verb == "" && r.kind != "" && r.path != "" {
		r.verb = r.kind
	}
	if r.verb == "" || r.path == "" {
		return r.more
	}
	return append([]binding{{verb: r.verb, path: r.path, pos: r.pos}}, r.more...)
}

// read reads an HttpRule message literal.
func (rr *ruleReader) read(v ast.ValueNode) []binding {
	m, ok := v.(*ast.MessageLiteralNode)
	if !ok {
		rr.warn(v, "the google.api.http rule is %s, not a message; it is left out", describe(v))
		return nil
	}
	r := &rule{}
	for _, e := range m.Elements {
		if e.Name == nil || e.Val == nil {
			continue
		}
		if e.Name.IsExtension() || e.Name.IsAnyTypeReference() || e.Name.Name == nil {
			rr.warn(e.Name, "the google.api.http rule sets %s, which HttpRule does not have, so it is left out", e.Name.Value())
			continue
		}
		rr.field(r, string(e.Name.Name.AsIdentifier()), nil, e.Val, e.Name)
	}
	return r.bindings()
}

// field sets the field name of r, or the field sub of it (the option's name
// goes on past the rule: (google.api.http).custom.kind), to v; at is where
// the field is named.
func (rr *ruleReader) field(r *rule, name string, sub []part, v ast.ValueNode, at ast.Node) {
	str := func(what string) (string, bool) {
		if s, ok := v.(ast.StringValueNode); ok {
			return s.AsString(), true
		}
		rr.warn(v, "the google.api.http %s is %s, not a string; it is left out", what, describe(v))
		return "", false
	}
	if len(sub) > 0 && name != "custom" {
		rr.warn(at, "the google.api.http rule sets %s.%s, which HttpRule does not have, so it is left out", name, sub[0].name)
		return
	}
	switch name {
	case "get", "put", "post", "delete", "patch":
		if p, ok := str(name); ok {
			rr.pattern(r, strings.ToUpper(name), p, v, at)
		}
	case "custom":
		if len(sub) == 1 && !sub[0].ext && slices.Contains(customPatternFields, sub[0].name) {
			s, ok := str("custom." + sub[0].name)
			switch {
			case !ok:
			case sub[0].name == "kind":
				r.kind, r.kindPos = s, rr.f.pos(v)
			case r.kind != "":
				rr.pattern(r, r.kind, s, v, at)
			default:
				// custom.path before custom.kind: kept until the kind comes.
				r.path, r.pos = s, rr.f.pos(v)
			}
			return
		}
		if len(sub) > 0 {
			rr.warn(at, "the google.api.http rule sets custom.%s, which CustomHttpPattern does not have (it has %s), so it is left out%s",
				sub[0].name, strings.Join(customPatternFields, ", "), spec.DidYouMean(sub[0].name, customPatternFields))
			return
		}
		m, ok := v.(*ast.MessageLiteralNode)
		if !ok {
			rr.warn(v, "the google.api.http custom pattern is %s, not a message; it is left out", describe(v))
			return
		}
		var kind, path string
		var pathNode ast.ValueNode
		warned := false
		for _, e := range m.Elements {
			if e.Name == nil || e.Val == nil {
				continue
			}
			if e.Name.IsExtension() || e.Name.IsAnyTypeReference() || e.Name.Name == nil ||
				!slices.Contains(customPatternFields, string(e.Name.Name.AsIdentifier())) {
				n := e.Name.Value()
				rr.warn(e.Name, "the google.api.http custom pattern sets %s, which CustomHttpPattern does not have (it has %s), so it is left out%s",
					n, strings.Join(customPatternFields, ", "), spec.DidYouMean(n, customPatternFields))
				warned = true
				continue
			}
			s, ok := e.Val.(ast.StringValueNode)
			if !ok {
				rr.warn(e.Val, "the google.api.http custom %s is %s, not a string; it is left out", e.Name.Name.AsIdentifier(), describe(e.Val))
				warned = true
				continue
			}
			if string(e.Name.Name.AsIdentifier()) == "kind" {
				kind = s.AsString()
			} else {
				path, pathNode = s.AsString(), e.Val
			}
		}
		if kind == "" || path == "" {
			if !warned {
				rr.warn(v, "the google.api.http custom pattern lacks its kind or its path; it is left out")
			}
			return
		}
		rr.pattern(r, kind, path, pathNode, at)
	case "body", "response_body", "selector":
		// Where the request and response messages are, not who may call.
	case "additional_bindings":
		if a, ok := v.(*ast.ArrayLiteralNode); ok {
			for _, x := range a.Elements {
				r.more = append(r.more, rr.read(x)...)
			}
			return
		}
		r.more = append(r.more, rr.read(v)...)
	default:
		rr.warn(at, "the google.api.http rule sets %s, which HttpRule does not have, so it is left out with the bindings it holds (protoc refuses the file): correct the field's name%s",
			name, spec.DidYouMean(name, httpRuleFields))
	}
}

// pattern sets the pattern of r: verb and path, whose value is v.
func (rr *ruleReader) pattern(r *rule, verb, path string, v ast.Node, at ast.Node) {
	if r.verb != "" {
		rr.warn(at, "the google.api.http rule sets a second pattern, %s %s, after %s %s (line %d); protoc refuses this: keep one (the first is kept)",
			verb, path, r.verb, r.path, r.setAt.Line)
		return
	}
	r.verb, r.path, r.pos, r.setAt = verb, path, rr.f.pos(v), rr.f.pos(at)
}

func (rr *ruleReader) warn(n ast.Node, format string, args ...any) {
	rr.im.warnf(rr.f.pos(n), "rpc %s: %s", rr.method, fmt.Sprintf(format, args...))
}
