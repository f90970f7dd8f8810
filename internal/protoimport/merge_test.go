package protoimport

import (
	"reflect"
	"slices"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// mergeFile is a config file that sets every setting a file can.
const mergeFile = `enum: file.Scope
names: keep
strip_prefix: FILE_
grants_all: FileAll
options:
  depends: file.depends
  exposed: file.exposed
  requires: file.requires
  auth: file.auth
  http: file.http
auth:
  FileKey: app_key|pat
  Shared: pat
auth_default: skip
import_paths: [fileprotos]
outcomes:
  key_invalid: {code: 1, status: FILE_INVALID, grpc: UNAUTHENTICATED, message: from the file}
`

// TestMerge checks Config.Merge as import-proto uses it, the flags over a
// config file: a setting the flags have replaces the file's, and one they do
// not have keeps the file's. Each case sets one field of the flags and wants
// the file's config with that one field changed, and nothing else.
func TestMerge(t *testing.T) {
	fromFile := func(t *testing.T) *Config {
		t.Helper()
		c, err := ParseConfig("conf/importproto.yaml", []byte(mergeFile))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	flagTarget := Target{Kinds: []string{"app_key"}}
	flagOutcome := Outcome{Code: 2, Status: "FLAG_NOT_FOUND", GRPC: "NOT_FOUND", Message: "from the flags"}
	cases := []struct {
		fields []string        // the Config fields the case is about
		flags  func(f *Config) // sets them in the flags
		want   func(w *Config) // changes the file's config as Merge should
	}{
		{
			fields: []string{"Enum"},
			flags:  func(f *Config) { f.Enum = "flag.Scope" },
			want:   func(w *Config) { w.Enum = "flag.Scope" },
		},
		{
			fields: []string{"Names"},
			flags:  func(f *Config) { f.Names = NamesLastColon },
			want:   func(w *Config) { w.Names = NamesLastColon },
		},
		{
			fields: []string{"StripPrefix"},
			flags:  func(f *Config) { f.StripPrefix = "FLAG_" },
			want:   func(w *Config) { w.StripPrefix = "FLAG_" },
		},
		{
			fields: []string{"GrantsAll"},
			flags:  func(f *Config) { f.GrantsAll = "FlagAll" },
			want:   func(w *Config) { w.GrantsAll = "FlagAll" },
		},
		{
			fields: []string{"Depends"},
			flags:  func(f *Config) { f.Depends = []string{"flag.depends", "flag.needs"} },
			want:   func(w *Config) { w.Depends = []string{"flag.depends", "flag.needs"} },
		},
		{
			fields: []string{"Exposed"},
			flags:  func(f *Config) { f.Exposed = []string{"flag.exposed"} },
			want:   func(w *Config) { w.Exposed = []string{"flag.exposed"} },
		},
		{
			fields: []string{"Requires"},
			flags:  func(f *Config) { f.Requires = []string{"flag.requires"} },
			want:   func(w *Config) { w.Requires = []string{"flag.requires"} },
		},
		{
			// Requires and Lists are one setting in two forms: setting
			// either replaces both.
			fields: []string{"Lists"},
			flags: func(f *Config) {
				f.Lists = []ScopeList{{Option: "flag.scopes", Service: true, AnyOf: true, Separator: ","}}
			},
			want: func(w *Config) {
				w.Requires, w.Lists = nil, []ScopeList{{Option: "flag.scopes", Service: true, AnyOf: true, Separator: ","}}
			},
		},
		{
			fields: []string{"Principals"},
			flags:  func(f *Config) { f.Principals = []string{"oauth2"} },
			want:   func(w *Config) { w.Principals = []string{"oauth2"} },
		},
		{
			fields: []string{"Auth"},
			flags:  func(f *Config) { f.Auth = []string{"flag.auth"} },
			want:   func(w *Config) { w.Auth = []string{"flag.auth"} },
		},
		{
			fields: []string{"HTTP"},
			flags:  func(f *Config) { f.HTTP = []string{"flag.http"} },
			want:   func(w *Config) { w.HTTP = []string{"flag.http"} },
		},
		{
			fields: []string{"ImportPaths"},
			flags:  func(f *Config) { f.ImportPaths = []string{"flagprotos", "more"} },
			want:   func(w *Config) { w.ImportPaths = []string{"flagprotos", "more"} },
		},
		{
			// By value name: the values the flag maps are replaced or
			// added, the file's others are kept.
			fields: []string{"AuthMap"},
			flags: func(f *Config) {
				f.AuthMap = map[string]Target{"Shared": {Public: true}, "FlagKey": flagTarget}
			},
			want: func(w *Config) {
				w.AuthMap["Shared"] = Target{Public: true}
				w.AuthMap["FlagKey"] = flagTarget
			},
		},
		{
			fields: []string{"Prev"},
			flags:  func(f *Config) { f.Prev = &spec.File{} },
			want:   func(w *Config) { w.Prev = &spec.File{} },
		},
		{
			fields: []string{"AuthDefault"},
			flags:  func(f *Config) { f.AuthDefault = &Target{Public: true} },
			want:   func(w *Config) { w.AuthDefault = &Target{Public: true} },
		},
		{
			// By role, as the auth map (no flag sets outcomes: this is a
			// config file over a profile).
			fields: []string{"Outcomes"},
			flags:  func(f *Config) { f.Outcomes = map[model.Role]Outcome{model.KeyNotFound: flagOutcome} },
			want:   func(w *Config) { w.Outcomes[model.KeyNotFound] = flagOutcome },
		},
		{
			// A config file merged over another (or over a profile) brings
			// its name and its lines, for positions.
			fields: []string{"File", "lines"},
			flags: func(f *Config) {
				f.File, f.lines = "other.yaml", map[string]int{"outcomes.key_not_found": 3}
			},
			want: func(w *Config) {
				w.File, w.lines = "other.yaml", map[string]int{"outcomes.key_not_found": 3}
			},
		},
	}

	// Every field of Config is in a case, so that a field added to Config
	// and not to Merge fails here.
	var covered []string
	for _, tc := range cases {
		covered = append(covered, tc.fields...)
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Config]()) {
		if !slices.Contains(covered, f.Name) {
			t.Errorf("Config.%s has no case in TestMerge: say what Merge does with it", f.Name)
		}
	}

	t.Run("no flags", func(t *testing.T) {
		got := fromFile(t)
		got.Merge(&Config{})
		if want := fromFile(t); !reflect.DeepEqual(got, want) {
			t.Errorf("merging no flags changed the config:\n got %+v\nwant %+v", got, want)
		}
	})
	t.Run("into nothing", func(t *testing.T) {
		// import-proto starts from an empty config and merges the file in.
		got := &Config{}
		got.Merge(fromFile(t))
		if want := fromFile(t); !reflect.DeepEqual(got, want) {
			t.Errorf("merging the file into an empty config:\n got %+v\nwant %+v", got, want)
		}
	})
	for _, tc := range cases {
		t.Run(tc.fields[0], func(t *testing.T) {
			flags := &Config{}
			tc.flags(flags)
			got := fromFile(t)
			got.Merge(flags)
			want := fromFile(t)
			tc.want(want)
			if reflect.DeepEqual(want, fromFile(t)) {
				t.Fatal("the case changes nothing: it must set a value the file does not have")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("flags setting %s:\n got %+v\nwant %+v", tc.fields[0], got, want)
			}
		})
	}
}
