package openapiimport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// goNames chooses the Go identifiers: model.GoIdent of each name, unless it
// is taken (kinds first, then scopes by id, then endpoints in order), is a
// name the generated package declares, or is not an identifier; then the
// first free of a few longer candidates. A name the previous spec gave
// stays. Only a name other than the default is written (go_name).
func (im *importer) goNames() {
	taken := map[string]bool{}
	free := func(id string) bool {
		return model.ValidGoName(id) && !model.ReservedGoNames[id] && !taken[id]
	}
	claim := func(candidates ...string) string {
		for _, c := range candidates {
			if c != "" && free(c) {
				taken[c] = true
				return c
			}
		}
		base := candidates[len(candidates)-1]
		if !model.ValidGoName(base) {
			base = "X" + base
		}
		for i := 2; ; i++ {
			if c := base + strconv.Itoa(i); free(c) {
				taken[c] = true
				return c
			}
		}
	}
	prevScope, prevEp, prevKind := map[string]string{}, map[string]string{}, map[string]string{}
	if p := im.opts.Prev; p != nil {
		for _, s := range p.Scopes {
			prevScope[s.Name.Value] = s.GoName.Value
		}
		for _, e := range p.Endpoints {
			prevEp[e.Operation.Value] = e.GoName.Value
		}
		for _, k := range p.Kinds {
			prevKind[k.Name.Value] = k.GoName.Value
		}
	}
	for _, k := range im.kinds {
		def := model.GoIdent(k.name)
		k.goName = claim(prevKind[k.name], def, def+"Kind", "Kind"+def)
	}
	for _, s := range im.scopes {
		def := model.ScopeGoName(s.name)
		s.goName = claim(prevScope[s.name], def, def+"Scope", "Scope"+model.GoIdent(s.name)+strconv.FormatInt(s.id, 10))
	}
	for _, e := range im.eps {
		def := model.GoIdent(e.name)
		e.goName = claim(prevEp[e.name], def, def+"Op", "Op"+def, model.GoIdent(e.binding), "Op"+def)
	}
}

// specFile is the spec as model.Build reads it, positioned in the
// description.
func (im *importer) specFile() *spec.File {
	str := func(v string, p spec.Pos) spec.Str { return spec.Str{Value: v, Pos: p} }
	top := spec.Pos{File: im.name, Line: 1, Col: 1}
	f := &spec.File{Name: im.name, Pos: top, Format: spec.Int{Value: spec.Format, Pos: top, Set: true}}
	for _, r := range model.Roles {
		o := protoimport.DefaultOutcomes[r]
		f.Outcomes = append(f.Outcomes, spec.Outcome{Role: str(string(r), top), Code: spec.Int{Value: o.Code, Pos: top, Set: true},
			Status: str(o.Status, top), GRPC: str(o.GRPC, top), Message: str(o.Message, top)})
	}
	for _, k := range im.kinds {
		sk := spec.Kind{Pos: k.pos, Name: str(k.name, k.pos), Description: str(k.description, k.pos)}
		if k.goName != model.GoIdent(k.name) {
			sk.GoName = str(k.goName, k.pos)
		}
		f.Kinds = append(f.Kinds, sk)
	}
	for _, s := range im.scopes {
		sc := spec.Scope{Pos: s.pos, Name: str(s.name, s.pos), ID: spec.Int{Value: s.id, Pos: s.pos, Set: true},
			Description: str(s.description, s.pos)}
		if s.goName != model.ScopeGoName(s.name) {
			sc.GoName = str(s.goName, s.pos)
		}
		f.Scopes = append(f.Scopes, sc)
	}
	if f.Scopes == nil {
		f.Scopes = []spec.Scope{}
	}
	for _, id := range im.reservedIDs {
		f.Reserved.IDs = append(f.Reserved.IDs, spec.Int{Value: id, Pos: top, Set: true})
	}
	for _, n := range im.reservedNames {
		f.Reserved.Names = append(f.Reserved.Names, str(n, top))
	}
	for _, e := range im.eps {
		p := e.op.pos
		ep := spec.Endpoint{Pos: p, Operation: str(e.name, p), Description: str(e.description, p),
			HTTP:       []spec.Binding{{Pos: p, Rule: str(e.binding, p), Shared: e.shared}},
			Deprecated: spec.Deprecation{Set: e.op.deprecated, Pos: p}, Public: spec.Bool{Value: e.public, Pos: p}}
		if e.goName != model.GoIdent(e.name) {
			ep.GoName = str(e.goName, p)
		}
		if !e.public {
			ep.HasPrincipals = true
			for _, k := range im.kinds {
				for _, a := range e.alts {
					if a.kind == k {
						ep.Principals = append(ep.Principals, str(k.name, p))
						break
					}
				}
			}
			scopes := func(a alt) []spec.Str {
				out := []spec.Str{}
				for _, s := range a.scopes {
					out = append(out, str(s.name, p))
				}
				return out
			}
			if len(e.alts) == 1 {
				if len(e.alts[0].scopes) > 0 {
					ep.Requires = scopes(e.alts[0])
				}
			} else {
				for _, a := range e.alts {
					ep.AnyOf = append(ep.AnyOf, spec.Alternative{Pos: p, Requires: scopes(a), Principals: []spec.Str{str(a.kind.name, p)}, HasPrincipals: true})
				}
			}
		}
		f.Endpoints = append(f.Endpoints, ep)
	}
	if f.Endpoints == nil {
		f.Endpoints = []spec.Endpoint{}
	}
	return f
}

// write renders f with comments saying where it comes from, by
// spec.Marshal. The bytes depend only on the description and the options.
func (im *importer) write(f *spec.File) []byte {
	src := im.opts.Source
	if src == "" {
		src = im.name
	}
	version := "OpenAPI " + im.doc.version
	if im.doc.version == "2.0" {
		version = "Swagger 2.0"
	}
	head := []string{
		fmt.Sprintf("Generated by scopegen import-openapi from %s (%s", src, version),
	}
	if im.doc.title != "" {
		head[0] += fmt.Sprintf(", %s", oneLineText(im.doc.title))
		if im.doc.apiVersion != "" {
			head[0] += " " + oneLineText(im.doc.apiVersion)
		}
	}
	head[0] += ")."
	head = append(head, "Do not edit: change the description and import again (with -prev this file).")
	var flags []string
	for _, m := range im.opts.Merge {
		flags = append(flags, "-merge-schemes "+m.Kind+"="+strings.Join(m.Schemes, ","))
	}
	if im.opts.ServerPath {
		flags = append(flags, "-server-path")
	}
	if len(flags) > 0 {
		head = append(head, "Options: "+strings.Join(flags, " "))
	}
	f.Comment = strings.Join(head, "\n")
	f.SectionComments = map[string]string{
		"outcomes":   "Codes returned when a call is refused.",
		"principals": "The security schemes of the description: each is a kind of credential.",
		"scopes":     "The scopes of the OAuth 2.0 and OpenID Connect schemes, named as the description\nwrites them.",
	}
	if len(f.Reserved.IDs) > 0 || len(f.Reserved.Names) > 0 {
		f.SectionComments["reserved"] = "Scopes of earlier imports that the description no longer has: no scope may take them."
	}
	if len(f.Endpoints) > 0 {
		f.SectionComments["endpoints"] = "The operations, each with its HTTP binding; any_of lists the security\nrequirements, any one of which suffices."
	}
	if len(im.leftOut) > 0 {
		foot := []string{"Left out (their requests are refused as unknown endpoints):"}
		for _, l := range im.leftOut {
			foot = append(foot, "  "+l)
		}
		f.FootComment = strings.Join(foot, "\n")
	}
	return spec.Marshal(f)
}
