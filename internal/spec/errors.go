package spec

import (
	"fmt"
	"slices"
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

	// more counts the problems past MaxErrors that Report dropped; it is
	// set only on the note that ends a full list, whose Msg Sorted writes.
	more int
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

// Sorted returns the diagnostics ordered by position, then by message. The
// note that Report adds past MaxErrors stays last, saying how many more
// problems there were.
func (e Errors) Sorted() Errors {
	out := append(Errors(nil), e...)
	var note *Diagnostic
	if i := slices.IndexFunc(out, func(d Diagnostic) bool { return d.more > 0 }); i >= 0 {
		n := out[i]
		n.Msg = n.note(out)
		note = &n
		out = slices.Delete(out, i, i+1)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos != out[j].Pos {
			return out[i].Pos.Less(out[j].Pos)
		}
		return out[i].Msg < out[j].Msg
	})
	if note != nil {
		out = append(out, *note)
	}
	return out
}

// Add records a problem at pos.
func (e *Errors) Add(pos Pos, format string, args ...any) {
	*e = append(*e, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// MaxErrors is the most problems listed for one spec or one import: by
// Parse, model.Build and protoimport.Import, errors and warnings alike. A
// hostile or badly broken input can hold millions; past this many, one more
// diagnostic says how many more there were, and finding them costs nothing.
const MaxErrors = 100

// Report records a problem at pos, as Add does, unless e is Full: then the
// problem is only counted. The first problem past MaxErrors becomes a note,
// at its position, that Sorted words with AndMore: "and N more errors".
func (e *Errors) Report(pos Pos, format string, args ...any) {
	if len(*e) < MaxErrors {
		e.Add(pos, format, args...)
		return
	}
	e.count(pos, 1)
}

// Append reports each of ds as Report does, so that e stays within
// MaxErrors; the note that ends another full list adds its count to e's.
func (e *Errors) Append(ds ...Diagnostic) {
	for _, d := range ds {
		switch {
		case d.more > 0:
			e.count(d.Pos, d.more)
		case len(*e) < MaxErrors:
			*e = append(*e, Diagnostic{Pos: d.Pos, Msg: d.Msg})
		default:
			e.count(d.Pos, 1)
		}
	}
}

// count adds n to the problems e does not list, on its note; the first time,
// the note is added at pos.
func (e *Errors) count(pos Pos, n int) {
	if i := slices.IndexFunc(*e, func(d Diagnostic) bool { return d.more > 0 }); i >= 0 {
		(*e)[i].more += n
		return
	}
	*e = append(*e, Diagnostic{Pos: pos, more: n})
}

// note words the note that ends a list cut short: how many more problems
// there were, warnings when the list is of warnings (their messages start
// with "warning: ").
func (d Diagnostic) note(list Errors) string {
	if len(list) > 0 && list[0].more == 0 && strings.HasPrefix(list[0].Msg, "warning: ") {
		return "warning: " + AndMore(d.more, "warning", "warnings") + ", not listed (the next one is here)"
	}
	return AndMore(d.more, "error", "errors") + ", not listed (the next one is here); fix these and run again"
}

// AndMore says how many more of something there were than a message lists,
// as every list cut short says it: "and 1 more error", "and 7 more RPCs".
func AndMore(n int, one, many string) string {
	if n == 1 {
		return "and 1 more " + one
	}
	return fmt.Sprintf("and %d more %s", n, many)
}

// Full reports whether e holds MaxErrors problems, so that Report only
// counts any more: callers skip work (such as "did you mean" suggestions)
// for them.
func (e Errors) Full() bool { return len(e) >= MaxErrors }

// Err returns e as an error, or nil when there are no problems.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e.Sorted()
}
