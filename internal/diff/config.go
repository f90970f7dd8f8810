package diff

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// Severity is how much a finding counts toward the exit status.
type Severity string

// The severities. A finding of an escalation or breaking rule is an error
// unless a config says otherwise; a safe one is info.
const (
	Error   Severity = "error"   // fails the run unless accepted (and when -fail-on covers its category)
	Warning Severity = "warning" // reported; fails only with -fail-on warning
	Info    Severity = "info"    // reported; never fails
	Off     Severity = "off"     // not reported at all (a config's only)
)

// Severities lists the severities a config may set.
var Severities = []Severity{Error, Warning, Info, Off}

// The levels of -fail-on, from the narrowest gate to the widest: what makes
// scopegen diff fail, among the findings no allowance and no -allow
// accepts.
const (
	FailOnEscalation = "escalation" // escalations of severity error
	FailOnBreaking   = "breaking"   // escalations and breaking changes of severity error (the default)
	FailOnWarning    = "warning"    // those, and those of severity warning
	FailOnNone       = "none"       // nothing: report only
)

// FailOnLevels lists the levels of -fail-on.
var FailOnLevels = []string{FailOnEscalation, FailOnBreaking, FailOnWarning, FailOnNone}

// defaultSeverity is a category's severity when no config sets one.
func defaultSeverity(c Category) Severity {
	if c == Safe {
		return Info
	}
	return Error
}

// Config is what a team decides about scopegen diff's findings, in a small
// YAML file beside the spec (scopes.yaml → scopes.diff.yaml), as buf's
// breaking config does with rule categories:
//
//	fail_on: breaking                  # as -fail-on
//	severity:
//	  breaking: warning                # every rule of a category
//	  scope-renamed: error             # a rule: wins over its category
//	  scope-description-changed: off   # not reported
//
// A rule of the safe category may be info or off only: a safe change
// never fails the run.
type Config struct {
	FailOn   string              // a level of FailOnLevels, or "" when the file does not say
	Severity map[string]Severity // by rule name or category
}

// ConfigFile is the config file that belongs to the spec at path: its name
// with .diff before the extension.
func ConfigFile(path string) string {
	return strings.TrimSuffix(AllowancesFile(path), ".allow"+extOf(path)) + ".diff" + extOf(path)
}

func extOf(path string) string {
	if i := strings.LastIndexAny(path, "./\\"); i >= 0 && path[i] == '.' {
		return path[i:]
	}
	return ""
}

// ParseConfig reads a config file; name is used in positions. Problems come
// back as spec.Errors at their line and column, saying what to do.
func ParseConfig(name string, data []byte) (*Config, error) {
	d := spec.NewDecoder(name, "config")
	c := &Config{Severity: map[string]Severity{}}
	top := d.Document(data)
	if top == nil {
		return c, d.Err()
	}
	var keys []string
	for _, r := range Rules {
		keys = append(keys, r.Name)
	}
	for _, cat := range Categories {
		keys = append(keys, string(cat))
	}
	var levels []string
	for _, s := range Severities {
		levels = append(levels, string(s))
	}
	d.Mapping(top, "the config",
		spec.Field{Key: "fail_on", Set: func(v *yaml.Node) {
			s := d.Str(v, "fail_on")
			if !slices.Contains(FailOnLevels, s.Value) {
				d.Errorf(v, "fail_on %q is not a level%s; the levels are %s", s.Value, spec.DidYouMean(s.Value, FailOnLevels), strings.Join(FailOnLevels, ", "))
				return
			}
			c.FailOn = s.Value
		}},
		spec.Field{Key: "severity", Set: func(v *yaml.Node) {
			d.Entries(v, "severity (rule or category: error, warning, info or off)", func(key spec.Str, v *yaml.Node) {
				if !slices.Contains(keys, key.Value) {
					d.Errorf(v, "severity of %q: no rule or category has that name%s; scopegen diff -h lists the rules", key.Value, spec.DidYouMean(key.Value, keys))
					return
				}
				s := d.Str(v, "severity of "+key.Value)
				sev := Severity(s.Value)
				if !slices.Contains(Severities, sev) {
					d.Errorf(v, "severity %q of %s is not a severity%s; use error, warning, info or off", s.Value, key.Value, spec.DidYouMean(s.Value, levels))
					return
				}
				cat := Category(key.Value)
				if r := RuleNamed(key.Value); r != nil {
					cat = r.Category
				}
				if cat == Safe && (sev == Error || sev == Warning) {
					d.Errorf(v, "%s is safe: a safe change never fails the run, so it may be info or off, not %s", key.Value, sev)
					return
				}
				c.Severity[key.Value] = sev
			})
		}})
	if err := d.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Configure applies c to r's findings: each takes the severity c gives its
// rule, else its category, else its category's default; those that are off
// are left out of the report (counted in Excluded). c's fail_on applies
// unless r.FailOn is set already (by -fail-on).
func (r *Report) Configure(c *Config) {
	if c == nil {
		return
	}
	if r.FailOn == "" {
		r.FailOn = c.FailOn
	}
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		f.Severity = defaultSeverity(f.Category)
		if s, ok := c.Severity[string(f.Category)]; ok {
			f.Severity = s
		}
		if s, ok := c.Severity[f.Rule]; ok {
			f.Severity = s
		}
		if f.Severity == Off {
			r.Excluded++
			continue
		}
		kept = append(kept, f)
	}
	r.Findings = kept
}

// failOn is r's -fail-on level.
func (r *Report) failOn() string {
	if r.FailOn == "" {
		return FailOnBreaking
	}
	return r.FailOn
}

// severity is f's severity, or its category's default when unset.
func (f *Finding) severity() Severity {
	if f.Severity == "" {
		return defaultSeverity(f.Category)
	}
	return f.Severity
}

// String describes c for a message.
func (c *Config) String() string {
	return fmt.Sprintf("fail_on %q, %d severities", c.FailOn, len(c.Severity))
}
