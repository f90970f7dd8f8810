package model_test

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/errors/*.txtar with the diagnostics reported now")

const (
	errorsDir   = "../../testdata/errors"
	shippedSpec = "../../spec/scopes.yaml"
	specName    = "scopes.yaml" // the file name the archives' positions use
)

// TestErrors runs every archive in testdata/errors: its scopes.yaml is parsed
// and built, and the diagnostics must be exactly its want section. Archives
// named warning-* must build, and want lists their warnings; every other
// archive must fail. go test -run TestErrors -update rewrites the wants.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(errorsDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no archives in %s", errorsDir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			src, ok := section(ar, specName)
			if !ok {
				t.Fatalf("%s has no -- %s -- section", file, specName)
			}
			diags, built := check(t, src)
			if warning := strings.HasPrefix(name, "warning"); built != warning {
				if warning {
					t.Errorf("a warning-* spec must build, but it fails:\n%s", spec.Errors(diags).Error())
				} else {
					t.Errorf("the spec builds; it should fail")
				}
			}
			if len(diags) == 0 {
				t.Errorf("no diagnostics; every archive shows at least one")
			}
			for _, d := range diags {
				checkDiagnostic(t, src, d)
			}
			var got strings.Builder
			for _, d := range diags {
				got.WriteString(d.String())
				got.WriteByte('\n')
			}
			if *update {
				setSection(ar, "want", got.String())
				if err := os.WriteFile(file, txtar.Format(ar), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, ok := section(ar, "want")
			if !ok {
				t.Fatalf("%s has no -- want -- section; run go test -run TestErrors -update", file)
			}
			if got.String() != string(want) {
				t.Errorf("diagnostics differ (go test -run TestErrors -update rewrites want)\ngot:\n%swant:\n%s", got.String(), want)
			}
		})
	}
}

// check parses and builds src. It returns the errors, or the warnings and
// true when the spec builds.
func check(t testing.TB, src []byte) ([]spec.Diagnostic, bool) {
	t.Helper()
	diags, m := build(t, src)
	return diags, m != nil
}

// build parses and builds src. It returns the errors, or the warnings and
// the model.
func build(t testing.TB, src []byte) ([]spec.Diagnostic, *model.Model) {
	t.Helper()
	f, err := spec.Parse(specName, src)
	if err != nil {
		return asErrors(t, err), nil
	}
	if f == nil {
		t.Fatal("Parse returned neither a file nor an error")
	}
	m, err := model.Build(f)
	if err != nil {
		if m != nil {
			t.Error("Build returned a model with its error")
		}
		return asErrors(t, err), nil
	}
	return m.Warnings, m
}

// asErrors returns the diagnostics of err, which must be a sorted spec.Errors
// whose text is its diagnostics, one a line.
func asErrors(t testing.TB, err error) []spec.Diagnostic {
	t.Helper()
	var errs spec.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, not spec.Errors: %v", err, err)
	}
	if len(errs) == 0 {
		t.Fatal("empty spec.Errors returned as an error")
	}
	lines := make([]string, len(errs))
	for i, d := range errs {
		lines[i] = d.String()
	}
	if got, want := err.Error(), strings.Join(lines, "\n"); got != want {
		t.Errorf("error text is not the diagnostics in order:\n%s\nwant\n%s", got, want)
	}
	if !sort.SliceIsSorted(errs, func(i, j int) bool { return errs[i].Pos.Less(errs[j].Pos) }) {
		t.Errorf("diagnostics are not sorted by position:\n%v", err)
	}
	return errs
}

// checkDiagnostic checks that d points into src and has a message.
// yamlLines splits a spec into lines as YAML counts them, as positions do: a
// line ends with \r\n, \n, a lone \r, NEL, LS or PS.
var yamlLines = regexp.MustCompile("\r\n|[\n\r\u0085\u2028\u2029]")

func checkDiagnostic(t testing.TB, src []byte, d spec.Diagnostic) {
	t.Helper()
	if d.Pos.File != specName {
		t.Errorf("%s: file is %q, want %q", d, d.Pos.File, specName)
	}
	lines := yamlLines.Split(string(src), -1)
	switch {
	case d.Pos.Line < 1 || d.Pos.Col < 1:
		t.Errorf("%s: no position", d)
	case d.Pos.Line > len(lines):
		t.Errorf("%s: line %d is past the end of the spec (%d lines)", d, d.Pos.Line, len(lines))
	case d.Pos.Col > utf8.RuneCountInString(lines[d.Pos.Line-1])+1:
		t.Errorf("%s: column %d is past the end of line %q", d, d.Pos.Col, lines[d.Pos.Line-1])
	}
	if strings.TrimSpace(d.Msg) == "" || strings.Contains(d.Msg, "\n") {
		t.Errorf("%s: message must be one non-empty line", d)
	}
}

func section(ar *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

func setSection(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// TestShippedSpec checks that spec/scopes.yaml is clean: no errors, no warnings.
func TestShippedSpec(t *testing.T) {
	m, err := model.Load(shippedSpec)
	if err != nil {
		t.Fatalf("%s does not load:\n%v", shippedSpec, err)
	}
	for _, w := range m.Warnings {
		t.Errorf("%s", w)
	}
	checkModel(t, m)
	if m.AllScope == nil || m.AllScope.Name != "All" {
		t.Errorf("AllScope = %v, want the scope All", m.AllScope)
	}
}

// TestWarningClosure checks the warning of an endpoint whose requires is not
// closed under prerequisites, and that closing it silences the warning.
func TestWarningClosure(t *testing.T) {
	const base = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: m}
defaults: {principals: [app_key]}
scopes:
  - {name: A, id: 1, description: a}
  - {name: B, id: 2, description: b, requires: [A]}
  - {name: C, id: 3, description: c, requires: [B]}
endpoints:
  - method: /p.S/M
    requires: REQUIRES
`
	for _, tc := range []struct {
		requires string
		want     string // "" for no warning
	}{
		{"[C]", "scopes.yaml:13:13: warning: endpoint /p.S/M requires C but not their prerequisites; the closure adds A, B."},
		{"[C, A]", "scopes.yaml:13:13: warning: endpoint /p.S/M requires A, C but not their prerequisites; the closure adds B."},
		{"[A, B, C]", ""},
		{"[A]", ""},
	} {
		src := strings.Replace(base, "REQUIRES", tc.requires, 1)
		f, err := spec.Parse(specName, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Build(f)
		if err != nil {
			t.Fatalf("requires %s: %v", tc.requires, err)
		}
		switch {
		case tc.want == "" && len(m.Warnings) > 0:
			t.Errorf("requires %s: unexpected warnings %v", tc.requires, m.Warnings)
		case tc.want != "" && len(m.Warnings) != 1:
			t.Errorf("requires %s: warnings %v, want one", tc.requires, m.Warnings)
		case tc.want != "" && !strings.HasPrefix(m.Warnings[0].String(), tc.want):
			t.Errorf("requires %s: warning\n%s\nwant it to start with\n%s", tc.requires, m.Warnings[0], tc.want)
		}
	}
}

// TestLimits checks the per-endpoint limits, whose specs are too long for
// testdata/errors.
func TestLimits(t *testing.T) {
	str := func(v string) spec.Str { return spec.Str{Value: v} }
	var scopes []spec.Scope
	var names []spec.Str
	for i := 1; i <= model.MaxRequiredPerEndpoint+1; i++ {
		scopes = append(scopes, spec.Scope{Name: str(fmt.Sprintf("S%d", i)), ID: spec.Int{Value: int64(i), Set: true}, Description: str("d")})
		names = append(names, str(fmt.Sprintf("S%d", i)))
	}
	var redact []spec.Redaction
	for i := 1; i <= model.MaxRedactionsPerEndpoint+1; i++ {
		redact = append(redact, spec.Redaction{Field: str(fmt.Sprintf("f%d", i)), Unless: []spec.Str{str("S1")}})
	}
	deep := strings.Repeat("a.", model.MaxFieldDepth) + "a"
	method := str("/p.S/M")
	for _, tc := range []struct {
		name     string
		endpoint spec.Endpoint
		want     string
	}{
		{"requires", spec.Endpoint{Method: method, Requires: names}, "endpoint /p.S/M requires 65 scopes; at most 64 are supported"},
		{"requires at the limit", spec.Endpoint{Method: method, Requires: names[1:]}, ""},
		{"redactions", spec.Endpoint{Method: method, Redact: redact}, "endpoint /p.S/M has 65 redactions; at most 64 are supported"},
		{"redactions at the limit", spec.Endpoint{Method: method, Redact: redact[1:]}, ""},
		{"depth", spec.Endpoint{Method: method, Redact: []spec.Redaction{{Field: str(deep), Unless: names[:1]}}},
			"is deeper than 32 fields; redact a parent field instead"},
		{"depth at the limit", spec.Endpoint{Method: method, Redact: []spec.Redaction{{Field: str(deep[2:]), Unless: names[:1]}}}, ""},
	} {
		f := baseFile()
		f.Scopes, f.Endpoints = scopes, []spec.Endpoint{tc.endpoint}
		src := spec.Marshal(f)
		diags, built := check(t, src)
		if tc.want == "" {
			if !built {
				t.Errorf("%s: %v", tc.name, spec.Errors(diags))
			}
			continue
		}
		if built || len(diags) != 1 || !strings.Contains(diags[0].Msg, tc.want) {
			t.Errorf("%s: got %v, want one error containing %q", tc.name, spec.Errors(diags), tc.want)
			continue
		}
		checkDiagnostic(t, src, diags[0])
	}
}

// TestReservedGoNamesCoverGenerated checks that every exported identifier the
// generated package declares, other than those named after the spec's scopes,
// endpoints, presets and principal kinds, is in model.ReservedGoNames, so that no spec can
// make the generator declare a name twice.
func TestReservedGoNamesCoverGenerated(t *testing.T) {
	m, err := model.Load(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	fromSpec := map[string]bool{}
	for _, s := range m.Scopes {
		fromSpec[s.GoName] = true
	}
	for _, e := range m.Endpoints {
		fromSpec[e.GoName] = true
	}
	for _, p := range m.Presets {
		fromSpec[p.GoName] = true
	}
	for _, k := range m.Kinds {
		fromSpec[k.GoName] = true
	}
	files, err := filepath.Glob("../../generated/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated package: %v", err)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range topLevel(f) {
			if id.IsExported() && !fromSpec[id.Name] && !model.ReservedGoNames[id.Name] {
				t.Errorf("%s: the generated package declares %s, which is not in model.ReservedGoNames; a scope or endpoint could take it", fset.Position(id.Pos()), id.Name)
			}
		}
	}
}

// topLevel returns the package-level identifiers f declares.
func topLevel(f *ast.File) []*ast.Ident {
	var out []*ast.Ident
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				out = append(out, d.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out = append(out, s.Name)
				case *ast.ValueSpec:
					out = append(out, s.Names...)
				}
			}
		}
	}
	return out
}

// checkModel checks that a built model is internally consistent.
func checkModel(t testing.TB, m *model.Model) {
	t.Helper()
	if len(m.Scopes) == 0 && m.AllScope != nil {
		t.Errorf("model has no scopes but AllScope is %q", m.AllScope.Name)
	}
	goNames := map[string]string{}
	claim := func(ident, what string) {
		if prev, ok := goNames[ident]; ok {
			t.Errorf("Go identifier %q is used by %s and %s", ident, prev, what)
		}
		goNames[ident] = what
		if !token.IsIdentifier(ident) || !token.IsExported(ident) {
			t.Errorf("%s has Go identifier %q, not an exported name", what, ident)
		}
		if model.ReservedGoNames[ident] {
			t.Errorf("%s has reserved Go identifier %q", what, ident)
		}
	}
	prev := 0
	for _, s := range m.Scopes {
		if s.ID <= prev {
			t.Errorf("scope %q has id %d after id %d: scopes are not sorted by unique id", s.Name, s.ID, prev)
		}
		prev = s.ID
		if s.ID < 1 || s.ID > model.MaxScopeID {
			t.Errorf("scope %q has id %d, out of range", s.Name, s.ID)
		}
		if m.Scope(s.Name) != s {
			t.Errorf("Scope(%q) does not return the scope", s.Name)
		}
		if s.Pos.Line < 1 || s.Pos.Col < 1 {
			t.Errorf("scope %q has no position", s.Name)
		}
		if s.GrantsAll != (m.AllScope == s) {
			t.Errorf("scope %q: GrantsAll is %v but AllScope is %v", s.Name, s.GrantsAll, m.AllScope)
		}
		claim(s.GoName, fmt.Sprintf("scope %q", s.Name))
		in := map[*model.Scope]bool{}
		for i, c := range s.Closure {
			if c == s {
				t.Errorf("scope %q is in its own closure", s.Name)
			}
			if i > 0 && s.Closure[i-1].ID >= c.ID {
				t.Errorf("closure of %q is not sorted by id", s.Name)
			}
			in[c] = true
		}
		for _, r := range s.Requires {
			if !in[r] {
				t.Errorf("scope %q requires %q, which is not in its closure", s.Name, r.Name)
			}
			for _, c := range r.Closure {
				if !in[c] && c != s {
					t.Errorf("closure of %q lacks %q, a prerequisite of %q", s.Name, c.Name, r.Name)
				}
			}
		}
	}
	last := 0
	if len(m.Scopes) > 0 {
		last = m.Scopes[len(m.Scopes)-1].ID
	}
	if m.MaxID != last {
		t.Errorf("MaxID = %d, want %d", m.MaxID, last)
	}
	if m.Words != m.MaxID/64+1 {
		t.Errorf("Words = %d, want MaxID/64+1 = %d", m.Words, m.MaxID/64+1)
	}
	if len(m.Outcomes) != len(model.Roles) {
		t.Errorf("%d outcomes, want %d", len(m.Outcomes), len(model.Roles))
	}
	for i, o := range m.Outcomes {
		if i < len(model.Roles) && o.Role != model.Roles[i] {
			t.Errorf("outcome %d is %q, want %q", i, o.Role, model.Roles[i])
		}
	}
	patterns := map[string][]*model.Endpoint{}
	for i, e := range m.Endpoints {
		if e.Index != i+1 {
			t.Errorf("endpoint %s has Index %d, want %d", e.Name, e.Index, i+1)
		}
		if m.Endpoint(e.Name) != e {
			t.Errorf("Endpoint(%q) does not return the endpoint", e.Name)
		}
		if e.Method != "" && e.Method != e.Name || e.Method == "" && (len(e.HTTP) == 0 || !model.ValidOperationName(e.Name)) {
			t.Errorf("endpoint %s: method %q, %d bindings: neither a gRPC endpoint nor an HTTP-only one", e.Name, e.Method, len(e.HTTP))
		}
		if e.Public && (e.Principals != 0 || len(e.Requires) > 0) {
			t.Errorf("public endpoint %s has principals or requires", e.Name)
		}
		if len(e.Requires) > model.MaxRequiredPerEndpoint || len(e.Redactions) > model.MaxRedactionsPerEndpoint || len(e.HTTP) > model.MaxBindingsPerEndpoint {
			t.Errorf("endpoint %s is over a limit", e.Name)
		}
		claim(e.GoName, "endpoint "+e.Name)
		own := map[string]bool{}
		for _, b := range e.HTTP {
			p := b.Pattern()
			if own[p] {
				t.Errorf("endpoint %s has two bindings %s", e.Name, p)
			}
			own[p] = true
			patterns[p] = append(patterns[p], e)
			again, err := model.ParseBinding(b.String())
			if err != nil || !reflect.DeepEqual(again.Segments, b.Segments) || again.CustomVerb != b.CustomVerb {
				t.Errorf("endpoint %s: binding %s does not parse back as itself: %v", e.Name, b.String(), err)
			}
			if len(b.Segments) > model.MaxSegments || b.Pos.Line < 1 {
				t.Errorf("endpoint %s: binding %s is over a limit or has no position", e.Name, b.String())
			}
		}
	}
	for _, e := range m.Endpoints {
		for _, b := range e.HTTP {
			var others []*model.Endpoint
			for _, o := range patterns[b.Pattern()] {
				if o != e {
					others = append(others, o)
				}
			}
			if !slices.Equal(b.Shared, others) {
				t.Errorf("endpoint %s: binding %s is shared with %d endpoints; %d others have it", e.Name, b.String(), len(b.Shared), len(others))
			}
		}
	}
	for _, p := range m.Presets {
		claim(p.GoName, fmt.Sprintf("preset %q", p.Name))
		have := map[*model.Scope]bool{}
		for _, s := range p.Scopes {
			have[s] = true
		}
		for _, s := range p.Scopes {
			for _, c := range s.Closure {
				if !have[c] {
					t.Errorf("preset %q has %q but not its prerequisite %q", p.Name, s.Name, c.Name)
				}
			}
		}
	}
	for _, w := range m.Warnings {
		if w.Pos.Line < 1 || w.Pos.Col < 1 || !strings.HasPrefix(w.Msg, "warning: ") {
			t.Errorf("malformed warning %s", w)
		}
	}
	eachReference(m, func(what, _ string, pos spec.Pos) {
		if pos.Line < 1 || pos.Col < 1 {
			t.Errorf("%s has no position", what)
		}
	}, func(what string, refs, positions int) {
		t.Errorf("%s: %d references, %d positions", what, refs, positions)
	})
}

// eachReference calls at for every reference the model resolved, with the
// name or value it refers to and where it is written, and mismatch for each
// list whose positions are not one per entry.
func eachReference(m *model.Model, at func(what, value string, pos spec.Pos), mismatch func(what string, refs, positions int)) {
	scopes := func(what string, list []*model.Scope, pos []spec.Pos) {
		if len(list) != len(pos) {
			mismatch(what, len(list), len(pos))
			return
		}
		for i, s := range list {
			at(what+" "+s.Name, s.Name, pos[i])
		}
	}
	principals := func(what string, p model.Principal, pos []spec.Pos) {
		if names := m.KindNames(p); len(names) != len(pos) {
			mismatch(what, len(names), len(pos))
		} else {
			for i, n := range names {
				at(what+" "+n, n, pos[i])
			}
		}
	}
	principals("defaults.principals", m.DefaultPrincipals, m.DefaultPrincipalsPos)
	for _, s := range m.Scopes {
		what := fmt.Sprintf("scope %q", s.Name)
		at(what+" id", strconv.Itoa(s.ID), s.IDPos)
		scopes(what+" requires", s.Requires, s.RequiresPos)
	}
	for _, p := range m.Presets {
		scopes(fmt.Sprintf("preset %q scopes", p.Name), p.Scopes, p.ScopesPos)
	}
	for _, e := range m.Endpoints {
		what := "endpoint " + e.Name
		scopes(what+" requires", e.Requires, e.RequiresPos)
		for _, b := range e.HTTP {
			at(what+" http", b.String(), b.Pos)
		}
		if e.HasPrincipals {
			principals(what+" principals", e.Principals, e.PrincipalsPos)
		} else if len(e.PrincipalsPos) > 0 {
			mismatch(what+" principals (not listed)", 0, len(e.PrincipalsPos))
		}
		for _, r := range e.RequestScopes {
			at(what+" request scope", r.Scope.Name, r.Pos)
			at(what+" when", r.When, r.WhenPos)
		}
		for _, r := range e.Redactions {
			at(what+" redaction", r.Field, r.Pos)
			scopes(what+" redaction of "+r.Field+" unless", r.Unless, r.UnlessPos)
		}
	}
	if len(m.Reserved.IDs) != len(m.Reserved.IDsPos) {
		mismatch("reserved ids", len(m.Reserved.IDs), len(m.Reserved.IDsPos))
	}
	if len(m.Reserved.Names) != len(m.Reserved.NamesPos) {
		mismatch("reserved names", len(m.Reserved.Names), len(m.Reserved.NamesPos))
	} else {
		for i, n := range m.Reserved.Names {
			at("reserved name", n, m.Reserved.NamesPos[i])
		}
	}
}

// TestReferencePositions checks that every reference the model resolves
// (prerequisites, requirements, preset scopes, request scopes, redactions
// and their unless scopes, principals, reserved names, ids) is positioned
// where its value is written: in the shipped spec and the golden specs.
func TestReferencePositions(t *testing.T) {
	specs := map[string][]byte{}
	data, err := os.ReadFile(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	specs[shippedSpec] = data
	for _, pattern := range []string{"../../testdata/golden*/*.txtar", "../../testdata/diff/*.txtar"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".yaml") {
					specs[file+"/"+f.Name] = f.Data
				}
			}
		}
	}
	checked := 0
	for name, src := range specs {
		diags, m := build(t, src)
		if m == nil {
			if !strings.Contains(name, "/testdata/diff/") {
				t.Errorf("%s: %v", name, spec.Errors(diags))
			}
			continue
		}
		lines := yamlLines.Split(string(src), -1)
		eachReference(m, func(what, value string, pos spec.Pos) {
			checked++
			if pos.Line < 1 || pos.Line > len(lines) {
				t.Errorf("%s: %s is at %s, not in the spec", name, what, pos)
				return
			}
			line := []rune(lines[pos.Line-1])
			if pos.Col < 1 || pos.Col > len(line) {
				t.Errorf("%s: %s is at %s, past the end of its line", name, what, pos)
				return
			}
			rest := string(line[pos.Col-1:])
			if !strings.HasPrefix(rest, value) && !strings.HasPrefix(rest, `"`) {
				t.Errorf("%s: %s is at %s, where the spec says %.40q, not %q", name, what, pos, rest, value)
			}
		}, func(what string, refs, positions int) {
			t.Errorf("%s: %s: %d references, %d positions", name, what, refs, positions)
		})
	}
	if checked < 1000 {
		t.Errorf("only %d references checked", checked)
	}
}
