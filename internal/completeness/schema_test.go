package completeness_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/completeness"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestReportSchema checks report.schema.json: every object requires every
// property it lists (every field is always present), forbids others and
// describes each; its enumerations are the code's; and the JSON reports of
// the fixture and of a complete API are valid by it.
func TestReportSchema(t *testing.T) {
	data, err := os.ReadFile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("report.schema.json is not valid JSON: %v", err)
	}
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
			for _, r := range node["required"].([]any) {
				req = append(req, r.(string))
			}
			sort.Strings(names)
			sort.Strings(req)
			if !slices.Equal(names, req) {
				t.Errorf("%s: required %v, want every property %v", where, req, names)
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			lint(where+"[]", items)
		}
	}
	lint("", s)
	defs := s["definitions"].(map[string]any)
	for name, def := range defs {
		lint("#/definitions/"+name, def.(map[string]any))
	}
	enum := func(node any) []string {
		var out []string
		for _, v := range node.(map[string]any)["enum"].([]any) {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	props := s["properties"].(map[string]any)
	if got, want := enum(props["exit_code"]), []string{fmt.Sprint(completeness.ExitComplete), fmt.Sprint(completeness.ExitIncomplete)}; !slices.Equal(got, want) {
		t.Errorf("the schema's exit codes are %v, the code's %v", got, want)
	}
	statuses := []string{string(completeness.Guarded), string(completeness.Public), string(completeness.Excluded), string(completeness.Unguarded)}
	if got := enum(defs["method"].(map[string]any)["properties"].(map[string]any)["status"]); !slices.Equal(got, statuses) {
		t.Errorf("the schema's statuses are %v, the code's %v", got, statuses)
	}
	if got := props["version"].(map[string]any)["const"]; got != float64(completeness.JSONVersion) {
		t.Errorf("the schema's version is %v, want %d", got, completeness.JSONVersion)
	}

	t.Chdir("../..")
	for name, r := range map[string]*completeness.Report{"the fixture": fixture(t), "a complete API": complete(t)} {
		dec := json.NewDecoder(bytes.NewReader(render(t, r, "json")))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range validate(s, s, "$", v) {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// validate checks v against the subset of JSON Schema draft-07 that the
// schema uses: $ref, oneOf, type, const, enum, minimum, properties,
// required, additionalProperties: false, items.
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
	if one, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, sub := range one {
			if len(validate(root, sub.(map[string]any), at, v)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			bad("matches %d of oneOf, want 1", matched)
		}
	}
	if typ, ok := s["type"].(string); ok {
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
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					bad("lacks %s", r)
				}
			}
		}
		for k, val := range obj {
			p, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					bad("has %s, which the schema does not allow", k)
				}
				continue
			}
			errs = append(errs, validate(root, p, at+"."+k, val)...)
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, validate(root, items, fmt.Sprintf("%s[%d]", at, i), e)...)
			}
		}
	}
	return errs
}

// typeOf is the JSON Schema type of a decoded value.
func typeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// complete is the report of an API whose one method is guarded.
func complete(t *testing.T) *completeness.Report {
	m := buildModel(t, specHead+"  - {method: /p.S/A, requires: [Get]}\n")
	return completeness.Check(m, []completeness.Operation{{Name: "/p.S/A", Group: "p.S", Pos: spec.Pos{File: "s.proto", Line: 1, Col: 1}}}, nil)
}
