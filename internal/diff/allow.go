package diff

import (
	"fmt"
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
// Problems come back as spec.Errors.
func ParseAllowances(name string, data []byte) ([]Allowance, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, spec.Errors{{Pos: spec.Pos{File: name, Line: 1, Col: 1}, Msg: fmt.Sprintf("cannot parse the allowances: %v", err)}}
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty, or only comments
	}
	var errs spec.Errors
	pos := func(n *yaml.Node) spec.Pos { return spec.Pos{File: name, Line: n.Line, Col: n.Column} }
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		errs.Add(pos(top), "the allowances file is a mapping with one key, allow: a list of {rule, element, reason}")
		return nil, errs
	}
	var out []Allowance
	seen := map[[2]string]spec.Pos{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "allow" {
			errs.Add(pos(k), "unknown key %q; the allowances file has one key, allow", k.Value)
			continue
		}
		if v.Kind != yaml.SequenceNode {
			errs.Add(pos(v), "allow is a list of {rule, element, reason}")
			continue
		}
		for _, e := range v.Content {
			a, ok := allowance(e, pos, &errs)
			if !ok {
				continue
			}
			key := [2]string{a.Rule, a.Element}
			if prev, dup := seen[key]; dup {
				errs.Add(a.Pos, "rule %s on %s is allowed twice (first at %s); keep one", a.Rule, a.Element, prev)
				continue
			}
			seen[key] = a.Pos
			out = append(out, a)
		}
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return out, nil
}

// allowance reads one entry of allow.
func allowance(e *yaml.Node, pos func(*yaml.Node) spec.Pos, errs *spec.Errors) (Allowance, bool) {
	a := Allowance{Pos: pos(e)}
	if e.Kind != yaml.MappingNode {
		errs.Add(a.Pos, "an allowance is a mapping: {rule: RULE, element: NAME, reason: WHY}")
		return a, false
	}
	ok := true
	for i := 0; i+1 < len(e.Content); i += 2 {
		k, v := e.Content[i], e.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			errs.Add(pos(v), "%s is a string", k.Value)
			ok = false
			continue
		}
		switch k.Value {
		case "rule":
			a.Rule = v.Value
			if RuleNamed(a.Rule) == nil {
				errs.Add(pos(v), "unknown rule %q%s; scopegen diff -h lists the rules", a.Rule, spec.DidYouMean(a.Rule, RuleNames()))
				ok = false
			}
		case "element":
			a.Element = v.Value
		case "reason":
			a.Reason = strings.TrimSpace(v.Value)
		default:
			errs.Add(pos(k), "unknown key %q in an allowance; the keys are rule, element and reason", k.Value)
			ok = false
		}
	}
	for _, missing := range []struct{ key, value, example string }{
		{"rule", a.Rule, "endpoint-requirement-removed"},
		{"element", a.Element, "the scope, endpoint, preset or outcome the finding names"},
		{"reason", a.Reason, "why the change is intended, for the next reviewer"},
	} {
		if missing.value == "" {
			errs.Add(a.Pos, "the allowance needs %s: (%s)", missing.key, missing.example)
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
