package diff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
)

// schemaPath is the JSON Schema of scopegen diff -format json: the
// documentation of the JSON shape.
const schemaPath = "report.schema.json"

func readSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s is not valid JSON: %v", schemaPath, err)
	}
	return s
}

// TestSchemaDocumentsTheShape checks the schema itself: each object lists
// every property as required (every field is always present), forbids
// others, and describes each one; and its enumerations are the code's.
func TestSchemaDocumentsTheShape(t *testing.T) {
	root := readSchema(t)
	var lint func(where string, node map[string]any)
	lint = func(where string, node map[string]any) {
		if props, ok := node["properties"].(map[string]any); ok {
			if node["additionalProperties"] != false {
				t.Errorf("%s: an object without additionalProperties: false", where)
			}
			var names, required []string
			for k, v := range props {
				names = append(names, k)
				p := v.(map[string]any)
				if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
					t.Errorf("%s: property %s has no description", where, k)
				}
				lint(where+"."+k, p)
			}
			for _, r := range node["required"].([]any) {
				required = append(required, r.(string))
			}
			sort.Strings(names)
			sort.Strings(required)
			if !slices.Equal(names, required) {
				t.Errorf("%s: required %v, want every property %v: each field is always present", where, required, names)
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			lint(where+"[]", items)
		}
	}
	lint("", root)
	for name, def := range root["definitions"].(map[string]any) {
		lint("#/definitions/"+name, def.(map[string]any))
	}

	enum := func(node map[string]any) []string {
		var out []string
		for _, v := range node["enum"].([]any) {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	defs := root["definitions"].(map[string]any)
	finding := defs["finding"].(map[string]any)["properties"].(map[string]any)
	if got, want := enum(finding["rule"].(map[string]any)), diff.RuleNames(); !slices.Equal(got, want) {
		t.Errorf("the schema's rules are\n\t%v\nthe code's are\n\t%v", got, want)
	}
	var cats []string
	for _, c := range diff.Categories {
		cats = append(cats, string(c))
	}
	if got := enum(finding["category"].(map[string]any)); !slices.Equal(got, cats) {
		t.Errorf("the schema's categories are %v, want %v", got, cats)
	}
	props := root["properties"].(map[string]any)
	codes := []string{fmt.Sprint(diff.ExitSafe), fmt.Sprint(diff.ExitBreaking), fmt.Sprint(diff.ExitEscalation), fmt.Sprint(diff.ExitBoth)}
	if got := enum(props["exit_code"].(map[string]any)); !slices.Equal(got, codes) {
		t.Errorf("the schema's exit codes are %v, want %v", got, codes)
	}
	if got := props["version"].(map[string]any)["const"]; got != float64(diff.JSONVersion) {
		t.Errorf("the schema's version is %v, want %d", got, diff.JSONVersion)
	}
}

// TestJSONMatchesSchema validates every want.json of testdata/diff, and a
// report with -allow, against the schema.
func TestJSONMatchesSchema(t *testing.T) {
	root := readSchema(t)
	paths, _ := filepath.Glob("../../testdata/diff/*.txtar")
	n := 0
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range a.Files {
			files[f.Name] = f.Data
		}
		if data, ok := files["want.json"]; ok {
			n++
			validateJSON(t, filepath.Base(path), root, data)
		}
		if filepath.Base(path) == "both.txtar" {
			r := diff.Compare(load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"]))
			r.Allow = []diff.Category{diff.Breaking}
			validateJSON(t, "both.txtar with -allow breaking", root, render(t, r, "json"))
		}
	}
	if n < len(diff.Rules) {
		t.Errorf("only %d archives hold a want.json; want at least one per rule", n)
	}
}

func validateJSON(t *testing.T, name string, root map[string]any, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for _, e := range validate(root, root, "$", v) {
		t.Errorf("%s: %s", name, e)
	}
}

// validate checks v against the subset of JSON Schema draft-07 that
// report.schema.json uses: $ref, oneOf, type, const, enum, minimum,
// pattern, properties, required, additionalProperties: false, items.
func validate(root, s map[string]any, at string, v any) []string {
	if ref, ok := s["$ref"].(string); ok {
		name, _ := strings.CutPrefix(ref, "#/definitions/")
		def, ok := root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unresolvable $ref " + ref}
		}
		return validate(root, def, at, v)
	}
	if one, ok := s["oneOf"].([]any); ok {
		matched := 0
		var last []string
		for _, sub := range one {
			if errs := validate(root, sub.(map[string]any), at, v); len(errs) == 0 {
				matched++
			} else {
				last = errs
			}
		}
		if matched != 1 {
			return append([]string{fmt.Sprintf("%s: matches %d of oneOf, want 1", at, matched)}, last...)
		}
		return nil
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if typ, ok := s["type"].(string); ok && typeOf(v) != typ && !(typ == "number" && typeOf(v) == "integer") {
		bad("%s, want %s", typeOf(v), typ)
		return errs
	}
	text := fmt.Sprint(v)
	if c, ok := s["const"]; ok && fmt.Sprint(c) != text {
		bad("%s, want %v", text, c)
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return fmt.Sprint(x) == text }) {
		bad("%s is not one of %v", text, e)
	}
	if p, ok := s["pattern"].(string); ok {
		if s, isStr := v.(string); !isStr || !regexp.MustCompile(p).MatchString(s) {
			bad("%s does not match %s", text, p)
		}
	}
	if m, ok := s["minimum"].(float64); ok {
		if n, err := v.(json.Number).Float64(); err != nil || n < m {
			bad("%s is below %v", text, m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range s["required"].([]any) {
			if _, ok := obj[r.(string)]; !ok {
				bad("lacks %s", r)
			}
		}
		for k, x := range obj {
			p, ok := props[k].(map[string]any)
			if !ok {
				bad("%s is not in the schema", k)
				continue
			}
			errs = append(errs, validate(root, p, at+"."+k, x)...)
		}
	}
	if arr, ok := v.([]any); ok {
		items := s["items"].(map[string]any)
		for i, x := range arr {
			errs = append(errs, validate(root, items, fmt.Sprintf("%s[%d]", at, i), x)...)
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
