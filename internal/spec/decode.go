package spec

import "gopkg.in/yaml.v3"

// A Decoder reads a YAML file that goes with a spec (an allowances file, an
// import config) as Parse reads a spec: one document, YAML aliases refused,
// each syntax error placed at the character it is about and saying what to
// do (YAMLError), and each problem with a value reported at the value's line
// and column, all of them together. Its methods walk the document's nodes;
// problems are collected, and Err returns them.
type Decoder struct {
	d decoder
}

// NewDecoder returns a Decoder for the file name (used in positions). what
// names the document in messages: "config", "allowances file".
func NewDecoder(name, what string) *Decoder {
	return &Decoder{decoder{file: name, what: what}}
}

// Document parses data, which must hold one YAML document of at most
// MaxBytes, and returns its top-level value. It returns nil when data is
// empty or holds only comments, or when it cannot be read (Err says why).
func (d *Decoder) Document(data []byte) *yaml.Node {
	if len(data) > MaxBytes {
		d.d.errs.Report(Pos{d.d.file, 1, 1}, "%s %s is %d bytes, more than the limit of %d (4 MiB)", article(d.d.what), d.d.what, len(data), MaxBytes)
		return nil
	}
	doc := d.d.document(data)
	if doc == nil {
		return nil
	}
	n := d.d.resolve(doc)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		return nil // "---" alone
	}
	return n
}

// Err returns the problems found so far, sorted by position, or nil.
func (d *Decoder) Err() error { return d.d.errs.Err() }

// Pos returns the position of n.
func (d *Decoder) Pos(n *yaml.Node) Pos { return d.d.pos(n) }

// Errorf reports a problem at n.
func (d *Decoder) Errorf(n *yaml.Node, format string, args ...any) {
	d.d.errorf(n, format, args...)
}

// Field is a key of a mapping with fixed keys, and what to do with its
// value.
type Field struct {
	Key string             // the key, e.g. "enum"
	Set func(v *yaml.Node) // called with the key's value, when it is written
}

// Mapping reads n, a mapping whose keys must be among fields: it calls the
// field's Set with the value of each key written, and reports a value that
// is not a mapping, a key that is not a plain name, written twice or
// unknown (with the closest known key). what names the mapping in messages
// ("the config", "allowance"). It reports whether n is a mapping.
func (d *Decoder) Mapping(n *yaml.Node, what string, fields ...Field) bool {
	fs := make([]field, len(fields))
	for i, f := range fields {
		fs[i] = field{f.Key, f.Set}
	}
	return d.d.mapping(n, what, fs...)
}

// Entries reads n, a mapping whose keys the caller knows the meaning of (an
// outcome role, an auth type): it calls each with every key, as a string,
// and its value. A value that is not a mapping, and a key that is not a
// string or is written twice, are reported. It reports whether n is a
// mapping.
func (d *Decoder) Entries(n *yaml.Node, what string, each func(key Str, v *yaml.Node)) bool {
	if n = d.d.resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.d.errorf(n, "%s must be a mapping (key: value lines), not %s", what, kindName(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := d.d.str(k, what+" key")
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if seen[key.Value] {
			d.d.errorf(k, "%s has key %q twice; keep one", what, clip(key.Value))
			continue
		}
		seen[key.Value] = true
		if v = d.d.resolve(v); v != nil {
			each(key, v)
		}
	}
	return true
}

// List calls each with every entry of n, which must be a list.
func (d *Decoder) List(n *yaml.Node, what string, each func(v *yaml.Node)) {
	if n = d.d.resolve(n); n != nil {
		d.d.seq(n, what, each)
	}
}

// Str reads n, which must be a string.
func (d *Decoder) Str(n *yaml.Node, what string) Str { return d.d.str(n, what) }

// Strs reads n, which must be a list of strings.
func (d *Decoder) Strs(n *yaml.Node, what string) []Str { return d.d.strs(n, what) }

// Int reads n, which must be a whole number that fits in 64 bits.
func (d *Decoder) Int(n *yaml.Node, what string) Int { return d.d.int(n, what) }

// Bool reads n, which must be true or false.
func (d *Decoder) Bool(n *yaml.Node, what string) Bool { return d.d.bool(n, what) }

// Kind describes n for a message: "a list", "a mapping", "empty", "the
// number 5", or the quoted start of a string.
func (d *Decoder) Kind(n *yaml.Node) string { return kindName(n) }
