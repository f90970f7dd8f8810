package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scopegen/scopegen/internal/explain"
)

// grantFlags are the flags of grant.
type grantFlags struct {
	spec, kind, scopes, endpoints string
	json                          bool
}

func (f *grantFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.spec, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&f.kind, "kind", "", "the `kind` of key to make: a kind the spec declares (app_key or pat in the shipped spec) (default: the spec's first kind, app_key in the shipped spec)")
	fs.StringVar(&f.scopes, "scopes", "", "the op scopes the key would hold, as a comma-separated `list`, e.g. Inputs:Get,Inputs:Patch (default: none)")
	fs.StringVar(&f.endpoints, "endpoints", "", "the only endpoints the key would call, as a comma-separated `list` of full method names, e.g. /clarifai.api.V2/ListInputs (default: none given, so the key is not restricted to endpoints)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text (default: text)")
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
	if f.kind == "" && len(m.Kinds) > 0 {
		f.kind = m.Kinds[0].Name
	}
	r, err := explain.CheckGrant(m, f.kind, splitList(f.scopes), splitList(f.endpoints))
	if err != nil {
		return usageError{err.Error()} // a name the spec does not define
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(stderr, "scopegen grant: warning: %s\n", w)
	}
	if f.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprint(stdout, r.Text())
	}
	if !r.Valid {
		if !f.json {
			fmt.Fprintf(stderr, "scopegen grant: prerequisites are missing; add them, or make the key with -scopes %s\n", strings.Join(r.Closure, ","))
		}
		return exitCode(1)
	}
	return nil
}
