// Package textdiff prints the unified diff of two texts, line by line, as
// diff -u does. scopegen check shows stale generated files with it, and tests
// show how an output differs from its golden file.
//
// It is not the semantic diff of two specs (package diff, scopegen diff).
package textdiff

import (
	"fmt"
	"strings"
)

// Unified returns a unified diff from old, named oldName in the "---" line,
// to new, named newName in the "+++" line, or "" when they are equal, as
// diff -u prints it: one hunk per group of changes, with 3 lines of context,
// changes at most 6 lines apart sharing a hunk. A missing file diffs as
// empty.
func Unified(oldName, newName string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := splitLines(string(old)), splitLines(string(new))
	// Trim the common prefix and suffix, then diff the middle by longest common
	// subsequence when it is small enough, or as a plain replacement otherwise.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	var mid []string
	if len(ma)*len(mb) <= 4_000_000 {
		mid = lcsOps(ma, mb)
	} else {
		for _, l := range ma {
			mid = append(mid, "-"+l)
		}
		for _, l := range mb {
			mid = append(mid, "+"+l)
		}
	}
	// ops is the whole file, line by line: kept, removed or added.
	ops := make([]string, 0, pre+len(mid)+suf)
	for _, l := range a[:pre] {
		ops = append(ops, " "+l)
	}
	ops = append(ops, mid...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, " "+l)
	}
	const context = 3
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	oldLine, newLine := 1, 1 // of ops[i]
	for i := 0; i < len(ops); {
		if ops[i][0] == ' ' {
			i, oldLine, newLine = i+1, oldLine+1, newLine+1
			continue
		}
		// A hunk: from context lines before the change at i to context
		// lines after the last change no more than 2*context kept lines on.
		from := max(0, i-context)
		oldLine, newLine = oldLine-(i-from), newLine-(i-from)
		end, kept := i, 0
		for j := i; j < len(ops) && kept <= 2*context; j++ {
			if ops[j][0] == ' ' {
				kept++
			} else {
				end, kept = j+1, 0
			}
		}
		to := min(len(ops), end+context)
		var oldN, newN int
		for _, l := range ops[from:to] {
			if l[0] != '+' {
				oldN++
			}
			if l[0] != '-' {
				newN++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(oldLine, oldN), hunkRange(newLine, newN))
		for _, l := range ops[from:to] {
			out.WriteString(l)
			out.WriteByte('\n')
		}
		oldLine, newLine, i = oldLine+oldN, newLine+newN, to
	}
	return out.String()
}

// hunkRange is a hunk header's start,count as diff -u writes it: an empty
// range starts at the line before it.
func hunkRange(start, n int) string {
	if n == 0 {
		start--
	}
	return fmt.Sprintf("%d,%d", start, n)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// lcsOps diffs a and b by a longest common subsequence table.
func lcsOps(a, b []string) []string {
	n, m := len(a), len(b)
	t := make([][]int, n+1)
	for i := range t {
		t[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var ops []string
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, " "+a[i])
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			ops = append(ops, "-"+a[i])
			i++
		default:
			ops = append(ops, "+"+b[j])
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, "-"+a[i])
	}
	for ; j < m; j++ {
		ops = append(ops, "+"+b[j])
	}
	return ops
}
