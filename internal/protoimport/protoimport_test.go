package protoimport_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite the golden specs in testdata/protoimport with the current output")

const testdata = "../../testdata/protoimport"

// fixture is a set of .proto files, the settings to import them with, and
// what the files say, written out by hand.
type fixture struct {
	name     string
	config   func(t *testing.T) *protoimport.Config
	files    []string // relative to testdata
	golden   string   // relative to testdata
	scopes   []string // each scope: "Name id [flags] [needs A,B]"
	reserved string   // "ids ...; names ..."
	// endpoints maps each RPC to "public", "skip", or "KINDS: SCOPE SCOPE".
	endpoints map[string]string
	warnings  []string // substrings, one per warning, in order
}

func fromFile(path string) func(t *testing.T) *protoimport.Config {
	return func(t *testing.T) *protoimport.Config {
		c, err := protoimport.LoadConfig(filepath.Join(testdata, path))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

var fixtures = []fixture{
	{
		name:   "acme",
		config: fromFile("importproto.yaml"),
		files:  []string{"acme/api/items.proto", "acme/api/reports.proto"},
		golden: "acme.yaml",
		scopes: []string{
			"All 1 grants_all",
			"Items:Get 2",
			"Items:Add 3 needs Items:Get",
			"Items:Delete 4 needs Items:Add,Items:Get",
			"Items:Patch 5 deprecated needs Items:Get",
			"Reports:Get 10",
			"Reports:Add 11 needs Reports:Get",
			"Billing:Get 12 internal",
			"Billing:Export 13 internal needs Billing:Get",
			"Search 40 needs Items:Get",
			"Set 41",
		},
		reserved: "ids 20 21 30 31 32; names Widgets:Add Widgets:Get",
		endpoints: map[string]string{
			"/acme.api.Items/GetItem":          "app_key|pat: Items:Get",
			"/acme.api.Items/ListItems":        "app_key|pat: Items:Get",
			"/acme.api.Items/CreateItems":      "app_key|pat: Items:Add Items:Get",
			"/acme.api.Items/DeleteItem":       "pat: Items:Add Items:Delete Items:Get",
			"/acme.api.Items/PatchItem":        "app_key|pat: Items:Get Items:Patch",
			"/acme.api.Items/SearchItems":      "app_key|pat: Items:Get Search",
			"/acme.api.Items/Health":           "public",
			"/acme.api.Items/Ping":             "public",
			"/acme.api.Reports/GetReport":      "app_key|pat: Reports:Get",
			"/acme.api.Reports/CreateReport":   "pat: Items:Get Reports:Add Reports:Get",
			"/acme.api.Reports/ExportInvoices": "app_key|pat: Billing:Export Billing:Get",
			"/acme.api.Reports/Search":         "app_key|pat: Reports:Get Search",
			"/acme.api.Reports/GetItem":        "app_key|pat: Items:Get Reports:Get",
			"/acme.api.Reports/Scopes":         "pat:",
			"/acme.api.Console/Login":          "skip",
			"/acme.api.Console/Wipe":           "skip",
			"/acme.api.Console/ChangeSettings": "app_key|pat: All Set",
		},
		warnings: []string{
			"items.proto:6:1: warning: import google/api/annotations.proto not found in the import paths; skipped",
			"items.proto:38:35: warning: rpc /acme.api.Items/CreateItems lists Items_Add twice (first at line 36); merged",
			"items.proto:78:35: warning: rpc /acme.api.Items/Ping takes no key (auth type NONE is public), so the scopes it lists (Items_Get) cannot be checked",
			"reports.proto:34:7: warning: endpoint /acme.api.Reports/Search requires Reports:Get, Search but not their prerequisites; the closure adds Items:Get",
			"scopes.proto:36:15: warning: Items_Delete lists Items_Get as a dependency twice (first at line 34); merged",
		},
	},
	{
		name: "clarifai",
		config: func(t *testing.T) *protoimport.Config {
			c := protoimport.Profiles["clarifai"]()
			c.ImportPaths = []string{filepath.Join(testdata, "clarifai")}
			return c
		},
		files:  []string{"clarifai/proto/clarifai/api/service.proto"},
		golden: "clarifai.yaml",
		scopes: []string{
			"All 1 grants_all",
			"Predict 2",
			"Inputs:Add 4 needs Inputs:Get",
			"Inputs:Get 5",
			"Inputs:Patch 7 deprecated needs Inputs:Add,Inputs:Get",
			"Inputs:Delete 8 needs Inputs:Add,Inputs:Get",
			"Concepts:Get 11",
			"Concepts:Add 10 needs Concepts:Get",
			"Apps:Get 45",
			"Models:Sync 27 internal needs Apps:Get",
			"Search 3",
			"HistoricalUsage:Get 124 internal",
		},
		reserved: "ids 30 31 32 125; names",
		endpoints: map[string]string{
			"/clarifai.api.V2/GetInput":           "app_key|pat: Apps:Get Concepts:Get Inputs:Get",
			"/clarifai.api.V2/PostInputs":         "app_key|pat: Apps:Get Concepts:Get Inputs:Add Inputs:Get",
			"/clarifai.api.V2/DeleteInputs":       "app_key|pat: Apps:Get Inputs:Add Inputs:Delete Inputs:Get",
			"/clarifai.api.V2/PostModelOutputs":   "app_key|pat: Apps:Get Predict",
			"/clarifai.api.V2/PostInputsSearches": "app_key|pat: Apps:Get Inputs:Get Search",
			"/clarifai.api.V2/ListConcepts":       "pat: Apps:Get Concepts:Get",
			"/clarifai.api.V2/SyncModels":         "app_key|pat: Models:Sync",
			"/clarifai.api.V2/ListStatusCodes":    "public",
			"/clarifai.api.V2/ListCollaborations": "skip",
			"/clarifai.api.V2/GetHistoricalUsage": "skip",
		},
		warnings: []string{
			"service.proto:5:1: warning: imports proto/clarifai/api/resources.proto, google/api/annotations.proto, google/protobuf/empty.proto not found in the import paths; skipped",
			"service.proto:51:55: warning: rpc /clarifai.api.V2/PostInputs lists Inputs_Add twice (first at line 48); merged",
			"service.proto:95:7: warning: endpoint /clarifai.api.V2/SyncModels requires Models:Sync but not their prerequisites",
		},
	},
	{
		name:   "rules",
		config: fromFile("rules/importproto.yaml"),
		files:  []string{"rules/store.proto"},
		golden: "rules/store.yaml",
		scopes: []string{
			"READ 1",
			"WRITE 2 needs READ",
			"ADMIN 3 internal needs READ,WRITE",
		},
		reserved: "ids 9 10 11; names OLD_PERM",
		endpoints: map[string]string{
			"/rules.v1.Store/Get":     "app_key|pat: READ",
			"/rules.v1.Store/Put":     "pat: READ WRITE",
			"/rules.v1.Store/Status":  "public",
			"/rules.v1.Store/Compact": "app_key|pat: ADMIN READ WRITE",
		},
	},
}

// load reads a fixture's files.
func (fx fixture) sources(t *testing.T) []protoimport.Source {
	var out []protoimport.Source
	for _, f := range fx.files {
		src, err := protoimport.ReadFile(filepath.Join(testdata, f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, src)
	}
	return out
}

func (fx fixture) run(t *testing.T) *protoimport.Result {
	t.Helper()
	c := fx.config(t)
	res, err := protoimport.Import(c, fx.sources(t), protoimport.DirResolver(c.ImportPaths))
	if err != nil {
		t.Fatalf("%s: %v", fx.name, err)
	}
	return res
}

// readBack parses and builds the spec an import wrote, as generate would.
func readBack(t *testing.T, yaml []byte) *model.Model {
	t.Helper()
	f, err := spec.Parse("imported.yaml", yaml)
	if err != nil {
		t.Fatalf("the imported spec does not parse: %v\n%s", err, yaml)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatalf("the imported spec does not build: %v\n%s", err, yaml)
	}
	return m
}

func describeScope(s *model.Scope) string {
	out := fmt.Sprintf("%s %d", s.Name, s.ID)
	if s.GrantsAll {
		out += " grants_all"
	}
	if s.Deprecated {
		out += " deprecated"
	}
	if strings.HasPrefix(s.Description, "Internal (not exposed to users).") {
		out += " internal"
	}
	if len(s.Requires) > 0 {
		names := model.Names(s.Requires)
		slices.Sort(names)
		out += " needs " + strings.Join(names, ",")
	}
	return out
}

func describeEndpoint(m *model.Model, e *model.Endpoint) string {
	if e.Public {
		return "public"
	}
	names := model.Names(e.Requires)
	slices.Sort(names)
	return strings.TrimSpace(strings.Join(m.KindNames(e.Principals), "|") + ": " + strings.Join(names, " "))
}

// TestFixtures imports each fixture and compares the spec with what its
// .proto files say, scope by scope and RPC by RPC, then with the golden file.
func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			res := fx.run(t)
			m := readBack(t, res.YAML)

			var got []string
			for _, s := range m.Scopes {
				got = append(got, describeScope(s))
			}
			want := slices.Clone(fx.scopes)
			slices.SortFunc(want, func(a, b string) int { return idOf(a) - idOf(b) })
			if !slices.Equal(got, want) {
				t.Errorf("scopes:\n got %q\nwant %q", got, want)
			}
			if r := fmt.Sprintf("ids %s; names %s", joinInts(m.Reserved.IDs), strings.Join(m.Reserved.Names, " ")); strings.TrimSpace(r) != fx.reserved {
				t.Errorf("reserved: got %q, want %q", r, fx.reserved)
			}

			skipped := map[string]bool{}
			for _, s := range res.Skipped {
				skipped[s.Method] = true
			}
			for method, want := range fx.endpoints {
				e := m.Endpoint(method)
				switch {
				case want == "skip":
					if e != nil || !skipped[method] {
						t.Errorf("%s: want it left out (skip), got endpoint %v, skipped %v", method, e != nil, skipped[method])
					}
				case e == nil:
					t.Errorf("%s: missing from the spec", method)
				default:
					if got := describeEndpoint(m, e); got != want {
						t.Errorf("%s: got %q, want %q", method, got, want)
					}
				}
			}
			if n := len(m.Endpoints) + len(res.Skipped); n != len(fx.endpoints) {
				t.Errorf("%d endpoints and %d skipped, want %d RPCs in all", len(m.Endpoints), len(res.Skipped), len(fx.endpoints))
			}

			if len(res.Warnings) != len(fx.warnings) {
				t.Errorf("warnings:\n%v\nwant %d:\n%s", res.Warnings, len(fx.warnings), strings.Join(fx.warnings, "\n"))
			}
			for i, w := range res.Warnings {
				if i < len(fx.warnings) && !strings.Contains(w.String(), fx.warnings[i]) {
					t.Errorf("warning %d:\n got %s\nwant …%s…", i, w, fx.warnings[i])
				}
			}

			golden := filepath.Join(testdata, fx.golden)
			if *update {
				if err := os.WriteFile(golden, res.YAML, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			old, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/protoimport -update)", err)
			}
			if !bytes.Equal(old, res.YAML) {
				t.Errorf("the spec differs from %s (go test ./internal/protoimport -update to accept):\n%s", golden, textdiff.Unified(fx.golden, fx.golden, old, res.YAML))
			}
		})
	}
}

func idOf(s string) int {
	var name string
	var id int
	fmt.Sscan(s, &name, &id)
	return id
}

func joinInts(ids []int) string {
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprint(id))
	}
	return strings.Join(s, " ")
}

// TestDecisions drives the reference checker with grants built from what
// each fixture's RPCs say: the scopes listed are enough, each of them is
// needed, the kinds of key not listed are refused, public RPCs need no key
// and skipped RPCs are unknown.
func TestDecisions(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			m := readBack(t, fx.run(t).YAML)
			checkDecisions(t, m, fx.endpoints)
		})
	}
}

// checkDecisions checks every endpoint of want ("public", "skip" or
// "KINDS: SCOPES") against the reference decisions on m.
func checkDecisions(t *testing.T, m *model.Model, want map[string]string) {
	t.Helper()
	grant := func(kind model.Principal, scopes []string, endpoints ...string) reference.Grant {
		g, err := reference.NewGrant(m, kind, scopes, endpoints)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	kinds := []model.Principal{model.AppKey, model.PersonalAccessToken}
	for method, w := range want {
		switch w {
		case "skip":
			if d := reference.Decide(m, grant(model.PersonalAccessToken, m.ScopeNames()), method); d.Allowed || d.Reason != reference.UnknownEndpoint {
				t.Errorf("%s: a key holding every scope gets %+v, want unknown endpoint", method, d)
			}
			continue
		case "public":
			if d := reference.Decide(m, reference.Grant{}, method); !d.Allowed || d.Reason != reference.Public {
				t.Errorf("%s: no key gets %+v, want allowed as public", method, d)
			}
			continue
		}
		who, scopesText, _ := strings.Cut(w, ":")
		allowed, err := reference.ParseKinds(m, who)
		if err != nil {
			t.Fatal(err)
		}
		required := strings.Fields(scopesText)
		if d := reference.Decide(m, reference.Grant{}, method); d.Allowed || d.Reason != reference.NoCredentials {
			t.Errorf("%s: no key gets %+v, want refused", method, d)
		}
		for _, kind := range kinds {
			d := reference.Decide(m, grant(kind, required), method)
			if kind&allowed == 0 {
				if d.Allowed || d.Reason != reference.PrincipalNotAllowed {
					t.Errorf("%s: a %v key with %v gets %+v, want refused by principal", method, m.KindNames(kind), required, d)
				}
				continue
			}
			if !d.Allowed {
				t.Errorf("%s: a %v key with exactly %v is refused: %+v", method, m.KindNames(kind), required, d)
			}
			for i, s := range required {
				less := slices.Delete(slices.Clone(required), i, i+1)
				d := reference.Decide(m, grant(kind, less), method)
				if m.AllScope != nil && slices.Contains(less, m.AllScope.Name) {
					if !d.Allowed {
						t.Errorf("%s: a %v key with %v is refused: %+v", method, m.KindNames(kind), less, d)
					}
					continue // All grants the scope left out
				}
				if d.Allowed || d.Reason != reference.MissingScopes || !slices.Equal(d.Missing, []string{s}) {
					t.Errorf("%s: a %v key without %s gets %+v, want refused for missing %s", method, m.KindNames(kind), s, d, s)
				}
			}
			if m.AllScope != nil {
				if d := reference.Decide(m, grant(kind, []string{m.AllScope.Name}), method); !d.Allowed {
					t.Errorf("%s: a %v key with %s is refused: %+v", method, m.KindNames(kind), m.AllScope.Name, d)
				}
			}
			// A key restricted to another endpoint may not call this one.
			for _, other := range m.Endpoints {
				if other.Method != method {
					if d := reference.Decide(m, grant(kind, m.ScopeNames(), other.Method), method); d.Allowed || d.Reason != reference.EndpointNotGranted {
						t.Errorf("%s: a %v key restricted to %s gets %+v, want refused", method, m.KindNames(kind), other.Method, d)
					}
					break
				}
			}
		}
	}
}

// TestStable imports each fixture again, with its files in the other order:
// the bytes are the same.
func TestStable(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			first := fx.run(t).YAML
			c := fx.config(t)
			srcs := fx.sources(t)
			slices.Reverse(srcs)
			for range 3 {
				res, err := protoimport.Import(c, srcs, protoimport.DirResolver(c.ImportPaths))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(first, res.YAML) {
					t.Fatalf("a second import differs:\n%s", textdiff.Unified("spec", "spec", first, res.YAML))
				}
			}
		})
	}
}

// TestExtraFiles: passing the files without services too (the enum's, the
// options') gives the same bytes, and so does a file passed twice.
func TestExtraFiles(t *testing.T) {
	fx := fixtures[0]
	first := fx.run(t).YAML
	c := fx.config(t)
	srcs := fx.sources(t)
	for _, f := range []string{"acme/auth/options.proto", "acme/auth/scopes.proto", "acme/auth/authtype.proto", "acme/api/items.proto"} {
		src, err := protoimport.ReadFile(filepath.Join(testdata, f))
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	res, err := protoimport.Import(c, srcs, protoimport.DirResolver(c.ImportPaths))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, res.YAML) {
		t.Errorf("with the extra files, the spec differs:\n%s", textdiff.Unified("spec", "spec", first, res.YAML))
	}
}

// TestStableFromAnyDirectory imports each fixture from other working
// directories, with the files named by absolute and by relative paths: the
// bytes are the same, since the spec names files by their import paths.
func TestStableFromAnyDirectory(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			first := fx.run(t).YAML
			c := fx.config(t)
			var abs []string
			for _, f := range fx.files {
				a, err := filepath.Abs(filepath.Join(testdata, f))
				if err != nil {
					t.Fatal(err)
				}
				abs = append(abs, a)
			}
			root, err := filepath.Abs("../..")
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range c.ImportPaths {
				if c.ImportPaths[i], err = filepath.Abs(p); err != nil {
					t.Fatal(err)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, dir := range []string{t.TempDir(), root, filepath.Dir(abs[0])} {
				t.Chdir(dir)
				for _, relative := range []bool{false, true} {
					var srcs []protoimport.Source
					var names []string
					for _, a := range abs {
						name := a
						if relative {
							if name, err = filepath.Rel(dir, a); err != nil {
								t.Fatal(err)
							}
						}
						src, err := protoimport.ReadFile(name)
						if err != nil {
							t.Fatal(err)
						}
						srcs, names = append(srcs, src), append(names, name)
					}
					res, err := protoimport.Import(c, srcs, protoimport.DirResolver(protoimport.Roots(c.ImportPaths, names)))
					if err != nil {
						t.Fatalf("from %s: %v", dir, err)
					}
					if !bytes.Equal(first, res.YAML) {
						t.Fatalf("from %s, files %v: the spec differs:\n%s", dir, names, textdiff.Unified("spec", "spec", first, res.YAML))
					}
				}
			}
		})
	}
}
