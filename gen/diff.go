package gen

import (
	"fmt"
	"strings"
)

// Diff returns a unified diff from old to new for the file at path, or "" when
// they are equal. A missing file diffs as empty.
func Diff(path string, old, new []byte) string {
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
	var ops []string
	if len(ma)*len(mb) <= 4_000_000 {
		ops = lcsOps(ma, mb)
	} else {
		for _, l := range ma {
			ops = append(ops, "-"+l)
		}
		for _, l := range mb {
			ops = append(ops, "+"+l)
		}
	}
	const context = 3
	start := max(0, pre-context)
	var lines []string
	for _, l := range a[start:pre] {
		lines = append(lines, " "+l)
	}
	lines = append(lines, ops...)
	tail := a[len(a)-suf:]
	for _, l := range tail[:min(context, len(tail))] {
		lines = append(lines, " "+l)
	}
	var oldN, newN int
	for _, l := range lines {
		switch l[0] {
		case '-':
			oldN++
		case '+':
			newN++
		default:
			oldN++
			newN++
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s (generated)\n@@ -%d,%d +%d,%d @@\n", path, path, start+1, oldN, start+1, newN)
	for _, l := range lines {
		out.WriteString(l)
		out.WriteByte('\n')
	}
	return out.String()
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
