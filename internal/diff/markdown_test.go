package diff_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

// TestMarkdownLimit compares two unrelated specs of a real API's size
// (hundreds of findings): the Markdown report stays under GitHub's comment
// limit, says what it cut, cuts safe findings before breaking ones and
// those before escalations, and leaves no <details> open.
func TestMarkdownLimit(t *testing.T) {
	old := load(t, "old.yaml", spec.Marshal(synth.File(synth.Options{Endpoints: 300, Scopes: 120, Seed: 1})))
	new := load(t, "new.yaml", spec.Marshal(synth.File(synth.Options{Endpoints: 300, Scopes: 120, Seed: 2})))
	r := diff.Compare(old, new)
	out := string(render(t, r, "markdown"))
	if n := utf8.RuneCountInString(out); n > diff.MarkdownLimit {
		t.Errorf("%d characters, more than %d", n, diff.MarkdownLimit)
	}
	if !strings.Contains(out, "\n**Cut**: ") || !strings.Contains(out, "not shown, to keep this comment under GitHub's 65536-character limit") {
		t.Errorf("%d findings, yet no note of what was cut:\n%s", len(r.Findings), out[len(out)-500:])
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Errorf("%d <details>, %d </details>", strings.Count(out, "<details>"), strings.Count(out, "</details>"))
	}
	if !strings.Contains(out, "### Escalation") {
		t.Error("no escalation is shown")
	}
	if strings.Contains(out, "### Safe") && strings.Contains(out[strings.Index(out, "**Cut**"):], "breaking") {
		t.Error("safe findings are shown while breaking ones are cut")
	}
	// The summary comes first.
	if !strings.HasPrefix(out, "## scopegen diff: ") || !strings.Contains(out[:600], "| escalation | ") {
		t.Errorf("the report does not start with its summary:\n%s", out[:600])
	}
}
