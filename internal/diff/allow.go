package diff

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// Allowance accepts one finding on purpose: it names the finding's rule and
// element, pins the effect it accepts with the finding's fingerprint, and
// says why. An accepted finding is still reported, as accepted, but does
// not make scopegen diff fail. When the change's effect is no longer the
// one accepted (a wider change of the same element, say), the fingerprint
// no longer matches: the finding fails again, and the allowance is stale.
//
// Allowances live in a small YAML file beside the spec (scopes.yaml →
// scopes.allow.yaml); scopegen diff -format allowances writes the entries
// for the current findings:
//
//	allow:
//	  - rule: endpoint-requirement-removed
//	    element: /clarifai.api.V2/GetModel
//	    fingerprint: 3f2a9c0d1e4b5a67
//	    reason: listing a model no longer needs Models:Get (approved in review 123)
//
// An entry without a fingerprint, as written before fingerprints, accepts
// any effect of its rule on its element; it is reported as unpinned.
type Allowance struct {
	Rule        string
	Element     string
	Fingerprint string // Finding.Fingerprint of the finding accepted; "" when unpinned
	Reason      string
	Pos         spec.Pos // where the entry is written
	// Current is the fingerprint of the finding the allowance names, when
	// the allowance is unpinned (the fingerprint that would pin it) or stale
	// because the finding's effect changed; "" otherwise.
	Current string
}

// fingerprintLen is the length of a fingerprint: 16 hex digits.
const fingerprintLen = 16

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
		d.List(v, "allow (a list of {rule, element, fingerprint, reason})", func(e *yaml.Node) {
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
		d.Errorf(e, "an allowance is a mapping: {rule: RULE, element: NAME, fingerprint: HEX, reason: WHY}")
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
			if key == "fingerprint" && !isFingerprint(s.Value) {
				d.Errorf(v, "fingerprint %q is not one scopegen diff writes (%d hex digits); copy the entry from scopegen diff -format allowances, or leave the key out to accept any effect", s.Value, fingerprintLen)
				ok = false
			}
		}}
	}
	if !d.Mapping(e, "an allowance", text("rule", &a.Rule), text("element", &a.Element), text("fingerprint", &a.Fingerprint), text("reason", &a.Reason)) {
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

// isFingerprint reports whether s has the shape of Finding.Fingerprint.
func isFingerprint(s string) bool {
	if len(s) != fingerprintLen {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// Accept marks the findings that an allowance names (rule, element, and
// fingerprint when it has one) as accepted. It records as stale the
// allowances that name no finding, and those whose fingerprint is not the
// finding's (the change's effect is not the one accepted: the finding is
// not accepted); as unpinned, those without a fingerprint that accept a
// finding.
func (r *Report) Accept(allow []Allowance) {
	for _, a := range allow {
		var named []*Finding
		for i := range r.Findings {
			if f := &r.Findings[i]; f.Rule == a.Rule && f.Element == a.Element {
				named = append(named, f)
			}
		}
		if len(named) == 0 {
			r.Stale = append(r.Stale, a)
			continue
		}
		a.Current = named[0].Fingerprint()
		accepted := false
		for _, f := range named {
			if a.Fingerprint == "" || f.Fingerprint() == a.Fingerprint {
				f.Accepted, accepted = &a, true
			}
		}
		switch {
		case !accepted:
			r.Stale = append(r.Stale, a)
		case a.Fingerprint == "":
			r.Unpinned = append(r.Unpinned, a)
		}
	}
}

// writeAllowances writes the allowances file that accepts r's escalation
// and breaking findings as they are, each pinned by its fingerprint: the
// reason of the allowance that accepts it now, if any, else an empty
// reason to fill in (the file is refused until each entry says why). Above
// each entry, a comment holds the finding's category and message, and the
// reason of an allowance that accepted another effect of it.
func (r *Report) writeAllowances(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Allowances of scopegen diff: %s -> %s.\n", spec.CommentLine(r.Old), spec.CommentLine(r.New))
	b.WriteString("# Each entry accepts one escalation or breaking finding with the effect its\n" +
		"# fingerprint pins; a wider change is reported again. Say why in reason.\n")
	var entries []string
	for _, f := range r.Findings {
		if f.Category == Safe {
			continue
		}
		var e strings.Builder
		fmt.Fprintf(&e, "  # %s: %s\n", f.Category, spec.CommentLine(f.Message))
		reason := ""
		if f.Accepted != nil {
			reason = f.Accepted.Reason
		}
		for _, a := range r.Stale {
			if a.Rule == f.Rule && a.Element == f.Element && a.Current != "" {
				fmt.Fprintf(&e, "  # accepted before for another effect (fingerprint %s): %s\n", a.Fingerprint, spec.CommentLine(a.Reason))
			}
		}
		fmt.Fprintf(&e, "  - rule: %s\n    element: %s\n    fingerprint: %s\n    reason: %s\n",
			f.Rule, spec.Scalar(f.Element), f.Fingerprint(), spec.Scalar(reason))
		entries = append(entries, e.String())
	}
	if len(entries) == 0 {
		b.WriteString("allow: []\n")
	} else {
		b.WriteString("allow:\n" + strings.Join(entries, ""))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
