package spec_test

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// TestDecoder checks the reader of the files that go with a spec: the
// document's checks, and each way of reading a value, with the positions
// and wording of Parse.
func TestDecoder(t *testing.T) {
	read := func(text string, walk func(d *spec.Decoder, top *yaml.Node)) string {
		d := spec.NewDecoder("c.yaml", "config")
		if top := d.Document([]byte(text)); top != nil && walk != nil {
			walk(d, top)
		}
		if err := d.Err(); err != nil {
			return err.Error()
		}
		return ""
	}
	for _, text := range []string{"", "# only a comment\n", "---\n"} {
		if got := read(text, func(*spec.Decoder, *yaml.Node) { t.Errorf("%q: a document", text) }); got != "" {
			t.Errorf("%q: %s", text, got)
		}
	}
	for _, tc := range []struct {
		text string
		walk func(d *spec.Decoder, top *yaml.Node)
		want string
	}{
		{"a: [1\n", nil, `c.yaml:1:4: invalid YAML: did not find expected ',' or ']'; the list this [ starts is not closed`},
		{"a: 1\n---\na: 2\n", nil, "c.yaml:2:1: a config is one YAML document; remove this second one"},
		{"a: 1\nb: *x\n", nil, "c.yaml:2:4: *x is a YAML alias, and no anchor &x is defined: write the value out"},
		{"a: \x01\n", nil, "c.yaml:1:4: invalid YAML: control characters are not allowed; a config is UTF-8 text"},
		{"# x\n" + strings.Repeat("#", spec.MaxBytes) + "\n", nil, "c.yaml:1:1: a config is 4194309 bytes, more than the limit of 4194304 (4 MiB)"},
		{"enum: a\nenmu: b\n", func(d *spec.Decoder, top *yaml.Node) {
			d.Mapping(top, "the config", spec.Field{Key: "enum", Set: func(v *yaml.Node) { d.Str(v, "enum") }})
		}, `c.yaml:2:1: unknown key "enmu" in the config; did you mean "enum"? (known keys: enum)`},
		{"auth: {K: pat, K: app_key, [L]: pat}\n", func(d *spec.Decoder, top *yaml.Node) {
			d.Mapping(top, "the config", spec.Field{Key: "auth", Set: func(v *yaml.Node) {
				d.Entries(v, "auth", func(spec.Str, *yaml.Node) {})
			}})
		}, "c.yaml:1:16: auth has key \"K\" twice; keep one\nc.yaml:1:28: auth key must be a string, not a list"},
		{"paths: [a, {b: c}]\nn: x\n", func(d *spec.Decoder, top *yaml.Node) {
			d.Mapping(top, "the config",
				spec.Field{Key: "paths", Set: func(v *yaml.Node) { d.Strs(v, "paths") }},
				spec.Field{Key: "n", Set: func(v *yaml.Node) { d.Int(v, "n") }})
		}, "c.yaml:1:12: paths entry must be a string, not a mapping\nc.yaml:2:4: n must be a whole number, not \"x\""},
		{"x: &a [1]\ny: *a\n", func(d *spec.Decoder, top *yaml.Node) {
			d.Entries(top, "the config", func(_ spec.Str, v *yaml.Node) { d.List(v, "x", func(*yaml.Node) {}) })
		}, "c.yaml:2:4: YAML aliases (*name) are not allowed in a config"},
	} {
		if got := read(tc.text, tc.walk); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%.40q:\n got %s\nwant %s", tc.text, got, tc.want)
		}
	}
}
