package diff

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// Allowance accepts one finding on purpose: it names the finding's rule and
// element, and says why. An accepted finding is still reported, as
// accepted, but does not make scopegen diff fail.
//
// Allowances live in a small YAML file beside the spec (scopes.yaml →
// scopes.allow.yaml):
//
//	allow:
//	  - rule: endpoint-requirement-removed
//	    element: /clarifai.api.V2/GetModel
//	    reason: listing a model no longer needs Models:Get (approved in #123)
type Allowance struct {
	Rule    string
	Element string
	Reason  string
	Pos     spec.Pos // where the entry is written
}

// AllowancesFile is the allowances file that belongs to the spec at path:
// its name with .allow before the extension.
func AllowancesFile(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".allow" + ext
}

// ParseAllowances reads an allowances file; name is used in positions.
// It is read as a spec is (spec.Decoder): problems, syntax errors included,
// come back as spec.Errors at their line and column, saying what to do.
func ParseAllowances(name string, data []byte) ([]Allowance, error) {
	d := spec.NewDecoder(name, "allowances file")
	top := d.Document(data)
	if top == nil {
		return nil, d.Err() // nil when empty, or only comments
	}
	if top.Kind != yaml.MappingNode {
		d.Errorf(top, "the allowances file is a mapping with one key, allow: a list of {rule, element, reason}")
		return nil, d.Err()
	}
	var out []Allowance
	seen := map[[2]string]spec.Pos{}
	d.Mapping(top, "the allowances file", spec.Field{Key: "allow", Set: func(v *yaml.Node) {
		d.List(v, "allow (a list of {rule, element, reason})", func(e *yaml.Node) {
			a, ok := allowance(d, e)
			if !ok {
				return
			}
			key := [2]string{a.Rule, a.Element}
			if prev, dup := seen[key]; dup {
				d.Errorf(e, "rule %s on %s is allowed twice (first at %s); keep one", a.Rule, a.Element, prev)
				return
			}
			seen[key] = a.Pos
			out = append(out, a)
		})
	}})
	if err := d.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// allowance reads one entry of allow.
func allowance(d *spec.Decoder, e *yaml.Node) (Allowance, bool) {
	a := Allowance{Pos: d.Pos(e)}
	if e.Kind != yaml.MappingNode {
		d.Errorf(e, "an allowance is a mapping: {rule: RULE, element: NAME, reason: WHY}")
		return a, false
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
			if key == "rule" && RuleNamed(s.Value) == nil && s.Value != "" {
				d.Errorf(v, "unknown rule %q%s; scopegen diff -h lists the rules", s.Value, spec.DidYouMean(s.Value, RuleNames()))
				ok = false
			}
		}}
	}
	if !d.Mapping(e, "an allowance", text("rule", &a.Rule), text("element", &a.Element), text("reason", &a.Reason)) {
		return a, false
	}
	a.Reason = strings.TrimSpace(a.Reason)
	for _, missing := range []struct{ key, value, example string }{
		{"rule", a.Rule, "endpoint-requirement-removed"},
		{"element", a.Element, "the scope, endpoint, preset or outcome the finding names"},
		{"reason", a.Reason, "why the change is intended, for the next reviewer"},
	} {
		if missing.value == "" && !reported[missing.key] {
			d.Errorf(e, "the allowance needs %s: (%s)", missing.key, missing.example)
			ok = false
		}
	}
	return a, ok
}

// Accept marks the findings that an allowance names as accepted, and records
// the allowances that name no finding as stale.
func (r *Report) Accept(allow []Allowance) {
	for _, a := range allow {
		matched := false
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Rule == a.Rule && f.Element == a.Element {
				f.Accepted = &a
				matched = true
			}
		}
		if !matched {
			r.Stale = append(r.Stale, a)
		}
	}
}
