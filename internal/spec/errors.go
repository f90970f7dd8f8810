package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a spec file, as the YAML parser reports it (1-based).
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as file:line:col, the form editors and the Go compiler use.
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Less orders positions by file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Diagnostic is one problem found in a spec: where it is and what to do about it.
type Diagnostic struct {
	Pos Pos
	Msg string
}

// String formats d as "file:line:col: message".
func (d Diagnostic) String() string { return d.Pos.String() + ": " + d.Msg }

// Errors is the list of problems that make a spec unusable, reported together.
type Errors []Diagnostic

// Error lists every problem, one per line, sorted by position.
func (e Errors) Error() string {
	var b strings.Builder
	for i, d := range e.Sorted() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Sorted returns the diagnostics ordered by position, then by message.
func (e Errors) Sorted() Errors {
	out := append(Errors(nil), e...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos != out[j].Pos {
			return out[i].Pos.Less(out[j].Pos)
		}
		return out[i].Msg < out[j].Msg
	})
	return out
}

// Add records a problem at pos.
func (e *Errors) Add(pos Pos, format string, args ...any) {
	*e = append(*e, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// MaxErrors is the most problems Parse and model.Build list for one spec. A
// hostile or badly broken spec can hold millions; past this many, one more
// diagnostic says that the rest were dropped, and finding them costs nothing.
const MaxErrors = 100

// Report records a problem at pos, as Add does, unless e is Full: then the
// problem is dropped. The first problem past MaxErrors is replaced by a note
// at its position saying that more were dropped.
func (e *Errors) Report(pos Pos, format string, args ...any) {
	switch {
	case len(*e) < MaxErrors:
		e.Add(pos, format, args...)
	case len(*e) == MaxErrors:
		*e = append(*e, Diagnostic{Pos: pos, Msg: fmt.Sprintf("too many errors: only the first %d are listed; fix them and run again", MaxErrors)})
	}
}

// Full reports whether e holds MaxErrors problems, so that Report drops any
// more: callers skip work (such as "did you mean" suggestions) for them.
func (e Errors) Full() bool { return len(e) >= MaxErrors }

// Err returns e as an error, or nil when there are no problems.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e.Sorted()
}
