package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// grantFlags are the flags of grant.
type grantFlags struct {
	spec, kind, scopes, endpoints string
	json                          bool
}

func (f *grantFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.spec, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&f.kind, "kind", "app_key", "the `kind` of key to make: app_key or pat")
	fs.StringVar(&f.scopes, "scopes", "", "the op scopes the key would hold, as a comma-separated `list`, e.g. Inputs:Get,Inputs:Patch (default: none)")
	fs.StringVar(&f.endpoints, "endpoints", "", "the only endpoints the key would call, as a comma-separated `list` of full method names, e.g. /clarifai.api.V2/ListInputs (default: none given, so the key is not restricted to endpoints)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text (default: text)")
}

// grantReport is what grant -json prints.
type grantReport struct {
	Valid                bool                `json:"valid"`
	Kind                 string              `json:"kind"`
	Scopes               []string            `json:"scopes"` // by id
	Restricted           bool                `json:"restricted"`
	Endpoints            []string            `json:"endpoints"` // in spec order
	MissingPrerequisites map[string][]string `json:"missing_prerequisites"`
	Closure              []string            `json:"closure"` // by id
}

func runGrant(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var f grantFlags
	f.register(fs)
	if err := noArgs(fs, args); err != nil {
		return err
	}
	m, err := loadModel(f.spec)
	if err != nil {
		return err
	}
	kinds, kindProblem := parseKind(f.kind)
	scopes, endpoints := splitList(f.scopes), splitList(f.endpoints)
	problems := unknownNames(m, scopes, endpoints, "-scopes", "-endpoints")
	if kindProblem != "" {
		problems = append([]string{kindProblem}, problems...)
	}
	if len(problems) > 0 {
		return usageError{strings.Join(problems, "; ")}
	}
	g, err := reference.NewGrant(m, kinds, scopes, endpoints)
	if err != nil {
		return usageError{err.Error()}
	}
	missing := reference.MissingPrerequisites(m, g)
	r := grantReport{
		Valid:                len(missing) == 0,
		Kind:                 kindString(g.Kinds),
		Scopes:               nonNil(reference.ScopeList(m, g)),
		Restricted:           g.Restricted,
		Endpoints:            nonNil(reference.EndpointList(m, g)),
		MissingPrerequisites: missing,
		Closure:              nonNil(reference.ScopeList(m, reference.Closure(m, g))),
	}
	// A restriction to endpoints this kind of key may never call is allowed
	// by the rules but useless; say so without failing.
	for _, e := range m.Endpoints {
		if g.Endpoints[e.Method] && !e.Public && e.Principals&g.Kinds == 0 {
			fmt.Fprintf(stderr, "scopegen grant: warning: %s accepts only %s keys, so this key (%s) can never call it\n",
				e.Method, strings.Join(e.Principals.List(), ", "), r.Kind)
		}
	}
	if f.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		if r.Valid {
			fmt.Fprintln(stdout, "valid")
		}
		for _, key := range missingKeys(m, missing) {
			fmt.Fprintf(stdout, "%s needs %s\n", key, strings.Join(missing[key], ", "))
		}
		closure := "(no scopes)"
		if len(r.Closure) > 0 {
			closure = strings.Join(r.Closure, ", ")
		}
		fmt.Fprintf(stdout, "closure: %s\n", closure)
	}
	if !r.Valid {
		if !f.json {
			fmt.Fprintf(stderr, "scopegen grant: prerequisites are missing; add them, or make the key with -scopes %s\n", strings.Join(r.Closure, ","))
		}
		return exitCode(1)
	}
	return nil
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
		if _, ok := missing[e.Method]; ok {
			out = append(out, e.Method)
		}
	}
	return out
}
