package protoimport_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/spec"
)

// TestPrev: with the previous import's spec (-prev), a re-import of
// Google-style protos keeps the ids of the scopes that persist, gives a new
// scope a fresh id, reserves a removed one, and keeps the endpoints' order,
// so that scopegen diff reports the change and not a renumbering. Without
// it, ids follow the order first listed and every id moves.
func TestPrev(t *testing.T) {
	proto := func(scopes string, rpcs ...string) []protoimport.Source {
		var b strings.Builder
		fmt.Fprintf(&b, "syntax = \"proto3\";\npackage p;\nservice S {\n  option (google.api.oauth_scopes) = %q;\n", scopes)
		for _, r := range rpcs {
			fmt.Fprintf(&b, "  rpc %s (R) returns (R);\n", r)
		}
		b.WriteString("}\n")
		return []protoimport.Source{{Name: "p.proto", Data: []byte(b.String())}}
	}
	google := protoimport.Profiles["google"]
	v1, err := protoimport.Import(google(), proto("https://x/a,https://x/b,https://x/c", "Get", "List"), nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := spec.Parse("v1.yaml", v1.YAML)
	if err != nil {
		t.Fatal(err)
	}
	// v2 lists a new scope first, drops b, and adds an RPC first.
	v2src := proto("https://x/n,https://x/a,https://x/c", "Add", "Get", "List")
	ids := func(m *model.Model) string {
		var s []string
		for _, sc := range m.Scopes {
			s = append(s, fmt.Sprintf("%s=%d", sc.Name, sc.ID))
		}
		return strings.Join(s, " ")
	}
	order := func(m *model.Model) string {
		var s []string
		for _, e := range m.Endpoints {
			s = append(s, e.Name)
		}
		return strings.Join(s, " ")
	}
	cfg := google()
	cfg.Prev = prev
	kept, err := protoimport.Import(cfg, v2src, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := readBack(t, kept.YAML)
	if got, want := ids(m), "https://x/a=1 https://x/c=3 https://x/n=4"; got != want {
		t.Errorf("with -prev, ids %s, want %s", got, want)
	}
	if got, want := order(m), "/p.S/Get /p.S/List /p.S/Add"; got != want {
		t.Errorf("with -prev, endpoints %s, want %s", got, want)
	}
	if !slices.Equal(m.Reserved.IDs, []int{2}) || !slices.Equal(m.Reserved.Names, []string{"https://x/b"}) {
		t.Errorf("with -prev, reserved ids %v and names %v; want b's id 2 and name", m.Reserved.IDs, m.Reserved.Names)
	}
	fresh, err := protoimport.Import(google(), v2src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(readBack(t, fresh.YAML)), "https://x/n=1 https://x/a=2 https://x/c=3"; got != want {
		t.Errorf("without -prev, ids %s, want %s", got, want)
	}

	// The diff of the two imports: b removed, Add new; no scope renumbered.
	old, err := diff.Load("v1.yaml", v1.YAML)
	if err != nil {
		t.Fatal(err)
	}
	for name, yaml := range map[string][]byte{"with -prev": kept.YAML, "without": fresh.YAML} {
		next, err := diff.Load("v2.yaml", yaml)
		if err != nil {
			t.Fatal(err)
		}
		renumbered := false
		for _, f := range diff.Compare(old, next).Findings {
			renumbered = renumbered || strings.HasPrefix(f.Rule, "scope-id-")
		}
		if renumbered != (name == "without") {
			t.Errorf("%s: a scope-id finding %v, want %v", name, renumbered, name == "without")
		}
	}
}
