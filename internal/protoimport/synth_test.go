package protoimport_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/testonly/cases"
	"github.com/scopegen/scopegen/internal/testonly/prototruth"
)

// synthAPI is a generated API in .proto files, with what they say.
type synthAPI struct {
	files     map[string]string // by import path
	listed    []string          // the files with services
	scopes    []string          // describeScope form, by id
	descs     map[string]string // scope name → description
	endpoints map[string]string // method → "public", "skip" or "KINDS: SCOPES"
	reserved  []int
}

var synthConfig = &protoimport.Config{
	Enum: "syn.auth.Scope", GrantsAll: "All",
	Depends: []string{"syn.auth.needs"}, Exposed: []string{"syn.auth.exposed"},
	Requires: []string{"syn.auth.requires"}, Auth: []string{"syn.auth.auth"},
	AuthMap: map[string]protoimport.Target{
		"NONE": {Public: true}, "KEY": {Kinds: []string{"app_key", "pat"}},
		"TOKEN": {Kinds: []string{"pat"}}, "SESSION": {Skip: true}, "ADMIN": {Skip: true},
	},
}

// newSynth writes an API of about nScopes scopes and nRPCs RPCs, using every
// way of writing the options at random: short, qualified and relative
// names, options over several lines, duplicated lines, comments of every
// kind before values and RPCs, commented-out options, HTTP bindings, auth
// types of every kind. Its truth is kept as it is written.
func newSynth(seed uint64, nScopes, nRPCs int) *synthAPI {
	r := rand.New(rand.NewPCG(seed, 99))
	api := &synthAPI{files: map[string]string{}, descs: map[string]string{}, endpoints: map[string]string{}}
	pick := func(options ...string) string { return options[r.IntN(len(options))] }

	type scope struct {
		value, name string
		id          int
		needs       []string // values
		exposed     bool
		deprecated  bool
	}
	var scopes []*scope
	ops := []string{"Get", "Add", "Delete", "Patch", "Train", "Export"}
	id := 1
	scopes = append(scopes, &scope{value: "All", name: "All", id: 1, exposed: true})
	for res := 0; len(scopes) < nScopes; res++ {
		var get *scope
		for _, op := range ops[:2+r.IntN(len(ops)-1)] {
			if len(scopes) == nScopes {
				break
			}
			id += 1 + r.IntN(3)
			if r.IntN(8) == 0 {
				api.reserved = append(api.reserved, id)
				id++
			}
			s := &scope{value: fmt.Sprintf("Res%d_%s", res, op), name: fmt.Sprintf("Res%d:%s", res, op), id: id,
				exposed: r.IntN(8) != 0, deprecated: r.IntN(10) == 0}
			if get == nil {
				get = s
			} else {
				s.needs = append(s.needs, get.value)
			}
			if r.IntN(5) == 0 && len(scopes) > 2 {
				// Any earlier scope but All: dependencies follow the enum's
				// order, so there is no cycle.
				if d := scopes[1+r.IntN(len(scopes)-1)]; !slices.Contains(s.needs, d.value) {
					s.needs = append(s.needs, d.value)
				}
			}
			scopes = append(scopes, s)
		}
	}
	byValue := map[string]*scope{}
	for _, s := range scopes {
		byValue[s.value] = s
	}

	// The enum, in an order other than by id, as real enums are.
	order := slices.Clone(scopes[1:])
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	order = append([]*scope{scopes[0]}, order...)
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w(`syntax = "proto3";`)
	w(`package syn.auth;`)
	w(`import "google/protobuf/descriptor.proto";`)
	w(`// The scopes.`)
	w(`enum Scope {`)
	if len(api.reserved) > 0 {
		var rs []string
		for _, n := range api.reserved {
			rs = append(rs, fmt.Sprint(n))
		}
		w(`  reserved %s;`, strings.Join(rs, ", "))
	}
	w(`  // The zero value.`)
	w(`  SCOPE_UNSPECIFIED = 0;`)
	exposedName := []string{"(exposed)", "(syn.auth.exposed)", "(.syn.auth.exposed)", "(auth.exposed)"}
	needsName := []string{"(needs)", "(syn.auth.needs)", "(.syn.auth.needs)", "(auth.needs)"}
	for _, s := range order {
		desc := writeComment(r, &b, "  ", s.value)
		var opts []string
		if s.exposed {
			opts = append(opts, pick(exposedName...)+" = true")
		} else if r.IntN(2) == 0 {
			opts = append(opts, pick(exposedName...)+" = false")
		}
		for _, n := range s.needs {
			opts = append(opts, pick(needsName...)+" = "+n)
			if r.IntN(10) == 0 {
				opts = append(opts, pick(needsName...)+" = "+n) // duplicated: merged
			}
		}
		if s.deprecated {
			opts = append(opts, "deprecated = true")
		}
		r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		switch {
		case len(opts) == 0:
			w(`  %s = %d;%s`, s.value, s.id, pick("", " // trailing, not the description"))
		case r.IntN(2) == 0:
			w(`  %s = %d [%s];`, s.value, s.id, strings.Join(opts, ", "))
		default:
			w(`  %s = %d [`, s.value, s.id)
			for i, o := range opts {
				sep := ","
				if i == len(opts)-1 {
					sep = ""
				}
				w(`    %s%s%s`, o, sep, pick("", "  // (needs) = Res0_Get is a comment"))
			}
			w(`  ];`)
		}
		if desc == "" {
			desc = s.value + " (the .proto has no comment for it)."
		}
		if !s.exposed {
			desc = "Internal (not exposed to users). " + desc
		}
		api.descs[s.name] = desc
	}
	w(`  // Res999_Get = 16000 [(exposed) = true];  (commented out)`)
	w(`}`)
	w(`extend google.protobuf.EnumValueOptions {`)
	w(`  bool exposed = 50001;`)
	w(`  repeated Scope needs = 50002;`)
	w(`}`)
	api.files["syn/auth/scopes.proto"] = b.String()
	api.files["syn/auth/options.proto"] = `syntax = "proto3";
package syn.auth;
import "google/protobuf/descriptor.proto";
import "syn/auth/scopes.proto";
enum AuthType { AUTH_TYPE_UNSPECIFIED = 0; NONE = 1; KEY = 2; TOKEN = 3; SESSION = 4; ADMIN = 5; }
extend google.protobuf.MethodOptions {
  repeated Scope requires = 50011;
  AuthType auth = 50012;
}
`
	sorted := slices.Clone(scopes)
	slices.SortFunc(sorted, func(a, b *scope) int { return a.id - b.id })
	for _, s := range sorted {
		d := fmt.Sprintf("%s %d", s.name, s.id)
		if s.value == "All" {
			d += " grants_all"
		}
		if s.deprecated {
			d += " deprecated"
		}
		if !s.exposed {
			d += " internal"
		}
		if len(s.needs) > 0 {
			var names []string
			for _, n := range s.needs {
				names = append(names, byValue[n].name)
			}
			slices.Sort(names)
			d += " needs " + strings.Join(names, ",")
		}
		api.scopes = append(api.scopes, d)
	}

	// The messages the RPCs take, so that the files compile.
	api.files["syn/api/messages.proto"] = `syntax = "proto3";
package syn.api;
message Req {}
message Resp {}
`
	// The services, in three files and two packages.
	services := []struct{ file, pkg, name string }{
		{"syn/api/alpha.proto", "syn.api", "Alpha"}, {"syn/api/beta.proto", "syn.api", "Beta"}, {"syn/api/v2/gamma.proto", "syn.api.v2", "Gamma"},
	}
	requiresName := []string{"(syn.auth.requires)", "(.syn.auth.requires)", "(auth.requires)"}
	authName := []string{"(syn.auth.auth)", "(.syn.auth.auth)", "(auth.auth)"}
	verbs := []string{"Get", "List", "Post", "Patch", "Delete", "Search"}
	n := 0
	for si, svc := range services {
		b.Reset()
		w(`syntax = "proto3";`)
		w(`package %s;`, svc.pkg)
		w(`import "syn/auth/options.proto";`)
		w(`import "syn/api/messages.proto";`)
		w(`import "google/api/annotations.proto";`)
		w(`service %s {`, svc.name)
		count := nRPCs / len(services)
		if si == len(services)-1 {
			count = nRPCs - n
		}
		for i := 0; i < count; i++ {
			n++
			name := fmt.Sprintf("%s%s%d", pick(verbs...), pick("Thing", "Widget", "Item", "Report"), n)
			method := "/" + svc.pkg + "." + svc.name + "/" + name
			writeComment(r, &b, "  ", name)
			w(`  rpc %s (Req) returns (%sResp) {`, name, pick("", "stream "))
			if r.IntN(2) == 0 {
				w(`    option (google.api.http) = { %s: "/v1/%s/{id}"%s };`, pick("get", "post", "patch"), strings.ToLower(name), pick("", ` body: "*"`))
			}
			auth := []string{"KEY", "KEY", "KEY", "KEY", "KEY", "KEY", "TOKEN", "TOKEN", "NONE", "SESSION", "ADMIN"}[r.IntN(11)]
			var req []string
			for k := r.IntN(9); k > 0; k-- {
				v := scopes[r.IntN(len(scopes))].value
				if !slices.Contains(req, v) {
					req = append(req, v)
				}
			}
			lines := []string{fmt.Sprintf(`option %s = %s;`, pick(authName...), auth)}
			for _, v := range req {
				lines = append(lines, fmt.Sprintf(`option %s = %s;`, pick(requiresName...), v))
				if r.IntN(15) == 0 {
					lines = append(lines, fmt.Sprintf(`option %s = %s; // again`, pick(requiresName...), v))
				}
			}
			if r.IntN(6) == 0 {
				lines = append(lines, fmt.Sprintf(`// option (syn.auth.requires) = %s;`, scopes[r.IntN(len(scopes))].value))
			}
			if r.IntN(10) == 0 {
				lines = append(lines, `option deprecated = true;`)
			}
			r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
			for _, l := range lines {
				w(`    %s`, l)
			}
			w(`  }`)
			var names []string
			for _, v := range req {
				names = append(names, byValue[v].name)
			}
			slices.Sort(names)
			switch auth {
			case "NONE":
				api.endpoints[method] = "public"
			case "SESSION", "ADMIN":
				api.endpoints[method] = "skip"
			case "KEY":
				api.endpoints[method] = strings.TrimSpace("app_key|pat: " + strings.Join(names, " "))
			case "TOKEN":
				api.endpoints[method] = strings.TrimSpace("pat: " + strings.Join(names, " "))
			}
		}
		w(`}`)
		api.files[svc.file] = b.String()
		api.listed = append(api.listed, svc.file)
	}
	return api
}

// writeComment writes a comment of a random kind before a declaration and
// returns the description it makes, if any.
func writeComment(r *rand.Rand, b *strings.Builder, indent, name string) string {
	text := fmt.Sprintf("About %s: (needs) = Res0_Get, said in a comment.", name)
	switch r.IntN(7) {
	case 0:
		return ""
	case 1:
		fmt.Fprintf(b, "%s// %s\n", indent, text)
	case 2:
		fmt.Fprintf(b, "%s// About %s:\n%s//   (needs) = Res0_Get, said in a comment.\n", indent, name, indent)
	case 3:
		fmt.Fprintf(b, "%s/* About %s:\n%s * (needs) = Res0_Get, said in a comment. */\n", indent, name, indent)
	case 4:
		fmt.Fprintf(b, "%s// A detached comment.\n\n", indent) // not the description
		return ""
	case 5:
		fmt.Fprintf(b, "%s// Detached.\n\n%s// %s\n", indent, indent, text)
	case 6:
		fmt.Fprintf(b, "%s////////////\n%s// %s\n%s////////////\n", indent, indent, text, indent)
	}
	return text
}

func (api *synthAPI) run(t *testing.T) *protoimport.Result {
	t.Helper()
	var srcs []protoimport.Source
	for _, f := range api.listed {
		srcs = append(srcs, protoimport.Source{Name: f, Data: []byte(api.files[f])})
	}
	resolve := func(path string) (protoimport.Source, bool, error) {
		text, ok := api.files[path]
		return protoimport.Source{Name: path, Data: []byte(text)}, ok, nil
	}
	c := *synthConfig
	res, err := protoimport.Import(&c, srcs, resolve)
	if err != nil {
		t.Fatalf("%v\n%s", err, api.files["syn/auth/scopes.proto"])
	}
	return res
}

// TestSynthetic imports generated APIs of the size of a real one (about 300
// RPCs and 120 scopes) and checks every scope, description and RPC against
// what the files say, then the reference decisions.
func TestSynthetic(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			api := newSynth(seed, 120, 300)
			res := api.run(t)
			m := readBack(t, res.YAML)
			var got []string
			for _, s := range m.Scopes {
				got = append(got, describeScope(s))
				if s.Description != api.descs[s.Name] {
					t.Errorf("%s: description %q, want %q", s.Name, s.Description, api.descs[s.Name])
				}
			}
			if !slices.Equal(got, api.scopes) {
				t.Errorf("scopes:\n got %q\nwant %q", got, api.scopes)
			}
			if !slices.Equal(m.Reserved.IDs, api.reserved) && len(api.reserved)+len(m.Reserved.IDs) > 0 {
				t.Errorf("reserved %v, want %v", m.Reserved.IDs, api.reserved)
			}
			skipped := map[string]bool{}
			for _, s := range res.Skipped {
				skipped[s.Method] = true
			}
			for method, want := range api.endpoints {
				e := m.Endpoint(method)
				switch {
				case want == "skip":
					if e != nil || !skipped[method] {
						t.Errorf("%s: want it skipped", method)
					}
				case e == nil:
					t.Errorf("%s: missing", method)
				case describeEndpoint(m, e) != want:
					t.Errorf("%s: got %q, want %q", method, describeEndpoint(m, e), want)
				}
			}
			if len(m.Endpoints)+len(res.Skipped) != len(api.endpoints) {
				t.Errorf("%d endpoints + %d skipped, want %d", len(m.Endpoints), len(res.Skipped), len(api.endpoints))
			}
			checkDecisions(t, m, api.endpoints)
		})
	}
}

// TestEndToEnd generates the checker from imported specs, builds it in a
// module of its own and runs testdata/protoimport/e2e/decide_test.go in it:
// grants made from what the .proto files say of each RPC (its scopes are
// enough, each is needed, other kinds of key are refused, public RPCs need
// no key, skipped ones are unknown), and testdata/e2e/check_test.go: the
// reference's decisions for random and targeted grants, without allocating.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests generated packages with the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	driver, err := os.ReadFile(filepath.Join(testdata, "e2e", "decide_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	// The checker against the reference on cases.json: the driver every
	// end-to-end test runs (its package clause is package scopes).
	agree, err := os.ReadFile("../../testdata/e2e/check_test.go")
	if err != nil {
		t.Fatal(err)
	}
	type run struct {
		yaml      []byte
		endpoints map[string]string
		scopes    []string
	}
	synth := newSynth(7, 120, 300)
	runs := map[string]run{"synthetic": {synth.run(t).YAML, synth.endpoints, synth.scopes}}
	for _, fx := range fixtures {
		runs[fx.name] = run{fx.run(t).YAML, fx.endpoints, fx.scopes}
	}
	for name, r := range runs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := readBack(t, r.yaml)
			files, err := gen.Generate(m, gen.Options{Package: "scopes"})
			if err != nil {
				t.Fatal(err)
			}
			suite, err := json.Marshal(cases.Build(m, 1, 1000))
			if err != nil {
				t.Fatal(err)
			}
			truth, err := json.Marshal(truthOf(t, r.endpoints, r.scopes))
			if err != nil {
				t.Fatal(err)
			}
			write := map[string][]byte{
				"go.mod":         []byte("module example.com/scopes\n\ngo 1.24\n"),
				"decide_test.go": driver,
				"check_test.go":  agree,
				"cases.json":     suite,
				"truth.json":     truth,
			}
			for _, f := range files {
				write[f.Name] = f.Content
			}
			dir := t.TempDir()
			for n, content := range write {
				if err := os.WriteFile(filepath.Join(dir, n), content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(goTool, "test", "-count=1", "./...")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go test: %v\n%s", err, out)
			}
		})
	}
}

// truthOf is what a fixture's .proto files say, written out by hand as
// endpoints ("public", "skip" or "KINDS: SCOPES") and scopes ("Name id
// [flags] [needs A,B]"), in the form decide_test.go reads.
func truthOf(t *testing.T, endpoints map[string]string, scopes []string) prototruth.Expect {
	var out prototruth.Expect
	m := &model.Model{} // import-proto declares the default kinds
	for _, k := range model.DefaultKinds {
		m.Kinds = append(m.Kinds, &k)
	}
	for method, w := range endpoints {
		r := prototruth.ExpectRPC{Method: method, Public: w == "public", Skip: w == "skip", Requires: []string{}}
		if !r.Public && !r.Skip {
			who, scopes, _ := strings.Cut(w, ":")
			kinds, err := reference.ParseKinds(m, who)
			if err != nil {
				t.Fatal(err)
			}
			r.Kinds, r.Requires = int(kinds), prototruth.Unique(strings.Fields(scopes))
		}
		out.RPCs = append(out.RPCs, r)
	}
	slices.SortFunc(out.RPCs, func(a, b prototruth.ExpectRPC) int { return strings.Compare(a.Method, b.Method) })
	for _, line := range scopes {
		f := strings.Fields(line)
		s := prototruth.ExpectScope{Name: f[0], Requires: []string{}}
		var err error
		if s.ID, err = strconv.Atoi(f[1]); err != nil {
			t.Fatalf("scope %q: %v", line, err)
		}
		for i := 2; i < len(f); i++ {
			switch f[i] {
			case "deprecated":
				s.Deprecated = true
			case "needs":
				i++
				s.Requires = prototruth.Unique(strings.Split(f[i], ","))
			}
		}
		out.Scopes = append(out.Scopes, s)
	}
	return out
}

// TestSyntheticCompiled compiles generated APIs, and the Acme fixture, as
// protoc would (package prototruth: imports linked, options interpreted) and
// checks the imported spec against that reading: each scope's id,
// prerequisites, deprecation and description, each RPC's callers, scopes
// and description. The files use every way of writing the options, so this
// checks the import's syntax-level reading of names, comments and values
// against protoc's.
func TestSyntheticCompiled(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			api := newSynth(seed, 120, 300)
			dir := t.TempDir()
			for name, text := range api.files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c := *synthConfig
			compareCompiled(t, &c, []string{dir}, api.listed, readBack(t, api.run(t).YAML), len(api.endpoints))
		})
	}
	t.Run("acme", func(t *testing.T) {
		fx := fixtures[0]
		c := fx.config(t)
		compareCompiled(t, c, c.ImportPaths, fx.files, readBack(t, fx.run(t).YAML), len(fx.endpoints))
	})
}

func compareCompiled(t *testing.T, c *protoimport.Config, roots, files []string, m *model.Model, rpcs int) {
	t.Helper()
	compiled, err := prototruth.Compile(c, roots, files)
	if err != nil {
		t.Fatal(err)
	}
	problems, stats := compiled.Compare(c, m)
	for _, p := range problems {
		t.Error(p)
	}
	if stats.RPCs != rpcs {
		t.Errorf("%d RPCs compiled, %d written", stats.RPCs, rpcs)
	}
	t.Log(stats)
}
