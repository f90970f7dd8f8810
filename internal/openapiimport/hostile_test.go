package openapiimport

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestHostile: bad descriptions get a clear error naming the file, within
// a bounded time, never a panic.
func TestHostile(t *testing.T) {
	deepJSON := `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x-deep": ` +
		strings.Repeat("[", MaxDepth+10) + strings.Repeat("]", MaxDepth+10) + "}"
	var deepYAML strings.Builder
	deepYAML.WriteString("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep:\n")
	for i := 0; i < MaxDepth+10; i++ {
		deepYAML.WriteString(strings.Repeat(" ", i+1) + "a:\n")
	}
	laughs := "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs += "x-" + n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = n
	}
	head := "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
	op := "    get:\n      operationId: op\n      responses: {'200': {description: ok}}\n"
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unresolvable security scheme $ref", head + "paths: {}\ncomponents:\n  securitySchemes:\n    a: {$ref: '#/components/securitySchemes/missing'}\n", "cannot read the OpenAPI description"},
		{"unresolvable JSON path $ref", `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"$ref": "#/components/pathItems/nope"}}}`, "cannot read the OpenAPI description"},
		{"unresolvable path $ref", head + "paths:\n  /a: {$ref: '#/components/pathItems/nope'}\n", "cannot read the OpenAPI description"},
		{"external $ref", head + "paths:\n  /a: {$ref: 'other.yaml#/paths/~1a'}\n", "cannot read the OpenAPI description"},
		{"external URL $ref", head + "paths: {}\ncomponents:\n  securitySchemes:\n    a: {$ref: 'https://example.com/x.yaml#/s'}\n", "cannot read the OpenAPI description"},
		{"no schemes", head + "paths:\n  /a:\n" + op, "declares no security schemes"},
		{"no scopes: an API key alone", head + "security: [{k: []}]\ncomponents: {securitySchemes: {k: {type: apiKey, in: header, name: K}}}\npaths:\n  /a:\n" + op, ""},
		{"cyclic schema $refs", head + "security: [{o: [s]}]\npaths:\n  /a:\n" + op + "components:\n  securitySchemes:\n    o: {type: openIdConnect, openIdConnectUrl: https://x}\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n", ""},
		{"cyclic security scheme $refs", head + "paths: {}\ncomponents:\n  securitySchemes:\n    a: {$ref: '#/components/securitySchemes/b'}\n    b: {$ref: '#/components/securitySchemes/a'}\n", ""},
		{"self $ref", head + "security: [{o: [s]}]\ncomponents: {securitySchemes: {o: {type: openIdConnect, openIdConnectUrl: https://x}}}\npaths:\n  /a: {$ref: '#/paths/~1a'}\n", ""},
		{"cyclic 2.0 security definitions", `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}, "securityDefinitions": {"a": {"$ref": "#/securityDefinitions/b"}, "b": {"$ref": "#/securityDefinitions/a"}}}`, "does not resolve"},
		{"deep JSON", deepJSON, "nested more than 256 levels deep"},
		{"deep YAML", deepYAML.String(), "nested more than 256 levels deep"},
		{"alias bomb", laughs, ""},
		{"not OpenAPI", "hello: world\n", "neither an openapi nor a swagger key"},
		{"not YAML", "{[}", "not an OpenAPI description"},
		{"a scalar", "42", "its top level is not an object"},
		{"Swagger 1.2", `{"swagger": "1.2"}`, "not a version this command reads"},
		{"OpenAPI 4", "openapi: 4.0.0\n", "not a version this command reads"},
		{"both", "openapi: 3.0.0\nswagger: '2.0'\n", "both swagger"},
		{"empty", "", "not an OpenAPI description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Import("bad.yaml", []byte(tc.doc), Options{})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil {
				if tc.want != "" {
					t.Fatalf("imported, want an error containing %q:\n%s", tc.want, res.YAML)
				}
				return
			}
			if !strings.HasPrefix(err.Error(), "bad.yaml") || (tc.want != "" && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %q, want bad.yaml: ...%s...", err, tc.want)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	data := append([]byte("openapi: 3.0.0\nx-pad: "), bytes.Repeat([]byte("a"), MaxBytes)...)
	_, err := Import("big.yaml", data, Options{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}
