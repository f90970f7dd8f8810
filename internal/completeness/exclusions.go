package completeness

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Exclusion is a method of the API that the spec leaves without a rule on
// purpose, and why. Exclusions live in a small YAML file beside the spec
// (scopes.yaml → scopes.exclude.yaml), read as a spec is (spec.Decoder):
//
//	exclude:
//	  - method: /acme.api.Items/Login
//	    reason: takes a browser session, not an API key; the web frontend's middleware guards it
//
// An exclusion names one method: there are no patterns, so that an RPC
// added later to an excluded service is decided on its own rather than
// left open by an old entry. The reason is required.
type Exclusion struct {
	Method string
	Reason string
	Pos    spec.Pos // where the method is written
}

// ExclusionsFile is the exclusions file that belongs to the spec at path:
// its name with .exclude before the extension.
func ExclusionsFile(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".exclude" + ext
}

// ParseExclusions reads an exclusions file; name is used in positions.
// Problems, syntax errors included, come back as spec.Errors at their line
// and column, saying what to do.
func ParseExclusions(name string, data []byte) ([]Exclusion, error) {
	d := spec.NewDecoder(name, "exclusions file")
	top := d.Document(data)
	if top == nil {
		return nil, d.Err() // nil when empty, or only comments
	}
	if top.Kind != yaml.MappingNode {
		d.Errorf(top, "the exclusions file is a mapping with one key, exclude: a list of {method, reason}")
		return nil, d.Err()
	}
	var out []Exclusion
	seen := map[string]spec.Pos{}
	d.Mapping(top, "the exclusions file", spec.Field{Key: "exclude", Set: func(v *yaml.Node) {
		d.List(v, "exclude (a list of {method, reason})", func(e *yaml.Node) {
			x, ok := exclusion(d, e)
			if !ok {
				return
			}
			if prev, dup := seen[x.Method]; dup {
				d.Errorf(e, "method %s is excluded twice (first at %s); keep one", x.Method, prev)
				return
			}
			seen[x.Method] = x.Pos
			out = append(out, x)
		})
	}})
	if err := d.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// exclusion reads one entry of exclude.
func exclusion(d *spec.Decoder, e *yaml.Node) (Exclusion, bool) {
	x := Exclusion{Pos: d.Pos(e)}
	if e.Kind != yaml.MappingNode {
		d.Errorf(e, "an exclusion is a mapping: {method: /package.Service/Method, reason: WHY}")
		return x, false
	}
	ok := true
	reported := map[string]bool{} // keys whose value is not a string, as reported
	text := func(key string, dst *string) spec.Field {
		return spec.Field{Key: key, Set: func(v *yaml.Node) {
			s := d.Str(v, key)
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				ok, reported[key] = false, true
				return
			}
			*dst = s.Value
			if key == "method" {
				x.Pos = s.Pos
				if s.Value != "" && !looksLikeMethod(s.Value) && !model.ValidOperationName(s.Value) {
					d.Errorf(v, "method %q is neither a gRPC full method name (/package.Service/Method) nor an operation's name (an OpenAPI operationId: printable characters without spaces, not starting with '/'), as the spec's endpoints name them", s.Value)
					ok, reported[key] = false, true
				}
			}
		}}
	}
	if !d.Mapping(e, "an exclusion", text("method", &x.Method), text("reason", &x.Reason)) {
		return x, false
	}
	x.Reason = strings.TrimSpace(x.Reason)
	for _, missing := range []struct{ key, value, example string }{
		{"method", x.Method, "/package.Service/Method"},
		{"reason", x.Reason, "why the spec leaves this method without a rule, and what guards it instead"},
	} {
		if missing.value == "" && !reported[missing.key] {
			d.Errorf(e, "the exclusion needs %s: (%s)", missing.key, missing.example)
			ok = false
		}
	}
	return x, ok
}

// looksLikeMethod reports whether s has the shape of a gRPC full method
// name, /package.Service/Method; the spec's own rule is stricter, and an
// exclusion of a name no file defines is reported as stale anyway.
func looksLikeMethod(s string) bool {
	service, method, ok := strings.Cut(strings.TrimPrefix(s, "/"), "/")
	return strings.HasPrefix(s, "/") && ok && service != "" && method != "" && !strings.ContainsAny(method, "/ ")
}

// writeExclusions writes the exclusions file for r: the exclusions that
// apply now, with their reasons, and an entry with an empty reason (which
// the file refuses until it is filled in) for each method without a rule;
// stale exclusions are left out. Entries are sorted by method.
func (r *Report) writeExclusions(w io.Writer) error {
	type entry struct{ method, reason string }
	var entries []entry
	for _, m := range r.Methods {
		switch m.Status {
		case Excluded:
			entries = append(entries, entry{m.Name, m.Exclusion.Reason})
		case Unguarded:
			entries = append(entries, entry{m.Name, ""})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].method < entries[j].method })
	var b strings.Builder
	fmt.Fprintf(&b, "# Exclusions of scopegen check -proto for %s.\n", spec.CommentLine(r.Spec))
	b.WriteString("# Each names a method of the API that the spec leaves without a rule on\n" +
		"# purpose, and why: who may call it, and what guards it instead. Any other\n" +
		"# method without a rule in the spec fails the check.\n")
	if len(entries) == 0 {
		b.WriteString("exclude: []\n")
	} else {
		b.WriteString("exclude:\n")
		for _, e := range entries {
			fmt.Fprintf(&b, "  - method: %s\n    reason: %s\n", spec.Scalar(e.method), spec.Scalar(e.reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
