package spec_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// schemaLimit is a limit of the parser or the model as
// spec/scopes.schema.json states it: the keyword at path holds the
// limit's value, and the description at path (or at descAt, when the
// keyword is in an unnamed subschema) names the limit and its value.
type schemaLimit struct {
	name   string // the Go constant: "MaxScopes"
	path   string // slash-separated, array indexes as numbers
	key    string // maxItems, maxLength, maximum, or pattern
	want   any    // an int, or the pattern string
	shown  int    // the number the description says
	descAt string // where the description is, if not at path
}

// schemaLimits lists every limit the schema can express.
func schemaLimits() []schemaLimit {
	return []schemaLimit{
		{name: "MaxScopes", path: "properties/scopes", key: "maxItems", want: model.MaxScopes, shown: model.MaxScopes},
		{name: "MaxPresets", path: "properties/presets", key: "maxItems", want: model.MaxPresets, shown: model.MaxPresets},
		{name: "MaxEndpoints", path: "properties/endpoints", key: "maxItems", want: model.MaxEndpoints, shown: model.MaxEndpoints},
		{name: "MaxReservedID", path: "properties/reserved/properties/ids", key: "maxItems", want: spec.MaxReservedID, shown: spec.MaxReservedID},
		{name: "MaxScopeID", path: "definitions/scopeId", key: "maximum", want: model.MaxScopeID, shown: model.MaxScopeID},
		{name: "MaxNameLength", path: "definitions/scopeName", key: "maxLength", want: model.MaxNameLength, shown: model.MaxNameLength},
		{name: "MaxNameLength", path: "definitions/endpoint/properties/method", key: "maxLength", want: 4 * model.MaxNameLength, shown: 4 * model.MaxNameLength},
		{name: "MaxNameLength", path: "definitions/endpoint/properties/operation", key: "maxLength", want: model.MaxNameLength, shown: model.MaxNameLength},
		{name: "MaxNameLength", path: "definitions/binding", key: "maxLength", want: 4 * model.MaxNameLength, shown: 4 * model.MaxNameLength},
		{name: "MaxBindingsPerEndpoint", path: "definitions/endpoint/properties/http", key: "maxItems", want: model.MaxBindingsPerEndpoint, shown: model.MaxBindingsPerEndpoint},
		// A template of MaxSegments segments has MaxSegments slashes.
		{name: "MaxSegments", path: "definitions/binding/allOf/0", key: "pattern",
			want: fmt.Sprintf(`^[^/]*(/[^/]*){1,%d}$`, model.MaxSegments), shown: model.MaxSegments},
		{name: "MaxPrerequisites", path: "definitions/scope/properties/requires", key: "maxItems", want: model.MaxPrerequisites, shown: model.MaxPrerequisites},
		{name: "MaxRequiredPerEndpoint", path: "definitions/endpoint/properties/requires", key: "maxItems", want: model.MaxRequiredPerEndpoint, shown: model.MaxRequiredPerEndpoint},
		{name: "MaxKinds", path: "properties/principals", key: "maxItems", want: model.MaxKinds, shown: model.MaxKinds},
		{name: "MaxAlternatives", path: "definitions/endpoint/properties/any_of", key: "maxItems", want: model.MaxAlternatives, shown: model.MaxAlternatives},
		{name: "MaxRedactionsPerEndpoint", path: "definitions/endpoint/properties/redact", key: "maxItems", want: model.MaxRedactionsPerEndpoint, shown: model.MaxRedactionsPerEndpoint},
		// MaxFieldDepth names are at most MaxFieldDepth-1 dots.
		{name: "MaxFieldDepth", path: "definitions/redaction/properties/field/allOf/0", key: "pattern",
			want: fmt.Sprintf(`^[^.]*(\.[^.]*){0,%d}$`, model.MaxFieldDepth-1), shown: model.MaxFieldDepth, descAt: "definitions/redaction/properties/field"},
	}
}

// notInSchema lists the limits JSON Schema cannot express, and why.
var notInSchema = map[string]string{
	"MaxBytes":  "the size of the file: the schema's description says it (checked below)",
	"MaxErrors": "how many problems a report lists: not a property of a spec",
	"MaxShared": "how many endpoints share a binding: a relation between entries, which a schema cannot check",
}

// TestSchemaLimits checks that spec/scopes.schema.json states every limit of
// packages spec and model that JSON Schema can express, with the value of
// its Go constant, and a description naming it; and that a new limit cannot
// be added without being listed here.
func TestSchemaLimits(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(mustRead(t, "../../spec/scopes.schema.json"), &schema); err != nil {
		t.Fatal(err)
	}
	at := func(path string) map[string]any {
		t.Helper()
		var node any = schema
		for _, p := range strings.Split(path, "/") {
			switch n := node.(type) {
			case map[string]any:
				node = n[p]
			case []any:
				i, err := strconv.Atoi(p)
				if err != nil || i >= len(n) {
					t.Fatalf("schema has no %s", path)
				}
				node = n[i]
			}
		}
		m, ok := node.(map[string]any)
		if !ok {
			t.Fatalf("schema has no %s", path)
		}
		return m
	}
	named := map[string]bool{}
	for _, l := range schemaLimits() {
		named[l.name] = true
		got := at(l.path)[l.key]
		if n, ok := got.(float64); ok {
			got = int(n)
		}
		if got != l.want {
			t.Errorf("schema %s %s is %v; the limit %s is %v", l.path, l.key, got, l.name, l.want)
		}
		descAt := l.path
		if l.descAt != "" {
			descAt = l.descAt
		}
		desc, _ := at(descAt)["description"].(string)
		if !strings.Contains(desc, "the limit "+l.name) || !containsNumber(desc, l.shown) {
			t.Errorf("schema %s: the description does not say %d and \"the limit %s\": %q", descAt, l.shown, l.name, desc)
		}
	}
	root, _ := schema["description"].(string)
	if !containsNumber(root, spec.MaxBytes) || !strings.Contains(root, "the limit MaxBytes") {
		t.Errorf("the schema's description does not say %d bytes, the limit MaxBytes: %q", spec.MaxBytes, root)
	}
	if range_ := at("properties/reserved/properties/ids/items/oneOf/1")["description"].(string); !containsNumber(range_, spec.MaxReservedID) {
		t.Errorf("the reserved range's description does not say %d, the limit MaxReservedID: %q", spec.MaxReservedID, range_)
	}

	// Every Max constant of spec and model is in the schema or said not to be.
	var consts []string
	for _, dir := range []string{".", "../model"} {
		consts = append(consts, maxConsts(t, dir)...)
	}
	sort.Strings(consts)
	var listed []string
	for n := range named {
		listed = append(listed, n)
	}
	for n := range notInSchema {
		listed = append(listed, n)
	}
	sort.Strings(listed)
	if !slices.Equal(consts, listed) {
		t.Errorf("limits of packages spec and model:\n\t%v\nlisted in schemaLimits and notInSchema:\n\t%v\nadd a new limit to the schema and to schemaLimits, or to notInSchema if JSON Schema cannot say it", consts, listed)
	}
}

// containsNumber reports whether s has n as a whole number, not a part of a
// longer one.
func containsNumber(s string, n int) bool {
	f := func(r rune) bool { return r < '0' || r > '9' }
	return slices.Contains(strings.FieldsFunc(s, f), strconv.Itoa(n))
}

// maxConsts returns the exported constants named Max... declared in the
// non-test Go files of dir.
func maxConsts(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "Max") && n.IsExported() {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	return out
}
