package openapiimport

import (
	"encoding/json"
	"fmt"
	"testing"

	"gopkg.in/yaml.v3"
)

// synthetic is an OpenAPI 3.0 description of n operations (n/4 paths, four
// verbs each) over 100 scopes of an oauth2 scheme and an API key: each
// operation accepts two or three scopes, or (every third one) the API key
// too; every tenth is public. Each has a request and a response schema by
// $ref, so that the reader resolves references as in a real description.
func synthetic(n int) []byte {
	scopes := map[string]string{}
	for i := 0; i < 100; i++ {
		scopes[fmt.Sprintf("res%d:%s", i/4, []string{"read", "write", "delete", "admin"}[i%4])] = fmt.Sprintf("Scope %d.", i)
	}
	names := make([]string, 0, len(scopes))
	for i := 0; i < 100; i++ {
		names = append(names, fmt.Sprintf("res%d:%s", i/4, []string{"read", "write", "delete", "admin"}[i%4]))
	}
	paths := map[string]any{}
	schemas := map[string]any{}
	verbs := []string{"get", "put", "post", "delete"}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("/v1/res%d/{id}/items%d", i/40, i/4)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		schema := fmt.Sprintf("Item%d", i/4)
		schemas[schema] = map[string]any{"type": "object", "properties": map[string]any{
			"id": map[string]any{"type": "string"}, "next": map[string]any{"$ref": "#/components/schemas/" + schema}}}
		sec := []any{map[string]any{"oauth": []string{names[i%100], names[(i*7+3)%100]}}, map[string]any{"oauth": []string{names[(i*13+1)%100]}}}
		if i%3 == 0 {
			sec = append(sec, map[string]any{"key": []string{}})
		}
		if i%10 == 0 {
			sec = []any{}
		}
		paths[p].(map[string]any)[verbs[i%4]] = map[string]any{
			"operationId": fmt.Sprintf("op%d", i),
			"summary":     fmt.Sprintf("Operation %d.", i),
			"security":    sec,
			"parameters":  []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
			"responses": map[string]any{"200": map[string]any{"description": "ok",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + schema}}}}},
		}
	}
	doc := map[string]any{
		"openapi": "3.0.3", "info": map[string]any{"title": "Synthetic", "version": "1"},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"oauth": map[string]any{"type": "oauth2", "flows": map[string]any{"clientCredentials": map[string]any{"tokenUrl": "https://x/token", "scopes": scopes}}},
				"key":   map[string]any{"type": "apiKey", "in": "header", "name": "X-Key"},
			},
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkImport1000 imports a description of 1,000 operations: the
// figure the README quotes (issue 13 asks for under a second).
func BenchmarkImport1000(b *testing.B) {
	data := synthetic(1000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Import("synthetic.json", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Endpoints != 1000 {
			b.Fatalf("%d endpoints", res.Endpoints)
		}
	}
}

// BenchmarkImport1000YAML imports the same description written as YAML.
func BenchmarkImport1000YAML(b *testing.B) {
	var doc any
	if err := json.Unmarshal(synthetic(1000), &doc); err != nil {
		b.Fatal(err)
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Import("synthetic.yaml", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSynthetic checks the synthetic description's import against the
// oracle, as TestBehaviour does the golden ones.
func TestSynthetic(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	ops, checks := checkBehaviour(t, "synthetic.json", synthetic(n), Options{})
	t.Logf("%d operations, %d decisions", ops, checks)
}
