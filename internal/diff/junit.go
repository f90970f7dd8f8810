package diff

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// JUnit XML, as CI systems read test reports (GitLab, Jenkins, CircleCI,
// GitHub actions that publish test results), and as buf breaking and oasdiff
// write it: one test suite per category, one test case per finding, failed
// when the finding fails the run; and a suite for the allowances file, whose
// stale and unpinned entries are reported without failing.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut *junitText    `xml:"system-out"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",innerxml"` // escaped by text, keeping its lines
}

type junitText struct {
	Text string `xml:",innerxml"` // escaped by text
}

// text escapes s as XML character data, as xml.EscapeText does but keeping
// newlines, so that a report's lines read as lines: a character XML cannot
// hold becomes U+FFFD.
func text(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\n' || r == '\t' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			if r == utf8.RuneError {
				r = '\uFFFD'
			}
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func systemOut(s string) *junitText { return &junitText{text(s)} }

// junit prints r as JUnit XML. A test case is named after the finding's
// rule and element; its file and line are where the change is (NEW's file,
// without a line, for a position in a git revision); its text holds the
// position, message, affected endpoints, witness and the commands that
// replay it.
func (r *Report) junit(w io.Writer) error {
	out := junitSuites{Name: "scopegen diff " + r.Old + " " + r.New}
	for _, cat := range Categories {
		s := junitSuite{Name: "scopegen diff: " + string(cat)}
		for _, f := range r.Findings {
			if f.Category != cat {
				continue
			}
			where := r.where(f)
			c := junitCase{Name: f.Rule + " " + f.Element, Classname: "scopegen.diff." + string(cat), File: where.File, Line: where.Line}
			detail := r.junitText(f)
			if r.Fails(f) {
				c.Failure = &junitFailure{Message: fmt.Sprintf("%s: %s: %s", f.Pos, f.Rule, f.Message), Type: string(cat), Text: text(detail)}
				s.Failures++
			} else {
				c.SystemOut = systemOut(r.status(f) + "\n" + detail)
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		if s.Tests > 0 {
			out.Suites = append(out.Suites, s)
		}
	}
	if len(r.Stale)+len(r.Unpinned) > 0 {
		s := junitSuite{Name: "scopegen diff: allowances"}
		for _, a := range r.Stale {
			s.Cases = append(s.Cases, junitCase{Name: "stale " + a.Rule + " " + a.Element, Classname: "scopegen.diff.allowances",
				File: a.Pos.File, Line: a.Pos.Line, SystemOut: systemOut(a.staleText())})
		}
		for _, a := range r.Unpinned {
			s.Cases = append(s.Cases, junitCase{Name: "unpinned " + a.Rule + " " + a.Element, Classname: "scopegen.diff.allowances",
				File: a.Pos.File, Line: a.Pos.Line, SystemOut: systemOut(a.unpinnedText())})
		}
		s.Tests = len(s.Cases)
		out.Suites = append(out.Suites, s)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}

// junitText is a finding's detail, as the text format prints it, with the
// commands that replay its witness.
func (r *Report) junitText(f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s\n", f.Pos, f.Rule, f.Message)
	if len(f.Affects) > 0 {
		fmt.Fprintf(&b, "affects: %s\n", strings.Join(f.Affects, ", "))
	}
	if f.groupsOthers() {
		fmt.Fprintf(&b, "changes: %s\n", strings.Join(f.Elements, ", "))
	}
	if wt := f.Witness; wt != nil {
		fmt.Fprintf(&b, "witness: %s\nold: %s\nnew: %s\n", wt.describe(), wt.Old, wt.New)
		for _, c := range r.Replay(wt) {
			fmt.Fprintf(&b, "replay: %s\n", c)
		}
	}
	if a := f.Accepted; a != nil {
		fmt.Fprintf(&b, "accepted: %s (%s)\n", a.Reason, a.Pos)
	}
	return b.String()
}
