package protoimport_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// FuzzParseOptionRef checks that an option name that parses prints back
// as itself, and that nothing panics.
//
//	go test ./internal/protoimport -run '^$' -fuzz FuzzParseOptionRef -fuzztime 30s
func FuzzParseOptionRef(f *testing.F) {
	for _, s := range []string{"a.b.c", "(a.b).c.d", ".a.b", "(.a)", "(a", "(a)x", "a..b", "(a).", "1a", "(a.b).1", " a ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := protoimport.ParseOptionRef(s)
		if err != nil {
			return
		}
		again, err := protoimport.ParseOptionRef(r.String())
		if err != nil || again.Ext != r.Ext || !slices.Equal(again.Path, r.Path) {
			t.Fatalf("%q → %q → %+v, %v", s, r.String(), again, err)
		}
	})
}

// FuzzParseAuthMap checks that an auth map that parses formats back as the
// same map.
func FuzzParseAuthMap(f *testing.F) {
	for _, s := range []string{"NoAuth=public,KeyAuth=app_key|pat,PATAuth=pat,SessionTokenAuth=skip", "A=app_key+pat", "A=", "=pat", "A=pat,A=pat", "A=b", ",,", "A=public|pat"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := protoimport.ParseAuthMap(s)
		if err != nil {
			return
		}
		again, err := protoimport.ParseAuthMap(protoimport.FormatAuthMap(m))
		if err != nil || !reflect.DeepEqual(m, again) {
			t.Fatalf("%q → %q → %v, %v", s, protoimport.FormatAuthMap(m), again, err)
		}
	})
}

// FuzzImport imports a fuzzed .proto file with the Acme settings: it never
// panics, every error is positioned, and every spec it writes reads back,
// builds, and is the same bytes when imported again.
func FuzzImport(f *testing.F) {
	for _, p := range []string{"acme/auth/scopes.proto", "acme/api/items.proto", "acme/api/reports.proto", "rules/store.proto", "clarifai/proto/clarifai/api/service.proto"} {
		data, err := os.ReadFile(filepath.Join(testdata, p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		if strings.HasSuffix(p, "items.proto") {
			// HTTP rules with an unknown field, and a binding two RPCs share.
			f.Add(bytes.ReplaceAll(data, []byte("additional_bindings"), []byte("additional_bindings1")))
			f.Add(bytes.ReplaceAll(data, []byte("(google.api.http).delete"), []byte("(google.api.http).get")))
		}
	}
	scopes, err := os.ReadFile(filepath.Join(testdata, "acme/auth/scopes.proto"))
	if err != nil {
		f.Fatal(err)
	}
	c, err := protoimport.LoadConfig(filepath.Join(testdata, "importproto.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := *c
		// The fuzzed file is both a service file and, when it defines
		// acme.auth.Scope, the enum's; else the enum comes from the fixture.
		resolve := func(path string) (protoimport.Source, bool, error) {
			if path == "acme/auth/scopes.proto" {
				return protoimport.Source{Name: path, Data: scopes}, true, nil
			}
			return protoimport.Source{}, false, nil
		}
		res, err := protoimport.Import(&cfg, []protoimport.Source{{Name: "fuzz.proto", Data: data}}, resolve)
		if !importedWell(t, data, err) {
			return
		}
		readBack(t, res.YAML)
		// The same bytes again.
		cfg = *c
		again, err := protoimport.Import(&cfg, []protoimport.Source{{Name: "fuzz.proto", Data: data}}, resolve)
		if err != nil || !bytes.Equal(again.YAML, res.YAML) {
			t.Fatalf("a second import differs (%v)", err)
		}
	})
}

// FuzzImportGoogle imports a fuzzed .proto file with -profile google, whose
// scopes are strings split at commas: it never panics, every error is
// positioned, every spec it writes reads back, builds and is the same bytes
// when imported again, and each RPC may be called with any one scope of
// its service (checkAlternatives).
func FuzzImportGoogle(f *testing.F) {
	for _, p := range []string{"google/google/pubsub/v1/pubsub.proto", "google/google/cloud/compute/v1/compute.proto"} {
		data, err := os.ReadFile(filepath.Join(testdata, p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`syntax = "proto3"; service S { option (google.api.oauth_scopes) = "a,,b" "c,"; rpc M (R) returns (R); }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := []protoimport.Source{{Name: "fuzz.proto", Data: data}}
		res, err := protoimport.Import(protoimport.Profiles["google"](), src, nil)
		if !importedWell(t, data, err) {
			return
		}
		checkAlternatives(t, readBack(t, res.YAML))
		again, err := protoimport.Import(protoimport.Profiles["google"](), src, nil)
		if err != nil || !bytes.Equal(again.YAML, res.YAML) {
			t.Fatalf("a second import differs (%v)", err)
		}
	})
}

// importedWell checks the error of an import of data: positioned one-line
// diagnostics, none from a recovered parser panic, and no internal error.
// It reports whether the import gave a spec (err is nil).
func importedWell(t *testing.T, data []byte, err error) bool {
	t.Helper()
	var diags spec.Errors
	switch {
	case errors.As(err, &diags):
		for _, d := range diags {
			if d.Pos.Line < 1 || d.Pos.Col < 1 || strings.TrimSpace(d.Msg) == "" {
				t.Errorf("malformed diagnostic %q", d)
			}
			if strings.Contains(d.Msg, "cannot parse: ") {
				t.Errorf("the parser panicked: %s", d)
			}
		}
		return false
	case err != nil:
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%v\n%s", err, data)
		}
		return false
	}
	return true
}
