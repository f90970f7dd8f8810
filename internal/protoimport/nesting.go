package protoimport

import (
	"fmt"
	"unicode/utf8"

	"github.com/scopegen/scopegen/internal/spec"
)

// checkDepth refuses, before protocompile parses it, a file that would make
// its parser's stack grow past MaxNesting or MaxLiteralTokens: protocompile's
// parser keeps about 7 to 9 KB per level of nesting and about 2.5 KB per
// field of a message literal not yet closed (its grammar reads a literal's
// fields right-recursively), so without this a 2 MB file nested 400,000 deep
// took 3.4 GB, and the 32 MiB file limit allowed tens of gigabytes.
//
// It reads data as protocompile's lexer does (strings with their escapes,
// line and block comments, a NUL ending a comment) but counts only brackets
// and tokens, in one pass: a few milliseconds a megabyte. Where it cannot
// tell what the parser will make of the input, it counts more, never less.
func checkDepth(name string, data []byte) (spec.Diagnostic, bool) {
	off, msg := depth(data, MaxNesting, MaxLiteralTokens)
	if off < 0 {
		return spec.Diagnostic{}, true
	}
	return spec.Diagnostic{Pos: srcPos(name, data, off), Msg: msg}, false
}

// frame is a bracket open at a point of the scan.
type frame struct {
	open    byte // '{', '[', '(' or '<'
	literal bool // inside an option's value: a message literal or a list in one
	counts  bool // a message literal: its own tokens stay on the parser's stack
	tokens  int  // tokens at this frame's own level, when it counts
}

// depth returns the offset of the first token at which more than maxNest
// brackets ({, [, ( and <) are open, or the message literals open (option
// values: a { after =, and every { or < inside one) hold more than
// maxTokens tokens at their own levels; and what to do about it. It returns
// -1 when there is none. Lists are not counted (the parser reduces their
// elements as it goes), nor literals once closed (they are then one value).
func depth(data []byte, maxNest, maxTokens int) (int, string) {
	var open []frame
	pending := 0  // tokens of the literals open
	var prev byte // the last token: its character, 'a' for a word, '"' for a string
	token := func(kind byte) bool {
		prev = kind
		if n := len(open); n > 0 && open[n-1].counts {
			open[n-1].tokens++
			pending++
		}
		return pending <= maxTokens
	}
	tooMany := func(i int) (int, string) {
		return i, fmt.Sprintf("the message literals open here (an option's value) hold more than %d tokens, apart from their lists and the literals they have closed: "+
			"protocompile's parser keeps each of their fields until the literal closes, about 2.5 KB apiece, so the file is refused before parsing; "+
			"an option's value is a few dozen tokens: close the literal before this, or split the option", maxTokens)
	}
	for i := 0; i < len(data); {
		c := data[i]
		kind := c
		next := i + 1
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i = next
			continue
		case c == '/' && next < len(data) && (data[next] == '/' || data[next] == '*'):
			start, bad := i, false
			if data[next] == '/' {
				i, bad = lineComment(data, next+1)
			} else {
				i, bad = blockComment(data, next+1)
			}
			if bad && !token(0) { // the lexer's error: a token to the parser
				return tooMany(start)
			}
			continue
		case c == '"' || c == '\'':
			next, kind = stringEnd(data, next, c), '"'
		case isWordByte(c):
			for next < len(data) && isWordByte(data[next]) {
				next++
			}
			kind = 'a'
		case c == '{' || c == '[' || c == '(' || c == '<':
			if len(open) == maxNest {
				return i, fmt.Sprintf("brackets ({, [, ( and <) nest more than %d deep here: protocompile's parser keeps about 9 KB per level, so the file is refused before parsing; "+
					"a .proto nests a few levels: close the brackets opened before this one, or look for a run of them that is never closed", maxNest)
			}
			wasEquals := prev == '='
			if !token(c) {
				return tooMany(i)
			}
			literal := len(open) > 0 && open[len(open)-1].literal || c == '{' && wasEquals
			open = append(open, frame{open: c, literal: literal, counts: literal && (c == '{' || c == '<')})
			i = next
			continue
		case c == '}' || c == ']' || c == ')' || c == '>':
			if n := len(open); n > 0 && open[n-1].open == opener(c) {
				pending -= open[n-1].tokens
				open = open[:n-1]
				prev = c
				i = next
				continue
			}
			// A closing bracket that closes nothing is a syntax error: the
			// parser may keep what is open, so the count goes on.
		case c >= utf8.RuneSelf:
			_, size := utf8.DecodeRune(data[i:])
			next = i + size
		}
		if !token(kind) {
			return tooMany(i)
		}
		i = next
	}
	return -1, ""
}

func opener(closer byte) byte {
	switch closer {
	case '}':
		return '{'
	case ']':
		return '['
	case ')':
		return '('
	}
	return '<'
}

// isWordByte reports whether c continues an identifier or a number; a dot is
// a token of its own here (a.b is three tokens, as the lexer reads it), so
// that a long dotted name is not one token.
func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// lineComment returns where lexing resumes after a // comment whose text
// starts at i: at the newline, or after a NUL, which protocompile's lexer
// refuses (bad: the comment is then an error token) and resumes after.
func lineComment(data []byte, i int) (next int, bad bool) {
	for ; i < len(data); i++ {
		switch data[i] {
		case '\n':
			return i, false
		case 0:
			return i + 1, true
		}
	}
	return i, false
}

// blockComment returns where lexing resumes after a /* comment whose text
// starts at i: after the */, or after a NUL or at the end, where the comment
// is an error token (bad).
func blockComment(data []byte, i int) (next int, bad bool) {
	for ; i < len(data); i++ {
		switch {
		case data[i] == 0:
			return i + 1, true
		case data[i] == '*' && i+1 < len(data) && data[i+1] == '/':
			return i + 2, false
		}
	}
	return i, true
}

// stringEnd returns where lexing resumes after a string literal opened by
// quote whose text starts at i, as protocompile's lexer reads it: after the
// closing quote, or after a newline (an error, and the string's end), or at
// the end of the data. An escape takes the character after the backslash,
// whatever it is (a newline too); \x one more unless it is the quote or a
// backslash; \u and \U up to 4 and 8 more, stopping before the quote or a
// backslash. The digits that follow those are ordinary characters here.
func stringEnd(data []byte, i int, quote byte) int {
	skip := func() { // one character, as the lexer reads a rune
		_, size := utf8.DecodeRune(data[i:])
		i += size
	}
	for i < len(data) {
		c := data[i]
		skip()
		switch c {
		case quote, '\n':
			return i
		case '\\':
			if i == len(data) {
				return i
			}
			e := data[i]
			skip()
			n := 0
			switch e {
			case 'x', 'X':
				n = 1
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			for ; n > 0 && i < len(data) && data[i] != quote && data[i] != '\\'; n-- {
				skip()
			}
		}
	}
	return i
}

// srcPos is the position of the byte at off, as protocompile gives
// positions (advance).
func srcPos(name string, data []byte, off int) spec.Pos {
	return advance(spec.Pos{File: name, Line: 1, Col: 1}, string(data[:off]))
}
