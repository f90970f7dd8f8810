package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/output"
	"github.com/scopegen/scopegen/internal/protoimport"
)

const importProtoArgs = "[-profile NAME | -config FILE] [-enum NAME] [-requires-option NAME] [-service-requires-option NAME] [-auth-option NAME] [-auth-map MAP] [flags] [-o FILE] [-prev FILE] FILE.proto..."

const importProtoDetail = "Reads .proto files whose scope rules are custom options and writes the spec:\n" +
	"the values of an enum are the scopes (ids are their numbers; the zero value\n" +
	"is skipped; reserved numbers and names are carried; deprecated is kept; the\n" +
	"comment before a value is its description), an option on each value lists\n" +
	"the scopes it depends on and another says whether users see it (those that\n" +
	"do not are kept, described as Internal, since RPCs may require them). On\n" +
	"each RPC a repeated option lists the scopes it requires and another names\n" +
	"its auth type, which -auth-map turns into who may call it: public,\n" +
	"app_key|pat, app_key, pat, or skip (no API key or token can: the RPC is\n" +
	"left out and listed at the end). Enum values become scope names by -names:\n" +
	"colon (Inputs_Get → Inputs:Get), last-colon or keep. HTTP bindings\n" +
	"(google.api.http) become the endpoint's http.\n\n" +
	"Without -enum, the scopes are the strings the requires options list,\n" +
	"named as written, ids in the order first listed, or -prev's (Google's\n" +
	"protos: -profile google). -service-requires-option names an option on services:\n" +
	"every RPC of the service that sets no requires option itself requires\n" +
	"what it lists (an RPC's own options replace its service's). -any-of: any\n" +
	"one listed scope suffices, each an alternative (any_of); -separator ,\n" +
	"splits a string into several scopes. -principals declares the kinds of\n" +
	"credential that -auth-map and -auth-default name (e.g. oauth2).\n\n" +
	"Files are parsed, not compiled: imports that are not at hand (such as\n" +
	"google/api/annotations.proto) are skipped, with a warning. If the files\n" +
	"named do not define the enum, their imports are looked up in the -I\n" +
	"directories, then in the directory of each file named and those above it.\n\n" +
	"An option name is a full extension name (clarifai.auth.util.cl_auth_type),\n" +
	"or one in parentheses with the path of a field in it ((acme.auth.rule).scopes);\n" +
	"a comma-separated list means any of them. A setting that no file sets (a\n" +
	"misspelled name) is an error listing the options the files do set: nothing\n" +
	"is guessed. Settings come from -profile, then -config, then the flags. A\n" +
	"config file is YAML with the keys enum, names, strip_prefix, grants_all,\n" +
	"principals, options (depends, exposed, requires, auth, http), auth\n" +
	"(value: target), auth_default, import_paths (relative to the file) and\n" +
	"outcomes (as in a spec; the default is the shipped spec's codes). An\n" +
	"entry of options.requires is a name, or {option: NAME, on: rpc|service,\n" +
	"any_of: true|false, separator: SEP}.\n\n" +
	"The output is the same bytes for the same files, in any order, from any\n" +
	"directory: files are named by their import paths. A run of three or more\n" +
	"reserved numbers is written as a range (reserved 100 to max: 100-16383).\n\n" +
	"-prev names the spec of the previous import: its endpoints that persist\n" +
	"keep their order (the values of their Endpoint constants) and, without\n" +
	"-enum, its scopes that persist keep their ids, new ones get ids after all\n" +
	"it used, and removed ones are reserved, so that scopegen diff of the two\n" +
	"imports shows only what changed in the protos.\n\n" +
	"Example:\n" +
	"  scopegen import-proto -profile clarifai -o spec/scopes.yaml \\\n" +
	"      proto/clarifai/api/service.proto\n" +
	"  scopegen import-proto -profile google -o scopes.yaml \\\n" +
	"      googleapis/google/pubsub/v1/pubsub.proto\n" +
	"  scopegen import-proto -enum acme.auth.Scope -depends-option acme.auth.needs \\\n" +
	"      -exposed-option acme.auth.exposed -requires-option acme.auth.requires \\\n" +
	"      -auth-option acme.auth.auth -grants-all All \\\n" +
	"      -auth-map NONE=public,API_KEY=app_key\\|pat,TOKEN=pat,SESSION=skip,ADMIN=skip \\\n" +
	"      -I protos protos/acme/api/*.proto\n\n" +
	"Exit status: 0 written, 1 the files or the rules in them are invalid (listed\n" +
	"as file:line:col lines), 2 usage error."

// importFlags are the flags of import-proto.
type importFlags struct {
	out, config, profile, prev             string
	enum, names, stripPrefix, grantsAll    string
	depends, exposed, requires, auth, http string
	serviceRequires, separator, principals string
	anyOf                                  bool
	authMap, authDefault                   string
	importPaths                            listFlag
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func (f *importFlags) register(set *flag.FlagSet) {
	set.StringVar(&f.out, "o", "", "write the spec to `file`, replacing it whole (not through a symbolic link, which is refused) and leaving it untouched when it holds the same bytes (default: standard output)")
	set.StringVar(&f.prev, "prev", "", "the spec `file` a previous import wrote: endpoints that persist keep their order and, without -enum, scopes that persist keep their ids, and removed scopes are reserved (default: none: ids in the order first listed); it may be the -o file")
	set.StringVar(&f.config, "config", "", "read the settings from a YAML `file` (default: none)")
	set.StringVar(&f.profile, "profile", "", "start from the settings for a known API: "+strings.Join(protoimport.ProfileNames(), ", ")+" (default: none)")
	set.StringVar(&f.enum, "enum", "", "the full `name` of the enum whose values are the scopes, e.g. clarifai.auth.scope.S (default: none: the scopes are the strings the requires options list, named as written)")
	set.StringVar(&f.names, "names", "", "`style`: how value names become scope names: colon (Inputs_Get → Inputs:Get), last-colon (A_B_Get → A_B:Get) or keep (default colon)")
	set.StringVar(&f.stripPrefix, "strip-prefix", "", "a `prefix` removed from value names first, e.g. SCOPE_ (default: none)")
	set.StringVar(&f.grantsAll, "grants-all", "", "the enum `value` that grants every scope, e.g. All (default: none)")
	set.StringVar(&f.depends, "depends-option", "", "the `name` of the repeated option on enum values listing the scopes a scope depends on, e.g. clarifai.auth.scope.clarifai_depending_scopes (default: none: no prerequisites)")
	set.StringVar(&f.exposed, "exposed-option", "", "the `name` of the bool option on enum values saying users see the scope; the others are described as Internal (default: none: every scope is exposed)")
	set.StringVar(&f.requires, "requires-option", "", "the `name` of the repeated option on RPCs listing the scopes a method requires, e.g. clarifai.auth.util.cl_depending_scopes; an RPC that sets it has what it lists, not its service's (default: none; this or -service-requires-option is required)")
	set.StringVar(&f.serviceRequires, "service-requires-option", "", "the `name` of the option on services listing the scopes every RPC of the service requires, unless the RPC sets a requires option itself, e.g. google.api.oauth_scopes (default: none)")
	set.BoolVar(&f.anyOf, "any-of", false, "any one scope that a requires or service requires option lists suffices (Google's oauth_scopes): each is an alternative (default false: every scope listed is needed)")
	set.StringVar(&f.separator, "separator", "", "a `sep`arator that splits a string value of a requires or service requires option into several scopes, e.g. , (default: none: a string is one scope)")
	set.StringVar(&f.principals, "principals", "", "the `kinds` of credential the spec declares, comma-separated, which -auth-map and -auth-default name, e.g. oauth2 (default app_key,pat)")
	set.StringVar(&f.auth, "auth-option", "", "the `name` of the option on RPCs naming their auth type, e.g. clarifai.auth.util.cl_auth_type (default: none; required unless -auth-default)")
	set.StringVar(&f.http, "http-option", "", "the `name` of the option on RPCs holding HTTP bindings (default "+protoimport.DefaultHTTP+")")
	set.StringVar(&f.authMap, "auth-map", "", "what each auth type means, as a `map` of VALUE=TARGET pairs: TARGET is public, skip, or kinds joined by | (app_key|pat, app_key, pat, or those of -principals), e.g. NoAuth=public,KeyAuth=app_key|pat,PATAuth=pat,SessionTokenAuth=skip (default: none)")
	set.StringVar(&f.authDefault, "auth-default", "", "the `target` for RPCs without an auth option (default: none: such RPCs are an error)")
	set.Var(&f.importPaths, "I", "a `dir`ectory to look imports up in; repeat for more (default ., then the directories of the files named and those above them)")
}

func runImportProto(set *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var f importFlags
	f.register(set)
	files, err := parse(set, args)
	if err != nil {
		return err
	}
	cfg, err := f.settings(set)
	if err != nil {
		return err
	}
	if cfg.Enum == "" && len(cfg.Requires) == 0 && len(cfg.Lists) == 0 && len(cfg.Auth) == 0 && len(cfg.AuthMap) == 0 {
		fmt.Fprint(stderr, importProtoNothing)
		return exitCode(2)
	}
	if m := cfg.Missing(); len(m) > 0 {
		return usagef("pass %s too: they say where the scope rules are (run scopegen import-proto -h for an example)", strings.Join(m, ", "))
	}
	if len(files) == 0 {
		return usagef("no .proto files given; pass the files whose services to import")
	}
	if cfg.Prev, err = readPrev(f.prev); err != nil {
		return err
	}
	var sources []protoimport.Source
	for _, name := range files {
		src, err := protoimport.ReadFile(name)
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", name, unwrapPath(err))
		}
		sources = append(sources, src)
	}
	resolve := protoimport.DirResolver(protoimport.Roots(cfg.ImportPaths, files))
	res, err := protoimport.Import(cfg, sources, resolve)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, oneLine(w.String()))
	}
	if f.out == "" {
		_, err := stdout.Write(res.YAML)
		return err
	}
	// The writer of generate: the file is replaced whole or not at all, left
	// alone (with its time) when it holds the same bytes, and a link is
	// refused rather than replaced or written through.
	if _, err := output.Write([]output.File{{Path: f.out, Content: res.YAML}}); err != nil {
		return fmt.Errorf("cannot write the spec: %v", err)
	}
	return nil
}

// importProtoNothing explains what to pass when nothing says where the scope
// rules are.
const importProtoNothing = `scopegen import-proto: say where the scope rules are in the .proto files. Pass:
  -enum NAME             the enum whose values are the scopes, e.g. acme.auth.Scope
  -requires-option NAME  the repeated RPC option listing the scopes a method needs,
                         e.g. acme.auth.requires
  -auth-option NAME      the RPC option naming its auth type, e.g. acme.auth.auth
  -auth-map MAP          what each auth type means: public, app_key|pat, app_key, pat
                         or skip, e.g. NONE=public,API_KEY=app_key|pat,TOKEN=pat,SESSION=skip
and, if the files have them:
  -depends-option NAME   the repeated option on enum values listing prerequisites
  -exposed-option NAME   the bool option on enum values saying users see the scope
  -grants-all VALUE      the enum value that grants every scope, e.g. All
  -names STYLE           colon (default), last-colon or keep; -strip-prefix PREFIX
Scopes named by strings (no -enum), on services, any one of a list:
  -service-requires-option NAME, -any-of, -separator SEP, -principals KINDS
Or put them in a YAML file and pass -config FILE, or start from -profile clarifai
for Clarifai's protos, or -profile google for Google's. Example:
  scopegen import-proto -enum acme.auth.Scope -requires-option acme.auth.requires \
      -auth-option acme.auth.auth -auth-map 'NONE=public,API_KEY=app_key|pat,TOKEN=pat' \
      -depends-option acme.auth.needs -o scopes.yaml protos/acme/api/*.proto
  scopegen import-proto -profile clarifai -o spec/scopes.yaml proto/clarifai/api/service.proto
Run scopegen import-proto -h for every flag and the config file's keys.
`

// settings merges the profile, the config file and the flags, in that order.
func (f *importFlags) settings(set *flag.FlagSet) (*protoimport.Config, error) {
	cfg := &protoimport.Config{}
	if f.profile != "" {
		p, ok := protoimport.Profiles[f.profile]
		if !ok {
			return nil, usagef("unknown profile %q; the profiles are %s", f.profile, strings.Join(protoimport.ProfileNames(), ", "))
		}
		cfg.Merge(p())
	}
	if f.config != "" {
		c, err := protoimport.LoadConfig(f.config)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, usagef("cannot read -config: %v", unwrapPath(err))
			}
			return nil, err
		}
		cfg.Merge(c)
	}
	flags := &protoimport.Config{Enum: f.enum, Names: f.names, StripPrefix: f.stripPrefix, GrantsAll: f.grantsAll,
		Depends: splitList(f.depends), Exposed: splitList(f.exposed), Requires: splitList(f.requires), Auth: splitList(f.auth),
		HTTP: splitList(f.http), ImportPaths: f.importPaths, Principals: splitList(f.principals)}
	if f.serviceRequires != "" || f.anyOf || f.separator != "" {
		// The requires options of the flags, written in full.
		if f.serviceRequires == "" && f.requires == "" {
			return nil, usagef("-any-of and -separator say how the options of -requires-option and -service-requires-option read; pass one of those too")
		}
		for _, x := range []struct {
			names   string
			service bool
		}{{f.requires, false}, {f.serviceRequires, true}} {
			for _, n := range splitList(x.names) {
				flags.Lists = append(flags.Lists, protoimport.ScopeList{Option: n, Service: x.service, AnyOf: f.anyOf, Separator: f.separator})
			}
		}
		flags.Requires = nil
	}
	// The kinds targets name: the flags', else the config file's, else the
	// profile's (else app_key and pat).
	kinds := cfg.Principals
	if len(flags.Principals) > 0 {
		kinds = flags.Principals
	}
	if isSet(set, "auth-map") {
		m, err := protoimport.ParseAuthMapKinds(f.authMap, kinds)
		if err != nil {
			return nil, usagef("-auth-map: %v", err)
		}
		flags.AuthMap = m
	}
	if isSet(set, "auth-default") {
		t, err := protoimport.ParseTargetKinds(f.authDefault, kinds)
		if err != nil {
			return nil, usagef("-auth-default: %v", err)
		}
		flags.AuthDefault = &t
	}
	for _, x := range []struct{ flag, val string }{{"depends-option", f.depends}, {"exposed-option", f.exposed},
		{"requires-option", f.requires}, {"service-requires-option", f.serviceRequires}, {"auth-option", f.auth}, {"http-option", f.http}} {
		for _, n := range splitList(x.val) {
			if _, err := protoimport.ParseOptionRef(n); err != nil {
				return nil, usagef("-%s: %v", x.flag, err)
			}
		}
	}
	if f.names != "" && !slices.Contains(protoimport.NameStyles, f.names) {
		return nil, usagef("-names %q: the styles are %s", f.names, strings.Join(protoimport.NameStyles, ", "))
	}
	cfg.Merge(flags)
	return cfg, nil
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// message around it already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
