package model

import "unicode"

// deceptiveNames are the names of the characters Deceptive reports.
var deceptiveNames = map[rune]string{
	'\u061C': "ARABIC LETTER MARK",
	'\u200E': "LEFT-TO-RIGHT MARK",
	'\u200F': "RIGHT-TO-LEFT MARK",
	'\u202A': "LEFT-TO-RIGHT EMBEDDING",
	'\u202B': "RIGHT-TO-LEFT EMBEDDING",
	'\u202C': "POP DIRECTIONAL FORMATTING",
	'\u202D': "LEFT-TO-RIGHT OVERRIDE",
	'\u202E': "RIGHT-TO-LEFT OVERRIDE",
	'\u2066': "LEFT-TO-RIGHT ISOLATE",
	'\u2067': "RIGHT-TO-LEFT ISOLATE",
	'\u2068': "FIRST STRONG ISOLATE",
	'\u2069': "POP DIRECTIONAL ISOLATE",
	'\u2028': "LINE SEPARATOR",
	'\u2029': "PARAGRAPH SEPARATOR",
}

// Deceptive reports whether r makes text read differently from what it is,
// and returns its Unicode name: the bidirectional controls (Unicode's
// Bidi_Control, such as U+202E RIGHT-TO-LEFT OVERRIDE), which reorder what
// an editor or a browser shows, and the line and paragraph separators
// (U+2028, U+2029), which some show as a line break inside a one-line
// comment ("trojan source", CVE-2021-42574). Text of a spec, which goes into
// generated Go comments and SCOPES.md, may not hold them: Build refuses them
// in a spec, and import-proto removes them from the comments it copies.
func Deceptive(r rune) (name string, ok bool) {
	if !unicode.Is(unicode.Bidi_Control, r) && r != '\u2028' && r != '\u2029' {
		return "", false
	}
	return deceptiveNames[r], true
}
