// Package protoimport writes a scopes spec from .proto files that carry their
// scope rules as custom options: an enum whose values are the scopes (with
// options saying which scopes each one depends on and whether users see it),
// and per RPC a repeated option listing the scopes it needs and an option
// naming its auth type.
//
// Files are read with protocompile's parser at the AST level only: nothing is
// linked, so imports that are not at hand (google/api/annotations.proto, the
// files that declare the options) are not needed. Option names are matched as
// protoc would resolve them from the scope they are written in, so
// (cl_depending_scopes) inside package clarifai.auth.util and
// (clarifai.auth.util.cl_depending_scopes) elsewhere are the same option.
//
// Scopes may instead be named by strings, as Google's protos name them
// (option (google.api.oauth_scopes) = "https://...,https://..." on a
// service): without an enum, every scope an option lists is a scope of the
// spec. An option may be read on services (every RPC of the service that
// sets no requires option of its own needs it), list alternatives (any one
// scope suffices) and hold several scopes in one string (ScopeList).
//
// Every name is configured (Config); nothing about a particular API is built
// in except the profiles, which are configs with a name.
package protoimport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Name styles: how an enum value's name becomes a scope name.
const (
	NamesColon     = "colon"      // every '_' becomes ':': Inputs_Get → Inputs:Get
	NamesLastColon = "last-colon" // the last '_' becomes ':': Model_Versions_Get → Model_Versions:Get
	NamesKeep      = "keep"       // the name as is: Inputs_Get
)

// NameStyles lists the name styles.
var NameStyles = []string{NamesColon, NamesLastColon, NamesKeep}

// Config says where the scope rules are in the .proto files and what they
// mean. Option names are OptionRefs in text form: a full extension name
// (clarifai.auth.util.cl_auth_type), or one in parentheses followed by the
// path of a field inside it ((acme.auth.rule).requires). Each option setting
// is a list: any of the names counts.
type Config struct {
	// Enum is the full name of the enum whose values are the scopes. Without
	// one, the scopes are the strings the requires options list, named as
	// written (Google's "https://www.googleapis.com/auth/cloud-platform").
	Enum string
	// Names is the name style (NamesColon when empty); StripPrefix is removed
	// from value names first (SCOPE_ for SCOPE_INPUTS_GET).
	Names       string
	StripPrefix string
	// GrantsAll is the name of the enum value that grants every scope, if any.
	GrantsAll string

	Depends  []string // on enum values: repeated, the scopes a scope needs (prerequisites)
	Exposed  []string // on enum values: bool, whether users may pick the scope
	Requires []string // on RPCs: repeated, the scopes the method needs (every one)
	Auth     []string // on RPCs: an enum value naming the auth type
	HTTP     []string // on RPCs: google.api.HttpRule bindings (default google.api.http)

	// Lists are options that list scopes, each with how it reads: on
	// services or RPCs, every scope needed or any one, one scope per string
	// or several. Requires are the plain case (on RPCs, every scope, one per
	// value); an option is named in one or the other.
	Lists []ScopeList

	// Principals are the kinds of credential the spec declares (its
	// top-level principals), which targets name; none: app_key and pat.
	Principals []string

	// AuthMap says what each auth type value means; AuthDefault, if set, is
	// used for RPCs that have no auth option.
	AuthMap     map[string]Target
	AuthDefault *Target

	// ImportPaths are the directories imports are looked up in.
	ImportPaths []string

	// Outcomes replace the default outcomes, by role.
	Outcomes map[model.Role]Outcome

	// Prev is the spec a previous import wrote (-prev), or nil: endpoints
	// that persist keep their order, and without an enum (whose numbers
	// are the ids) scopes that persist keep their ids, new ones get fresh
	// ids and removed ones are reserved, so that scopegen diff of two
	// imports reads as the API's real change.
	Prev *spec.File

	// File is where the config was read from, for positions; empty for flags.
	File string
	// lines are the config file's line numbers by key path ("outcomes.key_invalid").
	lines map[string]int
}

// Outcome is one outcome of the spec: the code a denied call gets.
type Outcome struct {
	Code    int64  `yaml:"code"`
	Status  string `yaml:"status"`
	GRPC    string `yaml:"grpc"`
	Message string `yaml:"message"`
}

// DefaultOutcomes are the outcomes written when the config gives none: those
// of the spec scopegen ships (Clarifai's status codes).
var DefaultOutcomes = map[model.Role]Outcome{
	model.InsufficientScopes: {11007, "CONN_INSUFFICIENT_SCOPES", "PERMISSION_DENIED", "the key lacks the scopes this call needs"},
	model.KeyInvalid:         {11008, "CONN_KEY_INVALID", "UNAUTHENTICATED", "the key is invalid, disabled or expired"},
	model.KeyNotFound:        {11009, "CONN_KEY_NOT_FOUND", "UNAUTHENTICATED", "the key was not found"},
	model.UnknownEndpoint:    {11101, "CONN_DOES_NOT_EXIST", "NOT_FOUND", "the endpoint does not exist"},
}

// DefaultHTTP is the option of HTTP bindings when none is configured.
const DefaultHTTP = "google.api.http"

// Profiles are configs with a name, for APIs whose option names are known.
var Profiles = map[string]func() *Config{
	// clarifai reads Clarifai's protos (github.com/Clarifai/clarifai-go-grpc):
	// scope.proto's enum S with (clarfai_exposed), spelled so there, and
	// (clarifai_depending_scopes) on its values, and service.proto's
	// (clarifai.auth.util.cl_depending_scopes) and cl_auth_type on RPCs.
	"clarifai": func() *Config {
		return &Config{
			Enum:      "clarifai.auth.scope.S",
			Names:     NamesColon,
			GrantsAll: "All",
			Depends:   []string{"clarifai.auth.scope.clarifai_depending_scopes"},
			Exposed:   []string{"clarifai.auth.scope.clarfai_exposed", "clarifai.auth.scope.clarifai_exposed"},
			Requires:  []string{"clarifai.auth.util.cl_depending_scopes"},
			Auth:      []string{"clarifai.auth.util.cl_auth_type"},
			AuthMap: map[string]Target{
				"NoAuth":           {Public: true},
				"KeyAuth":          {Kinds: []string{"app_key", "pat"}},
				"PATAuth":          {Kinds: []string{"pat"}},
				"SessionTokenAuth": {Skip: true},
				"AdminAuth":        {Skip: true},
			},
		}
	},
	// google reads Google's API protos (github.com/googleapis/googleapis):
	// option (google.api.oauth_scopes) = "https://...,https://..." on each
	// service (google/api/client.proto, a ServiceOptions extension, field
	// 1050), any one of whose comma-separated scopes lets a credential of
	// kind oauth2 (an OAuth 2.0 access token) call every RPC of the service.
	"google": func() *Config {
		return &Config{
			Lists:       []ScopeList{{Option: "google.api.oauth_scopes", Service: true, AnyOf: true, Separator: ","}},
			Principals:  []string{"oauth2"},
			AuthDefault: &Target{Kinds: []string{"oauth2"}},
			// What Google's APIs answer: the HTTP status as the code, the
			// google.rpc.ErrorInfo reason of a missing scope, else the code's name, as
			// the status.
			Outcomes: map[model.Role]Outcome{
				model.InsufficientScopes: {403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "PERMISSION_DENIED", "Request had insufficient authentication scopes."},
				model.KeyInvalid:         {401, "UNAUTHENTICATED", "UNAUTHENTICATED", "Request had invalid authentication credentials."},
				model.KeyNotFound:        {401, "UNAUTHENTICATED", "UNAUTHENTICATED", "Request is missing required authentication credential."},
				model.UnknownEndpoint:    {404, "NOT_FOUND", "UNIMPLEMENTED", "Method not found."},
			},
		}
	},
}

// ScopeList is an option that lists scopes, and how to read it.
type ScopeList struct {
	// Option is the option's name, an OptionRef in text form.
	Option string
	// Service is set for an option on services: what it lists is what every
	// RPC of the service requires, unless the RPC sets a requires option
	// (of any list on RPCs) itself, which then replaces it. Otherwise the
	// option is on RPCs.
	Service bool
	// AnyOf is set when any one scope the option lists suffices (each is an
	// alternative of the endpoint); otherwise every one is needed.
	AnyOf bool
	// Separator, if set, splits a string value into several scopes (","
	// for Google's "https://...,https://..."); otherwise a string is one
	// scope. Space around a scope is dropped.
	Separator string
}

// String is the list as the config writes it, for messages.
func (l ScopeList) String() string {
	var b strings.Builder
	b.WriteString(l.Option)
	if l.Service {
		b.WriteString(" on services")
	}
	if l.AnyOf {
		b.WriteString(", any one")
	}
	if l.Separator != "" {
		fmt.Fprintf(&b, ", separated by %q", l.Separator)
	}
	return b.String()
}

// ProfileNames lists the profiles, sorted.
func ProfileNames() []string {
	var out []string
	for n := range Profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Target is what an auth type means for a key: public (no key at all), skip
// (no API key or token can call it: a session or admin login), or the kinds
// of key that may call it.
type Target struct {
	Public bool
	Skip   bool
	Kinds  []string // names of kinds the spec declares (Config.Principals), in order
}

// Target words.
const (
	TargetPublic = "public"
	TargetSkip   = "skip"
)

// ParseTarget reads "public", "skip" or principal names joined by '|' or '+'
// ("app_key|pat", "pat"), of the default kinds (model.DefaultKinds).
func ParseTarget(s string) (Target, error) { return ParseTargetKinds(s, nil) }

// ParseTargetKinds is ParseTarget for a spec that declares kinds (none:
// model.DefaultKinds). The kinds of the target are in the order of kinds.
func ParseTargetKinds(s string, kinds []string) (Target, error) {
	if len(kinds) == 0 {
		kinds = defaultKindNames()
	}
	s = strings.TrimSpace(s)
	eg := strings.Join(kinds, "|")
	switch s {
	case TargetPublic:
		return Target{Public: true}, nil
	case TargetSkip:
		return Target{Skip: true}, nil
	case "":
		return Target{}, fmt.Errorf("empty; write public, skip, or the kinds of key: %s", eg)
	}
	set := map[string]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '+' }) {
		part = strings.TrimSpace(part)
		if !slices.Contains(kinds, part) {
			return Target{}, fmt.Errorf("unknown target %q%s (targets are public, skip, %s, or kinds joined by |)",
				part, spec.DidYouMean(part, append([]string{TargetPublic, TargetSkip}, kinds...)), strings.Join(kinds, ", "))
		}
		set[part] = true
	}
	var t Target
	for _, k := range kinds {
		if set[k] {
			t.Kinds = append(t.Kinds, k)
		}
	}
	if len(t.Kinds) == 0 {
		return Target{}, fmt.Errorf("%q names no kind of key; write public, skip, or %s", s, eg)
	}
	return t, nil
}

func defaultKindNames() []string {
	var out []string
	for _, k := range model.DefaultKinds {
		out = append(out, k.Name)
	}
	return out
}

// String is the text form ParseTarget reads.
func (t Target) String() string {
	switch {
	case t.Public:
		return TargetPublic
	case t.Skip:
		return TargetSkip
	}
	return strings.Join(t.Kinds, "|")
}

// ParseAuthMap reads "Value=target,Value=target", e.g.
// "NoAuth=public,KeyAuth=app_key|pat,PATAuth=pat,SessionTokenAuth=skip".
func ParseAuthMap(s string) (map[string]Target, error) { return ParseAuthMapKinds(s, nil) }

// ParseAuthMapKinds is ParseAuthMap for a spec that declares kinds (as
// ParseTargetKinds).
func ParseAuthMapKinds(s string, kinds []string) (map[string]Target, error) {
	out := map[string]Target{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, v, ok := strings.Cut(entry, "=")
		k = strings.TrimSpace(k)
		if !ok || !isIdent(k) {
			return nil, fmt.Errorf("%q is not VALUE=TARGET, e.g. KeyAuth=app_key|pat", entry)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s is mapped twice; keep one", k)
		}
		t, err := ParseTargetKinds(v, kinds)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		out[k] = t
	}
	if len(out) == 0 {
		return nil, errors.New("empty; write VALUE=TARGET pairs, e.g. NoAuth=public,KeyAuth=app_key|pat")
	}
	return out, nil
}

// FormatAuthMap is the text form ParseAuthMap reads, sorted by value name.
func FormatAuthMap(m map[string]Target) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + m[k].String())
	}
	return b.String()
}

// OptionRef names an option: an extension, by full name, and the path of
// fields inside its value (empty for the extension's own value).
type OptionRef struct {
	Ext  string
	Path []string
}

// ParseOptionRef reads "pkg.ext", "(pkg.ext)" or "(pkg.ext).field.field". A
// leading dot on the extension name is allowed and ignored.
func ParseOptionRef(s string) (OptionRef, error) {
	orig := s
	s = strings.TrimSpace(s)
	var r OptionRef
	if strings.HasPrefix(s, "(") {
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return OptionRef{}, fmt.Errorf("option name %q has no closing parenthesis", orig)
		}
		r.Ext, s = s[1:end], s[end+1:]
		if s != "" {
			if s[0] != '.' {
				return OptionRef{}, fmt.Errorf("option name %q: write (extension).field", orig)
			}
			r.Path = strings.Split(s[1:], ".")
		}
	} else {
		r.Ext = s
	}
	r.Ext = strings.TrimPrefix(r.Ext, ".")
	if !isFullName(r.Ext) {
		return OptionRef{}, fmt.Errorf("option name %q: %q is not a full extension name such as acme.auth.requires", orig, r.Ext)
	}
	for _, p := range r.Path {
		if !isIdent(p) {
			return OptionRef{}, fmt.Errorf("option name %q: %q is not a field name", orig, p)
		}
	}
	return r, nil
}

// String is the text form ParseOptionRef reads.
func (r OptionRef) String() string {
	if len(r.Path) == 0 {
		return r.Ext
	}
	return "(" + r.Ext + ")." + strings.Join(r.Path, ".")
}

// display is the option as it is written in a .proto file.
func (r OptionRef) display() string {
	if len(r.Path) == 0 {
		return "(" + r.Ext + ")"
	}
	return r.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func isFullName(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if !isIdent(p) {
			return false
		}
	}
	return true
}

// ScopeName maps an enum value's name to a scope name by the config's style.
func (c *Config) ScopeName(value string) string {
	name := value
	if c.StripPrefix != "" && strings.HasPrefix(name, c.StripPrefix) && len(name) > len(c.StripPrefix) {
		name = name[len(c.StripPrefix):]
	}
	switch c.Names {
	case NamesKeep:
	case NamesLastColon:
		if i := strings.LastIndexByte(name, '_'); i > 0 && i < len(name)-1 {
			name = name[:i] + ":" + name[i+1:]
		}
	default:
		name = strings.ReplaceAll(name, "_", ":")
	}
	return name
}

// ConfigKeys are the keys a config file may have, for messages.
var ConfigKeys = []string{"enum", "names", "strip_prefix", "grants_all", "principals", "options", "auth", "auth_default", "import_paths", "outcomes"}

// ListKeys are the keys of an option written in full under options.requires.
var ListKeys = []string{"option", "on", "any_of", "separator"}

// The values of a list's on: key.
const (
	OnRPC     = "rpc"
	OnService = "service"
)

// OptionKeys are the keys of a config file's options.
var OptionKeys = []string{"depends", "exposed", "requires", "auth", "http"}

// LoadConfig reads a config file. Import paths in it are relative to the file's
// directory.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ParseConfig reads a config file's contents; name is used in positions. It
// is read as a spec is (spec.Decoder): every problem, a YAML syntax error
// included, comes back in spec.Errors at its line and column, saying what to
// do. A key written without a value is left unset.
func ParseConfig(name string, data []byte) (*Config, error) {
	d := spec.NewDecoder(name, "config")
	top := d.Document(data)
	if top == nil {
		if err := d.Err(); err != nil {
			return nil, err
		}
		return nil, spec.Errors{{Pos: spec.Pos{File: name, Line: 1, Col: 1}, Msg: "the config is empty; see scopegen import-proto -h for its keys"}}
	}
	c := &Config{File: name, lines: map[string]int{}}
	// The settings as written, each with its position, checked below.
	var (
		enum, names, grantsAll spec.Str
		options                = map[string][]spec.Str{}
		auth                   []configEntry[[]spec.Str]
		authDefault            []spec.Str
		importPaths            []spec.Str
		outcomes               []configEntry[Outcome]
		principals             []spec.Str
		lists                  []listEntry
	)
	str := func(key string, dst *spec.Str) spec.Field {
		return spec.Field{Key: key, Set: func(v *yaml.Node) {
			if !null(v) {
				*dst = d.Str(v, key)
			}
		}}
	}
	list := func(key string, dst *[]spec.Str) spec.Field {
		return spec.Field{Key: key, Set: func(v *yaml.Node) { *dst = nameList(d, v, key) }}
	}
	var optionFields []spec.Field
	for _, k := range OptionKeys {
		if k == "requires" {
			optionFields = append(optionFields, spec.Field{Key: k, Set: func(v *yaml.Node) { options[k], lists = requiresList(d, v) }})
			continue
		}
		optionFields = append(optionFields, spec.Field{Key: k, Set: func(v *yaml.Node) { options[k] = nameList(d, v, "options."+k) }})
	}
	var strip spec.Str
	d.Mapping(top, "the config",
		str("enum", &enum), str("names", &names), str("strip_prefix", &strip), str("grants_all", &grantsAll),
		list("principals", &principals),
		spec.Field{Key: "options", Set: func(v *yaml.Node) {
			if !null(v) {
				d.Mapping(v, "options", optionFields...)
			}
		}},
		spec.Field{Key: "auth", Set: func(v *yaml.Node) {
			if !null(v) {
				d.Entries(v, "auth", func(k spec.Str, v *yaml.Node) {
					auth = append(auth, configEntry[[]spec.Str]{k, nameList(d, v, "auth: "+k.Value)})
				})
			}
		}},
		list("auth_default", &authDefault),
		list("import_paths", &importPaths),
		spec.Field{Key: "outcomes", Set: func(v *yaml.Node) {
			if null(v) {
				return
			}
			d.Entries(v, "outcomes", func(k spec.Str, v *yaml.Node) {
				var o Outcome
				d.Mapping(v, fmt.Sprintf("outcome %q", k.Value),
					spec.Field{Key: "code", Set: func(v *yaml.Node) { o.Code = d.Int(v, "code").Value }},
					spec.Field{Key: "status", Set: func(v *yaml.Node) { o.Status = d.Str(v, "status").Value }},
					spec.Field{Key: "grpc", Set: func(v *yaml.Node) { o.GRPC = d.Str(v, "grpc").Value }},
					spec.Field{Key: "message", Set: func(v *yaml.Node) { o.Message = d.Str(v, "message").Value }},
				)
				outcomes = append(outcomes, configEntry[Outcome]{k, o})
			})
		}},
	)
	if err := d.Err(); err != nil {
		return nil, err
	}
	recordLines(top, "", c.lines)
	c.Enum, c.Names, c.StripPrefix, c.GrantsAll = enum.Value, names.Value, strip.Value, grantsAll.Value
	values := func(l []spec.Str) []string {
		var out []string
		for _, s := range l {
			out = append(out, s.Value)
		}
		return out
	}
	c.Depends, c.Exposed, c.Requires = values(options["depends"]), values(options["exposed"]), values(options["requires"])
	c.Auth, c.HTTP = values(options["auth"]), values(options["http"])

	// The settings that import checks again, here at their positions.
	var errs spec.Errors
	if c.Names != "" && !slices.Contains(NameStyles, c.Names) {
		errs.Add(names.Pos, "names: unknown name style %q%s; the styles are %s", c.Names, spec.DidYouMean(c.Names, NameStyles), strings.Join(NameStyles, ", "))
	}
	if c.Enum != "" && !isFullName(strings.TrimPrefix(c.Enum, ".")) {
		errs.Add(enum.Pos, "enum: %q is not a full name such as acme.auth.Scope", c.Enum)
	}
	if c.GrantsAll != "" && !isIdent(c.GrantsAll) {
		errs.Add(grantsAll.Pos, "grants_all: %q is not an enum value name", c.GrantsAll)
	}
	for _, k := range OptionKeys {
		for _, n := range options[k] {
			if _, err := ParseOptionRef(n.Value); err != nil {
				errs.Add(n.Pos, "options.%s: %v", k, err)
			}
		}
	}
	for i, p := range principals {
		switch {
		case !validKind(p.Value):
			errs.Add(p.Pos, "principals: %q is not a kind name (printable characters without spaces, '|', '+' or ','), e.g. oauth2", p.Value)
		case slices.Contains(values(principals[:i]), p.Value):
			errs.Add(p.Pos, "principals: %s is listed twice; keep one", p.Value)
		}
	}
	c.Principals = values(principals)
	for _, l := range lists {
		if _, err := ParseOptionRef(l.option.Value); err != nil {
			errs.Add(l.option.Pos, "options.requires: %v", err)
		}
		if l.on.Value != "" && l.on.Value != OnRPC && l.on.Value != OnService {
			errs.Add(l.on.Pos, "options.requires: on: %q is neither %s nor %s%s", l.on.Value, OnRPC, OnService, spec.DidYouMean(l.on.Value, []string{OnRPC, OnService}))
		}
		c.Lists = append(c.Lists, ScopeList{Option: l.option.Value, Service: l.on.Value == OnService, AnyOf: l.anyOf, Separator: l.separator.Value})
	}
	target := func(l []spec.Str) (Target, error) {
		return ParseTargetKinds(strings.Join(values(l), "|"), c.Principals)
	}
	for _, a := range auth {
		t, err := target(a.value)
		if err != nil {
			errs.Add(firstPos(a.value, a.key.Pos), "auth: %s: %v", a.key.Value, err)
			continue
		}
		if c.AuthMap == nil {
			c.AuthMap = map[string]Target{}
		}
		c.AuthMap[a.key.Value] = t
	}
	if len(authDefault) > 0 {
		t, err := target(authDefault)
		if err != nil {
			errs.Add(authDefault[0].Pos, "auth_default: %v", err)
		} else {
			c.AuthDefault = &t
		}
	}
	dir := filepath.Dir(name)
	for _, p := range values(importPaths) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		c.ImportPaths = append(c.ImportPaths, p)
	}
	var roles []string
	for _, r := range model.Roles {
		roles = append(roles, string(r))
	}
	for _, o := range outcomes {
		role := o.key.Value
		if !slices.Contains(roles, role) {
			errs.Add(o.key.Pos, "unknown outcome %q%s (the outcomes are %s)", role, spec.DidYouMean(role, roles), strings.Join(roles, ", "))
			continue
		}
		if c.Outcomes == nil {
			c.Outcomes = map[model.Role]Outcome{}
		}
		c.Outcomes[model.Role(role)] = o.value
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// configEntry is an entry of a mapping of the config whose keys are names
// (an auth type, an outcome role), with its value.
type configEntry[T any] struct {
	key   spec.Str
	value T
}

// listEntry is an option written in full under options.requires.
type listEntry struct {
	option, on, separator spec.Str
	anyOf                 bool
}

// requiresList reads options.requires: a name, a list of names (as
// nameList), or options written in full, {option: NAME, on: service,
// any_of: true, separator: ","}, alone or in the list.
func requiresList(d *spec.Decoder, v *yaml.Node) (names []spec.Str, lists []listEntry) {
	full := func(v *yaml.Node) {
		var l listEntry
		d.Mapping(v, "an option of options.requires",
			spec.Field{Key: "option", Set: func(v *yaml.Node) { l.option = d.Str(v, "option") }},
			spec.Field{Key: "on", Set: func(v *yaml.Node) { l.on = d.Str(v, "on") }},
			spec.Field{Key: "any_of", Set: func(v *yaml.Node) { l.anyOf = d.Bool(v, "any_of").Value }},
			spec.Field{Key: "separator", Set: func(v *yaml.Node) { l.separator = d.Str(v, "separator") }},
		)
		if l.option.Value == "" {
			d.Errorf(v, "an option of options.requires needs option: its name, e.g. {option: google.api.oauth_scopes, on: service, any_of: true, separator: \",\"}")
			return
		}
		lists = append(lists, l)
	}
	switch {
	case v.Kind == yaml.MappingNode:
		full(v)
		return nil, lists
	case v.Kind == yaml.SequenceNode:
		for _, e := range v.Content {
			if e.Kind == yaml.MappingNode {
				full(e)
				continue
			}
			names = append(names, d.Str(e, "options.requires"))
		}
		return names, lists
	}
	return nameList(d, v, "options.requires"), nil
}

// validKind reports whether s can name a kind of credential in a target.
func validKind(s string) bool {
	return model.ValidOperationName(s) && !strings.ContainsAny(s, "|+,")
}

// null reports whether v is a key's missing value ("key:" alone).
func null(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

// nameList reads a name or a list of names: a YAML list of strings, or one
// string of comma-separated ones (each at the string's position); none for
// a missing value.
func nameList(d *spec.Decoder, v *yaml.Node, what string) []spec.Str {
	switch {
	case null(v):
		return nil
	case v.Kind == yaml.ScalarNode:
		var out []spec.Str
		for _, n := range splitList(v.Value) {
			out = append(out, spec.Str{Value: n, Pos: d.Pos(v)})
		}
		return out
	case v.Kind == yaml.SequenceNode:
		return d.Strs(v, what)
	}
	d.Errorf(v, "%s: want a name or a list of names (a.b or [a.b, c.d]), not %s", what, d.Kind(v))
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// firstPos is the position of the first of list, or fallback.
func firstPos(list []spec.Str, fallback spec.Pos) spec.Pos {
	if len(list) > 0 {
		return list[0].Pos
	}
	return fallback
}

// recordLines notes the line of every mapping key by its dotted path.
func recordLines(n *yaml.Node, prefix string, out map[string]int) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		recordLines(n.Content[0], prefix, out)
		return
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := prefix + n.Content[i].Value
		out[key] = n.Content[i].Line
		recordLines(n.Content[i+1], key+".", out)
	}
}

// Merge sets in c every setting that o has, as import-proto layers a
// profile, a config file and the flags: a string, list or auth default that o
// sets replaces c's, and one o leaves unset keeps c's; the auth map and the
// outcomes are merged by key (o's entries replace or add to c's, and c's
// others stay); File, with its lines, comes from o when o was read from a file.
func (c *Config) Merge(o *Config) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	setList := func(dst *[]string, v []string) {
		if len(v) > 0 {
			*dst = v
		}
	}
	set(&c.Enum, o.Enum)
	set(&c.Names, o.Names)
	set(&c.StripPrefix, o.StripPrefix)
	set(&c.GrantsAll, o.GrantsAll)
	setList(&c.Depends, o.Depends)
	setList(&c.Exposed, o.Exposed)
	if len(o.Requires) > 0 || len(o.Lists) > 0 {
		// One setting, in two forms: either replaces both.
		c.Requires, c.Lists = o.Requires, o.Lists
	}
	setList(&c.Principals, o.Principals)
	setList(&c.Auth, o.Auth)
	setList(&c.HTTP, o.HTTP)
	setList(&c.ImportPaths, o.ImportPaths)
	if len(o.AuthMap) > 0 {
		if c.AuthMap == nil {
			c.AuthMap = map[string]Target{}
		}
		for k, v := range o.AuthMap {
			c.AuthMap[k] = v
		}
	}
	if o.AuthDefault != nil {
		c.AuthDefault = o.AuthDefault
	}
	if o.Prev != nil {
		c.Prev = o.Prev
	}
	if len(o.Outcomes) > 0 {
		if c.Outcomes == nil {
			c.Outcomes = map[model.Role]Outcome{}
		}
		for k, v := range o.Outcomes {
			c.Outcomes[k] = v
		}
	}
	if o.File != "" {
		c.File, c.lines = o.File, o.lines
	}
}

// Missing lists what the config lacks to import anything, as flag names.
func (c *Config) Missing() []string {
	var out []string
	if len(c.Requires) == 0 && len(c.Lists) == 0 {
		out = append(out, "-requires-option (or -service-requires-option)")
	}
	if len(c.Auth) == 0 && c.AuthDefault == nil {
		out = append(out, "-auth-option (or -auth-default)")
	}
	if len(c.Auth) > 0 && len(c.AuthMap) == 0 {
		out = append(out, "-auth-map")
	}
	return out
}

// refs parses a list of option names; what names the setting in messages.
func refs(names []string, what string) ([]OptionRef, error) {
	var out []OptionRef
	for _, n := range names {
		r, err := ParseOptionRef(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		out = append(out, r)
	}
	return out, nil
}
