package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/scopegen/scopegen/internal/explain"
)

// explainFlags are the flags of explain.
type explainFlags struct {
	spec, kind, scopes, endpoints, inviteScopes, inviteEndpoints string
	json                                                         bool
	request                                                      string // a request-dependent scope the request needs, or ""
}

func (f *explainFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.spec, "spec", "spec/scopes.yaml", "read the scopes spec from `file`")
	fs.StringVar(&f.kind, "kind", "", "the `kind` of key making the call: a kind the spec declares (app_key or pat in the shipped spec; several joined by |), or none for a call without credentials (as scopegen diff's witnesses of kind none make) (default: the spec's first kind, app_key in the shipped spec)")
	fs.StringVar(&f.scopes, "scopes", "", "the op scopes the key holds, as a comma-separated `list`, e.g. Inputs:Get,Concepts:Get (default: none)")
	fs.StringVar(&f.endpoints, "endpoints", "", "the only endpoints the key may call, as a comma-separated `list` of full method names, e.g. /clarifai.api.V2/ListInputs (default: none given, so the key is not restricted to endpoints)")
	fs.StringVar(&f.inviteScopes, "invite-scopes", "", "the op scopes of the collaborator's invite, as a comma-separated `list`; giving this flag or -invite-endpoints makes the caller a collaborator (default: not a collaborator)")
	fs.StringVar(&f.inviteEndpoints, "invite-endpoints", "", "the only endpoints the invite allows, as a comma-separated `list` of full method names, e.g. /clarifai.api.V2/ListInputs (default: the invite is not restricted to endpoints)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text (default: text)")
	fs.StringVar(&f.request, "request", "", "decide a request for which the handler checks this request-dependent `scope` of METHOD, as scopegen diff's witnesses with a request do: the key must hold it too; a scope the handler does not check adds nothing (default: a request that needs none)")
}

func runExplain(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var f explainFlags
	f.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usagef("missing METHOD; e.g. scopegen explain -scopes Inputs:Get /clarifai.api.V2/ListInputs, or an HTTP request: \"GET /v2/inputs\"")
	case len(pos) > 1:
		return usagef("want one METHOD or one \"VERB /path\" (quoted), got %d arguments (%s); flags may come before or after it, and lists are comma-separated", len(pos), strings.Join(pos, " "))
	}
	verb, path, isHTTP := explain.ParseHTTP(pos[0])
	if !isHTTP && strings.ContainsAny(pos[0], " \t") {
		return usagef("%q is neither a method nor an HTTP request \"VERB /path\", e.g. \"GET /v2/inputs\" (the verb in upper case, one space, the raw path)", pos[0])
	}
	m, err := loadModel(f.spec)
	if err != nil {
		return err
	}
	if f.request != "" {
		if err := explain.CheckRequest(m, f.request); err != nil {
			return usageError{err.Error()}
		}
	}
	if f.kind == "" && len(m.Kinds) > 0 {
		f.kind = m.Kinds[0].Name
	}
	c := explain.Call{
		Method:          pos[0],
		Kind:            f.kind,
		Scopes:          splitList(f.scopes),
		Endpoints:       splitList(f.endpoints),
		Collaborator:    isSet(fs, "invite-scopes") || isSet(fs, "invite-endpoints"),
		InviteScopes:    splitList(f.inviteScopes),
		InviteEndpoints: splitList(f.inviteEndpoints),
		Request:         f.request,
	}
	x := explain.Explain(m, c)
	if isHTTP {
		x = explain.ExplainHTTP(m, c, verb, path)
	}
	if f.json {
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprint(stdout, x.Text())
	}
	if !x.Allowed {
		return exitCode(1)
	}
	return nil
}
