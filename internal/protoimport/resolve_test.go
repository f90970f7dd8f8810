package protoimport_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
)

// TestImportsReadOnce checks that an import is looked up (read) at most once,
// however many files name it and whether or not it parses, and what the
// import says about the imports it could not use.
func TestImportsReadOnce(t *testing.T) {
	const (
		scopes = "syntax = \"proto3\";\npackage t;\nenum Scope { UNSET = 0; Read = 1; }\n"
		broken = "syntax = \"proto3\";\nmessage {\n"
	)
	importFiles := map[string]string{
		"t/scopes.proto": scopes,
		"t/broken.proto": broken,
		"t/other.proto":  "syntax = \"proto3\";\npackage t;\n",
	}
	file := func(name string, imports []string, rest string) protoimport.Source {
		s := "syntax = \"proto3\";\npackage t;\n"
		for _, i := range imports {
			s += "import \"" + i + "\";\n"
		}
		return protoimport.Source{Name: name, Data: []byte(s + rest)}
	}
	svc := func(x string) string {
		return "service S" + x + " { rpc A (M" + x + ") returns (M" + x + ") { option (requires) = Read; } }\nmessage M" + x + " {}\n"
	}
	for _, tc := range []struct {
		name  string
		files []protoimport.Source
		want  []string // the warnings, or the error's lines; each a prefix
		fails bool
	}{
		{
			name: "enum in an import",
			files: []protoimport.Source{
				file("a.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/scopes.proto"}, svc("A")),
				file("b.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/other.proto"}, svc("B")),
			},
			want: []string{
				"a.proto:4:1: warning: import t/missing.proto not found in the import paths; skipped",
				"a.proto:5:1: warning: cannot read the import \"t/locked.proto\": permission denied (in an imported file, skipped)",
				"t/broken.proto:2:9: warning: syntax error: unexpected '{' (in an imported file, skipped)",
			},
		},
		{
			name: "enum in a file named",
			files: []protoimport.Source{
				file("a.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/other.proto"}, strings.TrimPrefix(scopes, "syntax = \"proto3\";\npackage t;\n")+svc("A")),
				file("b.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/other.proto"}, svc("B")),
			},
			want: []string{
				"a.proto:4:1: warning: import t/missing.proto not found in the import paths; skipped",
			},
		},
		{
			name: "enum not found",
			files: []protoimport.Source{
				file("a.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/other.proto"}, svc("A")),
				file("b.proto", []string{"t/broken.proto", "t/missing.proto", "t/locked.proto", "t/other.proto"}, svc("B")),
			},
			want: []string{
				"a.proto:1:1: enum t.Scope is not defined in a.proto, b.proto, t/other.proto; these imports were not found: t/missing.proto; pass",
				"a.proto:5:1: cannot read the import \"t/locked.proto\": permission denied",
				"b.proto:5:1: cannot read the import \"t/locked.proto\": permission denied",
				"t/broken.proto:2:9: syntax error: unexpected '{'",
			},
			fails: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := map[string]int{}
			resolve := func(path string) (protoimport.Source, bool, error) {
				reads[path]++
				if path == "t/locked.proto" {
					return protoimport.Source{}, false, errors.New("permission denied")
				}
				data, ok := importFiles[path]
				return protoimport.Source{Name: path, Data: []byte(data)}, ok, nil
			}
			c := &protoimport.Config{Enum: "t.Scope", Requires: []string{"t.requires"}, AuthDefault: &protoimport.Target{Kinds: []string{"app_key", "pat"}}}
			res, err := protoimport.Import(c, slices.Clone(tc.files), resolve)
			var got []string
			switch {
			case tc.fails && err == nil:
				t.Fatal("the import succeeds; it should fail")
			case tc.fails:
				got = strings.Split(err.Error(), "\n")
			case err != nil:
				t.Fatal(err)
			default:
				for _, w := range res.Warnings {
					got = append(got, w.String())
				}
			}
			compare(t, "lines", got, strings.Join(tc.want, "\n"))
			for path, n := range reads {
				if n > 1 {
					t.Errorf("import %s was looked up %d times, want once", path, n)
				}
			}
		})
	}
}
