package protoimport

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// Source is a .proto file: the name messages show, a key that identifies the
// file on disk (its absolute path; the name when empty), and its contents.
type Source struct {
	Name string
	Key  string
	Data []byte
}

func (s Source) key() string {
	if s.Key != "" {
		return s.Key
	}
	return s.Name
}

// Resolver finds the file an import statement names ("google/api/annotations.proto").
// ok is false when the file is not at hand, which is not an error: the import
// is then skipped.
type Resolver func(importPath string) (src Source, ok bool, err error)

// Limits on a .proto file, checked before it is parsed.
const (
	// MaxFileBytes is the largest .proto file read. Within the other
	// limits, parsing takes about 75 bytes of memory per byte of input: the
	// worst 32 MiB file found takes 2.5 GB and 27 s to import.
	MaxFileBytes = 32 << 20
	// MaxNesting is the most brackets ({, [, ( and <) open at once in a
	// .proto file. protocompile's parser keeps about 9 KB per level (a file
	// nested 400,000 deep took 3.4 GB), so deeper files are refused before
	// parsing. protocompile refuses messages nested 32 deep when it
	// compiles them; option values nest a few levels.
	MaxNesting = 256
	// MaxLiteralTokens is the most tokens the message literals open at once
	// in an option's value may hold at their own levels (not counting their
	// lists, or the literals inside them once closed). protocompile's
	// parser keeps each field of a literal until the literal closes, about
	// 2.5 KB apiece (100,000 fields took 250 MB), so more are refused
	// before parsing. A google.api.http rule is about 10 tokens.
	MaxLiteralTokens = 10000
)

// protoFile is a parsed .proto file.
type protoFile struct {
	src     Source
	node    *ast.FileNode
	pkg     string
	imports []importDecl
	listed  bool   // named on the command line: its services are imported
	canon   string // the name the spec shows, the same from any directory (canonicalNames)
}

type importDecl struct {
	path string
	pos  spec.Pos
}

// parseFile parses one file, reporting every syntax error it can.
func parseFile(src Source) (f *protoFile, errs spec.Errors) {
	if len(src.Data) > MaxFileBytes {
		return nil, spec.Errors{{Pos: spec.Pos{File: src.Name, Line: 1, Col: 1},
			Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d", len(src.Data), MaxFileBytes)}}
	}
	if d, ok := checkDepth(src.Name, src.Data); !ok {
		return nil, spec.Errors{d}
	}
	defer func() {
		// protocompile is not known to panic on any input, but a broken file
		// must be an error, never a crash.
		if r := recover(); r != nil {
			f, errs = nil, spec.Errors{{Pos: spec.Pos{File: src.Name, Line: 1, Col: 1}, Msg: fmt.Sprintf("cannot parse: %v", r)}}
		}
	}()
	rep := reporter.NewReporter(func(err reporter.ErrorWithPos) error {
		// protocompile's messages start with "syntax error: " mostly, not always.
		msg := strings.TrimPrefix(err.Unwrap().Error(), "syntax error: ")
		errs.Report(sourcePos(err.GetPosition(), src.Name), "syntax error: %s", msg)
		return nil // keep going, to count them all
	}, nil)
	node, err := parser.Parse(src.Name, bytes.NewReader(src.Data), reporter.NewHandler(rep))
	if len(errs) > 0 {
		return nil, errs
	}
	if err != nil || node == nil {
		return nil, spec.Errors{{Pos: spec.Pos{File: src.Name, Line: 1, Col: 1}, Msg: fmt.Sprintf("cannot parse: %v", err)}}
	}
	f = &protoFile{src: src, node: node}
	for _, d := range node.Decls {
		switch d := d.(type) {
		case *ast.PackageNode:
			f.pkg = string(d.Name.AsIdentifier())
		case *ast.ImportNode:
			f.imports = append(f.imports, importDecl{d.Name.AsString(), f.pos(d)})
		}
	}
	return f, nil
}

func sourcePos(p ast.SourcePos, name string) spec.Pos {
	return spec.Pos{File: name, Line: max(p.Line, 1), Col: max(p.Col, 1)}
}

// advance returns the position after text, which starts at p, counted as
// protocompile counts: lines end at \n, and a column counts characters, a
// tab moving to the next multiple of 8.
func advance(p spec.Pos, text string) spec.Pos {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\n':
			p.Line, p.Col = p.Line+1, 1
		case c == '\t':
			p.Col += 8 - (p.Col-1)%8
		case utf8.RuneStart(c):
			p.Col++
		}
	}
	return p
}

// pos is where node n starts.
func (f *protoFile) pos(n ast.Node) spec.Pos {
	return sourcePos(f.node.NodeInfo(n).Start(), f.src.Name)
}

// enumDecl is an enum and its full name.
type enumDecl struct {
	file *protoFile
	node *ast.EnumNode
	name string
}

// serviceDecl is a service and its full name.
type serviceDecl struct {
	file *protoFile
	node *ast.ServiceNode
	name string
}

// walk calls the functions for every enum, service and declared extension of
// f, with full names.
func (f *protoFile) walk(enum func(enumDecl), service func(serviceDecl), ext func(name string)) {
	var body func(scope string, decls []ast.MessageElement)
	extend := func(scope string, e *ast.ExtendNode) {
		for _, d := range e.Decls {
			switch d := d.(type) {
			case *ast.FieldNode:
				ext(join(scope, d.Name.Val))
			case *ast.GroupNode:
				ext(join(scope, strings.ToLower(d.Name.Val)))
			}
		}
	}
	body = func(scope string, decls []ast.MessageElement) {
		for _, d := range decls {
			switch d := d.(type) {
			case *ast.MessageNode:
				body(join(scope, d.Name.Val), d.Decls)
			case *ast.GroupNode:
				body(join(scope, d.Name.Val), d.Decls)
			case *ast.OneofNode:
				for _, od := range d.Decls {
					if g, ok := od.(*ast.GroupNode); ok {
						body(join(scope, g.Name.Val), g.Decls)
					}
				}
			case *ast.EnumNode:
				enum(enumDecl{f, d, join(scope, d.Name.Val)})
			case *ast.ExtendNode:
				extend(scope, d)
			}
		}
	}
	for _, d := range f.node.Decls {
		switch d := d.(type) {
		case *ast.MessageNode:
			body(join(f.pkg, d.Name.Val), d.Decls)
		case *ast.EnumNode:
			enum(enumDecl{f, d, join(f.pkg, d.Name.Val)})
		case *ast.ServiceNode:
			service(serviceDecl{f, d, join(f.pkg, d.Name.Val)})
		case *ast.ExtendNode:
			extend(f.pkg, d)
		}
	}
}

func join(scope, name string) string {
	if scope == "" {
		return name
	}
	return scope + "." + name
}

// parent is the scope a full name is declared in.
func parent(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// part is one component of an option name: a field, or an extension in
// parentheses.
type part struct {
	name string
	ext  bool
}

// optionName returns the components of an option's name; ok is false for
// names this package never matches (Any type references).
func optionName(n *ast.OptionNameNode) ([]part, bool) {
	var out []part
	for _, p := range n.Parts {
		if p.IsAnyTypeReference() || p.Name == nil {
			return nil, false
		}
		out = append(out, part{string(p.Name.AsIdentifier()), p.IsExtension()})
	}
	return out, len(out) > 0
}

// resolves reports whether the extension name written in scope can name the
// extension full: protoc looks the name up in scope, then in each enclosing
// scope. Without the declarations at hand it cannot tell which of those exist,
// so any of them counts.
func resolves(written, scope, full string) bool {
	if strings.HasPrefix(written, ".") {
		return written[1:] == full
	}
	for s := scope; ; s = parent(s) {
		if join(s, written) == full {
			return true
		}
		if s == "" {
			return false
		}
	}
}

// found is a value an option gives at a configured option's path. rest is the
// path below it when the option sets one field of it ((google.api.http).get).
type found struct {
	val  ast.ValueNode
	rest []part
}

// lookup returns the values opt, written in scope, gives at ref.
func lookup(opt *ast.OptionNode, scope string, ref OptionRef) []found {
	if opt.Val == nil {
		return nil
	}
	written, ok := optionName(opt.Name)
	if !ok || !written[0].ext || !resolves(written[0].name, scope, ref.Ext) {
		return nil
	}
	want := ref.Path
	for _, p := range written[1:] {
		if len(want) == 0 {
			break
		}
		if p.ext || p.name != want[0] {
			return nil
		}
		want = want[1:]
	}
	if n := 1 + len(ref.Path); len(written) > n {
		return []found{{opt.Val, written[n:]}}
	}
	var out []found
	var descend func(v ast.ValueNode, want []string)
	descend = func(v ast.ValueNode, want []string) {
		if a, ok := v.(*ast.ArrayLiteralNode); ok {
			for _, e := range a.Elements {
				descend(e, want)
			}
			return
		}
		if len(want) == 0 {
			out = append(out, found{val: v})
			return
		}
		m, ok := v.(*ast.MessageLiteralNode)
		if !ok {
			return
		}
		for _, e := range m.Elements {
			if e.Name != nil && !e.Name.IsExtension() && !e.Name.IsAnyTypeReference() && e.Name.Name != nil &&
				string(e.Name.Name.AsIdentifier()) == want[0] && e.Val != nil {
				descend(e.Val, want[1:])
			}
		}
	}
	descend(opt.Val, want)
	return out
}

// identValue returns the identifier a value is, if it is one.
func identValue(v ast.ValueNode) (string, bool) {
	switch v := v.(type) {
	case *ast.IdentNode:
		return v.Val, true
	case *ast.CompoundIdentNode:
		return v.Val, true
	}
	return "", false
}

// describe names a value's kind for messages.
func describe(v ast.ValueNode) string {
	switch v := v.(type) {
	case *ast.IdentNode, *ast.CompoundIdentNode:
		s, _ := identValue(v)
		return s
	case *ast.StringLiteralNode, *ast.CompoundStringLiteralNode:
		return "a string"
	case *ast.MessageLiteralNode:
		return "a message literal"
	case *ast.ArrayLiteralNode:
		return "a list"
	}
	return fmt.Sprint(v.Value())
}

// leadingComment returns the comment attached before n as protoc attaches
// it: the last group of comments before n's first token, with no blank line
// between it and the token. Comments that trail the previous token on its
// line, and groups set apart by a blank line, are not n's. The text is joined
// into one line, without the characters model.Deceptive reports; hidden is
// the first of those, if any, and at where it is.
func leadingComment(f *ast.FileNode, n ast.Node) (text string, hidden rune, at spec.Pos) {
	cs := f.NodeInfo(n).LeadingComments()
	if cs.Len() == 0 {
		return "", 0, spec.Pos{}
	}
	// Split into groups: a run of line comments on consecutive lines, or one
	// block comment.
	last := cs.Len() - 1
	first := last
	if isLine(cs.Index(last).RawText()) {
		for first > 0 {
			prev := cs.Index(first - 1)
			if !isLine(prev.RawText()) || prev.End().Line+1 < cs.Index(first).Start().Line {
				break
			}
			first--
		}
	}
	start := f.NodeInfo(n).Start().Line
	if cs.Index(last).End().Line+1 < start {
		return "", 0, spec.Pos{} // a blank line sets the comment apart
	}
	var lines []string
	for i := first; i <= last; i++ {
		c := cs.Index(i)
		raw := c.RawText()
		if j := strings.IndexFunc(raw, isDeceptive); j >= 0 && hidden == 0 {
			hidden, _ = utf8.DecodeRuneInString(raw[j:])
			at = advance(sourcePos(c.Start(), f.Name()), raw[:j])
		}
		lines = append(lines, commentLines(raw)...)
	}
	return joinLines(lines), hidden, at
}

func isDeceptive(r rune) bool {
	_, ok := model.Deceptive(r)
	return ok
}

// stripDeceptive removes from s the characters model.Deceptive reports,
// a line or paragraph separator becoming a space, and returns the first.
func stripDeceptive(s string) (string, rune) {
	i := strings.IndexFunc(s, isDeceptive)
	if i < 0 {
		return s, 0
	}
	first, _ := utf8.DecodeRuneInString(s[i:])
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u2028' || r == '\u2029':
			return ' '
		case isDeceptive(r):
			return -1
		}
		return r
	}, s), first
}

// startsSentence reports whether word looks like the first word of a
// sentence: a capital letter, then lowercase letters only (a trailing comma,
// colon or period allowed).
func startsSentence(word string) bool {
	word = strings.TrimRight(word, ",:.")
	for i, r := range word {
		if i == 0 && !unicode.IsUpper(r) || i > 0 && !unicode.IsLower(r) && r != '\'' {
			return false
		}
	}
	return word != ""
}

// endSentence adds a period to text that ends in a letter, digit or closing
// parenthesis.
func endSentence(text string) string {
	r, _ := utf8.DecodeLastRuneInString(text)
	if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ')' {
		return text + "."
	}
	return text
}

func isLine(raw string) bool { return strings.HasPrefix(raw, "//") }

// commentLines strips the comment markers from one comment.
func commentLines(raw string) []string {
	if isLine(raw) {
		return []string{strings.TrimLeft(raw, "/")}
	}
	raw = strings.TrimPrefix(raw, "/*")
	raw = strings.TrimSuffix(raw, "*/")
	var out []string
	for _, l := range strings.Split(raw, "\n") {
		l = strings.TrimSpace(l)
		out = append(out, strings.TrimLeft(l, "*"))
	}
	return out
}

// joinLines makes one line of comment lines: lines with no letter or digit
// (rules like ///// or ----) are dropped, control characters removed and
// runs of spaces collapsed. A line that ends a sentence without a period,
// followed by one that starts a new one (a capitalized word such as "The"
// or "Optionally", not an identifier such as PostInputs), gets a period, so
// that the sentences do not run together.
func joinLines(lines []string) string {
	var words []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && len(words) > 0 && startsSentence(f[0]) {
			words[len(words)-1] = endSentence(words[len(words)-1])
		}
		l = strings.ToValidUTF8(l, "\uFFFD")
		if strings.IndexFunc(l, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			continue
		}
		l, _ = stripDeceptive(l)
		l = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == utf8.RuneError {
				return ' '
			}
			return r
		}, l)
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}
