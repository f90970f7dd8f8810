package spec

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// scalar returns s as a YAML scalar that reads back as the string s: plain
// when that is safe, else double-quoted. flow is true for a scalar inside a
// flow collection ([a, b] or {k: v}), where yaml.v3 ends a plain scalar at
// any of ",[]{}?".
// The result is always one line.
func scalar(s string, flow bool) string {
	if plainSafe(s, flow) {
		return s
	}
	return quote(s)
}

// plainSafe reports whether s can be written as a plain scalar that YAML
// reads back as the string s. It is conservative: some strings it refuses
// would read back fine.
func plainSafe(s string, flow bool) bool {
	if s == "" || s != strings.TrimSpace(s) || !utf8.ValidString(s) ||
		strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") ||
		strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") ||
		flow && strings.ContainsAny(s, ",[]{}?") || s == "<<" {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '\uFEFF' {
			return false
		}
	}
	// Plain "true", "null", "12", "1.5", "2001-12-14" are not strings.
	return (&yaml.Node{Kind: yaml.ScalarNode, Value: s}).ShortTag() == "!!str"
}

// quote writes s as a double-quoted YAML scalar, escaping what YAML needs.
// Invalid UTF-8 cannot be written (YAML is text): each bad byte becomes
// U+FFFD.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\uFFFD`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7F || !unicode.IsPrint(r) && r != ' ':
			if r > 0xFFFF {
				fmt.Fprintf(&b, `\U%08X`, r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// commentLine returns one line of a comment as YAML can hold it, and as a
// reader sees it: each character YAML refuses in a stream (a control
// character other than tab, invalid UTF-8) and each bidirectional control,
// which could make the line read differently from what it is, becomes
// U+FFFD. A comment may quote a file name, which can hold anything.
func commentLine(s string) string {
	ok := func(r rune) bool {
		return (r == '\t' || r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) &&
			!unicode.Is(unicode.Bidi_Control, r)
	}
	clean := true
	for _, r := range s {
		if !ok(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s { // an invalid byte is read as utf8.RuneError
		if !ok(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Scalar returns s as a plain or double-quoted YAML scalar, on one line,
// that reads back as s: for the writers of the small files that sit beside
// a spec and are read with Decoder (scopegen diff's allowances).
func Scalar(s string) string { return scalar(s, false) }

// CommentLine returns s as the text of a one-line YAML comment, as
// commentLine does for Marshal: what YAML refuses, and bidirectional
// controls, become U+FFFD, and a newline a space.
func CommentLine(s string) string { return commentLine(strings.ReplaceAll(s, "\n", " ")) }
