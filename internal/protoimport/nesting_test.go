package protoimport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
)

const unlimited = 1 << 30

// maxDepth is the deepest nesting depth finds in data.
func maxDepth(data []byte) int {
	n := 0
	for limit := 0; ; limit++ {
		if off, _ := depth(data, limit, unlimited); off < 0 {
			return n
		}
		n = limit + 1
	}
}

// TestDepthReadsAsTheLexer checks that brackets in strings and comments are
// not counted, and that strings and comments end where protocompile's lexer
// ends them: a string at a newline unless an escape takes it, a comment
// at a NUL.
func TestDepthReadsAsTheLexer(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{`{[(<>)]}`, 4},
		{`{ "{{{" '{{' }`, 1},
		{`{ "\"{{" }`, 1},
		{`{ '\'{{' }`, 1},
		{"{ \"{{\n{{", 3},             // a newline ends a string
		{"{ \"\\\n{{\" }", 1},         // unless an escape takes it
		{"{ \"\\x\n{{\" }", 1},        // \x takes one more character
		{"{ \"\\x\"{{", 3},            // but not the quote
		{"{ \"\\u12\n{{\" }", 1},      // \u takes up to 4
		{"{ \"\\u1234\n{{\" }", 3},    // and no more
		{"{ \"\\U1234567\n{{\" }", 1}, // \U up to 8
		{"{ \"\\u1\"{{", 3},           // stopping before the quote
		{"{ \"\\u1\\\"{{\" }", 1},     // or a backslash, itself an escape
		{"{ \"\\é\n{{", 3},            // an escape takes a whole character
		{"{ // {{{\n{", 2},            // a line comment ends at the newline
		{"{ // {{\x00{{\n", 3},        // or after a NUL
		{"{ /* {{\n{{ */ {", 2},       // a block comment at */
		{"{ /* {{\x00{{ */ {", 4},     // or after a NUL
		{"{ /* {{", 1},                // or at the end
		{"{ / / {", 2},                // a slash alone is a token
		{"{ }}}} {", 1},               // a bracket that closes nothing closes nothing
		{"{ ] {", 2},                  // nor one that does not match
		{"\"{", 0},                    // a string at the end
		{"{ \"\\", 1},                 // an escape at the end
		{"{\xff{\xc3", 2},             // invalid UTF-8 is characters
	} {
		if got := maxDepth([]byte(c.src)); got != c.want {
			t.Errorf("%q: depth %d, want %d", c.src, got, c.want)
		}
	}
}

// TestDepthCountsLiteralTokens checks what the token limit counts: the
// tokens of the message literals open in an option's value, at their own
// levels; not lists, literals once closed, or braces of declarations.
func TestDepthCountsLiteralTokens(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int // the most tokens found open at once
	}{
		{`message M { int32 a = 1; int32 b = 2; }`, 0},
		{`option (x) = {a: 1 b: 2};`, 6},
		{`option (x) = {a: 1, b: 2,};`, 8},
		{`option (x) = {a: [1, 2, 3, 4, 5, 6, 7]};`, 3},         // a, :, [
		{`option (x) = {a {b: 1 c: 2} d: 1 e: 2};`, 2 + 6},      // a, { and the inner literal's
		{`option (x) = {a {b: 1 c: 2} d: 1 e: 2 f: 3};`, 2 + 9}, // the inner one closed
		{`option (x) = {a: < b: 1 >};`, 3 + 3},
		{`option (x) = {a: [{b: 1 c: 2}, {d: 3}]};`, 3 + 6},
		{`int32 f = 1 [(x) = {a: 1}];`, 3},
		{`option (x) = /* c */ {a: 1};`, 3},
		{`option (x) = "s" {a: 1};`, 0},           // not a value: the parser refuses it
		{"option (x) = {a: 1 // c\x00 b: 2};", 7}, // the comment the lexer refuses is a token
		{`option (x) = {a: 1.5};`, 5},             // 1 . 5: a number counts as much as it has parts
	} {
		got := 0
		for limit := 0; ; limit++ {
			if off, _ := depth([]byte(c.src), unlimited, limit); off < 0 {
				got = limit
				break
			}
		}
		if got != c.want {
			t.Errorf("%q: %d tokens open, want %d", c.src, got, c.want)
		}
	}
}

// tok is a token as protocompile's lexer read it.
type tok struct {
	off  int
	text string // "" for input the lexer refused (it records no token for it)
}

// lexed returns protocompile's tokens for data, comments left out, and
// whether the lexer read to the end (the parser may stop before). Input
// between the tokens and comments it recorded that is not whitespace was an
// error token; it is returned as a token with no text.
func lexed(data []byte) (toks []tok, complete bool) {
	defer func() {
		if recover() != nil { // protocompile's problem, not the scanner's
			toks, complete = nil, false
		}
	}()
	h := reporter.NewHandler(reporter.NewReporter(func(reporter.ErrorWithPos) error { return nil }, nil))
	node, _ := parser.Parse("f.proto", bytes.NewReader(data), h)
	end := 0
	items := node.Items()
	for it, ok := items.First(); ok; it, ok = items.Next(it) {
		info := node.ItemInfo(it)
		off, text := info.Start().Offset, info.RawText()
		if gap := data[end:off]; len(bytes.Trim(gap, "\n\r\t\f\v ")) > 0 {
			toks = append(toks, tok{end + bytes.IndexFunc(gap, func(r rune) bool { return !strings.ContainsRune("\n\r\t\f\v ", r) }), ""})
		}
		end = off + len(text)
		switch {
		case text == "" && off == len(data):
			complete = true // the end of the input
		case strings.HasPrefix(text, "//"), strings.HasPrefix(text, "/*"):
		default:
			toks = append(toks, tok{off, text})
		}
	}
	return toks, complete
}

// reference applies depth's rules to the lexer's tokens: the deepest
// nesting and the first opening bracket to reach it, the most literal
// tokens open and the first token to reach that.
func reference(toks []tok) (nest, nestAt, tokens, tokensAt int) {
	type frame struct {
		open           byte
		literal, count bool
		n              int
	}
	var open []frame
	pending, prev := 0, ""
	nestAt, tokensAt = -1, -1
	for _, t := range toks {
		b := byte(0)
		if len(t.text) == 1 {
			b = t.text[0]
		}
		if b == '}' || b == ']' || b == ')' || b == '>' {
			if n := len(open); n > 0 && open[n-1].open == opener(b) {
				pending -= open[n-1].n
				open = open[:n-1]
				prev = t.text
				continue
			}
		}
		if n := len(open); n > 0 && open[n-1].count {
			open[n-1].n++
			if pending++; pending > tokens {
				tokens, tokensAt = pending, t.off
			}
		}
		if b == '{' || b == '[' || b == '(' || b == '<' {
			literal := len(open) > 0 && open[len(open)-1].literal || b == '{' && prev == "="
			open = append(open, frame{open: b, literal: literal, count: literal && (b == '{' || b == '<')})
			if len(open) > nest {
				nest, nestAt = len(open), t.off
			}
		}
		prev = t.text
	}
	return nest, nestAt, tokens, tokensAt
}

// FuzzDepth checks depth against protocompile's own lexer: the brackets it
// counts are the lexer's, so that it finds the same deepest nesting at the
// same bracket (no deeper, when the lexer read the whole input), and it
// never counts fewer literal tokens than the lexer's tokens make.
func FuzzDepth(f *testing.F) {
	for _, s := range []string{
		"syntax = \"proto3\";\npackage t;\noption (x) = {a: {b: [1, 2] c: <d: \"{\">}};\nmessage M { map<string, M> m = 1 [(y) = {z: 1}]; }\n",
		"option (x) = {a: \"\\\n{{\" b: '\\x\n[' c: \"\\u12\n((\"};",
		"service S { rpc A (M) returns (M) { option (a) = {b: 1}; } } // {{{\n/* {{ */",
		"option (x) = {a: 1 // c\x00 {{ \n};",
		"option (x) = {a: 1 /* \x00 { */ {};",
		"option (x) = {a: 1.5e+3 b: .5 c: 0x1F d: -inf};",
		"enum E { A = 0; B = 1 [(x) = {a: [{b: 1}, {c: 2}]}]; }",
		"option (x) = {a: \"\\q\" { b: 1 }};",
		"option (x) = =={{ \x01 {",
		"option (x) = {" + strings.Repeat("a {", 50) + strings.Repeat("}", 50) + "};",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		toks, complete := lexed(data)
		nest, nestAt, tokens, tokensAt := reference(toks)
		if nest > 0 {
			if off, _ := depth(data, nest-1, unlimited); off != nestAt {
				t.Errorf("depth past %d at offset %d; the lexer's brackets reach it at %d", nest-1, off, nestAt)
			}
		}
		if off, _ := depth(data, nest, unlimited); complete && off >= 0 {
			t.Errorf("depth past %d at offset %d; the lexer's brackets nest only %d deep", nest, off, nest)
		}
		if tokens > 0 {
			if off, _ := depth(data, unlimited, tokens-1); off < 0 || off > tokensAt {
				t.Errorf("more than %d literal tokens at offset %d; the lexer's tokens are that many at %d", tokens-1, off, tokensAt)
			}
		}
		for _, lim := range []int{0, 1, 3} {
			if off, msg := depth(data, lim, lim); off >= len(data) || off >= 0 && msg == "" || off < 0 && msg != "" {
				t.Errorf("depth(%d, %d) = %d, %q", lim, lim, off, msg)
			}
		}
	})
}
