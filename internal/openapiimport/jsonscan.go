package openapiimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// isJSON reports whether data is a JSON object: its first byte that is not
// white space is '{'. JSON is read by the paths of this file, which are
// linear and skip what the import does not use; YAML is read whole.
func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// scanJSON checks the nesting of a JSON document (at most MaxDepth) and
// records where the keys of its first three levels are written
// (paths → "/pets" → "get"), as positions.at finds them in YAML. It is one
// pass over the bytes; a document that is not valid JSON is left to the
// decoder to refuse.
func scanJSON(name string, data []byte) (map[string]spec.Pos, error) {
	keys := map[string]spec.Pos{}
	type open struct {
		key    string // the key the object or array is the value of; "" in an array
		object bool
	}
	var stack []open
	var key string // the last key read at the current level
	line, lineStart := 1, 0
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
			lineStart = i + 1
		case '"':
			start := i
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if !expectKey {
				continue
			}
			expectKey = false
			if len(stack) > 3 || i >= len(data) {
				continue
			}
			var k string
			if err := json.Unmarshal(data[start:i+1], &k); err != nil {
				continue
			}
			key = k
			path := []string{}
			for _, o := range stack[1:] {
				path = append(path, o.key)
			}
			path = append(path, k)
			keys[strings.Join(path, "\x00")] = spec.Pos{File: name, Line: line, Col: len(string(data[lineStart:start])) + 1}
		case '{', '[':
			stack = append(stack, open{key, c == '{'})
			if len(stack) > MaxDepth {
				return nil, fmt.Errorf("line %d: nested more than %d levels deep; a description this deep is refused", line, MaxDepth)
			}
			expectKey = c == '{'
			key = ""
		case '}', ']':
			if len(stack) > 0 {
				key = stack[len(stack)-1].key
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		}
	}
	return keys, nil
}

// operationKeys are the fields of an Operation Object the import reads;
// pruneJSON drops the others (parameters, request bodies, responses,
// callbacks), so that the parser neither decodes nor resolves the schemas
// they hold.
var operationKeys = map[string]bool{"operationId": true, "summary": true, "description": true, "deprecated": true, "security": true}

// pathItemKeys are the fields of a Path Item Object that pruneJSON keeps: $ref
// and the operations.
var pathItemKeys = map[string]bool{"$ref": true, "get": true, "put": true, "post": true, "delete": true, "options": true,
	"head": true, "patch": true, "trace": true, "query": true}

// pruneJSON returns a JSON description with only what the import reads: the
// version, info, servers, the document's security, the security schemes
// (securityDefinitions in 2.0, components.securitySchemes and
// components.pathItems in 3.x) and, of each operation, the fields in
// operationKeys. It fails when data is not a JSON object of objects where
// the description has them; the caller then reads data as it is.
func pruneJSON(data []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, k := range []string{"openapi", "swagger", "info", "servers", "security", "securityDefinitions", "basePath", "host", "jsonSchemaDialect"} {
		if v, ok := top[k]; ok {
			out[k] = v
		}
	}
	if c, ok := top["components"]; ok {
		var comps map[string]json.RawMessage
		if err := json.Unmarshal(c, &comps); err != nil {
			return nil, err
		}
		kept := map[string]json.RawMessage{}
		for _, k := range []string{"securitySchemes", "pathItems"} {
			if v, ok := comps[k]; ok {
				kept[k] = v
			}
		}
		out["components"] = kept
	}
	if p, ok := top["paths"]; ok {
		var paths map[string]map[string]json.RawMessage
		if err := json.Unmarshal(p, &paths); err != nil {
			return nil, err
		}
		outPaths := map[string]map[string]any{}
		for path, item := range paths {
			o := map[string]any{}
			for verb, op := range item {
				if !pathItemKeys[verb] {
					continue
				}
				if verb == "$ref" {
					o[verb] = op
					continue
				}
				var fields map[string]json.RawMessage
				if err := json.Unmarshal(op, &fields); err != nil {
					return nil, err
				}
				for k := range fields {
					if !operationKeys[k] {
						delete(fields, k)
					}
				}
				// Both versions require responses; a bare one satisfies the parsers.
				fields["responses"] = json.RawMessage(`{"default": {"description": ""}}`)
				o[verb] = fields
			}
			outPaths[path] = o
		}
		out["paths"] = outPaths
	}
	return json.Marshal(out)
}

// pruneYAML is pruneJSON for a YAML description, on the tree positions
// read: it keeps the same keys, and returns the document written back as
// YAML. It fails (and the caller reads data as it is) when the tree is not
// of the shape pruning expects, or cannot be written back (an alias whose
// anchor was dropped).
func pruneYAML(root *yaml.Node) ([]byte, error) {
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping")
	}
	keep := func(m *yaml.Node, ok func(string) bool) *yaml.Node {
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: m.Tag, Line: m.Line, Column: m.Column}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if ok(m.Content[i].Value) {
				out.Content = append(out.Content, m.Content[i], m.Content[i+1])
			}
		}
		return out
	}
	top := map[string]bool{"openapi": true, "swagger": true, "info": true, "servers": true, "security": true,
		"securityDefinitions": true, "basePath": true, "host": true, "jsonSchemaDialect": true, "components": true, "paths": true}
	doc := keep(root, func(k string) bool { return top[k] })
	responses := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "default"},
		{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "description"}, {Kind: yaml.ScalarNode, Value: "", Style: yaml.DoubleQuotedStyle}}},
	}}
	for i := 1; i < len(doc.Content); i += 2 {
		switch v := doc.Content[i]; doc.Content[i-1].Value {
		case "components":
			if v.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("components is not a mapping")
			}
			doc.Content[i] = keep(v, func(k string) bool { return k == "securitySchemes" || k == "pathItems" })
		case "paths":
			if v.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("paths is not a mapping")
			}
			paths := &yaml.Node{Kind: yaml.MappingNode, Tag: v.Tag}
			for j := 0; j+1 < len(v.Content); j += 2 {
				item := v.Content[j+1]
				if item.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("a path item is not a mapping")
				}
				item = keep(item, func(k string) bool { return pathItemKeys[k] })
				for k := 1; k < len(item.Content); k += 2 {
					if item.Content[k-1].Value == "$ref" {
						continue
					}
					op := item.Content[k]
					if op.Kind != yaml.MappingNode {
						return nil, fmt.Errorf("an operation is not a mapping")
					}
					op = keep(op, func(k string) bool { return operationKeys[k] })
					op.Content = append(op.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "responses"}, responses)
					item.Content[k] = op
				}
				paths.Content = append(paths.Content, v.Content[j], item)
			}
			doc.Content[i] = paths
		}
	}
	return yaml.Marshal(doc)
}
