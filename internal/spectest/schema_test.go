package spectest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/spectest"
)

const (
	// reportSchema is the JSON Schema of scopegen test -format json.
	reportSchema = "report.schema.json"
	// testsSchema is the JSON Schema of a test file.
	testsSchema = "../../spec/scopes.tests.schema.json"
	// shippedTests is the shipped spec's test file.
	shippedTests = "../../spec/scopes.tests.yaml"
)

func readSchema(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s is not valid JSON: %v", path, err)
	}
	if got := s["$schema"]; got != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("%s: $schema is %v, want draft-07", path, got)
	}
	return s
}

// describeAll checks that every property of every object of schema s has a
// description and that every object forbids other properties; with
// required, also that every property is required.
func describeAll(t *testing.T, s map[string]any, required bool) {
	t.Helper()
	var lint func(where string, node map[string]any)
	lint = func(where string, node map[string]any) {
		if props, ok := node["properties"].(map[string]any); ok {
			if node["additionalProperties"] != false {
				t.Errorf("%s: an object without additionalProperties: false", where)
			}
			var names, req []string
			for k, v := range props {
				names = append(names, k)
				p := v.(map[string]any)
				if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
					t.Errorf("%s: property %s has no description", where, k)
				}
				lint(where+"."+k, p)
			}
			if required {
				for _, r := range node["required"].([]any) {
					req = append(req, r.(string))
				}
				sort.Strings(names)
				sort.Strings(req)
				if !slices.Equal(names, req) {
					t.Errorf("%s: required %v, want every property %v: each field is always present", where, req, names)
				}
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			lint(where+"[]", items)
		}
	}
	lint("", s)
	for name, def := range s["definitions"].(map[string]any) {
		lint("#/definitions/"+name, def.(map[string]any))
	}
}

// at returns the schema node at a slash-separated path.
func at(t *testing.T, s map[string]any, path string) map[string]any {
	t.Helper()
	var node any = s
	for _, p := range strings.Split(path, "/") {
		m, ok := node.(map[string]any)
		if !ok {
			t.Fatalf("schema has no %s", path)
		}
		node = m[p]
	}
	m, ok := node.(map[string]any)
	if !ok {
		t.Fatalf("schema has no %s", path)
	}
	return m
}

func enum(t *testing.T, node map[string]any) []string {
	t.Helper()
	if alts, ok := node["anyOf"].([]any); ok && node["enum"] == nil { // the values listed, or others of a pattern
		node = alts[0].(map[string]any)
	}
	var out []string
	for _, v := range node["enum"].([]any) {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// TestReportSchemaDocumentsTheShape checks the report's schema: each object
// lists every property as required (every field is always present),
// forbids others, and describes each one; and its enumerations are the
// code's.
func TestReportSchemaDocumentsTheShape(t *testing.T) {
	s := readSchema(t, reportSchema)
	describeAll(t, s, true)
	check := func(path string, want []string) {
		t.Helper()
		if got := enum(t, at(t, s, path)); !slices.Equal(got, want) {
			t.Errorf("the schema's %s is\n\t%v\nthe code's is\n\t%v", path, got, want)
		}
	}
	check("properties/exit_code", []string{fmt.Sprint(spectest.ExitPass), fmt.Sprint(spectest.ExitFail), fmt.Sprint(spectest.ExitCoverage)})
	var kinds []string
	for _, k := range spectest.ItemKinds {
		kinds = append(kinds, string(k))
	}
	check("definitions/kind", kinds)
	check("definitions/call/properties/kind", spectest.Kinds)
	check("definitions/decision/properties/reason", append(append([]string{"allowed", "public"}, spectest.Reasons...), "invalid_grant"))
	if got := at(t, s, "properties/version")["const"]; got != float64(spectest.JSONVersion) {
		t.Errorf("the schema's version is %v, want %d", got, spectest.JSONVersion)
	}
}

// TestReportJSONMatchesSchema validates every want.json of
// testdata/spectest/golden, and the report of the shipped spec's tests,
// against the schema; and checks that the facet names and failure keys of
// those reports are the schema's.
func TestReportJSONMatchesSchema(t *testing.T) {
	s := readSchema(t, reportSchema)
	paths, _ := filepath.Glob(filepath.Join(testdata, "golden", "*.txtar"))
	facets, keys := map[string]bool{}, map[string]bool{}
	for _, path := range paths {
		ar := readArchive(t, path)
		_, r := run(t, ar)
		for _, res := range r.Results {
			for _, f := range res.Failures {
				keys[f.Key] = true
			}
		}
		for _, it := range r.Coverage.Items {
			for _, f := range it.Facets {
				facets[f.Name] = true
			}
		}
		validateJSON(t, filepath.Base(path), s, ar.section["want.json"])
	}
	r := runShipped(t)
	validateJSON(t, "spec/scopes.tests.yaml", s, render(t, r, "json"))
	for name, seen := range map[string]map[string]bool{"definitions/facet/properties/name": facets, "definitions/failure/properties/key": keys} {
		want := enum(t, at(t, s, name))
		var got []string
		for k := range seen {
			got = append(got, k)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("the golden reports give %s %v; the schema lists %v (each should be seen in testdata/spectest/golden)", name, got, want)
		}
	}
}

// TestTestsSchema checks spec/scopes.tests.schema.json: a description on
// every property, additionalProperties false on every object, at every
// level exactly the keys the parser accepts there, the parser's kinds and
// reasons; and that the shipped test file, which names it on its first
// line, and every test file of testdata/spectest/golden, are valid by it.
func TestTestsSchema(t *testing.T) {
	s := readSchema(t, testsSchema)
	describeAll(t, s, false)
	for path, parser := range map[string]string{
		"":                   "",
		"definitions/test":   "tests.[]",
		"definitions/grant":  "tests.[].grant",
		"definitions/invite": "tests.[].invite",
		"definitions/denial": "tests.[].denied",
	} {
		node := s
		if path != "" {
			node = at(t, s, path)
		}
		var got []string
		for k := range node["properties"].(map[string]any) {
			got = append(got, k)
		}
		sort.Strings(got)
		if want := parserKeys(t, parser); !slices.Equal(got, want) {
			t.Errorf("the schema's %q has keys %v; the parser reads %v", path, got, want)
		}
	}
	if got := enum(t, at(t, s, "definitions/grant/properties/kind")); !slices.Equal(got, spectest.Kinds) {
		t.Errorf("the schema's kinds are %v, want %v", got, spectest.Kinds)
	}
	if got := enum(t, at(t, s, "definitions/denial/properties/reason")); !slices.Equal(got, spectest.Reasons) {
		t.Errorf("the schema's reasons are %v, want %v", got, spectest.Reasons)
	}

	data, err := os.ReadFile(shippedTests)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := bytes.Cut(data, []byte("\n")); string(first) != "# yaml-language-server: $schema=scopes.tests.schema.json" {
		t.Errorf("spec/scopes.tests.yaml does not start with the yaml-language-server schema comment: %q", first)
	}
	validateYAML(t, "spec/scopes.tests.yaml", s, data)
	paths, _ := filepath.Glob(filepath.Join(testdata, "golden", "*.txtar"))
	for _, path := range paths {
		validateYAML(t, filepath.Base(path), s, readArchive(t, path).section["tests.yaml"])
	}
	// Files the parser refuses for their shape, the schema refuses too. (Not
	// kind-unknown: the kinds are the spec's, which may declare its own.)
	for _, name := range []string{"allowed-and-denied", "allowed-false", "endpoints-empty", "grant-missing", "http-reserved",
		"invite-kind", "method-missing", "outcome-missing", "redacted-without-allowed", "tests-empty", "unknown-test-key", "denied-not-mapping"} {
		var v any
		if err := yaml.Unmarshal(readArchive(t, filepath.Join(testdata, "errors", name+".txtar")).section["tests.yaml"], &v); err != nil {
			t.Fatal(err)
		}
		if errs := validate(s, s, "$", jsonValue(t, v)); len(errs) == 0 {
			t.Errorf("errors/%s.txtar: the schema accepts a test file the parser refuses", name)
		}
	}
}

// parserKeys returns the keys the parser accepts in the mapping at path
// (dot-separated, [] for a list entry), read from its message about an
// unknown key.
func parserKeys(t *testing.T, path string) []string {
	t.Helper()
	const probe = "zz_unknown_key"
	src := "{" + probe + ": 1}"
	if path != "" {
		parts := strings.Split(path, ".")
		for i := len(parts) - 1; i >= 0; i-- {
			if parts[i] == "[]" {
				src = "[" + src + "]"
			} else {
				src = "{" + parts[i] + ": " + src + "}"
			}
		}
	}
	_, err := spectest.Parse("probe.yaml", []byte(src))
	var errs spec.Errors
	errors.As(err, &errs)
	prefix := fmt.Sprintf("unknown key %q in ", probe)
	for _, d := range errs {
		if !strings.HasPrefix(d.Msg, prefix) {
			continue
		}
		i := strings.LastIndex(d.Msg, "(known keys: ")
		if i < 0 || !strings.HasSuffix(d.Msg, ")") {
			t.Fatalf("%s: cannot read the known keys from %q", src, d.Msg)
		}
		return strings.Split(d.Msg[i+len("(known keys: "):len(d.Msg)-1], ", ")
	}
	t.Fatalf("%s: no message about the unknown key: %v", src, err)
	return nil
}

func validateYAML(t *testing.T, name string, s map[string]any, data []byte) {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, e := range validate(s, s, "$", jsonValue(t, v)) {
		t.Errorf("%s: %s", name, e)
	}
}

// jsonValue is v as encoding/json decodes it, numbers as json.Number.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func validateJSON(t *testing.T, name string, s map[string]any, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for _, e := range validate(s, s, "$", v) {
		t.Errorf("%s: %s", name, e)
	}
}

// validate checks v against the subset of JSON Schema draft-07 that the two
// schemas use: $ref, allOf, oneOf, not, type, const, enum, minimum,
// minLength, minItems, pattern, properties, required, additionalProperties:
// false, dependencies, items. (internal/diff's schema_test.go validates
// with a smaller subset.)
func validate(root, s map[string]any, at string, v any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if ref, ok := s["$ref"].(string); ok {
		name, _ := strings.CutPrefix(ref, "#/definitions/")
		def, ok := root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unresolvable $ref " + ref}
		}
		errs = append(errs, validate(root, def, at, v)...)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, validate(root, sub.(map[string]any), at, v)...)
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		matched := 0
		var last []string
		for _, sub := range one {
			if e := validate(root, sub.(map[string]any), at, v); len(e) == 0 {
				matched++
			} else {
				last = e
			}
		}
		if matched != 1 {
			errs = append(append(errs, fmt.Sprintf("%s: matches %d of oneOf, want 1", at, matched)), last...)
		}
	}
	if not, ok := s["not"].(map[string]any); ok && len(validate(root, not, at, v)) == 0 {
		bad("matches what the schema forbids (not)")
	}
	switch typ := s["type"].(type) {
	case string:
		if got := typeOf(v); got != typ && !(typ == "number" && got == "integer") {
			bad("%s, want %s", got, typ)
			return errs
		}
	}
	text := fmt.Sprint(v)
	if c, ok := s["const"]; ok && fmt.Sprint(c) != text {
		bad("%s, want %v", text, c)
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return fmt.Sprint(x) == text }) {
		bad("%s is not one of %v", text, e)
	}
	if m, ok := s["minimum"].(float64); ok {
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err != nil || f < m {
				bad("%s is below %v", text, m)
			}
		}
	}
	if str, ok := v.(string); ok {
		if m, ok := s["minLength"].(float64); ok && len([]rune(str)) < int(m) {
			bad("%q is shorter than %v", str, m)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			bad("%q does not match %s", str, p)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					bad("lacks %s", r)
				}
			}
		}
		if deps, ok := s["dependencies"].(map[string]any); ok {
			for k, need := range deps {
				if _, ok := obj[k]; !ok {
					continue
				}
				for _, n := range need.([]any) {
					if _, ok := obj[n.(string)]; !ok {
						bad("has %s but not %s", k, n)
					}
				}
			}
		}
		for k, x := range obj {
			p, ok := props[k].(map[string]any)
			if !ok {
				if props != nil && s["additionalProperties"] == false {
					bad("%s is not in the schema", k)
				}
				continue
			}
			errs = append(errs, validate(root, p, at+"."+k, x)...)
		}
	}
	if arr, ok := v.([]any); ok {
		if m, ok := s["minItems"].(float64); ok && len(arr) < int(m) {
			bad("%d items, fewer than %v", len(arr), m)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, validate(root, items, fmt.Sprintf("%s[%d]", at, i), x)...)
			}
		}
	}
	return errs
}

func typeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return "number"
		}
		return "integer"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
