package explain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// GrantReport is the verdict on a would-be key: whether it holds every
// prerequisite of its scopes and endpoints, and what it lacks. It is what
// scopegen grant -json prints, and Text what it prints otherwise.
type GrantReport struct {
	Valid                bool                `json:"valid"`
	Kind                 string              `json:"kind"`
	Scopes               []string            `json:"scopes"` // by id
	Restricted           bool                `json:"restricted"`
	Endpoints            []string            `json:"endpoints"` // in spec order
	MissingPrerequisites map[string][]string `json:"missing_prerequisites"`
	Closure              []string            `json:"closure"` // by id

	// Warnings are what is allowed but useless, such as a restriction to an
	// endpoint this kind of key may never call; they do not make the key
	// invalid.
	Warnings []string `json:"-"`

	missingOrder []string // the keys of MissingPrerequisites: scopes by id, then endpoints in spec order
}

// CheckGrant checks a key of kind (app_key, pat, or both joined by |)
// holding scopes and restricted to endpoints (none: not restricted) before
// it is made. Each held scope needs its prerequisites, and each endpoint
// the key is restricted to needs the op scopes it requires, with theirs
// (for an endpoint with several alternatives, those every alternative
// requires; a key that holds no alternative in full gets a warning).
// A kind, scope or endpoint that m does not define is an error listing
// every such name, with did-you-mean hints; the command calls it a usage
// error.
func CheckGrant(m *model.Model, kind string, scopes, endpoints []string) (*GrantReport, error) {
	kinds, kindProblem := parseKind(m, kind)
	problems := unknownNames(m, scopes, endpoints, "-scopes", "-endpoints")
	if kindProblem != "" {
		problems = append([]string{kindProblem}, problems...)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	g, err := reference.NewGrant(m, kinds, scopes, endpoints)
	if err != nil {
		return nil, err
	}
	missing := reference.MissingPrerequisites(m, g)
	r := &GrantReport{
		Valid:                len(missing) == 0,
		Kind:                 kindString(m, g.Kinds),
		Scopes:               nonNil(reference.ScopeList(m, g)),
		Restricted:           g.Restricted,
		Endpoints:            nonNil(reference.EndpointList(m, g)),
		MissingPrerequisites: missing,
		Closure:              nonNil(reference.ScopeList(m, reference.Closure(m, g))),
		missingOrder:         missingKeys(m, missing),
	}
	// A restriction to endpoints this kind of key may never call is allowed
	// by the rules but useless; say so without failing.
	// Likewise a restriction to an endpoint with several alternatives
	// (any_of), which prerequisites check only for the scopes all of them
	// require, when the key, with its closure, holds none it may use.
	closure := reference.Closure(m, g)
	for _, e := range m.Endpoints {
		switch {
		case !g.Endpoints[e.Name] || e.Public:
		case e.Principals&g.Kinds == 0:
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s accepts only %s keys, so this key (%s) can never call it",
				e.Name, strings.Join(m.KindNames(e.Principals), ", "), r.Kind))
		case len(e.Alternatives) > 1:
			if d := reference.Decide(m, closure, e.Name); d.Reason == reference.MissingScopes {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s accepts any one of %d alternatives, and this key (%s) holds none its kind may use, so it cannot call it: add %s (what the closest lacks)",
					e.Name, len(e.Alternatives), r.Kind, strings.Join(d.Missing, ", ")))
			}
		}
	}
	return r, nil
}

// Text is the report as scopegen grant prints it: "valid" for a valid key,
// else a line per scope or endpoint whose prerequisites are missing; then
// the closure.
func (r *GrantReport) Text() string {
	var b strings.Builder
	if r.Valid {
		b.WriteString("valid\n")
	}
	for _, key := range r.missingOrder {
		fmt.Fprintf(&b, "%s needs %s\n", key, strings.Join(r.MissingPrerequisites[key], ", "))
	}
	closure := "(no scopes)"
	if len(r.Closure) > 0 {
		closure = strings.Join(r.Closure, ", ")
	}
	fmt.Fprintf(&b, "closure: %s\n", closure)
	return b.String()
}

// missingKeys orders the keys of MissingPrerequisites: scopes by id, then
// endpoints in spec order.
func missingKeys(m *model.Model, missing map[string][]string) []string {
	var out []string
	for _, s := range m.Scopes {
		if _, ok := missing[s.Name]; ok {
			out = append(out, s.Name)
		}
	}
	for _, e := range m.Endpoints {
		if _, ok := missing[e.Name]; ok {
			out = append(out, e.Name)
		}
	}
	return out
}
