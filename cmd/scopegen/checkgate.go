package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/completeness"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/openapiimport"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// gateFlags are the flags of check's completeness gate: the API's own
// definitions to compare the spec with, the exclusions, the format.
type gateFlags struct {
	proto      listFlag // .proto files, with the positional arguments
	openapi    listFlag // OpenAPI descriptions
	exclusions string
	format     string
	// An OpenAPI description (-openapi FILE) will be one more source of
	// operations: read in operations, matched by operationId.
}

func (f *gateFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.proto, "proto", "the completeness gate: check that every RPC of the services this .proto `file` defines has a rule in the spec or is excluded with a reason; repeat it, or name more .proto files as arguments after it (default: none, no gate)")
	fs.Var(&f.openapi, "openapi", "the completeness gate on an OpenAPI description: check that every operation of this `file` (2.0, 3.0 or 3.1, JSON or YAML) has a rule in the spec, named as import-openapi names it, or is excluded with a reason; repeat it for more (default: none)")
	fs.StringVar(&f.exclusions, "exclusions", "", "with -proto, read the methods excluded on purpose from `file` (default: the spec's name with .exclude before the extension, e.g. spec/scopes.exclude.yaml, if it exists; -exclusions \"\" reads none)")
	fs.StringVar(&f.format, "format", "text", "with -proto, the gate's output `format`: text, json, github-actions (annotations) or exclusions (the exclusions file for the current methods)")
}

// on reports whether the gate was asked for.
func (f *gateFlags) on() bool { return len(f.proto) > 0 || len(f.openapi) > 0 }

// parse checks the gate's flags; files are check's positional arguments,
// more .proto files.
func (f *gateFlags) parse(fs *flag.FlagSet, files []string) error {
	if len(files) > 0 && len(f.proto) == 0 {
		return usagef("unexpected argument %q; check takes only flags, and .proto files after -proto (scopegen check -proto api/*.proto)", files[0])
	}
	f.proto = append(f.proto, files...)
	if !f.on() {
		for _, name := range []string{"exclusions", "format"} {
			if isSet(fs, name) {
				return usagef("-%s is a flag of the completeness gate; add -proto FILE.proto... or -openapi FILE", name)
			}
		}
		return nil
	}
	if !slices.Contains(completeness.Formats, f.format) {
		return usagef("unknown -format %q%s; the formats are %s", f.format, spec.DidYouMean(f.format, completeness.Formats), strings.Join(completeness.Formats, ", "))
	}
	return nil
}

// operations reads the API's own definitions: every RPC of the services
// the .proto files define, read as import-proto reads them, and every
// operation of the OpenAPI descriptions, named as import-openapi names
// their endpoints (a description is the group of its operations).
func (f *gateFlags) operations() ([]completeness.Operation, error) {
	var ops []completeness.Operation
	for _, name := range f.openapi {
		data, err := readDescription(name)
		if err != nil {
			return nil, err
		}
		described, err := openapiimport.Operations(name, data)
		if err != nil {
			return nil, err
		}
		for _, o := range described {
			ops = append(ops, completeness.Operation{Name: o.Name, Group: name, GroupPos: spec.Pos{File: name, Line: 1, Col: 1}, Pos: o.Pos})
		}
	}
	if len(f.proto) == 0 {
		return ops, nil
	}
	var sources []protoimport.Source
	for _, name := range f.proto {
		src, err := protoimport.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", name, unwrapPath(err))
		}
		sources = append(sources, src)
	}
	rpcs, err := protoimport.RPCs(sources)
	if err != nil {
		return nil, err
	}
	for _, r := range rpcs {
		ops = append(ops, completeness.Operation{Name: r.Method, Group: r.Service, GroupPos: r.ServicePos, Pos: r.Pos})
	}
	return ops, nil
}

// exclusionsName is the exclusions file that messages name: -exclusions,
// or the one beside the spec.
func (f *gateFlags) exclusionsName(specPath string) string {
	if f.exclusions != "" {
		return f.exclusions
	}
	return completeness.ExclusionsFile(specPath)
}

// readExclusions reads the exclusions file: -exclusions when given (""
// for none), else the one beside the spec if it exists.
func (f *gateFlags) readExclusions(set *flag.FlagSet, specPath string) ([]completeness.Exclusion, error) {
	given := isSet(set, "exclusions")
	if given && f.exclusions == "" {
		return nil, nil
	}
	path := f.exclusionsName(specPath)
	data, err := readLimited(path)
	if err != nil {
		if !given && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read the exclusions: %v", err)
	}
	return completeness.ParseExclusions(path, data)
}

// gate runs the completeness gate on m, the spec at specPath. Problems of
// its input (the .proto files, the exclusions file) come back together as
// spec.Errors.
func (f *gateFlags) gate(set *flag.FlagSet, m *model.Model, specPath string) (*completeness.Report, error) {
	var diags spec.Errors
	collect := func(err error) error {
		var d spec.Errors
		if errors.As(err, &d) {
			diags.Append(d...)
			return nil
		}
		return err
	}
	ops, err := f.operations()
	if err = collect(err); err != nil {
		return nil, err
	}
	exclusions, err := f.readExclusions(set, specPath)
	if err = collect(err); err != nil {
		return nil, err
	}
	if len(diags) > 0 {
		return nil, diags
	}
	r := completeness.Check(m, ops, exclusions)
	r.Spec, r.Exclusions = specPath, f.exclusionsName(specPath)
	for _, name := range append(slices.Clone(f.proto), f.openapi...) {
		if !slices.Contains(r.Files, name) {
			r.Files = append(r.Files, name)
		}
	}
	return r, nil
}

// gateHint is what check prints on standard error, in the text format,
// when the gate fails.
func gateHint(r *completeness.Report) string {
	var what, do []string
	if n := r.Count(completeness.Unguarded); n > 0 {
		what = append(what, count(n, "method")+" without a rule")
		do = append(do, fmt.Sprintf("give each method an endpoint in %s, or exclude it with a reason in %s (-format exclusions writes the entries)", r.Spec, r.Exclusions))
	}
	if n := len(r.Stale); n > 0 {
		what = append(what, count(n, "stale exclusion"))
		do = append(do, "remove the stale exclusions")
	}
	return fmt.Sprintf("scopegen check: the spec is incomplete: %s; %s\n", strings.Join(what, " and "), strings.Join(do, "; "))
}
