package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxBytes is the largest spec Parse accepts, in bytes: 4 MiB. A spec the size
// of a real API (300 endpoints) is about 60 KB, and one with 20,000 endpoints
// 2.6 MB. The YAML parser keeps a node of about 200 bytes per value, so the
// limit bounds the memory and time a hostile spec can take (a 4 MiB flow list
// of one-letter values, the worst case found: about 900 MB and 6 to 12 s on a
// 2-core machine) before it is refused.
const MaxBytes = 4 << 20

// Parse reads a spec from data. name is used in positions only. On any
// problem it returns Errors, sorted by position, and no File.
func Parse(name string, data []byte) (f *File, err error) {
	defer func() {
		// yaml.v3 is not known to panic on any input, but a spec error must never
		// become a crash in someone's go generate.
		if r := recover(); r != nil {
			f, err = nil, Errors{{Pos: Pos{name, 1, 1}, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	top := Pos{name, 1, 1}
	if len(data) > MaxBytes {
		return nil, TooBig(name, int64(len(data)))
	}
	d := &decoder{file: name, what: "spec"}
	doc := d.document(data)
	if doc == nil {
		if len(d.errs) == 0 {
			return nil, Errors{{Pos: top, Msg: "spec is empty; start from spec/scopes.yaml of scopegen"}}
		}
		return nil, d.errs
	}
	f = &File{Name: name, Pos: top}
	d.file_(doc, f)
	if len(d.errs) > 0 {
		return nil, d.errs.Sorted()
	}
	return f, nil
}

// TooBig is the error for a spec of size bytes, more than MaxBytes; a
// negative size is unknown (a stream that was not read to its end).
func TooBig(name string, size int64) Errors {
	n := "more than " + strconv.Itoa(MaxBytes)
	if size >= 0 {
		n = strconv.FormatInt(size, 10)
	}
	return Errors{{Pos: Pos{name, 1, 1}, Msg: fmt.Sprintf("spec is %s bytes, more than the limit of %d (4 MiB); remove what it does not need (long descriptions, unused scopes) or split the API into several specs", n, MaxBytes)}}
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
	octal         = regexp.MustCompile(`^[-+]?0[0-9_]*[0-9][0-9_]*$`) // 010 but not 0 or 0x10
	digits        = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)
)

// yamlParserProblems are the problems yaml.v3's parser (not its scanner)
// reports. For these, "line N" is the 0-based line of the block being parsed,
// so the 1-based line is N+1; scanner errors give a 1-based line.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// utf8Problems are the problems yaml.v3's reader reports, without a line, for
// a character it refuses.
var utf8Problems = map[string]bool{
	"control characters are not allowed": true,
	"incomplete UTF-8 octet sequence":    true,
	"invalid Unicode character":          true,
	"invalid leading UTF-8 octet":        true,
	"invalid length of a UTF-8 sequence": true,
	"invalid trailing UTF-8 octet":       true,
}

// YAMLError turns an error that yaml.v3 returned while decoding data into a
// diagnostic at the character it is about, saying what to do. It is for
// yaml.v3's own errors (a syntax error such as an unclosed quote or bracket,
// a tab in the indentation, a stray ": ", an unknown anchor, a character
// YAML refuses), not for a *yaml.TypeError about the shape of the values.
// When the character cannot be found for certain, the diagnostic is at the
// start of the line yaml.v3 names (1-based, whichever part of yaml.v3
// raised it), or of the document.
//
// name is the file name for the position, and what names the document in
// messages ("spec", "config"). For "spec", the messages also state the rules
// only a spec has: no aliases, and at most 5 levels of nesting.
func YAMLError(name string, data []byte, err error, what string) Diagnostic {
	const hint = "; check the indentation and quoting from this line on"
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if yamlParserProblems[m[2]] {
			line++ // but never past the end: "[" fails on line 1, the last
			line = min(line, bytes.Count(data, []byte("\n"))+1)
		}
		if strings.HasPrefix(m[2], "exceeded max depth") {
			// yaml.v3 stops at 10,000 levels, before it runs out of stack.
			todo := "look for unclosed [ or { from this line on"
			if what == "spec" {
				todo = "a spec nests 5 levels deep at most, so " + todo
			}
			return Diagnostic{Pos: Pos{name, max(line, 1), 1}, Msg: "invalid YAML: " + m[2] + " levels of nesting; " + todo}
		}
		if d, ok := syntaxAt(name, data, msg, m[2], max(line, 1)); ok {
			return d
		}
		return Diagnostic{Pos: Pos{name, max(line, 1), 1}, Msg: "invalid YAML: " + m[2] + hint}
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		rule := ""
		if what == "spec" {
			rule = "; aliases are not allowed in a spec"
		}
		return Diagnostic{Pos: find(name, data, "*"+m[1]), Msg: fmt.Sprintf("*%s is a YAML alias, and no anchor &%s is defined%s: write the value out, or quote it if it is text", m[1], m[1], rule)}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if utf8Problems[msg] {
		if pos, ok := badChar(name, data); ok {
			return Diagnostic{Pos: pos, Msg: "invalid YAML: " + msg + "; " + article(what) + " " + what + " is UTF-8 text without control characters (other than tab and newline): remove this one"}
		}
	}
	// Without "line N", yaml.v3 found the problem on the first line.
	if d, ok := syntaxAt(name, data, err.Error(), msg, 1); ok {
		return d
	}
	return Diagnostic{Pos: Pos{name, 1, 1}, Msg: "invalid YAML: " + msg + hint}
}

// syntaxAt locates the character a yaml.v3 syntax error is about, when it is
// one of the common mistakes and the character can be found for certain,
// and says what to do about it. err is yaml.v3's message, problem its text
// without the line, and line the 1-based line it is about.
func syntaxAt(name string, data []byte, err, problem string, line int) (Diagnostic, bool) {
	if otherBreaks(data) {
		return Diagnostic{}, false
	}
	at := func(off int, todo string) (Diagnostic, bool) {
		return Diagnostic{Pos: offsetPos(name, data, off), Msg: "invalid YAML: " + problem + "; " + todo}, true
	}
	switch problem {
	case "found unexpected end of stream":
		// yaml.v3 reports the line of the quote, or for a quote on the first
		// line, the last line: so the line given is the quote's only if the
		// first line has none.
		q, ok := unclosedQuote(data, line)
		if q1, ok1 := unclosedQuote(data, 1); line != 1 && ok1 {
			q, ok = q1, !ok
		}
		if ok {
			return at(q, fmt.Sprintf("this %c starts a quoted value that is never closed: add the closing %c", data[q], data[q]))
		}
	case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
		open, kind, close := byte('['), "list", "]"
		if strings.HasSuffix(problem, "'}'") {
			open, kind, close = '{', "mapping", "}"
		}
		if b, ok := flowStart(data, line, open); ok {
			return at(b, fmt.Sprintf("the %s this %c starts is not closed where it should be: separate its entries with commas, close it with %s, and quote an entry that holds \": \"", kind, open, close))
		}
	}
	from, to, ok := lineBounds(data, line)
	if !ok {
		return Diagnostic{}, false
	}
	var i int
	if problem == "found a tab character that violates indentation" {
		// yaml.v3 gives the line of the plain scalar the tab is in (or for
		// one on the first line, the tab's): the tab is on a later line.
		_, end1, _ := lineBounds(data, 1)
		if i, ok = offender(data, err, problem, to, len(data)); !ok && line != 1 {
			i, ok = offender(data, err, problem, end1, len(data))
		}
	} else {
		i, ok = offender(data, err, problem, from, to)
	}
	if !ok {
		return Diagnostic{}, false
	}
	switch c := data[i]; c {
	case '\t':
		return at(i, "YAML indents with spaces only: replace this tab with spaces")
	case ':':
		return at(i, "quote a value that holds \": \", or start a key on its own line, indented as the other keys of its mapping")
	case '-':
		return at(i, "start a list entry \"- \" on its own line, indented under its key, or quote a value that starts with \"- \"")
	case '?':
		return at(i, "quote a value that starts with \"? \"")
	default:
		return at(i, fmt.Sprintf("%c cannot start a plain YAML value: quote the value that starts with it", c))
	}
}

// find returns the position of the first occurrence of s in data, or of the
// start when there is none.
func find(name string, data []byte, s string) Pos {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return Pos{name, 1, 1}
	}
	return offsetPos(name, data, i)
}

// badChar returns the position of the first character that yaml.v3 refuses to
// read: invalid UTF-8 or a control character.
func badChar(name string, data []byte) (Pos, bool) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		ok := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85 ||
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if !ok || r == utf8.RuneError && size == 1 {
			return offsetPos(name, data, i), true
		}
		i += size
	}
	return Pos{}, false
}

// offsetPos converts a byte offset in data to a line and a column in
// characters, as yaml.v3 counts them: a line ends with \r\n, \n, a lone \r,
// NEL, LS or PS.
func offsetPos(name string, data []byte, off int) Pos {
	line, col := 1, 1
	for i := 0; i < off; {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		switch {
		case r == '\r' && i < len(data) && data[i] == '\n':
			// The \n ends the line.
		case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			line, col = line+1, 1
		default:
			col++
		}
	}
	return Pos{name, line, col}
}

// decoder walks the YAML node tree, collecting every shape error it meets.
// what names the document in messages: "spec", or for the files that go
// with one, "config", "allowances file".
type decoder struct {
	file string
	what string
	errs Errors
}

// document parses data, which must hold one YAML document, and returns its
// document node; nil when data is empty (or only comments) or on an error,
// which is recorded.
func (d *decoder) document(data []byte) (doc *yaml.Node) {
	defer func() {
		// yaml.v3 is not known to panic on any input, but a spec error must never
		// become a crash in someone's go generate.
		if r := recover(); r != nil {
			doc = nil
			d.errs.Report(Pos{d.file, 1, 1}, "cannot parse YAML: %v", r)
		}
	}()
	doc = new(yaml.Node)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		if !errors.Is(err, io.EOF) {
			d.errs = append(d.errs, YAMLError(d.file, data, err, d.what))
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errs.Report(Pos{d.file, extra.Line, extra.Column}, "%s %s is one YAML document; remove this second one", article(d.what), d.what)
		return nil
	} else if !errors.Is(err, io.EOF) {
		// A syntax error after the first document must not be ignored.
		d.errs = append(d.errs, YAMLError(d.file, data, err, d.what))
		return nil
	}
	return doc
}

// article is "a" or "an", for what.
func article(what string) string {
	if what != "" && strings.ContainsRune("aeiou", rune(what[0])) {
		return "an"
	}
	return "a"
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{d.file, n.Line, n.Column} }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs.Report(d.pos(n), format, args...)
}

// resolve follows a document node to its content and refuses aliases, which a
// reviewable spec never needs and which can expand without bound.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		d.errorf(n, "YAML aliases (*name) are not allowed in %s %s; write the value out so a diff shows it", article(d.what), d.what)
		return nil
	}
	return n
}

// field is one known key of a mapping and what to do with its value.
type field struct {
	key string
	set func(v *yaml.Node)
}

// mapping decodes a YAML mapping whose keys must all be known. what names the
// mapping in messages ("scope", "endpoint", ...).
func (d *decoder) mapping(n *yaml.Node, what string, fields ...field) bool {
	n = d.resolve(n)
	if n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping (key: value lines), not %s", what, kindName(n))
		return false
	}
	known := make([]string, len(fields))
	for i, f := range fields {
		known[i] = f.key
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s keys must be plain names", what)
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "%s has key %q twice; keep one", what, k.Value)
			continue
		}
		seen[k.Value] = true
		var f *field
		for j := range fields {
			if fields[j].key == k.Value {
				f = &fields[j]
				break
			}
		}
		if f == nil {
			sorted := append([]string(nil), known...)
			sort.Strings(sorted)
			d.errorf(k, "unknown key %q in %s%s (known keys: %s)", clip(k.Value), what, DidYouMean(k.Value, known), joinQuoted(sorted))
			continue
		}
		if v = d.resolve(v); v != nil {
			f.set(v)
		}
	}
	return true
}

func (d *decoder) seq(n *yaml.Node, what string, each func(v *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list, not %s", what, kindName(n))
		return
	}
	for _, v := range n.Content {
		if v = d.resolve(v); v != nil {
			each(v)
		}
	}
}

func (d *decoder) str(n *yaml.Node, what string) Str {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s must be a string, not %s", what, kindName(n))
		return Str{Pos: d.pos(n)}
	}
	return Str{Value: n.Value, Pos: d.pos(n)}
}

func (d *decoder) strs(n *yaml.Node, what string) []Str {
	out := []Str{}
	d.seq(n, what, func(v *yaml.Node) { out = append(out, d.str(v, what+" entry")) })
	return out
}

func (d *decoder) int(n *yaml.Node, what string) Int {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!int" && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.TaggedStyle) == 0 && digits.MatchString(n.Value) {
		// yaml.v3 reads unquoted digits past 64 bits as a float, or as a
		// string past the range of a float.
		d.errorf(n, "%s %q is not a whole number that fits in 64 bits; write a smaller one", what, clip(n.Value))
		return Int{Pos: d.pos(n), Set: true}
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.errorf(n, "%s must be a whole number, not %s", what, kindName(n))
		return Int{Pos: d.pos(n), Set: true}
	}
	// Decode as yaml.v3 resolved the tag: it accepts forms that ParseInt does
	// not (1__000), and refuses what does not fit in an int64.
	var v int64
	if err := n.Decode(&v); err != nil {
		d.errorf(n, "%s %q is not a whole number that fits in 64 bits; write a smaller one", what, clip(n.Value))
	} else if octal.MatchString(n.Value) {
		// yaml.v3 reads 010 as 8; a reviewer reads it as 10.
		d.errorf(n, "%s %s starts with 0, so YAML reads it as the octal number %d; remove the leading zeros", what, n.Value, v)
	}
	return Int{Value: v, Pos: d.pos(n), Set: true}
}

// idRange is a range of reserved ids, "100-16383", as protoc's
// "reserved 100 to max;" is written compactly.
var idRange = regexp.MustCompile(`^([0-9]+)-([0-9]+)$`)

// reservedID appends the reserved id n names to ids: one id, or each id of a
// range FROM-TO, all at the range's position.
func (d *decoder) reservedID(n *yaml.Node, ids []Int) []Int {
	m := idRange.FindStringSubmatch(n.Value)
	if n.Kind != yaml.ScalarNode || n.Style != 0 || m == nil {
		return append(ids, d.int(n, "reserved id"))
	}
	from, err1 := strconv.ParseInt(m[1], 10, 64)
	to, err2 := strconv.ParseInt(m[2], 10, 64)
	switch {
	case err1 != nil || err2 != nil || from < 1 || to > MaxReservedID:
		d.errorf(n, "reserved range %s is out of range; scope ids are 1 to %d", clip(n.Value), MaxReservedID)
		return ids
	case from > to:
		d.errorf(n, "reserved range %s ends before it starts; write FROM-TO with FROM <= TO", n.Value)
		return ids
	case len(ids)+int(to-from+1) > MaxReservedID:
		// Only MaxReservedID ids exist: more are repeats, and expanding
		// them would let a short spec take a lot of memory.
		d.errorf(n, "reserved ids list more than %d ids, so some are listed twice; list each id once", MaxReservedID)
		return ids
	}
	for id := from; id <= to; id++ {
		ids = append(ids, Int{Value: id, Pos: d.pos(n), Set: true})
	}
	return ids
}

func (d *decoder) bool(n *yaml.Node, what string) Bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, "%s must be true or false, not %s", what, kindName(n))
		return Bool{Pos: d.pos(n)}
	}
	var b bool
	_ = n.Decode(&b)
	return Bool{Value: b, Pos: d.pos(n)}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "empty"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		return strconv.Quote(clip(n.Value))
	}
	return "an alias"
}

// clip shortens s for a message: a hostile spec may hold a megabyte-long
// value, and a message quotes only its start.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	i := 60
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

func joinQuoted(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x)
	}
	return b.String()
}

func (d *decoder) file_(doc *yaml.Node, f *File) {
	root := d.resolve(doc)
	if root == nil || root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == "" { // "---" alone is empty too
		d.errs.Report(f.Pos, "spec is empty; start from spec/scopes.yaml of scopegen")
		return
	}
	f.Pos = d.pos(root)
	badFormat := false
	d.mapping(root, "the spec",
		field{"scopegen", func(v *yaml.Node) {
			n := len(d.errs)
			f.Format = d.int(v, "scopegen (the format version)")
			badFormat = len(d.errs) > n // reported once, not again as an unsupported version
		}},
		field{"outcomes", func(v *yaml.Node) { d.outcomes(v, f) }},
		field{"principals", func(v *yaml.Node) {
			f.Kinds = []Kind{}
			d.seq(v, "principals", func(v *yaml.Node) { f.Kinds = append(f.Kinds, d.kind(v)) })
		}},
		field{"defaults", func(v *yaml.Node) {
			d.mapping(v, "defaults", field{"principals", func(v *yaml.Node) { f.Principals = d.strs(v, "defaults.principals") }})
		}},
		field{"scopes", func(v *yaml.Node) {
			f.Scopes = []Scope{}
			d.seq(v, "scopes", func(v *yaml.Node) { f.Scopes = append(f.Scopes, d.scope(v)) })
		}},
		field{"reserved", func(v *yaml.Node) {
			d.mapping(v, "reserved",
				field{"ids", func(v *yaml.Node) {
					f.Reserved.IDs = []Int{}
					d.seq(v, "reserved.ids", func(v *yaml.Node) { f.Reserved.IDs = d.reservedID(v, f.Reserved.IDs) })
				}},
				field{"names", func(v *yaml.Node) { f.Reserved.Names = d.strs(v, "reserved.names") }},
			)
		}},
		field{"presets", func(v *yaml.Node) {
			f.Presets = []Preset{}
			d.seq(v, "presets", func(v *yaml.Node) { f.Presets = append(f.Presets, d.preset(v)) })
		}},
		field{"endpoints", func(v *yaml.Node) {
			f.Endpoints = []Endpoint{}
			d.seq(v, "endpoints", func(v *yaml.Node) { f.Endpoints = append(f.Endpoints, d.endpoint(v)) })
		}},
	)
	d.comments(doc, root, f)
	if !f.Format.Set {
		d.errs.Report(f.Pos, "missing \"scopegen: %d\" (the spec format version) at the top of the spec", Format)
	} else if f.Format.Value != Format && !badFormat {
		d.errs.Report(f.Format.Pos, "spec format %d is not supported; write scopegen: %d, the format this scopegen reads, or use a scopegen that reads format %d", f.Format.Value, Format, f.Format.Value)
	}
}

func (d *decoder) outcomes(n *yaml.Node, f *File) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "outcomes must be a mapping from role (insufficient_scopes, ...) to code, not %s", kindName(n))
		return
	}
	f.Outcomes = []Outcome{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], d.resolve(n.Content[i+1])
		o := Outcome{Role: d.str(k, "outcome role")}
		if v == nil {
			continue
		}
		d.mapping(v, "outcome "+strconv.Quote(k.Value),
			field{"code", func(v *yaml.Node) { o.Code = d.int(v, "code") }},
			field{"status", func(v *yaml.Node) { o.Status = d.str(v, "status") }},
			field{"grpc", func(v *yaml.Node) { o.GRPC = d.str(v, "grpc") }},
			field{"message", func(v *yaml.Node) { o.Message = d.str(v, "message") }},
		)
		f.Outcomes = append(f.Outcomes, o)
	}
}

func (d *decoder) scope(n *yaml.Node) Scope {
	s := Scope{Pos: d.pos(n), Comment: commentText(n.HeadComment)}
	d.mapping(n, "scope",
		field{"name", func(v *yaml.Node) { s.Name = d.str(v, "name") }},
		field{"id", func(v *yaml.Node) { s.ID = d.int(v, "id") }},
		field{"description", func(v *yaml.Node) { s.Description = d.str(v, "description") }},
		field{"requires", func(v *yaml.Node) { s.Requires = d.strs(v, "requires") }},
		field{"deprecated", func(v *yaml.Node) { s.Deprecated = d.deprecation(v) }},
		field{"sunset", func(v *yaml.Node) { s.Sunset = d.date(v, "sunset") }},
		field{"grants_all", func(v *yaml.Node) { s.GrantsAll = d.bool(v, "grants_all") }},
		field{"go_name", func(v *yaml.Node) { s.GoName = d.str(v, "go_name") }},
	)
	return s
}

func (d *decoder) deprecation(n *yaml.Node) Deprecation {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		b := d.bool(n, "deprecated")
		return Deprecation{Set: b.Value, Pos: b.Pos}
	}
	s := d.str(n, "deprecated (true, or the reason)")
	if s.Value == "" && n.Kind == yaml.ScalarNode && n.Tag != "!!null" { // else reported by str
		d.errorf(n, "deprecated needs a reason or true")
	}
	return Deprecation{Set: true, Reason: s.Value, Pos: s.Pos}
}

// date reads n, which must be a calendar date written YYYY-MM-DD.
func (d *decoder) date(n *yaml.Node, what string) Str {
	s := d.str(n, what)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" && !IsDate(s.Value) {
		d.errorf(n, "%s must be a date, YYYY-MM-DD (e.g. 2027-01-31), not %q", what, clip(s.Value))
		return Str{Pos: s.Pos}
	}
	return s
}

// IsDate reports whether s is a calendar date written YYYY-MM-DD, as a
// sunset is.
func IsDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// kind reads an entry of the top-level principals: a name, or {name,
// go_name, description}.
func (d *decoder) kind(n *yaml.Node) Kind {
	k := Kind{Pos: d.pos(n)}
	if n.Kind == yaml.ScalarNode {
		k.Name = d.str(n, "principal kind")
		return k
	}
	d.mapping(n, "principal kind",
		field{"name", func(v *yaml.Node) { k.Name = d.str(v, "name") }},
		field{"go_name", func(v *yaml.Node) { k.GoName = d.str(v, "go_name") }},
		field{"description", func(v *yaml.Node) { k.Description = d.str(v, "description") }},
	)
	return k
}

func (d *decoder) preset(n *yaml.Node) Preset {
	p := Preset{Pos: d.pos(n), Comment: commentText(n.HeadComment)}
	d.mapping(n, "preset",
		field{"name", func(v *yaml.Node) { p.Name = d.str(v, "name") }},
		field{"description", func(v *yaml.Node) { p.Description = d.str(v, "description") }},
		field{"scopes", func(v *yaml.Node) { p.Scopes = d.strs(v, "scopes") }},
	)
	return p
}

func (d *decoder) endpoint(n *yaml.Node) Endpoint {
	e := Endpoint{Pos: d.pos(n), Comment: commentText(n.HeadComment)}
	d.mapping(n, "endpoint",
		field{"method", func(v *yaml.Node) { e.Method = d.str(v, "method") }},
		field{"operation", func(v *yaml.Node) { e.Operation = d.str(v, "operation") }},
		field{"http", func(v *yaml.Node) {
			e.HTTP = []Binding{}
			d.seq(v, "http", func(v *yaml.Node) { e.HTTP = append(e.HTTP, d.binding(v)) })
		}},
		field{"go_name", func(v *yaml.Node) { e.GoName = d.str(v, "go_name") }},
		field{"description", func(v *yaml.Node) { e.Description = d.str(v, "description") }},
		field{"deprecated", func(v *yaml.Node) { e.Deprecated = d.deprecation(v) }},
		field{"sunset", func(v *yaml.Node) { e.Sunset = d.date(v, "sunset") }},
		field{"public", func(v *yaml.Node) { e.Public = d.bool(v, "public") }},
		field{"principals", func(v *yaml.Node) { e.Principals, e.HasPrincipals = d.strs(v, "principals"), true }},
		field{"requires", func(v *yaml.Node) { e.Requires = d.strs(v, "requires") }},
		field{"any_of", func(v *yaml.Node) {
			e.AnyOf = []Alternative{}
			d.seq(v, "any_of", func(v *yaml.Node) {
				a := Alternative{Pos: d.pos(v)}
				d.mapping(v, "alternative",
					field{"requires", func(v *yaml.Node) { a.Requires = d.strs(v, "requires") }},
					field{"principals", func(v *yaml.Node) { a.Principals, a.HasPrincipals = d.strs(v, "principals"), true }},
				)
				e.AnyOf = append(e.AnyOf, a)
			})
		}},
		field{"request_scopes", func(v *yaml.Node) {
			e.RequestScopes = []RequestScope{}
			d.seq(v, "request_scopes", func(v *yaml.Node) {
				r := RequestScope{Pos: d.pos(v)}
				d.mapping(v, "request scope",
					field{"scope", func(v *yaml.Node) { r.Scope = d.str(v, "scope") }},
					field{"when", func(v *yaml.Node) { r.When = d.str(v, "when") }},
				)
				e.RequestScopes = append(e.RequestScopes, r)
			})
		}},
		field{"redact", func(v *yaml.Node) {
			e.Redact = []Redaction{}
			d.seq(v, "redact", func(v *yaml.Node) {
				r := Redaction{Pos: d.pos(v)}
				d.mapping(v, "redaction",
					field{"field", func(v *yaml.Node) { r.Field = d.str(v, "field") }},
					field{"unless", func(v *yaml.Node) { r.Unless = d.strs(v, "unless") }},
				)
				e.Redact = append(e.Redact, r)
			})
		}},
	)
	return e
}

// binding reads an entry of an endpoint's http list: "VERB /path", or
// {shared: "VERB /path"}.
func (d *decoder) binding(n *yaml.Node) Binding {
	b := Binding{Pos: d.pos(n)}
	if n.Kind != yaml.MappingNode {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			d.errorf(n, "http entry must be a string \"VERB /path\" (or {shared: \"VERB /path\"}), not %s", kindName(n))
			return b
		}
		b.Rule = d.str(n, "http entry")
		return b
	}
	b.Shared = true
	d.mapping(n, "http entry", field{"shared", func(v *yaml.Node) { b.Rule = d.str(v, "shared") }})
	return b
}

// comments fills the comments of f from the document doc and its top-level
// mapping root: the comments above the first key and above "scopegen:" are
// the file's, those above the other keys the sections', and the one that
// ends the document (after a blank line) the foot.
func (d *decoder) comments(doc, root *yaml.Node, f *File) {
	var head []string
	add := func(c string) {
		if c != "" {
			head = append(head, commentText(c))
		}
	}
	add(doc.HeadComment)
	add(root.HeadComment)
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			switch {
			case k.HeadComment == "":
			case k.Value == "scopegen":
				add(k.HeadComment)
			default:
				if f.SectionComments == nil {
					f.SectionComments = map[string]string{}
				}
				f.SectionComments[k.Value] = commentText(k.HeadComment)
			}
		}
	}
	f.Comment = strings.Join(head, "\n\n")
	f.FootComment = commentText(doc.FootComment)
}

// commentText is a comment as yaml.v3 keeps it ("# a\n# b") as text without
// the "#" and the space after it ("a\nb").
func commentText(c string) string {
	if c == "" {
		return ""
	}
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
	}
	return strings.Join(lines, "\n")
}
