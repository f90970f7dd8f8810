package spec

import "strings"

// suggestBudget bounds the work of one DidYouMean call, in cells of the
// edit-distance table: a name checked against 16,383 long scope names would
// otherwise take seconds, and a hostile spec can ask for a suggestion per
// error. Past the budget the best candidate so far is suggested.
const suggestBudget = 1 << 22

// DidYouMean returns `; did you mean "X"?` for the candidate closest to name,
// or "" when none is close enough to be a plausible typo.
func DidYouMean(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+2
	lower := strings.ToLower(name)
	budget := suggestBudget
	for _, c := range candidates {
		if abs(len(c)-len(name)) > bestDist {
			continue // the distance is at least the difference in length
		}
		if budget -= (len(name) + 1) * (len(c) + 1); budget < 0 {
			break
		}
		d := editDistance(lower, strings.ToLower(c))
		if d < bestDist || (d == bestDist && best != "" && c < best) {
			best, bestDist = c, d
		}
	}
	if best == "" || best == name {
		return ""
	}
	return `; did you mean "` + best + `"?`
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
