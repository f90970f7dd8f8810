package completeness

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/spec"
)

// Formats are the formats Write knows.
var Formats = []string{"text", "json", "github-actions", "exclusions"}

// JSONVersion is the version of the JSON report's shape
// (report.schema.json).
const JSONVersion = 1

// Write prints r in format, one of Formats.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		_, err := io.WriteString(w, r.text())
		return err
	case "json":
		b, err := json.MarshalIndent(r.jsonReport(), "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case "github-actions":
		_, err := io.WriteString(w, r.githubActions())
		return err
	case "exclusions":
		return r.writeExclusions(w)
	}
	return fmt.Errorf("unknown format %q; the formats are %s", format, strings.Join(Formats, ", "))
}

// unguardedText says what is wrong with an unguarded method and what to do.
func (r *Report) unguardedText(m Method) string {
	return fmt.Sprintf("method %s has no rule in the spec: add an endpoint (requires: [...] or public: true), or exclude it with a reason in %s", m.Name, r.Exclusions)
}

func (s Stale) text() string {
	if s.Endpoint != nil {
		return fmt.Sprintf("exclusion of %s is stale: the spec has an endpoint for it (%s), which decides its calls; remove the exclusion", s.Method, s.Endpoint.Pos)
	}
	msg := fmt.Sprintf("exclusion of %s is stale: none of the files defines that method; remove it, or pass the file that defines it", s.Method)
	if s.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", s.Suggestion)
	}
	return msg
}

func (u Unknown) text() string {
	msg := fmt.Sprintf("endpoint %s names no method of service %s (defined at %s): a typo, or an RPC since removed, whose rule guards nothing; fix the name, or remove the endpoint", u.Endpoint.Method, u.Group, u.GroupPos)
	if u.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", u.Suggestion)
	}
	return msg
}

// Summary is the run in one line: "7 methods of 2 services in 1 file: 3
// guarded, 1 public, 1 excluded, 2 unguarded; 1 stale exclusion; 1
// warning".
func (r *Report) Summary() string {
	services := map[string]bool{}
	for _, m := range r.Methods {
		services[m.Group] = true
	}
	s := fmt.Sprintf("%s of %s in %s: %d guarded, %d public, %d excluded, %d unguarded",
		count(len(r.Methods), "method", "methods"), count(len(services), "service", "services"), count(len(r.Files), "file", "files"),
		r.Count(Guarded), r.Count(Public), r.Count(Excluded), r.Count(Unguarded))
	if len(r.Stale) > 0 {
		s += "; " + count(len(r.Stale), "stale exclusion", "stale exclusions")
	}
	if len(r.Unknown) > 0 {
		s += "; " + count(len(r.Unknown), "warning", "warnings")
	}
	return s
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// text lists each unguarded method and stale exclusion as file:line:col:
// message, sorted by position, then each warning, then the summary. Like
// a spec's errors, each list stops at spec.MaxErrors with a line saying how
// many more there are; the JSON report and -format exclusions list all.
func (r *Report) text() string {
	// The errors in position order before the cut, so that the first
	// listed are the first in the files, whichever their kind.
	type problem struct {
		pos spec.Pos
		msg func() string
	}
	var problems []problem
	for _, m := range r.Methods {
		if m.Status == Unguarded {
			problems = append(problems, problem{m.Pos, func() string { return r.unguardedText(m) }})
		}
	}
	for _, s := range r.Stale {
		problems = append(problems, problem{s.Pos, s.text})
	}
	slices.SortStableFunc(problems, func(a, b problem) int { return cmpPos(a.pos, b.pos) })
	var errs, warns spec.Errors
	for _, p := range problems {
		msg := ""
		if !errs.Full() {
			msg = p.msg()
		}
		errs.Report(p.pos, "%s", msg)
	}
	for _, u := range r.Unknown {
		warns.Report(u.Endpoint.Pos, "warning: %s", u.text())
	}
	var b strings.Builder
	for _, list := range []spec.Errors{errs, warns} {
		for _, d := range list.Sorted() {
			fmt.Fprintln(&b, d)
		}
	}
	fmt.Fprintln(&b, r.Summary())
	return b.String()
}

// githubActions prints workflow commands: ::error at each unguarded method
// and each stale exclusion, ::warning at each endpoint that names no
// method.
func (r *Report) githubActions() string {
	var b strings.Builder
	for _, m := range r.Methods {
		if m.Status == Unguarded {
			b.WriteString(annotation("error", m.Pos, "scopegen check: method without a rule", r.unguardedText(m)))
		}
	}
	for _, s := range r.Stale {
		b.WriteString(annotation("error", s.Pos, "scopegen check: stale exclusion", s.text()))
	}
	for _, u := range r.Unknown {
		b.WriteString(annotation("warning", u.Endpoint.Pos, "scopegen check: endpoint of no method", u.text()))
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

// The JSON report, version 1; report.schema.json describes every field.
type (
	jsonReport struct {
		Version    int           `json:"version"`
		Spec       string        `json:"spec"`
		Exclusions string        `json:"exclusions"`
		Files      []string      `json:"files"`
		ExitCode   int           `json:"exit_code"`
		Summary    jsonSummary   `json:"summary"`
		Methods    []jsonMethod  `json:"methods"`
		Stale      []jsonStale   `json:"stale_exclusions"`
		Unknown    []jsonUnknown `json:"unknown_endpoints"`
	}
	jsonSummary struct {
		Methods   int `json:"methods"`
		Services  int `json:"services"`
		Guarded   int `json:"guarded"`
		Public    int `json:"public"`
		Excluded  int `json:"excluded"`
		Unguarded int `json:"unguarded"`
		Stale     int `json:"stale_exclusions"`
		Unknown   int `json:"unknown_endpoints"`
	}
	jsonPos struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	}
	jsonMethod struct {
		Method    string         `json:"method"`
		Service   string         `json:"service"`
		Position  jsonPos        `json:"position"`
		Status    Status         `json:"status"`
		Endpoint  *jsonPos       `json:"endpoint"`
		Exclusion *jsonExclusion `json:"exclusion"`
	}
	jsonExclusion struct {
		Reason   string  `json:"reason"`
		Position jsonPos `json:"position"`
	}
	jsonStale struct {
		Method     string   `json:"method"`
		Reason     string   `json:"reason"`
		Position   jsonPos  `json:"position"`
		Endpoint   *jsonPos `json:"endpoint"`
		Suggestion string   `json:"suggestion"`
		Message    string   `json:"message"`
	}
	jsonUnknown struct {
		Method          string  `json:"method"`
		Service         string  `json:"service"`
		Position        jsonPos `json:"position"`
		ServicePosition jsonPos `json:"service_position"`
		Suggestion      string  `json:"suggestion"`
		Message         string  `json:"message"`
	}
)

func posJSON(p spec.Pos) jsonPos { return jsonPos{p.File, p.Line, p.Col} }

func (r *Report) jsonReport() jsonReport {
	services := map[string]bool{}
	out := jsonReport{Version: JSONVersion, Spec: r.Spec, Exclusions: r.Exclusions, Files: append([]string{}, r.Files...), ExitCode: r.ExitCode(),
		Methods: []jsonMethod{}, Stale: []jsonStale{}, Unknown: []jsonUnknown{}}
	for _, m := range r.Methods {
		services[m.Group] = true
		jm := jsonMethod{Method: m.Name, Service: m.Group, Position: posJSON(m.Pos), Status: m.Status}
		if m.Endpoint != nil {
			p := posJSON(m.Endpoint.Pos)
			jm.Endpoint = &p
		}
		if m.Exclusion != nil {
			jm.Exclusion = &jsonExclusion{m.Exclusion.Reason, posJSON(m.Exclusion.Pos)}
		}
		out.Methods = append(out.Methods, jm)
	}
	for _, s := range r.Stale {
		js := jsonStale{Method: s.Method, Reason: s.Reason, Position: posJSON(s.Pos), Suggestion: s.Suggestion, Message: s.text()}
		if s.Endpoint != nil {
			p := posJSON(s.Endpoint.Pos)
			js.Endpoint = &p
		}
		out.Stale = append(out.Stale, js)
	}
	for _, u := range r.Unknown {
		out.Unknown = append(out.Unknown, jsonUnknown{u.Endpoint.Method, u.Group, posJSON(u.Endpoint.Pos), posJSON(u.GroupPos), u.Suggestion, u.text()})
	}
	out.Summary = jsonSummary{len(r.Methods), len(services), r.Count(Guarded), r.Count(Public), r.Count(Excluded), r.Count(Unguarded), len(r.Stale), len(r.Unknown)}
	return out
}
