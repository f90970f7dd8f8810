// Package prototruth reads what .proto files say of their scope rules by
// compiling them as protoc does (bufbuild/protocompile's compiler: every
// import resolved, every name linked, every option interpreted), not by
// reading their syntax as package protoimport does. Tests check the spec
// that protoimport writes against it: the two readings share no code but the
// option names of the config.
//
// Compiling needs every import. The standard google/protobuf files are built
// in, and google/api/annotations.proto and google/api/http.proto, which few
// trees carry, are stood in for by small files declaring the same HttpRule
// when the import paths do not have them.
package prototruth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
)

// API is what compiled .proto files say: the values of the scope enum and
// the RPCs of the services of the files compiled.
type API struct {
	Enum   string  // the enum's full name
	Scopes []Scope // in the order of the enum, the zero value included
	// ReservedRanges are the enum's reserved numbers, inclusive ranges.
	ReservedRanges [][2]int32
	ReservedNames  []string
	RPCs           []RPC // by file, then in the order of each file
}

// Scope is one value of the scope enum.
type Scope struct {
	Value      string // the value's name
	Number     int32
	Depends    []string // the values the depends option lists, in order, repeats kept
	Exposed    bool     // the exposed option is true
	Deprecated bool
	Comment    string // the leading comment, as protoc records it
}

// RPC is one method of a service.
type RPC struct {
	Method     string   // /package.Service/Method
	Requires   []string // the values the requires option lists, in order, repeats kept
	Auth       string   // the auth option's value name; "" when not set
	HTTP       []string // the bindings: "POST /v2/inputs", the rule's own first
	Deprecated bool
	Comment    string
}

// stubs stand in for the google/api files that service files import for
// google.api.http: the same messages and extension, without comments.
var stubs = map[string]string{
	"google/api/annotations.proto": `syntax = "proto3";
package google.api;
import "google/api/http.proto";
import "google/protobuf/descriptor.proto";
extend google.protobuf.MethodOptions { HttpRule http = 72295728; }
`,
	"google/api/http.proto": `syntax = "proto3";
package google.api;
message Http { repeated HttpRule rules = 1; bool fully_decode_reserved_expansion = 2; }
message HttpRule {
  string selector = 1;
  oneof pattern {
    string get = 2;
    string put = 3;
    string post = 4;
    string delete = 5;
    string patch = 6;
    CustomHttpPattern custom = 8;
  }
  string body = 7;
  string response_body = 12;
  repeated HttpRule additional_bindings = 11;
}
message CustomHttpPattern { string kind = 1; string path = 2; }
`,
}

// Compile compiles files (import paths, relative to one of roots) and reads
// the scope rules that cfg names. Option names with a field path
// ((acme.auth.rule).requires) are followed into message values.
func Compile(cfg *protoimport.Config, roots []string, files []string) (*API, error) {
	disk := &protocompile.SourceResolver{ImportPaths: roots}
	resolver := protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		res, err := disk.FindFileByPath(path)
		if err == nil {
			return res, nil
		}
		if src, ok := stubs[path]; ok && errors.Is(err, os.ErrNotExist) {
			return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(src))}, nil
		}
		return res, err
	}))
	var errs []string
	c := protocompile.Compiler{
		Resolver:       resolver,
		SourceInfoMode: protocompile.SourceInfoStandard,
		Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
			errs = append(errs, err.Error())
			return nil
		}, nil),
	}
	compiled, err := c.Compile(context.Background(), files...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("the files do not compile:\n%s", strings.Join(errs, "\n"))
	}
	if err != nil {
		return nil, err
	}
	all, err := transitive(compiled)
	if err != nil {
		return nil, err
	}
	r := &reader{cfg: cfg, res: all.AsResolver()}
	for _, x := range []struct {
		dst   *[]protoimport.OptionRef
		names []string
	}{{&r.depends, cfg.Depends}, {&r.exposed, cfg.Exposed}, {&r.requires, cfg.Requires}, {&r.auth, cfg.Auth}, {&r.http, cfg.HTTP}} {
		for _, n := range x.names {
			ref, err := protoimport.ParseOptionRef(n)
			if err != nil {
				return nil, err
			}
			*x.dst = append(*x.dst, ref)
		}
	}
	if len(r.http) == 0 {
		r.http = []protoimport.OptionRef{{Ext: protoimport.DefaultHTTP}}
	}
	api := &API{Enum: strings.TrimPrefix(cfg.Enum, ".")}
	d, err := r.res.FindDescriptorByName(protoreflect.FullName(api.Enum))
	if err != nil {
		return nil, fmt.Errorf("enum %s: %v", api.Enum, err)
	}
	enum, ok := d.(protoreflect.EnumDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not an enum", api.Enum)
	}
	if err := r.readEnum(api, enum); err != nil {
		return nil, err
	}
	for _, f := range compiled {
		for i := range f.Services().Len() {
			s := f.Services().Get(i)
			for j := range s.Methods().Len() {
				rpc, err := r.readMethod(s.Methods().Get(j))
				if err != nil {
					return nil, err
				}
				api.RPCs = append(api.RPCs, rpc)
			}
		}
	}
	return api, nil
}

// transitive is the files and every file they import.
func transitive(files linker.Files) (linker.Files, error) {
	var all linker.Files
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor) error
	add = func(fd protoreflect.FileDescriptor) error {
		if seen[fd.Path()] {
			return nil
		}
		seen[fd.Path()] = true
		lf, ok := fd.(linker.File)
		if !ok {
			var err error
			if lf, err = linker.NewFileRecursive(fd); err != nil {
				return err
			}
		}
		all = append(all, lf)
		for i := range fd.Imports().Len() {
			if err := add(fd.Imports().Get(i).FileDescriptor); err != nil {
				return err
			}
		}
		return nil
	}
	for _, f := range files {
		if err := add(f); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// reader reads options with the compiled files' extensions.
type reader struct {
	cfg                                    *protoimport.Config
	res                                    linker.Resolver
	depends, exposed, requires, auth, http []protoimport.OptionRef
}

func (r *reader) readEnum(api *API, enum protoreflect.EnumDescriptor) error {
	for i := range enum.ReservedRanges().Len() {
		rr := enum.ReservedRanges().Get(i)
		api.ReservedRanges = append(api.ReservedRanges, [2]int32{int32(rr[0]), int32(rr[1])})
	}
	for i := range enum.ReservedNames().Len() {
		api.ReservedNames = append(api.ReservedNames, string(enum.ReservedNames().Get(i)))
	}
	locs := enum.ParentFile().SourceLocations()
	for i := range enum.Values().Len() {
		v := enum.Values().Get(i)
		s := Scope{Value: string(v.Name()), Number: int32(v.Number()), Comment: locs.ByDescriptor(v).LeadingComments}
		opts, err := r.options(v.Options())
		if err != nil {
			return fmt.Errorf("%s: %v", v.FullName(), err)
		}
		if o, ok := v.Options().(*descriptorpb.EnumValueOptions); ok {
			s.Deprecated = o.GetDeprecated()
		}
		for _, val := range values(opts, r.exposed) {
			s.Exposed = val.Bool()
		}
		s.Depends = r.enumNames(opts, r.depends)
		api.Scopes = append(api.Scopes, s)
	}
	return nil
}

func (r *reader) readMethod(m protoreflect.MethodDescriptor) (RPC, error) {
	rpc := RPC{Method: "/" + string(m.Parent().FullName()) + "/" + string(m.Name()),
		Comment: m.ParentFile().SourceLocations().ByDescriptor(m).LeadingComments}
	if o, ok := m.Options().(*descriptorpb.MethodOptions); ok {
		rpc.Deprecated = o.GetDeprecated()
	}
	opts, err := r.options(m.Options())
	if err != nil {
		return RPC{}, fmt.Errorf("%s: %v", m.FullName(), err)
	}
	rpc.Requires = r.enumNames(opts, r.requires)
	if auth := r.enumNames(opts, r.auth); len(auth) > 0 {
		rpc.Auth = auth[len(auth)-1]
	}
	for _, v := range values(opts, r.http) {
		rpc.HTTP = append(rpc.HTTP, httpRule(v.Message())...)
	}
	return rpc, nil
}

// options re-reads an options message with the compiled extensions known,
// so that custom options are fields, whatever form the compiler left them in.
func (r *reader) options(opts proto.Message) (protoreflect.Message, error) {
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return nil, err
	}
	msg := dynamicpb.NewMessage(opts.ProtoReflect().Descriptor())
	if err := (proto.UnmarshalOptions{Resolver: r.res}).Unmarshal(data, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// values returns the values opts holds at any of refs: each element of a
// repeated field, in order.
func values(opts protoreflect.Message, refs []protoimport.OptionRef) []protoreflect.Value {
	var out []protoreflect.Value
	for _, ref := range refs {
		var fd protoreflect.FieldDescriptor
		opts.Range(func(f protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if f.IsExtension() && string(f.FullName()) == ref.Ext {
				fd = f
				return false
			}
			return true
		})
		if fd == nil {
			continue
		}
		out = append(out, follow(fd, opts.Get(fd), ref.Path)...)
	}
	return out
}

// follow returns the values at path below v, a value of field fd.
func follow(fd protoreflect.FieldDescriptor, v protoreflect.Value, path []string) []protoreflect.Value {
	var elems []protoreflect.Value
	if fd.IsList() {
		for i := range v.List().Len() {
			elems = append(elems, v.List().Get(i))
		}
	} else {
		elems = []protoreflect.Value{v}
	}
	if len(path) == 0 {
		return elems
	}
	if fd.Message() == nil {
		return nil
	}
	sub := fd.Message().Fields().ByName(protoreflect.Name(path[0]))
	if sub == nil {
		return nil
	}
	var out []protoreflect.Value
	for _, e := range elems {
		if m := e.Message(); m.Has(sub) {
			out = append(out, follow(sub, m.Get(sub), path[1:])...)
		}
	}
	return out
}

// enumNames returns the names of the enum values opts holds at refs.
func (r *reader) enumNames(opts protoreflect.Message, refs []protoimport.OptionRef) []string {
	var out []string
	for _, ref := range refs {
		fd := fieldAt(opts, ref)
		if fd == nil || fd.Enum() == nil {
			continue
		}
		for _, v := range values(opts, []protoimport.OptionRef{ref}) {
			if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
				out = append(out, string(ev.Name()))
			} else {
				out = append(out, fmt.Sprint(v.Enum()))
			}
		}
	}
	return out
}

// fieldAt is the field a ref ends at, if opts sets it.
func fieldAt(opts protoreflect.Message, ref protoimport.OptionRef) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	opts.Range(func(f protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if f.IsExtension() && string(f.FullName()) == ref.Ext {
			fd = f
			return false
		}
		return true
	})
	for _, p := range ref.Path {
		if fd == nil || fd.Message() == nil {
			return nil
		}
		fd = fd.Message().Fields().ByName(protoreflect.Name(p))
	}
	return fd
}

// httpRule renders a google.api.HttpRule: its binding, then its additional
// bindings.
func httpRule(m protoreflect.Message) []string {
	var out []string
	field := func(name string) protoreflect.FieldDescriptor {
		return m.Descriptor().Fields().ByName(protoreflect.Name(name))
	}
	str := func(name string) string {
		if fd := field(name); fd != nil && m.Has(fd) && fd.Kind() == protoreflect.StringKind {
			return m.Get(fd).String()
		}
		return ""
	}
	method, path := "", ""
	for _, verb := range []string{"get", "put", "post", "delete", "patch"} {
		if p := str(verb); p != "" {
			method, path = strings.ToUpper(verb), p
		}
	}
	if fd := field("custom"); fd != nil && m.Has(fd) {
		c := m.Get(fd).Message()
		kind := c.Get(c.Descriptor().Fields().ByName("kind")).String()
		p := c.Get(c.Descriptor().Fields().ByName("path")).String()
		if kind != "" && p != "" {
			method, path = kind, p
		}
	}
	if method != "" {
		out = append(out, method+" "+path)
	}
	if fd := field("additional_bindings"); fd != nil && fd.IsList() {
		l := m.Get(fd).List()
		for i := range l.Len() {
			out = append(out, httpRule(l.Get(i).Message())...)
		}
	}
	return out
}

// Find looks under dir for a file whose path ends with suffix
// ("clarifai/api/service.proto") and returns the import root and the import
// path: the root is what is left of the file's path when the import path
// the file is known by (the longest of suffix's forms that other files
// import it as, e.g. "proto/clarifai/api/service.proto") is cut off.
func Find(dir, suffix string) (root, importPath string, err error) {
	var found []string
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != dir) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(filepath.ToSlash(p), "/"+suffix) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		return "", "", err
	}
	if len(found) == 0 {
		return "", "", fmt.Errorf("no %s under %s", suffix, dir)
	}
	sort.Slice(found, func(i, j int) bool { return len(found[i]) < len(found[j]) })
	file := filepath.ToSlash(found[0])
	// Clarifai's files import each other as proto/clarifai/...: the root is
	// the directory proto/ is in, when the file is under one.
	rel := suffix
	if i := strings.LastIndex(file, "/proto/"+suffix); i >= 0 {
		rel = "proto/" + suffix
	}
	root = strings.TrimSuffix(file, "/"+rel)
	if root == file {
		root = "."
	}
	return filepath.FromSlash(root), rel, nil
}

// Expect is what a checker generated from the imported spec must do, as
// testdata/protoimport/e2e/decide_test.go reads it from truth.json.
type Expect struct {
	RPCs   []ExpectRPC   `json:"rpcs"`
	Scopes []ExpectScope `json:"scopes"`
}

// ExpectRPC is what the checker must do with one RPC: refuse it as unknown
// (Skip), allow it without a key (Public), or allow the kinds of key in
// Kinds (model.Principal bits) that hold Requires, and only those.
type ExpectRPC struct {
	Method   string   `json:"method"`
	Public   bool     `json:"public"`
	Skip     bool     `json:"skip"`
	Kinds    int      `json:"kinds"`
	Requires []string `json:"requires"` // scope names, sorted, no repeats
}

// ExpectScope is one scope the checker must have: its name, id, the scopes
// it depends on directly (sorted, no repeats) and whether it is deprecated.
type ExpectScope struct {
	Name       string   `json:"name"`
	ID         int      `json:"id"`
	Requires   []string `json:"requires"`
	Deprecated bool     `json:"deprecated"`
}

// Expect says what cfg makes of the API: scope names by its name style,
// auth types by its auth map. An RPC whose auth type the map lacks is an
// error: the import must refuse it too.
func (api *API) Expect(cfg *protoimport.Config) (Expect, error) {
	var out Expect
	name := func(values []string) []string {
		var names []string
		for _, v := range values {
			names = append(names, cfg.ScopeName(v))
		}
		return Unique(names)
	}
	for _, s := range api.Scopes {
		if s.Number == 0 {
			continue
		}
		out.Scopes = append(out.Scopes, ExpectScope{Name: cfg.ScopeName(s.Value), ID: int(s.Number), Requires: name(s.Depends), Deprecated: s.Deprecated})
	}
	for _, r := range api.RPCs {
		e := ExpectRPC{Method: r.Method, Requires: name(r.Requires)}
		var t protoimport.Target
		switch {
		case r.Auth != "":
			var ok bool
			if t, ok = cfg.AuthMap[r.Auth]; !ok {
				return Expect{}, fmt.Errorf("%s: auth type %s is not mapped", r.Method, r.Auth)
			}
		case cfg.AuthDefault != nil:
			t = *cfg.AuthDefault
		default:
			return Expect{}, fmt.Errorf("%s: no auth type and no default", r.Method)
		}
		e.Public, e.Skip, e.Kinds = t.Public, t.Skip, int(t.Principal(nil))
		if e.Public || e.Skip {
			e.Requires = nil
		}
		if e.Requires == nil {
			e.Requires = []string{}
		}
		out.RPCs = append(out.RPCs, e)
	}
	return out, nil
}

// Unique is list without repeats, sorted; never nil.
func Unique(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// Stats are the figures of an import, as Compare counts them from the
// compiled files.
type Stats struct {
	RPCs, Endpoints, Public, PATOnly, Skipped int
	Scopes, Internal, Deprecated, ReservedIDs int
	// Repeats are the requirement and dependency lines that repeat a scope
	// already listed: the import merges each with a warning.
	Repeats int
	// Bindings are the HTTP bindings of the endpoints, and Shared those of
	// them that match the same requests as a binding of another endpoint.
	Bindings, Shared int
}

func (s Stats) String() string {
	return fmt.Sprintf("%d RPCs: %d endpoints (%d public, %d for personal access tokens only), %d left out (no API key or token); %d scopes (%d internal, %d deprecated), %d reserved ids; %d repeated scopes merged; %d HTTP bindings, %d shared",
		s.RPCs, s.Endpoints, s.Public, s.PATOnly, s.Skipped, s.Scopes, s.Internal, s.Deprecated, s.ReservedIDs, s.Repeats, s.Bindings, s.Shared)
}

// Compare lists every way in which m, the spec imported from the files with
// cfg, differs from what the compiled files say: scopes (name, id, direct
// dependencies, deprecation, grants-all, description: the leading comment,
// marked Internal when not exposed), reserved ids and names, and RPCs (left
// out, public, or the kinds of key and exactly the scopes listed;
// description: the leading comment, then Deprecated.; the HTTP bindings,
// and which of them other endpoints share).
func (api *API) Compare(cfg *protoimport.Config, m *model.Model) (problems []string, stats Stats) {
	want, err := api.Expect(cfg)
	if err != nil {
		return []string{err.Error()}, stats
	}
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	stats.RPCs, stats.Scopes, stats.Endpoints = len(api.RPCs), len(m.Scopes), len(m.Endpoints)
	if len(m.Scopes) != len(want.Scopes) {
		bad("%d scopes; the enum has %d values besides the zero one", len(m.Scopes), len(want.Scopes))
	}
	values := map[string]Scope{}
	for _, v := range api.Scopes {
		values[cfg.ScopeName(v.Value)] = v
		stats.Repeats += len(v.Depends) - len(Unique(v.Depends))
	}
	for _, w := range want.Scopes {
		s := m.Scope(w.Name)
		if s == nil {
			bad("scope %s (%d) is missing", w.Name, w.ID)
			continue
		}
		if got := Unique(model.Names(s.Requires)); s.ID != w.ID || !slices.Equal(got, w.Requires) || s.Deprecated != w.Deprecated {
			bad("scope %s: id %d, requires %v, deprecated %v; the proto says %d, %v, %v", w.Name, s.ID, got, s.Deprecated, w.ID, w.Requires, w.Deprecated)
		}
		v := values[w.Name]
		desc := OneLine(v.Comment)
		if desc == "" {
			desc = v.Value + " (the .proto has no comment for it)."
		}
		if len(cfg.Exposed) > 0 && !v.Exposed {
			desc = "Internal (not exposed to users). " + desc
			stats.Internal++
		}
		if s.Description != desc {
			bad("scope %s: description %q; the comment makes %q", w.Name, s.Description, desc)
		}
		if s.GrantsAll != (cfg.GrantsAll != "" && v.Value == cfg.GrantsAll) {
			bad("scope %s: grants_all %v", w.Name, s.GrantsAll)
		}
		if s.Deprecated {
			stats.Deprecated++
		}
	}
	var ids []int
	for _, r := range api.ReservedRanges {
		for n := max(r[0], 1); n <= r[1] && n <= model.MaxScopeID; n++ {
			ids = append(ids, int(n))
		}
	}
	var names []string
	for _, n := range api.ReservedNames {
		names = append(names, cfg.ScopeName(n))
	}
	stats.ReservedIDs = len(m.Reserved.IDs)
	if !slices.Equal(m.Reserved.IDs, ids) || !slices.Equal(Unique(m.Reserved.Names), Unique(names)) {
		bad("reserved ids %v, names %v; the enum reserves %v, %v", m.Reserved.IDs, m.Reserved.Names, ids, names)
	}

	rpcs := map[string]RPC{}
	for _, r := range api.RPCs {
		rpcs[r.Method] = r
	}
	// users are the endpoints bound to each pattern of requests.
	users := map[string]map[string]bool{}
	for _, w := range want.RPCs {
		if w.Skip {
			continue
		}
		for _, b := range uniqueBindings(rpcs[w.Method].HTTP) {
			p := pattern(b)
			if users[p] == nil {
				users[p] = map[string]bool{}
			}
			users[p][w.Method] = true
		}
	}
	for _, w := range want.RPCs {
		r := rpcs[w.Method]
		stats.Repeats += len(r.Requires) - len(Unique(r.Requires))
		e := m.Endpoint(w.Method)
		if w.Skip {
			stats.Skipped++
			if e != nil {
				bad("%s: its auth type %s is mapped to skip, but it is an endpoint", w.Method, r.Auth)
			}
			continue
		}
		if e == nil {
			bad("%s: missing", w.Method)
			continue
		}
		got := Unique(model.Names(e.Requires))
		if e.Public != w.Public || !w.Public && (int(e.Principals) != w.Kinds || !slices.Equal(got, w.Requires)) {
			bad("%s: public %v, principals %v, requires %v; the proto says public %v, kinds %d, requires %v (auth %s)",
				w.Method, e.Public, m.KindNames(e.Principals), got, w.Public, w.Kinds, w.Requires, r.Auth)
		}
		switch {
		case w.Public:
			stats.Public++
		case w.Kinds == int(model.PersonalAccessToken):
			stats.PATOnly++
		}
		var desc []string
		if c := OneLine(r.Comment); c != "" {
			if r.Deprecated {
				c = endSentence(c)
			}
			desc = append(desc, c)
		}
		if r.Deprecated {
			desc = append(desc, "Deprecated.")
		}
		if d := strings.Join(desc, " "); e.Description != d {
			bad("%s: description %q; the comment makes %q", w.Method, e.Description, d)
		}
		var bound []string
		for _, b := range e.HTTP {
			bound = append(bound, b.String())
			stats.Bindings++
			if len(b.Shared) > 0 {
				stats.Shared++
			}
			if want := users[pattern(b.String())]; len(b.Shared) != len(want)-1 {
				bad("%s: binding %s is shared with %d endpoints; the proto binds %d RPCs to its requests", w.Method, b.String(), len(b.Shared), len(want))
			}
		}
		if want := uniqueBindings(r.HTTP); !slices.Equal(bound, want) {
			bad("%s: bindings %q; the proto says %q", w.Method, bound, want)
		}
	}
	if len(m.Endpoints)+stats.Skipped != len(api.RPCs) {
		bad("%d endpoints and %d left out; the files have %d RPCs", len(m.Endpoints), stats.Skipped, len(api.RPCs))
	}
	return problems, stats
}

// pattern is a binding, "VERB /path", with its variables' names left out:
// two bindings match the same requests when their patterns are the same.
// It is read by package model's rule, which the spec's bindings follow.
func pattern(binding string) string {
	b, err := model.ParseBinding(binding)
	if err != nil {
		return "invalid: " + binding
	}
	return b.Pattern()
}

// uniqueBindings are bindings without those that match the same requests
// as one before them (the import merges them), and without those a spec
// cannot hold (the import leaves them out, with a warning).
func uniqueBindings(bindings []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range bindings {
		p := pattern(b)
		if seen[p] || strings.HasPrefix(p, "invalid: ") || len(out) == model.MaxBindingsPerEndpoint {
			continue
		}
		seen[p] = true
		out = append(out, b)
	}
	return out
}

// OneLine is a leading comment as protoc records it, made one line as the
// import documents: lines with no letter or digit dropped, a '*' that starts
// a line of a block comment removed, runs of white space made one space,
// and a period added at the end of a line that ends in a letter, digit or
// ')' when the next line starts with a word in sentence case ("The",
// "Optionally,"), so that sentences do not run together.
func OneLine(c string) string {
	var words []string
	for _, l := range strings.Split(c, "\n") {
		l = strings.TrimLeft(strings.TrimSpace(l), "*")
		if strings.IndexFunc(l, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			continue
		}
		f := strings.Fields(l)
		if n := len(words); n > 0 && sentence.MatchString(f[0]) {
			words[n-1] = endSentence(words[n-1])
		}
		words = append(words, f...)
	}
	return strings.Join(words, " ")
}

// sentence is a word that starts a sentence.
var sentence = regexp.MustCompile(`^\p{Lu}[\p{Ll}']*[,:.]*$`)

// endSentence adds a period to c if it ends in a letter, digit or ')'.
func endSentence(c string) string {
	if r, _ := utf8.DecodeLastRuneInString(c); unicode.IsLetter(r) || unicode.IsDigit(r) || r == ')' {
		return c + "."
	}
	return c
}
