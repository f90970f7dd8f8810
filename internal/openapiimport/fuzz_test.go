package openapiimport

import (
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/spec"
)

// FuzzImport: any bytes are imported or refused with an error naming the
// file, never a panic; what is imported reads back as a spec (Import checks
// that the spec it writes builds into the same model).
func FuzzImport(f *testing.F) {
	for _, tf := range goldens(&testing.T{}) {
		f.Add(tf.data, tf.opts.ServerPath)
	}
	f.Add([]byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "securityDefinitions": {"o": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://x", "scopes": {"a:b": "x"}}}, "paths": {"/a/{b}": {"get": {"security": [{"o": ["a:b"]}, {}]}}}}`), false)
	f.Add([]byte("openapi: 3.1.0\npaths:\n  /a: {$ref: '#/paths/~1a'}\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, serverPath bool) {
		if len(data) > 1<<16 {
			return
		}
		res, err := Import("fuzz.yaml", data, Options{ServerPath: serverPath})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				if _, ok := err.(spec.Errors); !ok {
					t.Fatalf("error does not name the file: %v", err)
				}
			}
			return
		}
		if _, err := spec.Parse("again.yaml", res.YAML); err != nil {
			t.Fatalf("the spec does not parse: %v\n%s", err, res.YAML)
		}
	})
}
