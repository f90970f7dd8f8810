package gen_test

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/testonly/synth"
)

// TestOutputIsGofmted checks that every generated Go file is exactly what
// gofmt makes of it, for the golden specs, the shipped spec and synthetic
// specs of several shapes: the tables indexed by Endpoint are printed as text
// rather than through go/format, so nothing else guarantees it.
func TestOutputIsGofmted(t *testing.T) {
	specs := map[string][]byte{}
	for _, g := range goldens(t) {
		specs[g.path] = g.spec
	}
	shipped, err := os.ReadFile("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs["shipped"] = shipped
	for _, o := range []synth.Options{{Endpoints: 5, Scopes: 8}, {Endpoints: 300, Scopes: 120, Seed: 1}, {Endpoints: 700, Scopes: 300, Seed: 2}} {
		specs[fmt.Sprintf("synth %+v", o)] = synth.Spec(o)
	}
	for name, data := range specs {
		for _, f := range generate(t, name, data, "scopes") {
			if !strings.HasSuffix(f.Name, ".go") {
				continue
			}
			want, err := format.Source(f.Content)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, f.Name, err)
			}
			if !bytes.Equal(f.Content, want) {
				t.Errorf("%s: %s is not gofmt'ed:\n%s", name, f.Name, firstDiff(f.Content, want))
			}
		}
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}
