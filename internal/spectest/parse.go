package spectest

import (
	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// what names a test file in messages.
const what = "test file"

// Parse reads a test file; name is used in positions. It is read as a spec
// is (spec.Decoder): one document, no aliases, unknown keys refused with
// the closest known one. On any problem it returns spec.Errors, every one
// at its line and column and saying what to do, and no File. Parse checks
// the shape only; Resolve checks the names against a spec.
func Parse(name string, data []byte) (*File, error) {
	d := spec.NewDecoder(name, what)
	top := d.Document(data)
	if top == nil {
		if err := d.Err(); err != nil {
			return nil, err
		}
		return nil, spec.Errors{{Pos: spec.Pos{File: name, Line: 1, Col: 1},
			Msg: "the test file is empty; write tests: and a list of tests under it (README.md, \"Testing a spec\", has an example)"}}
	}
	f := &File{Name: name}
	p := &parser{d: d}
	if top.Kind != yaml.MappingNode {
		d.Errorf(top, "a test file is a mapping with one key, tests: a list of tests, not %s", d.Kind(top))
		return nil, d.Err()
	}
	written := false
	d.Mapping(top, "the test file", spec.Field{Key: "tests", Set: func(v *yaml.Node) {
		written = true
		f.Tests = []Test{}
		d.List(v, "tests (a list of tests)", func(e *yaml.Node) {
			f.Tests = append(f.Tests, p.test(e))
		})
		if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			d.Errorf(v, "tests is empty; add a test: {name, grant, method, allowed: true or denied: {...}}")
		}
	}})
	if !written && d.Err() == nil {
		d.Errorf(top, "the test file has no tests: key; write tests: and a list of tests under it")
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// parser reads the entries of a test file.
type parser struct {
	d     *spec.Decoder
	names map[string]spec.Pos // test names seen, where first written
}

// str is a field that reads a string into dst.
func (p *parser) str(key string, dst *spec.Str) spec.Field {
	return spec.Field{Key: key, Set: func(v *yaml.Node) { *dst = p.d.Str(v, key) }}
}

// test reads one entry of tests:.
func (p *parser) test(e *yaml.Node) Test {
	d := p.d
	t := Test{Pos: d.Pos(e)}
	if e.Kind != yaml.MappingNode {
		d.Errorf(e, "a test is a mapping: {name, grant, method, allowed: true or denied: {...}}, not %s", d.Kind(e))
		return t
	}
	var allowedKey, deniedKey *yaml.Node
	badAllowed := false
	d.Mapping(e, "a test",
		p.str("name", &t.Name),
		spec.Field{Key: "grant", Set: func(v *yaml.Node) { t.Grant = p.grant(v, "grant", true) }},
		spec.Field{Key: "invite", Set: func(v *yaml.Node) { t.Invite = p.grant(v, "invite", false) }},
		p.str("method", &t.Method),
		spec.Field{Key: "http", Set: func(v *yaml.Node) {
			// The extension point for HTTP requests: the transport issue
			// adds them, with the spec's HTTP bindings.
			d.Errorf(v, "http: calls are not supported yet (scopegen decides gRPC methods); write the gRPC method under method:, e.g. method: /clarifai.api.V2/ListInputs")
		}},
		p.str("request", &t.Request),
		spec.Field{Key: "allowed", Set: func(v *yaml.Node) {
			allowedKey = v
			t.Allowed, t.HasAllowed = d.Bool(v, "allowed"), true
			badAllowed = v.Kind != yaml.ScalarNode || v.Tag != "!!bool" // reported by Bool
		}},
		spec.Field{Key: "redacted", Set: func(v *yaml.Node) {
			t.RedactedPos = d.Pos(v)
			t.Redacted = d.Strs(v, "redacted (the response fields the call removes)")
		}},
		spec.Field{Key: "denied", Set: func(v *yaml.Node) {
			deniedKey = v
			t.Denied = p.denial(v)
		}},
	)
	switch {
	case !written(e, "name"):
		d.Errorf(e, "the test needs name: (a sentence saying what it shows, e.g. \"a reader lists inputs without their concepts\")")
	case t.Name.Value == "":
		d.Errorf(e, "the test's name is empty; say what it shows")
	default:
		if p.names == nil {
			p.names = map[string]spec.Pos{}
		}
		if prev, dup := p.names[t.Name.Value]; dup {
			d.Errorf(nodeAt(t.Name.Pos), "a test named %q is already at %s; give each test its own name", t.Name.Value, prev)
		} else {
			p.names[t.Name.Value] = t.Name.Pos
		}
	}
	if !written(e, "grant") {
		d.Errorf(e, "the test needs grant: the key making the call, e.g. grant: {kind: app_key, scopes: [Inputs:Get]}, or grant: {kind: none} for a call without credentials")
	}
	if !written(e, "method") && !written(e, "http") {
		d.Errorf(e, "the test needs method: the full gRPC method called, e.g. method: /clarifai.api.V2/ListInputs")
	}
	switch {
	case t.HasAllowed && t.Denied != nil:
		d.Errorf(deniedKey, "a test expects allowed: true or denied:, not both; keep the one the call must get")
	case t.HasAllowed && !t.Allowed.Value && !badAllowed:
		d.Errorf(allowedKey, "allowed: false says too little; write denied: {reason: ..., code: ..., missing: [...]} with what the refusal must be (denied: {} accepts any refusal)")
	case !t.HasAllowed && t.Denied == nil && !written(e, "redacted") && !written(e, "allowed") && !written(e, "denied"):
		d.Errorf(e, "the test needs an expected outcome: allowed: true (with redacted: [fields] when the response omits some), or denied: {reason: ..., code: ..., missing: [...]}")
	}
	if t.Redacted != nil && t.Denied != nil {
		d.Errorf(nodeAt(t.RedactedPos), "redacted: goes with allowed: true; a denied call returns no response to redact from")
	} else if t.Redacted != nil && !t.HasAllowed {
		d.Errorf(e, "redacted: lists what an allowed call's response omits; add allowed: true")
	}
	p.duplicates(t.Redacted, "redacted")
	return t
}

// grant reads a grant: (withKind) or an invite:.
func (p *parser) grant(n *yaml.Node, key string, withKind bool) *Grant {
	d := p.d
	g := &Grant{Pos: d.Pos(n)}
	if n.Kind != yaml.MappingNode {
		example := "{kind: app_key, scopes: [Inputs:Get]}"
		if !withKind {
			example = "{scopes: [Inputs:Get]}"
		}
		d.Errorf(n, "%s must be a mapping, e.g. %s, not %s", key, example, d.Kind(n))
		return g
	}
	fields := []spec.Field{
		p.str("preset", &g.Preset),
		{Key: "scopes", Set: func(v *yaml.Node) { g.Scopes = d.Strs(v, key+".scopes") }},
		{Key: "endpoints", Set: func(v *yaml.Node) {
			g.EndpointsPos = d.Pos(v)
			g.Endpoints = d.Strs(v, key+".endpoints")
			if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
				d.Errorf(v, "%s.endpoints: [] would read as not restricted to endpoints; leave endpoints out for that, or list the endpoints the %s is restricted to", key, map[bool]string{true: "key", false: "invite"}[withKind])
			}
		}},
	}
	if withKind {
		fields = append([]spec.Field{p.str("kind", &g.Kind)}, fields...)
	}
	d.Mapping(n, key, fields...)
	p.duplicates(g.Scopes, key+".scopes")
	p.duplicates(g.Endpoints, key+".endpoints")
	return g
}

// denial reads denied:.
func (p *parser) denial(n *yaml.Node) *Denial {
	d := p.d
	x := &Denial{Pos: d.Pos(n)}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, "denied must be a mapping of what the refusal must be, e.g. denied: {reason: missing_scopes, code: 11007, missing: [Inputs:Add]} (denied: {} accepts any refusal), not %s", d.Kind(n))
		return x
	}
	d.Mapping(n, "denied",
		p.str("reason", &x.Reason),
		spec.Field{Key: "code", Set: func(v *yaml.Node) { x.Code = d.Int(v, "code") }},
		p.str("status", &x.Status),
		spec.Field{Key: "missing", Set: func(v *yaml.Node) {
			x.HasMissing, x.MissingPos = true, d.Pos(v)
			x.Missing = d.Strs(v, "missing (the required scopes the key lacks)")
		}},
	)
	p.duplicates(x.Missing, "missing")
	return x
}

// duplicates reports a value listed twice in list.
func (p *parser) duplicates(list []spec.Str, key string) {
	seen := map[string]spec.Pos{}
	for _, s := range list {
		if prev, dup := seen[s.Value]; dup {
			p.d.Errorf(nodeAt(s.Pos), "%s lists %q twice (first at %d:%d); keep one", key, s.Value, prev.Line, prev.Col)
			continue
		}
		seen[s.Value] = s.Pos
	}
}

// written reports whether mapping n writes key, whatever its value (an
// alias, a value of the wrong kind): a key written wrong is reported as
// such, not also as missing.
func written(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return true
		}
	}
	return false
}

// nodeAt is a node at pos, for reporting a problem with a value read
// earlier (spec.Decoder reports at nodes; a Str keeps only its position).
func nodeAt(pos spec.Pos) *yaml.Node {
	return &yaml.Node{Line: pos.Line, Column: pos.Col}
}
