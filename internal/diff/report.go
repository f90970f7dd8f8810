package diff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// Exit statuses of scopegen diff, by what is left once allowances and
// -allow have accepted what they name. 1 and 2 are taken by errors and usage
// errors.
const (
	ExitSafe       = 0 // nothing breaking or escalating is left
	ExitBreaking   = 3 // a breaking finding is left, no escalation
	ExitEscalation = 4 // an escalation is left, nothing breaking
	ExitBoth       = 5 // both
)

// Fails reports whether f makes the diff fail: an escalation or breaking
// finding accepted neither by an allowance nor by r.Allow, whose category
// and severity r.FailOn covers (by default, severity error).
func (r *Report) Fails(f Finding) bool {
	if f.Category == Safe || f.Accepted != nil || slices.Contains(r.Allow, f.Category) {
		return false
	}
	switch sev := f.severity(); r.failOn() {
	case FailOnEscalation:
		return f.Category == Escalation && sev == Error
	case FailOnBreaking:
		return sev == Error
	case FailOnWarning:
		return sev == Error || sev == Warning
	}
	return false
}

// allowed reports whether f is an escalation or breaking finding that -allow
// accepts (and no allowance).
func (r *Report) allowed(f Finding) bool {
	return f.Category != Safe && f.Accepted == nil && slices.Contains(r.Allow, f.Category)
}

// ExitCode is the exit status of scopegen diff for r.
func (r *Report) ExitCode() int {
	var esc, brk bool
	for _, f := range r.Findings {
		if r.Fails(f) {
			esc = esc || f.Category == Escalation
			brk = brk || f.Category == Breaking
		}
	}
	switch {
	case esc && brk:
		return ExitBoth
	case esc:
		return ExitEscalation
	case brk:
		return ExitBreaking
	}
	return ExitSafe
}

// Summary counts the findings of a report.
type Summary struct {
	Escalation int `json:"escalation"`
	Breaking   int `json:"breaking"`
	Safe       int `json:"safe"`
	Accepted   int `json:"accepted"` // findings accepted by an allowance
	Allowed    int `json:"allowed"`  // findings of a category accepted by -allow, not by an allowance
	// Warnings are escalation and breaking findings that neither fail nor
	// are accepted: their severity, or -fail-on, lets them pass.
	Warnings        int `json:"warnings"`
	Excluded        int `json:"excluded"` // findings the config leaves out (severity off)
	StaleAllowances int `json:"stale_allowances"`
	// UnpinnedAllowances are allowances without a fingerprint that accept
	// a finding, whatever its effect.
	UnpinnedAllowances int `json:"unpinned_allowances"`
}

// Summary counts r's findings.
func (r *Report) Summary() Summary {
	var s Summary
	for _, f := range r.Findings {
		switch f.Category {
		case Escalation:
			s.Escalation++
		case Breaking:
			s.Breaking++
		default:
			s.Safe++
		}
		switch {
		case f.Accepted != nil:
			s.Accepted++
		case r.allowed(f):
			s.Allowed++
		case f.Category != Safe && !r.Fails(f):
			s.Warnings++
		}
	}
	s.Excluded = r.Excluded
	s.StaleAllowances = len(r.Stale)
	s.UnpinnedAllowances = len(r.Unpinned)
	return s
}

// Formats are the formats Write knows.
var Formats = []string{"text", "markdown", "json", "github-actions", "junit", "allowances"}

// Write prints r in format, one of Formats.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return r.text(w)
	case "markdown":
		return r.markdown(w)
	case "json":
		return r.json(w)
	case "github-actions":
		return r.githubActions(w)
	case "junit":
		return r.junit(w)
	case "allowances":
		return r.writeAllowances(w)
	}
	return fmt.Errorf("unknown format %q; the formats are %s", format, strings.Join(Formats, ", "))
}

// summaryLine is the one-line count of findings and what is accepted.
func (r *Report) summaryLine() string {
	s := r.Summary()
	if len(r.Findings) == 0 {
		return "no changes"
	}
	line := fmt.Sprintf("%d escalation, %d breaking, %d safe", s.Escalation, s.Breaking, s.Safe)
	var notes []string
	if s.Accepted > 0 {
		notes = append(notes, fmt.Sprintf("%d accepted by allowances", s.Accepted))
	}
	if s.Allowed > 0 {
		notes = append(notes, fmt.Sprintf("%d allowed by -allow", s.Allowed))
	}
	if s.Warnings > 0 {
		notes = append(notes, fmt.Sprintf("%d passing by severity or -fail-on %s", s.Warnings, r.failOn()))
	}
	if s.Excluded > 0 {
		notes = append(notes, fmt.Sprintf("%d left out by the config", s.Excluded))
	}
	if len(notes) > 0 {
		line += " (" + strings.Join(notes, ", ") + ")"
	}
	return line
}

// status is a finding's category as printed, with how it was accepted or
// why it does not fail.
func (r *Report) status(f Finding) string {
	switch {
	case f.Accepted != nil:
		return string(f.Category) + " (accepted)"
	case r.allowed(f):
		return string(f.Category) + " (allowed by -allow)"
	case f.Category != Safe && !r.Fails(f) && f.severity() == Error:
		return fmt.Sprintf("%s (passes -fail-on %s)", f.Category, r.failOn())
	case f.Category != Safe && !r.Fails(f):
		return fmt.Sprintf("%s (%s)", f.Category, f.severity())
	}
	return string(f.Category)
}

// someOf lists at most n items, saying how many more there are.
func someOf(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// describe is the witness's key and action in words.
func (w *Witness) describe() string {
	g := w.Grant
	if g.Kind == "none" {
		return "a call of " + w.Endpoint + " without credentials"
	}
	article := "a"
	if strings.ContainsRune("aeiou", rune(g.Kind[0])) {
		article = "an"
	}
	key := fmt.Sprintf("%s %s key holding %s", article, g.Kind, scopeList(g.Scopes))
	if g.Stored != "" {
		key = fmt.Sprintf("%s %s key stored by %s, holding %s", article, g.Kind, g.Stored, scopeList(g.Scopes))
	}
	if g.Preset != "" {
		key = fmt.Sprintf("%s %s key made from preset %s (%s", article, g.Kind, g.Preset, scopeList(g.Scopes))
	}
	if g.Stored != "" || !slices.Equal(g.Scopes, g.NewScopes) {
		if g.Preset != "" {
			key += "; in NEW: " + scopeList(g.NewScopes) + ")"
		} else {
			in := "in NEW"
			if g.Stored != "" {
				in += " by " + g.Stored
			}
			key += " (" + in + ": " + scopeList(g.NewScopes) + ")"
		}
	} else if g.Preset != "" {
		key += ")"
	}
	if w.Action == "create" {
		return "making " + key
	}
	if g.Restricted {
		key += ", restricted to " + strings.Join(g.Endpoints, ", ")
	}
	key += ", calls " + w.Endpoint
	if r := w.Request; r != nil {
		scope := r.OldScope
		if scope == "" || r.NewScope != "" && r.NewScope != scope {
			scope = strings.TrimPrefix(scope+" / "+r.NewScope, " / ")
		}
		key += fmt.Sprintf(" in a request for which the handler may check %s (when %s)", scope, r.When)
	}
	return key
}

func scopeList(scopes []string) string {
	if len(scopes) == 0 {
		return "no scopes"
	}
	return strings.Join(scopes, ", ")
}

// String is the decision in words.
func (d Decision) String() string {
	switch {
	case d.Reason == Valid:
		return "may be made"
	case d.Reason == MissingPrerequisites:
		return "refused: it lacks the prerequisites " + strings.Join(d.Missing, ", ")
	case d.Allowed && len(d.Redacted) > 0:
		return "allowed, redacting " + strings.Join(d.Redacted, ", ")
	case d.Allowed:
		return "allowed"
	}
	s := fmt.Sprintf("denied %d %s (%s", d.Code, d.Status, d.Reason)
	if len(d.Missing) > 0 && (d.Reason == string(reference.MissingScopes) || d.Reason == MissingRequestScope) {
		s += ": " + strings.Join(d.Missing, ", ")
	}
	return s + ")"
}

func (r *Report) text(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s: %s: %s\n", f.Pos, r.status(f), f.Rule, f.Message)
		if len(f.Affects) > 0 {
			fmt.Fprintf(&b, "    affects: %s\n", someOf(f.Affects, 5))
		}
		if f.groupsOthers() {
			fmt.Fprintf(&b, "    changes: %s\n", someOf(f.Elements, 5))
		}
		switch {
		case f.Witness != nil:
			fmt.Fprintf(&b, "    witness: %s\n      old: %s\n      new: %s\n", f.Witness.describe(), f.Witness.Old, f.Witness.New)
		case takesWitness(f):
			fmt.Fprintf(&b, "    witness: none found: no key that could be made under OLD decides differently (the change may have no effect today)\n")
		}
		if a := f.Accepted; a != nil {
			fmt.Fprintf(&b, "    accepted: %s (%s)\n", a.Reason, a.Pos)
		}
	}
	for _, a := range r.Stale {
		fmt.Fprintf(&b, "%s: stale allowance: %s\n", a.Pos, a.staleText())
	}
	for _, a := range r.Unpinned {
		fmt.Fprintf(&b, "%s: unpinned allowance: %s\n", a.Pos, a.unpinnedText())
	}
	fmt.Fprintf(&b, "%s\n", r.summaryLine())
	_, err := io.WriteString(w, b.String())
	return err
}

// groupsOthers reports whether f stands for several elements that its
// affects line does not already name.
func (f *Finding) groupsOthers() bool {
	return len(f.Elements) > 0 && !slices.Equal(f.Elements, f.Affects)
}

// staleText says why a stale allowance is stale, and what to do.
func (a Allowance) staleText() string {
	if a.Current != "" {
		return fmt.Sprintf("rule %s on %s accepted another effect (fingerprint %s; the finding's is now %s), so the finding is reported again; review it, then rewrite the entry (scopegen diff -format allowances)", a.Rule, a.Element, a.Fingerprint, a.Current)
	}
	return fmt.Sprintf("rule %s on %s matches no finding; remove it", a.Rule, a.Element)
}

// unpinnedText says what an allowance without a fingerprint accepts.
func (a Allowance) unpinnedText() string {
	return fmt.Sprintf("rule %s on %s has no fingerprint, so it would accept a wider change too; pin it with fingerprint: %s (scopegen diff -format allowances writes the entries)", a.Rule, a.Element, a.Current)
}

// takesWitness reports whether f is a change a witness would show, so that
// its lack is worth a line: a witness is searched for it, and it is not a
// finding made safe because no key showed a difference, whose message says
// so already.
func takesWitness(f Finding) bool {
	return f.Category != Safe && f.searchesWitness()
}

// headings of the markdown sections, by category.
var headings = map[Category]string{
	Escalation: "Escalation: the same key can do more than before",
	Breaking:   "Breaking: keys or clients lose access, or stored values change meaning",
	Safe:       "Safe",
}

// MarkdownLimit is the most characters -format markdown writes: GitHub's
// limit on a pull request comment (65,536). A longer report is cut, the
// least serious findings first, and says what was cut.
const MarkdownLimit = 65536

// foldAt is the number of findings of a category, or of endpoints in an
// affects list, shown before the rest is folded in <details>; safe
// findings are folded from the first when there are more.
const foldAt = 10

func (r *Report) markdown(w io.Writer) error {
	var head strings.Builder
	fmt.Fprintf(&head, "## scopegen diff: %s\n\n", md(r.summaryLine()))
	fmt.Fprintf(&head, "`%s` → `%s`", r.Old, r.New)
	switch code := r.ExitCode(); code {
	case ExitSafe:
		head.WriteString(": nothing left to review for access.\n")
	default:
		fmt.Fprintf(&head, ": **fails** (exit status %d) until each escalation and breaking change is accepted in the allowances file.\n", code)
	}
	if len(r.Findings) > 0 {
		head.WriteString("\n| category | findings | fail | accepted | pass by severity |\n|---|--:|--:|--:|--:|\n")
		for _, cat := range Categories {
			var n, fail, ok, pass int
			for _, f := range r.Findings {
				if f.Category == cat {
					n++
					switch {
					case r.Fails(f):
						fail++
					case f.Accepted != nil || r.allowed(f):
						ok++
					case cat != Safe:
						pass++
					}
				}
			}
			fmt.Fprintf(&head, "| %s | %d | %d | %d | %d |\n", cat, n, fail, ok, pass)
		}
	}

	// The body is blocks, in order of seriousness; each block is whole or
	// cut, so that a cut leaves no <details> open.
	type block struct {
		text string
		cat  Category // of the finding it shows; "" for others
	}
	var blocks []block
	for _, cat := range Categories {
		var items []string
		for _, f := range r.Findings {
			if f.Category == cat {
				items = append(items, r.markdownFinding(f))
			}
		}
		if len(items) == 0 {
			continue
		}
		blocks = append(blocks, block{text: fmt.Sprintf("\n### %s\n\n", headings[cat])})
		shown := foldAt
		if cat == Safe && len(items) > foldAt {
			shown = 0
		}
		for i, it := range items {
			switch {
			case i == shown:
				it = fmt.Sprintf("<details><summary>%d more %s findings</summary>\n\n", len(items)-shown, cat) + it
			}
			if i >= shown && i == len(items)-1 {
				it += "\n</details>\n"
			}
			blocks = append(blocks, block{text: it, cat: cat})
		}
	}
	if len(r.Stale) > 0 {
		var b strings.Builder
		b.WriteString("\n### Stale allowances\n\n")
		for _, a := range r.Stale {
			fmt.Fprintf(&b, "- `%s` %s\n", a.Pos, md(a.staleText()))
		}
		blocks = append(blocks, block{text: b.String()})
	}
	if len(r.Unpinned) > 0 {
		var b strings.Builder
		b.WriteString("\n### Unpinned allowances\n\n")
		for _, a := range r.Unpinned {
			fmt.Fprintf(&b, "- `%s` %s\n", a.Pos, md(a.unpinnedText()))
		}
		blocks = append(blocks, block{text: b.String()})
	}

	// Within the limit: the head, then blocks in order while they fit,
	// keeping room for the note of what was cut and a closing </details>.
	const reserve = 400
	out := head.String()
	cut := map[Category]int{}
	var cutOther, cutAt int
	open := 0 // the <details> of the findings shown left open
	for i, bl := range blocks {
		if cutAt == 0 && len(out)+len(bl.text)+reserve > MarkdownLimit {
			cutAt = i + 1
		}
		if cutAt == 0 {
			out += bl.text
			open += strings.Count(bl.text, "<details>") - strings.Count(bl.text, "</details>")
			continue
		}
		if bl.cat != "" {
			cut[bl.cat]++
		} else if !strings.HasPrefix(bl.text, "\n### ") || strings.Contains(bl.text, "allowances") {
			cutOther++
		}
	}
	out += strings.Repeat("\n</details>\n", open)
	if cutAt > 0 {
		var parts []string
		n := 0
		for _, cat := range Categories {
			if cut[cat] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", cut[cat], cat))
				n += cut[cat]
			}
		}
		what := fmt.Sprintf("%d findings (%s)", n, strings.Join(parts, ", "))
		switch {
		case n == 0:
			what = "the allowances sections"
		case cutOther > 0:
			what += " and the allowances sections"
		}
		out += fmt.Sprintf("\n**Cut**: %s not shown, to keep this comment under GitHub's %d-character limit; `scopegen diff -format text` lists every finding.\n",
			what, MarkdownLimit)
	}
	_, err := io.WriteString(w, out)
	return err
}

// markdownFinding is one finding as a Markdown list item: position, rule,
// status and message; the endpoints it affects (the rest folded); the
// elements it stands for; its witness with the commands that replay it;
// and the allowance that accepts it.
func (r *Report) markdownFinding(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- `%s` **%s**", f.Pos, f.Rule)
	if s := r.status(f); s != string(f.Category) {
		fmt.Fprintf(&b, " _%s_", strings.TrimPrefix(strings.TrimSuffix(s, ")"), string(f.Category)+" ("))
	}
	fmt.Fprintf(&b, ": %s\n", md(f.Message))
	code := func(items []string) []string {
		out := make([]string, len(items))
		for i, a := range items {
			out[i] = "`" + a + "`"
		}
		return out
	}
	list := func(label string, items []string) {
		if len(items) <= foldAt {
			fmt.Fprintf(&b, "  - %s: %s\n", label, strings.Join(code(items), ", "))
			return
		}
		fmt.Fprintf(&b, "  - %s: %s\n    <details><summary>all %d</summary>\n\n    %s\n\n    </details>\n",
			label, someOf(code(items), 5), len(items), strings.Join(code(items), ", "))
	}
	if len(f.Affects) > 0 {
		list("affects", f.Affects)
	}
	if f.groupsOthers() {
		list("changes", f.Elements)
	}
	switch {
	case f.Witness != nil:
		fmt.Fprintf(&b, "  - witness: %s\n    - old: %s\n    - new: %s\n", md(f.Witness.describe()), md(f.Witness.Old.String()), md(f.Witness.New.String()))
		if cmds := r.Replay(f.Witness); len(cmds) > 0 {
			b.WriteString("  - replay, on OLD then NEW:\n\n    ```sh\n")
			for _, c := range cmds {
				b.WriteString("    " + c + "\n")
			}
			b.WriteString("    ```\n")
		}
	case takesWitness(f):
		b.WriteString("  - witness: none found: no key that could be made under OLD decides differently (the change may have no effect today)\n")
	}
	if a := f.Accepted; a != nil {
		fmt.Fprintf(&b, "  - accepted: %s (`%s`)\n", md(a.Reason), a.Pos)
	}
	return b.String()
}

// Replay returns the scopegen commands that replay w on OLD and on NEW:
// scopegen explain for a call, scopegen grant for a key being made, each
// with the witness's kind of key, scopes (as that side names them),
// endpoints and request. A side whose spec cannot be named (OldSpec is "")
// has no command.
func (r *Report) Replay(w *Witness) []string {
	var out []string
	for _, side := range []struct {
		spec, request string
		scopes        []string
	}{{cmp.Or(r.OldSpec, r.Old), reqOn(w, true), w.Grant.Scopes}, {cmp.Or(r.NewSpec, r.New), reqOn(w, false), w.Grant.NewScopes}} {
		if side.spec == "-" {
			continue
		}
		cmd := "scopegen explain"
		if w.Action == "create" {
			cmd = "scopegen grant"
		}
		cmd += " -spec " + side.spec + " -kind " + w.Grant.Kind
		if len(side.scopes) > 0 {
			cmd += " -scopes " + shellQuote(strings.Join(side.scopes, ","))
		}
		if w.Grant.Restricted {
			cmd += " -endpoints " + shellQuote(strings.Join(w.Grant.Endpoints, ","))
		}
		if w.Action == "call" {
			if side.request != "" {
				cmd += " -request " + shellQuote(side.request)
			}
			cmd += " " + shellQuote(w.Endpoint)
		}
		out = append(out, cmd)
	}
	return out
}

// reqOn is the request-dependent scope of w's request as one side names
// it, or "".
func reqOn(w *Witness, old bool) string {
	switch {
	case w.Request == nil:
		return ""
	case old:
		return w.Request.OldScope
	}
	return w.Request.NewScope
}

// shellQuote quotes s for a POSIX shell when it holds anything but letters,
// digits and the punctuation of scope and method names.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,=@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// md escapes text for Markdown.
func md(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// JSONVersion is the version of the JSON shape; it changes only when a field
// changes meaning or goes away.
const JSONVersion = 1

// jsonReport is the JSON shape of a report, version JSONVersion. The JSON
// Schema internal/diff/report.schema.json documents every field, and
// schema_test.go validates the golden outputs against it: a field added
// here must be added there. Arrays are never null.
type jsonReport struct {
	Version         int             `json:"version"`
	Old             string          `json:"old"`
	New             string          `json:"new"`
	ExitCode        int             `json:"exit_code"`
	FailOn          string          `json:"fail_on"` // the level of -fail-on
	Summary         Summary         `json:"summary"`
	Allow           []Category      `json:"allow"` // categories accepted by -allow
	Findings        []jsonFinding   `json:"findings"`
	StaleAllowances []jsonAllowance `json:"stale_allowances"`
	// UnpinnedAllowances accept findings without a fingerprint.
	UnpinnedAllowances []jsonAllowance `json:"unpinned_allowances"`
}

type jsonPos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type jsonFinding struct {
	Category    Category       `json:"category"`
	Rule        string         `json:"rule"`
	Element     string         `json:"element"`
	Position    jsonPos        `json:"position"`
	Side        string         `json:"side"` // "new", or "old" when the element is gone from NEW
	Message     string         `json:"message"`
	Affects     []string       `json:"affects"`
	Fingerprint string         `json:"fingerprint"` // pins the effect, for an allowance
	Elements    []string       `json:"elements"`    // what one edit changes, when the finding stands for several
	Witness     *Witness       `json:"witness"`     // null when the rule takes none or none was found
	NoEffect    string         `json:"no_effect"`   // why no key decides differently, when that made the finding safe
	Accepted    *jsonAllowance `json:"accepted"`    // null unless an allowance accepts the finding
	Severity    Severity       `json:"severity"`    // error, warning or info
	Fails       bool           `json:"fails"`       // counts toward the exit status
}

type jsonAllowance struct {
	Rule               string  `json:"rule"`
	Element            string  `json:"element"`
	Fingerprint        string  `json:"fingerprint"`
	CurrentFingerprint string  `json:"current_fingerprint"`
	Reason             string  `json:"reason"`
	Position           jsonPos `json:"position"`
}

func posJSON(p spec.Pos) jsonPos { return jsonPos{p.File, p.Line, p.Col} }

func allowanceJSON(a Allowance) jsonAllowance {
	return jsonAllowance{a.Rule, a.Element, a.Fingerprint, a.Current, a.Reason, posJSON(a.Pos)}
}

func (r *Report) json(w io.Writer) error {
	out := jsonReport{Version: JSONVersion, Old: r.Old, New: r.New, ExitCode: r.ExitCode(), FailOn: r.failOn(), Summary: r.Summary(),
		Allow: nonNil(r.Allow), Findings: []jsonFinding{}, StaleAllowances: []jsonAllowance{}, UnpinnedAllowances: []jsonAllowance{}}
	for _, f := range r.Findings {
		side := "new"
		if f.Old {
			side = "old"
		}
		jf := jsonFinding{Category: f.Category, Rule: f.Rule, Element: f.Element, Position: posJSON(f.Pos), Side: side,
			Message: f.Message, Affects: nonNil(f.Affects), Fingerprint: f.Fingerprint(), Elements: nonNil(f.Elements), Witness: f.Witness, NoEffect: f.NoEffect, Severity: f.severity(), Fails: r.Fails(f)}
		if f.Accepted != nil {
			a := allowanceJSON(*f.Accepted)
			jf.Accepted = &a
		}
		out.Findings = append(out.Findings, jf)
	}
	for _, a := range r.Stale {
		out.StaleAllowances = append(out.StaleAllowances, allowanceJSON(a))
	}
	for _, a := range r.Unpinned {
		out.UnpinnedAllowances = append(out.UnpinnedAllowances, allowanceJSON(a))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// githubActions prints workflow commands that annotate the spec's lines:
// ::error for what fails, ::warning for what is accepted and for stale
// allowances, ::notice for safe changes.
func (r *Report) githubActions(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		level := "notice"
		switch {
		case r.Fails(f):
			level = "error"
		case f.Category != Safe && f.severity() != Info:
			level = "warning"
		}
		msg := f.Message
		if len(f.Affects) > 0 {
			msg += "\naffects: " + someOf(f.Affects, 5)
		}
		if wt := f.Witness; wt != nil {
			msg += fmt.Sprintf("\nwitness: %s\nold: %s\nnew: %s", wt.describe(), wt.Old, wt.New)
		}
		if a := f.Accepted; a != nil {
			msg += fmt.Sprintf("\naccepted: %s (%s)", a.Reason, a.Pos)
		}
		where := r.where(f)
		if where != f.Pos {
			msg += fmt.Sprintf("\n(was at %s)", f.Pos)
		}
		title := fmt.Sprintf("scopegen diff: %s: %s", r.status(f), f.Rule)
		b.WriteString(annotation(level, where, title, msg))
	}
	for _, a := range r.Stale {
		b.WriteString(annotation("warning", a.Pos, "scopegen diff: stale allowance", a.staleText()))
	}
	for _, a := range r.Unpinned {
		b.WriteString(annotation("warning", a.Pos, "scopegen diff: unpinned allowance", a.unpinnedText()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// where is the position to annotate for f. A position in OLD read from a
// git revision is not a file of the checkout: annotate NEW's file instead,
// without a line.
func (r *Report) where(f Finding) spec.Pos {
	if f.Old && r.Base != "" {
		return spec.Pos{File: r.New}
	}
	return f.Pos
}

// annotation formats one workflow command.
func annotation(level string, p spec.Pos, title, msg string) string {
	props := "file=" + ghProp(p.File)
	if p.Line > 0 {
		props += fmt.Sprintf(",line=%d,col=%d", p.Line, p.Col)
	}
	props += ",title=" + ghProp(title)
	return fmt.Sprintf("::%s %s::%s\n", level, props, ghData(msg))
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
