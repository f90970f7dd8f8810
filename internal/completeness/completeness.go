// Package completeness is the gate of scopegen check -proto: it compares a
// spec with the API's own definitions, and finds the methods that nothing
// decides. Every method the API defines must have a rule in the spec (an
// endpoint, public or not: a public endpoint is a decision too) or be
// excluded on purpose, with a reason; a forgotten rule that leaves a method
// open is the most common way authorization fails in practice.
//
// The gate works on Operations, each a method with the position of its
// definition, whatever read them: scopegen check makes them from the RPCs
// of .proto files (protoimport.RPCs); a reader of OpenAPI descriptions can
// make them from its operations the same way.
package completeness

import (
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Operation is one method of the API, as its own definitions declare it.
type Operation struct {
	// Name is the name of the endpoint that must guard it: for an RPC, its
	// gRPC full method name, /package.Service/Method. (An OpenAPI operation
	// would be named by its operationId, the spec's operation:.)
	Name string
	// Group is what defines the operation, for the other direction of the
	// check (endpoints of the spec that name no operation of a group the
	// definitions hold): for an RPC, its service, package.Service.
	Group    string
	GroupPos spec.Pos // where the group is defined
	Pos      spec.Pos // where the operation is defined: file:line:col
}

// Status is what the spec makes of an operation.
type Status string

// The statuses of an operation.
const (
	Guarded   Status = "guarded"   // an endpoint of the spec decides its calls
	Public    Status = "public"    // an endpoint of the spec, public: callable without credentials
	Excluded  Status = "excluded"  // no endpoint; an exclusion says why
	Unguarded Status = "unguarded" // neither: nothing decides its calls
)

// Method is an operation and what the spec makes of it.
type Method struct {
	Operation
	Status    Status
	Endpoint  *model.Endpoint // the endpoint, when Guarded or Public
	Exclusion *Exclusion      // the exclusion, when Excluded
}

// Stale is an exclusion that excludes nothing: no operation has its name,
// or the spec has an endpoint for it (which then decides its calls, so the
// exclusion would only hide the method again if the endpoint were removed).
type Stale struct {
	Exclusion
	Endpoint   *model.Endpoint // the spec's endpoint for the method; nil when no operation has its name
	Suggestion string          // when no operation has its name: an unguarded or excluded one it may be a typo of, or ""
}

// Unknown is an endpoint of the spec that names no operation of a group the
// definitions hold: a typo, or a method since removed, whose rule guards
// nothing. An endpoint of a group the definitions do not hold is not
// checked (the files given may be a part of the API).
type Unknown struct {
	Endpoint   *model.Endpoint
	Group      string
	GroupPos   spec.Pos
	Suggestion string // an operation of the group without a rule that it may be a typo of, or ""
}

// Report is the result of the gate.
type Report struct {
	Spec       string   // the spec's path, as messages name it
	Exclusions string   // the exclusions file, as messages name it (where to add an exclusion; it may not exist yet)
	Files      []string // the files the operations come from
	Methods    []Method // every operation, by position
	Stale      []Stale  // by position
	Unknown    []Unknown
}

// The exit statuses of the gate, the same in every format.
const (
	ExitComplete   = 0 // every method has a rule or is excluded, and no exclusion is stale
	ExitIncomplete = 3 // a method has neither, or an exclusion is stale
)

// Check compares m with the operations, given the exclusions.
func Check(m *model.Model, ops []Operation, exclusions []Exclusion) *Report {
	r := &Report{}
	excluded := map[string]*Exclusion{}
	for i := range exclusions {
		excluded[exclusions[i].Method] = &exclusions[i]
	}
	defined := map[string]bool{}    // operation names
	groups := map[string]spec.Pos{} // group → where it is defined
	open := map[string][]string{}   // group → its operations without a rule, for suggestions
	var openNames []string          // every operation without a rule
	for _, op := range ops {
		defined[op.Name] = true
		if _, ok := groups[op.Group]; !ok {
			groups[op.Group] = op.GroupPos
		}
		meth := Method{Operation: op, Status: Unguarded}
		if e := m.Endpoint(op.Name); e != nil {
			meth.Endpoint, meth.Status = e, Guarded
			if e.Public {
				meth.Status = Public
			}
		} else {
			if x := excluded[op.Name]; x != nil {
				meth.Exclusion, meth.Status = x, Excluded
			}
			open[op.Group] = append(open[op.Group], op.Name)
			openNames = append(openNames, op.Name)
		}
		r.Methods = append(r.Methods, meth)
	}
	slices.SortStableFunc(r.Methods, func(a, b Method) int { return cmpPos(a.Pos, b.Pos) })

	for _, x := range exclusions {
		switch e := m.Endpoint(x.Method); {
		case !defined[x.Method]:
			s := Stale{Exclusion: x}
			if len(r.Stale) < spec.MaxErrors { // a suggestion costs a search; past the listed ones, none
				s.Suggestion = suggest(x.Method, openNames)
			}
			r.Stale = append(r.Stale, s)
		case e != nil:
			r.Stale = append(r.Stale, Stale{Exclusion: x, Endpoint: e})
		}
	}
	slices.SortStableFunc(r.Stale, func(a, b Stale) int { return cmpPos(a.Pos, b.Pos) })

	for _, e := range m.Endpoints {
		if e.Method == "" || defined[e.Method] {
			continue
		}
		g := serviceOf(e.Method)
		at, ok := groups[g]
		if !ok {
			continue
		}
		u := Unknown{Endpoint: e, Group: g, GroupPos: at}
		if len(r.Unknown) < spec.MaxErrors {
			u.Suggestion = suggest(e.Method, open[g])
		}
		r.Unknown = append(r.Unknown, u)
	}
	return r
}

// serviceOf is the service of a gRPC full method name: package.Service of
// /package.Service/Method.
func serviceOf(method string) string {
	s, _, _ := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	return s
}

// suggest returns the candidate that name is a plausible typo of, or "".
func suggest(name string, candidates []string) string {
	s := spec.DidYouMean(name, candidates)
	s = strings.TrimPrefix(s, `; did you mean "`)
	return strings.TrimSuffix(s, `"?`)
}

func cmpPos(a, b spec.Pos) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

// Count returns how many methods have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, m := range r.Methods {
		if m.Status == s {
			n++
		}
	}
	return n
}

// ExitCode is the exit status the report asks for: ExitIncomplete when a
// method has no rule and no exclusion, or an exclusion is stale; else
// ExitComplete. Unknown endpoints are warnings: they do not count.
func (r *Report) ExitCode() int {
	if r.Count(Unguarded) > 0 || len(r.Stale) > 0 {
		return ExitIncomplete
	}
	return ExitComplete
}
