package diff_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/diff"
)

// TestAllowancesErrors checks that an allowances file is read as a spec is:
// a syntax error at the character it is about, saying what to do (it was at
// 1:1), and each other problem at its line and column.
func TestAllowancesErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"allow:\n  - {rule: scope-renamed, element: A:Get, reason: why\n",
			`allow.yaml:2:5: invalid YAML: did not find expected ',' or '}'; the mapping this { starts is not closed where it should be: separate its entries with commas, close it with }, and quote an entry that holds ": "`},
		{"allow:\n  - rule: scope-renamed\n\telement: A:Get\n",
			"allow.yaml:3:1: invalid YAML: found a tab character that violates indentation; YAML indents with spaces only: replace this tab with spaces"},
		{"allow:\n  - rule: scope-renamed\n    element: A:Get\n    reason: the portal: it moves too\n",
			`allow.yaml:4:23: invalid YAML: mapping values are not allowed in this context; quote a value that holds ": ", or start a key on its own line, indented as the other keys of its mapping`},
		{"allow:\n  - rule: scope-renamed\n    element: A:Get\n    reason: \"why\n",
			`allow.yaml:4:13: invalid YAML: found unexpected end of stream; this " starts a quoted value that is never closed: add the closing "`},
		{"allow:\n  - {rule: scope-renamd, element: A:Get, reason: why}\n",
			`allow.yaml:2:12: unknown rule "scope-renamd"; did you mean "scope-renamed"?; scopegen diff -h lists the rules`},
		{"allow:\n  - {rule: scope-renamed, elemnt: A:Get, reason: why}\n",
			"allow.yaml:2:5: the allowance needs element: (the scope, endpoint, preset or outcome the finding names)\n" +
				`allow.yaml:2:27: unknown key "elemnt" in an allowance; did you mean "element"? (known keys: element, fingerprint, reason, rule)`},
		{"allow:\n  - {rule: scope-renamed, element: A:Get, fingerprint: 12ab, reason: why}\n",
			`allow.yaml:2:56: fingerprint "12ab" is not one scopegen diff writes (16 hex digits); copy the entry from scopegen diff -format allowances, or leave the key out to accept any effect`},
		{"allow:\n  - {rule: scope-renamed, element: [A], reason: why}\n",
			"allow.yaml:2:36: element must be a string, not a list"},
		{"alow: []\n",
			`allow.yaml:1:1: unknown key "alow" in the allowances file; did you mean "allow"? (known keys: allow)`},
		{"allow:\n  - &a {rule: scope-renamed, element: A:Get, reason: why}\n  - *a\n",
			"allow.yaml:3:5: YAML aliases (*name) are not allowed in an allowances file; write the value out so a diff shows it"},
		{"allow: []\n---\nallow: []\n",
			"allow.yaml:2:1: an allowances file is one YAML document; remove this second one"},
		{"- rule: scope-renamed\n",
			"allow.yaml:1:1: the allowances file is a mapping with one key, allow: a list of {rule, element, reason}"},
	} {
		_, err := diff.ParseAllowances("allow.yaml", []byte(tc.text))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.text, err, tc.want)
		}
	}
	for _, text := range []string{"", "# nothing yet\n", "allow: []\n"} {
		if allow, err := diff.ParseAllowances("allow.yaml", []byte(text)); err != nil || len(allow) != 0 {
			t.Errorf("%q: %v, %v; want no allowances", text, allow, err)
		}
	}
}

// TestWrittenAllowancesAccept checks, on every spec pair of testdata/diff,
// that the allowances scopegen diff -format allowances writes, once each
// reason is filled in, accept every escalation and breaking finding and
// nothing else: no finding fails, none is stale, none unpinned.
func TestWrittenAllowancesAccept(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/diff/*.txtar")
	for _, path := range paths {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range a.Files {
			files[f.Name] = f.Data
		}
		old, new := load(t, "old.yaml", files["old.yaml"]), load(t, "new.yaml", files["new.yaml"])
		written := strings.ReplaceAll(string(render(t, diff.Compare(old, new), "allowances")), `reason: ""`, "reason: intended")
		allow, err := diff.ParseAllowances("allow.yaml", []byte(written))
		if err != nil {
			t.Fatalf("%s: the written allowances do not read back: %v\n%s", path, err, written)
		}
		r := diff.Compare(old, new)
		r.Accept(allow)
		if code := r.ExitCode(); code != diff.ExitSafe || len(r.Stale) > 0 || len(r.Unpinned) > 0 {
			t.Errorf("%s: with the written allowances, exit %d, %d stale, %d unpinned:\n%s", path, code, len(r.Stale), len(r.Unpinned), written)
		}
	}
}
