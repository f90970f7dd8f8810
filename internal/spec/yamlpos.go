package spec

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// yaml.v3 reports a syntax error with a line only: the column it knew is
// dropped from the message. The functions here find the character the
// error is about in the source, for the common mistakes (a tab in the
// indentation, a reserved character, an unclosed quote or bracket, a stray
// ": "), and only when that is certain; otherwise the error stays at the
// start of its line.

// verifyLimit is the largest spec whose syntax error is located by parsing
// prefixes of it again (a few parses at most). A real spec is about 60 KB;
// a hostile one of several megabytes is not parsed again.
const verifyLimit = 256 << 10

// maxTries is the most candidate characters tried per error, each costing
// one parse of a prefix of the spec.
const maxTries = 4

// atChar returns which characters a problem can be about, for the problems
// yaml.v3 raises at the very character they are about: a prefix of the spec
// ending with that character fails with the same error, and a prefix ending
// just before it does not. ok is false for other problems.
func atChar(problem string) (candidate func(data []byte, i int) bool, ok bool) {
	// followedByBlank is true when data[i] is followed by a space, a tab, a
	// line break or the end, so that cutting the spec after it does not
	// change how yaml.v3 reads it.
	followedByBlank := func(data []byte, i int) bool {
		return i+1 == len(data) || bytes.IndexByte([]byte(" \t\r\n"), data[i+1]) >= 0
	}
	switch problem {
	case "found character that cannot start any token":
		return func(data []byte, i int) bool { return bytes.IndexByte([]byte("\t@`%|>"), data[i]) >= 0 }, true
	case "mapping values are not allowed in this context":
		return func(data []byte, i int) bool { return data[i] == ':' && followedByBlank(data, i) }, true
	case "block sequence entries are not allowed in this context":
		return func(data []byte, i int) bool { return data[i] == '-' && followedByBlank(data, i) }, true
	case "mapping keys are not allowed in this context":
		return func(data []byte, i int) bool { return data[i] == '?' && followedByBlank(data, i) }, true
	}
	return nil, false
}

// offender returns the offset of the character a yaml.v3 scanner error is
// about, searching from offset from to offset to. The error (err, as
// yaml.v3 wrote it) must be one raised at the character itself (atChar),
// or a tab that violates indentation, which yaml.v3 reports at the start of
// the plain scalar it continues (the tab is on a later line). A candidate
// counts only when parsing the spec up to and including it fails with
// exactly err, and up to just before it does not.
func offender(data []byte, err, problem string, from, to int) (int, bool) {
	candidate, ok := atChar(problem)
	if problem == "found a tab character that violates indentation" {
		// A tab among the leading blanks of a line after the scalar's first.
		candidate, ok = func(data []byte, i int) bool {
			if data[i] != '\t' {
				return false
			}
			start := bytes.LastIndexByte(data[:i], '\n') + 1
			return len(bytes.Trim(data[start:i], " \t")) == 0
		}, true
	}
	if !ok || len(data) > verifyLimit {
		return 0, false
	}
	tries := 0
	for i := from; i < to && tries < maxTries; i++ {
		if !candidate(data, i) {
			continue
		}
		tries++
		if syntaxError(data[:i+1]) != err {
			continue
		}
		// The first prefix that fails so: unless an earlier character fails
		// the same way (one this search does not know), this is the one.
		if syntaxError(data[:i]) == err {
			return 0, false
		}
		return i, true
	}
	return 0, false
}

// syntaxError returns the text of the error yaml.v3 reports for data, or ""
// when data is valid YAML.
func syntaxError(data []byte) (msg string) {
	defer func() {
		if recover() != nil {
			msg = "panic"
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return err.Error()
		}
	}
}

// otherBreaks reports whether data holds a line break other than \n and
// \r\n (a lone \r, NEL, LS or PS), which YAML counts as one and this file
// does not: the lines of the spec are then not yaml.v3's.
func otherBreaks(data []byte) bool {
	for i, c := range data {
		if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			return true
		}
	}
	return bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029"))
}

// lineBounds returns the offsets of the start and end (the line break or the
// end of data) of the 1-based line in data; ok is false when there is no
// such line.
func lineBounds(data []byte, line int) (start, end int, ok bool) {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return 0, 0, false
		}
		start += i + 1
	}
	end = len(data)
	if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
		end = start + i
	}
	return start, end, true
}

// tokenStart reports whether an indicator at data[i] starts a token: it
// follows the start of its line, a blank, or another flow indicator.
func tokenStart(data []byte, i int) bool {
	return i == 0 || bytes.IndexByte([]byte(" \t\n[{,:"), data[i-1]) >= 0
}

// quoteEnd returns the offset of the quote closing the quoted scalar that
// opens at data[i] (a ' or a "), or -1 when it is never closed.
func quoteEnd(data []byte, i int) int {
	q := data[i]
	for j := i + 1; j < len(data); j++ {
		switch {
		case q == '"' && data[j] == '\\':
			j++ // an escape: the next character is not the end
		case q == '\'' && data[j] == '\'' && j+1 < len(data) && data[j+1] == '\'':
			j++ // '' is a quote inside a single-quoted scalar
		case data[j] == q:
			return j
		}
	}
	return -1
}

// indicators returns the offsets of the token-starting characters of the
// line data[start:end] that are in set, outside quoted scalars and comments,
// and the offset of the quote on the line that opens a quoted scalar never
// closed (-1 if none).
func indicators(data []byte, start, end int, set string) (found []int, unclosed int) {
	for i := start; i < end; i++ {
		c := data[i]
		switch {
		case c == '#' && tokenStart(data, i):
			return found, -1 // a comment, to the end of the line
		case (c == '"' || c == '\'') && tokenStart(data, i):
			j := quoteEnd(data, i)
			if j < 0 {
				return found, i
			}
			i = j // past the end of the line: the rest of it is quoted
		case bytes.IndexByte([]byte(set), c) >= 0 && tokenStart(data, i):
			found = append(found, i)
		}
	}
	return found, -1
}

// unclosedQuote returns the offset of the quote on the given line that opens
// a quoted scalar never closed before the end of data: yaml.v3 reports
// "found unexpected end of stream" at that scalar's line.
func unclosedQuote(data []byte, line int) (int, bool) {
	start, end, ok := lineBounds(data, line)
	if !ok {
		return 0, false
	}
	_, q := indicators(data, start, end, "")
	return q, q >= 0
}

// flowStart returns the offset of the [ (or the {, for open == '{') that
// starts the flow collection yaml.v3 reports "did not find expected ',' or
// ']'" about, when it is the only one on its line. yaml.v3 gives the line of
// the bracket, except for a bracket on the first line, where it gives the
// line of the problem: so with brackets on the first line, the given line
// is the bracket's only if the first line has none.
func flowStart(data []byte, line int, open byte) (int, bool) {
	count := func(line int) (first, n int) {
		start, end, ok := lineBounds(data, line)
		if !ok {
			return 0, 0
		}
		found, _ := indicators(data, start, end, string(open))
		if len(found) == 0 {
			return 0, 0
		}
		return found[0], len(found)
	}
	at, n := count(line)
	first, n1 := count(1)
	switch {
	case line == 1 || n1 == 0:
		return at, n == 1
	case n == 0:
		// No bracket on the line given: it is the problem's, and the
		// bracket is on the first line.
		return first, n1 == 1
	}
	return 0, false
}
