package spec

import (
	"fmt"
	"strings"
	"testing"
)

// TestReportCounts checks that Report lists MaxErrors problems and ends the
// list with one note saying how many more there were, at the position of
// the first one not listed, after the others whatever its position.
func TestReportCounts(t *testing.T) {
	var e Errors
	for i := 0; i < MaxErrors+7; i++ {
		e.Report(Pos{"s.yaml", 1000 - i, 1}, "problem %d", i)
	}
	got := e.Sorted()
	if len(got) != MaxErrors+1 {
		t.Fatalf("%d diagnostics, want %d", len(got), MaxErrors+1)
	}
	note := got[MaxErrors]
	want := "s.yaml:900:1: and 7 more errors, not listed (the next one is here); fix these and run again"
	if note.String() != want {
		t.Errorf("note %q, want %q", note.String(), want)
	}
	if got[0].Msg != fmt.Sprintf("problem %d", MaxErrors-1) {
		t.Errorf("first diagnostic %q: not sorted by position", got[0].Msg)
	}
	if s := e.Error(); !strings.HasSuffix(s, "\n"+want) {
		t.Errorf("Error() does not end with the note:\n%s", s[max(0, len(s)-300):])
	}
}

// TestAppendMerges checks that lists cut short merge into one within
// MaxErrors, their counts added, and that warnings are counted as warnings.
func TestAppendMerges(t *testing.T) {
	full := func(file string, n int, format string) Errors {
		var e Errors
		for i := 0; i < n; i++ {
			e.Report(Pos{file, i + 1, 1}, format, i)
		}
		return e.Sorted()
	}
	var e Errors
	e.Append(full("a.proto", 30, "a%d")...)
	e.Append(full("b.proto", MaxErrors+5, "b%d")...)
	got := e.Sorted()
	// 30 from a, 70 from b; then b's other 30 and its 5 not listed.
	if len(got) != MaxErrors+1 || !strings.HasPrefix(got[MaxErrors].Msg, "and 35 more errors,") {
		t.Errorf("%d diagnostics, last %q; want %d, the last saying 35 more", len(got), got[len(got)-1].Msg, MaxErrors+1)
	}

	w := full("c.proto", MaxErrors+1, "warning: w%d")
	if last := w[len(w)-1].String(); last != "c.proto:101:1: warning: and 1 more warning, not listed (the next one is here)" {
		t.Errorf("warnings' note %q", last)
	}
}

// TestAndMore checks the one wording of a count past a list.
func TestAndMore(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{1, "and 1 more RPC"}, {2, "and 2 more RPCs"}, {83518, "and 83518 more RPCs"}} {
		if got := AndMore(c.n, "RPC", "RPCs"); got != c.want {
			t.Errorf("AndMore(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
