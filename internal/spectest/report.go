package spectest

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/scopegen/scopegen/internal/spec"
)

// Formats are the formats Write knows: scopegen diff's.
var Formats = []string{"text", "markdown", "json", "github-actions"}

// Write prints r in format, one of Formats.
func (r *Report) Write(w io.Writer, format string) error {
	var s string
	switch format {
	case "text":
		s = r.text()
	case "markdown":
		s = r.markdown()
	case "json":
		b, err := json.MarshalIndent(r.jsonReport(), "", "  ")
		if err != nil {
			return err
		}
		s = string(b) + "\n"
	case "github-actions":
		s = r.githubActions()
	default:
		return fmt.Errorf("unknown format %q; the formats are %s", format, strings.Join(Formats, ", "))
	}
	_, err := io.WriteString(w, s)
	return err
}

// Summary is the run in one line: "95 tests: 95 passed, 0 failed;
// coverage 46 of 46 items (100.0%): endpoints 37/37, ...", and with
// MinCoverage, whether the coverage meets it.
func (r *Report) Summary() string {
	failed := r.Failed()
	s := fmt.Sprintf("%s: %d passed, %d failed; coverage %s", plural1(len(r.Results), "test", "tests"), len(r.Results)-failed, failed, r.Coverage.Summary())
	switch {
	case r.MinCoverage == 0:
	case r.CoverageMet():
		s += fmt.Sprintf("; -min-coverage %d%% met", r.MinCoverage)
	default:
		s += fmt.Sprintf("; below -min-coverage %d%%", r.MinCoverage)
	}
	return s
}

func plural1(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Replay is the scopegen explain command line that decides the call of c
// on the spec at specPath, as the test did: run it to see why.
func Replay(specPath string, c *Case) string {
	args := []string{"scopegen", "explain", "-spec", specPath}
	call := c.Call
	if call.Kind != "app_key" {
		args = append(args, "-kind", call.Kind)
	}
	if len(call.Scopes) > 0 {
		args = append(args, "-scopes", strings.Join(call.Scopes, ","))
	}
	if len(call.Endpoints) > 0 {
		args = append(args, "-endpoints", strings.Join(call.Endpoints, ","))
	}
	if call.Collaborator {
		if len(call.InviteScopes) > 0 || len(call.InviteEndpoints) == 0 {
			args = append(args, "-invite-scopes", strings.Join(call.InviteScopes, ","))
		}
		if len(call.InviteEndpoints) > 0 {
			args = append(args, "-invite-endpoints", strings.Join(call.InviteEndpoints, ","))
		}
	}
	if call.Request != "" {
		args = append(args, "-request", call.Request)
	}
	if strings.HasPrefix(call.Method, "-") {
		args = append(args, "--") // not a flag
	}
	args = append(args, call.Method)
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellSafe matches the words a POSIX shell reads as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// decisionUnsaid reports whether the failures of res do not already say
// what the decision was: they do when the call was allowed and not
// refused, or the reverse.
func (res Result) decisionUnsaid() bool {
	return len(res.Failures) != 1 || res.Failures[0].Key != "allowed" && res.Failures[0].Key != "denied"
}

func (r *Report) text() string {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Passed() {
			continue
		}
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "%s: FAIL: %s: %s\n", f.Pos, res.Case.Name, f.Message())
		}
		if res.decisionUnsaid() {
			fmt.Fprintf(&b, "    decision: %s\n", Outcome(res.Decision))
		}
		fmt.Fprintf(&b, "    why: %s\n", res.Decision.Message)
		fmt.Fprintf(&b, "    replay: %s\n", Replay(r.Spec, res.Case))
	}
	for _, it := range r.Coverage.Uncovered() {
		fmt.Fprintf(&b, "%s: not covered: %s\n", it.Pos, it.Message())
	}
	fmt.Fprintf(&b, "%s\n", r.Summary())
	return b.String()
}

func (r *Report) markdown() string {
	var b strings.Builder
	failed := r.Failed()
	fmt.Fprintf(&b, "## scopegen test: %d passed, %d failed; coverage %.1f%%\n\n", len(r.Results)-failed, failed, r.Coverage.Percent())
	files := make([]string, len(r.Files))
	for i, f := range r.Files {
		files[i] = "`" + f + "`"
	}
	fmt.Fprintf(&b, "%s on `%s`", strings.Join(files, ", "), r.Spec)
	switch code := r.ExitCode(); code {
	case ExitPass:
		b.WriteString(": **passes**.\n")
	case ExitFail:
		fmt.Fprintf(&b, ": **fails** (exit status %d): %s %s.\n", code, plural1(failed, "test", "tests"), map[bool]string{true: "fails", false: "fail"}[failed == 1])
	default:
		fmt.Fprintf(&b, ": **fails** (exit status %d): coverage %.1f%% is below -min-coverage %d%%.\n", code, r.Coverage.Percent(), r.MinCoverage)
	}
	if failed > 0 {
		b.WriteString("\n### Failures\n\n")
		for _, res := range r.Results {
			if res.Passed() {
				continue
			}
			fmt.Fprintf(&b, "- `%s` **%s**\n", res.Case.Pos, md(res.Case.Name))
			for _, f := range res.Failures {
				fmt.Fprintf(&b, "  - `%s` %s\n", f.Pos, md(f.Message()))
			}
			if res.decisionUnsaid() {
				fmt.Fprintf(&b, "  - decision: %s\n", md(Outcome(res.Decision)))
			}
			fmt.Fprintf(&b, "  - why: %s\n  - replay: `%s`\n", md(res.Decision.Message), Replay(r.Spec, res.Case))
		}
	}
	b.WriteString("\n### Coverage\n\n| Items | Covered | Total |\n|---|---:|---:|\n")
	for _, k := range ItemKinds {
		if cov, tot := r.Coverage.Count(k); tot > 0 {
			fmt.Fprintf(&b, "| %s | %d | %d |\n", plural[k], cov, tot)
		}
	}
	cov, tot := r.Coverage.Total()
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** (%.1f%%) |\n", cov, tot, r.Coverage.Percent())
	if un := r.Coverage.Uncovered(); len(un) > 0 {
		b.WriteString("\n### Not covered\n\n")
		for _, it := range un {
			fmt.Fprintf(&b, "- `%s` %s\n", it.Pos, md(it.Message()))
		}
	}
	return b.String()
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

// githubActions prints workflow commands: ::error at each failing line of a
// test file, and at each item of the spec no test covers, ::error when the
// coverage is below MinCoverage and ::warning otherwise.
func (r *Report) githubActions() string {
	var b strings.Builder
	for _, res := range r.Results {
		for _, f := range res.Failures {
			msg := f.Message()
			if res.decisionUnsaid() {
				msg += "\ndecision: " + Outcome(res.Decision)
			}
			msg += fmt.Sprintf("\nwhy: %s\nreplay: %s", res.Decision.Message, Replay(r.Spec, res.Case))
			b.WriteString(annotation("error", f.Pos, "scopegen test: FAIL: "+res.Case.Name, msg))
		}
	}
	level := "warning"
	if !r.CoverageMet() {
		level = "error"
	}
	for _, it := range r.Coverage.Uncovered() {
		b.WriteString(annotation(level, it.Pos, "scopegen test: not covered: "+string(it.Kind), it.Message()))
	}
	return b.String()
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
