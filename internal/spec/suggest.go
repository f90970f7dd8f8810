package spec

import "strings"

// suggestBudget bounds the work of one DidYouMean call, in cells of the
// edit-distance table: a name checked against 16,383 long scope names would
// otherwise take seconds, and a hostile spec can ask for a suggestion per
// error. Past the budget the best candidate so far is suggested.
const suggestBudget = 1 << 22

// DidYouMean returns `; did you mean "X"?` for the candidate closest to name,
// or "" when none is close enough to be a plausible typo (see typo): a
// suggestion that is only the least far of unrelated names (Metrics_Get for
// Keys_Get) misleads more than none.
func DidYouMean(name string, candidates []string) string {
	best, bestDist := "", 0
	budget := suggestBudget
	for _, c := range candidates {
		limit := typoLimit(min(len(name), len(c)))
		if abs(len(c)-len(name)) > limit || best != "" && abs(len(c)-len(name)) > bestDist {
			continue // the distance is at least the difference in length
		}
		if budget -= (len(name) + 1) * (len(c) + 1); budget < 0 {
			break
		}
		d, ok := typo(name, c)
		if !ok {
			continue
		}
		if best == "" || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	if best == "" || best == name {
		return ""
	}
	return `; did you mean "` + best + `"?`
}

// typo returns how many edits got is from want, and whether it is a
// plausible mistyping of it: few edits for their length (a letter added,
// dropped, changed, or two swapped; another case is free), and when both
// are made of parts (Resource:Op, Resource_Op, a.b.c), each part that
// differs a plausible typo of its counterpart, so that only the resource or
// only the op is mistyped.
func typo(got, want string) (int, bool) {
	d := editDistance(strings.ToLower(got), strings.ToLower(want))
	return d, d <= typoLimit(min(len(got), len(want))) && partsAlike(got, want)
}

// typoLimit is the most edits a name of n bytes may be from what it is a
// typo of: one in up to 4 bytes, two in up to 7, and so on.
func typoLimit(n int) int {
	return max(1, (n+1)/3)
}

// partsAlike reports whether a and b, split into parts at ':', '_', '.',
// '/', '-', '(' and ')', differ only by a typo in each part, when they have
// as many parts (else the whole names' distance decides).
func partsAlike(a, b string) bool {
	isSep := func(r rune) bool { return strings.ContainsRune(":_./-()", r) }
	pa, pb := strings.FieldsFunc(a, isSep), strings.FieldsFunc(b, isSep)
	if len(pa) != len(pb) || len(pa) < 2 {
		return true
	}
	for i := range pa {
		if !strings.EqualFold(pa[i], pb[i]) &&
			editDistance(strings.ToLower(pa[i]), strings.ToLower(pb[i])) > typoLimit(min(len(pa[i]), len(pb[i]))) {
			return false
		}
	}
	return true
}

// editDistance is the number of single-byte insertions, deletions,
// substitutions and swaps of adjacent bytes that turn a into b (the optimal
// string alignment distance: "chekc" is one edit from "check").
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1) // row i-2
	prev := make([]int, len(b)+1)  // row i-1
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
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
