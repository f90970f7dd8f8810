package spec

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lineWidth is the longest line Marshal writes a list on: a longer flow
// list ([a, b, ...]) is written as a block list, one entry per line.
const lineWidth = 100

// Marshal returns f as the canonical YAML of a spec: the inverse of Parse.
// Parse(Marshal(f)) has the values of f, and its comments, for every f that
// Parse returns; only the positions differ. The output is deterministic and
// laid out one fact per line, so that a change of the spec is a one-line
// diff:
//
//   - the keys in a fixed order: scopegen, outcomes, defaults, scopes,
//     reserved, presets, endpoints, and in each entry name (or method, or
//     operation) first, as spec/scopes.yaml writes them, an endpoint's http
//     bindings next;
//   - a blank line between top-level keys, between scopes of different
//     resources (the part of the name before ':'), and before each entry
//     that carries a comment;
//   - lists of names as flow lists ([a, b]), or as block lists when that
//     line would be longer than 100 bytes (so are an endpoint's http
//     bindings, always double-quoted, a shared one as {shared: "VERB
//     /path"}); request scopes and
//     redactions as one flow mapping per line; runs of three or more consecutive reserved
//     ids as a range FROM-TO;
//   - strings plain when YAML reads them back as the same string, else
//     double-quoted.
//
// Marshal writes what f holds: a key whose value is the zero value (an
// empty string, an Int that is not Set, false) is left out, as are a list
// that is nil and a section (defaults, reserved, ...) with nothing in it and
// no comment. A list that is empty but not nil is written as [], which
// Parse reads back as an empty list. Endpoint.Principals are written when
// HasPrincipals is set. Comments (File.Comment, SectionComments,
// FootComment, and each entry's Comment) are text without the "#", one line
// per line; Marshal writes each line as "# " and the line.
func Marshal(f *File) []byte {
	w := &writer{}
	w.comment("", f.Comment)
	if f.Format.Set {
		w.line("scopegen: " + strconv.FormatInt(f.Format.Value, 10))
	}
	if f.Outcomes != nil || f.SectionComments["outcomes"] != "" {
		w.section(f, "outcomes", len(f.Outcomes) == 0, "{}")
		for _, o := range f.Outcomes {
			w.outcome(o)
		}
	}
	if f.Kinds != nil || f.SectionComments["principals"] != "" {
		w.section(f, "principals", len(f.Kinds) == 0, "[]")
		for _, k := range f.Kinds {
			w.kind(k)
		}
	}
	if f.Principals != nil || f.SectionComments["defaults"] != "" {
		w.section(f, "defaults", f.Principals == nil, "{}")
		w.strs("  ", "principals", f.Principals)
	}
	if f.Scopes != nil || f.SectionComments["scopes"] != "" {
		w.section(f, "scopes", len(f.Scopes) == 0, "[]")
		for i, s := range f.Scopes {
			w.entry(s.Comment, i > 0 && group(s.Name.Value) != group(f.Scopes[i-1].Name.Value))
			w.scope(s)
		}
	}
	if f.Reserved.IDs != nil || f.Reserved.Names != nil || f.SectionComments["reserved"] != "" {
		w.section(f, "reserved", f.Reserved.IDs == nil && f.Reserved.Names == nil, "{}")
		if f.Reserved.IDs != nil {
			w.list("  ", "ids", idRanges(f.Reserved.IDs), false)
		}
		w.strs("  ", "names", f.Reserved.Names)
	}
	if f.Presets != nil || f.SectionComments["presets"] != "" {
		w.section(f, "presets", len(f.Presets) == 0, "[]")
		for _, p := range f.Presets {
			w.entry(p.Comment, false)
			w.preset(p)
		}
	}
	if f.Endpoints != nil || f.SectionComments["endpoints"] != "" {
		w.section(f, "endpoints", len(f.Endpoints) == 0, "[]")
		for _, e := range f.Endpoints {
			w.entry(e.Comment, false)
			w.endpoint(e)
		}
	}
	if f.FootComment != "" {
		w.blank()
		w.comment("", f.FootComment)
	}
	return w.buf.Bytes()
}

// writer accumulates the lines of a spec.
type writer struct {
	buf     bytes.Buffer
	entries int // entries written in the current section
}

func (w *writer) line(s string) {
	w.buf.WriteString(s)
	w.buf.WriteByte('\n')
}

// blank writes an empty line, unless the output is empty or already ends
// with one.
func (w *writer) blank() {
	if b := w.buf.Bytes(); len(b) > 0 && !bytes.HasSuffix(b, []byte("\n\n")) {
		w.buf.WriteByte('\n')
	}
}

// breaks are the line breaks YAML knows; a comment's text is split at each.
var breaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// comment writes text as comment lines at indent.
func (w *writer) comment(indent, text string) {
	if text == "" {
		return
	}
	for _, l := range strings.Split(breaks.Replace(text), "\n") {
		if l == "" {
			w.line(indent + "#")
		} else {
			w.line(indent + "# " + commentLine(l))
		}
	}
}

// section starts the top-level key: a blank line, its comment, and the key,
// followed by empty ({} or []) when isEmpty is set: the section has no
// content.
func (w *writer) section(f *File, key string, isEmpty bool, empty string) {
	w.blank()
	w.comment("", f.SectionComments[key])
	if isEmpty {
		w.line(key + ": " + empty)
	} else {
		w.line(key + ":")
	}
	w.entries = 0
}

// entry separates a list entry from the one before it: with a blank line
// when sep is set or the entry carries a comment, which follows.
func (w *writer) entry(comment string, sep bool) {
	if w.entries > 0 && (sep || comment != "") {
		w.blank()
	}
	w.entries++
	w.comment("  ", comment)
}

// group is the resource of a scope name: the part before ':', or the name.
func group(name string) string {
	g, _, _ := strings.Cut(name, ":")
	return g
}

// str writes "key: value" at indent, unless s is empty.
func (w *writer) str(indent, key string, s Str) {
	if s.Value != "" {
		w.line(indent + key + ": " + scalar(s.Value, false))
	}
}

func (w *writer) int(indent, key string, n Int) {
	if n.Set {
		w.line(indent + key + ": " + strconv.FormatInt(n.Value, 10))
	}
}

func (w *writer) bool(indent, key string, b Bool) {
	if b.Value {
		w.line(indent + key + ": true")
	}
}

// strs writes a list of strings under key, unless it is nil.
func (w *writer) strs(indent, key string, list []Str) {
	if list == nil {
		return
	}
	items := make([]string, len(list))
	for i, s := range list {
		items[i] = s.Value
	}
	w.list(indent, key, items, true)
}

// list writes items under key: as a flow list when it fits on the line,
// else as a block list. quoted items are strings to write as scalars; the
// others are written as they are.
func (w *writer) list(indent, key string, items []string, quoted bool) {
	flow, block := items, items
	if quoted {
		flow, block = make([]string, len(items)), make([]string, len(items))
		for i, it := range items {
			flow[i], block[i] = scalar(it, true), scalar(it, false)
		}
	}
	w.items(indent, key, flow, block)
}

// items writes a list under key: as a flow list of the entries flow when
// it fits on the line, else as a block list of the entries block (the same
// entries, written for a block list).
func (w *writer) items(indent, key string, flow, block []string) {
	n := len(indent) + len(key) + 4
	for _, it := range flow {
		n += len(it) + 2
	}
	if n <= lineWidth || len(flow) < 2 {
		w.line(indent + key + ": [" + strings.Join(flow, ", ") + "]")
		return
	}
	w.line(indent + key + ":")
	for _, it := range block {
		w.line(indent + "  - " + it)
	}
}

// flowList returns list as a flow list.
func flowList(list []Str) string {
	items := make([]string, len(list))
	for i, s := range list {
		items[i] = scalar(s.Value, true)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// maxImplicitKey is the longest mapping key, in characters, that Marshal
// writes as "key:"; YAML reads such a key only within 1024 characters of
// its start, and a longer one is written as an explicit key ("? key").
const maxImplicitKey = 1000

func (w *writer) outcome(o Outcome) {
	key := scalar(o.Role.Value, false)
	if o.Role.Value == "" {
		key = `""`
	}
	fields := !o.Code.Set && o.Status.Value == "" && o.GRPC.Value == "" && o.Message.Value == ""
	switch {
	case utf8.RuneCountInString(key) > maxImplicitKey && fields:
		w.line("  ? " + key)
		w.line("  : {}")
		return
	case utf8.RuneCountInString(key) > maxImplicitKey:
		w.line("  ? " + key)
		w.line("  :")
	case fields:
		w.line("  " + key + ": {}")
		return
	default:
		w.line("  " + key + ":")
	}
	w.int("    ", "code", o.Code)
	w.str("    ", "status", o.Status)
	w.str("    ", "grpc", o.GRPC)
	w.str("    ", "message", o.Message)
}

// item writes the fields of a list entry: the first line after "  - ", the
// others indented under it; an entry with no fields is "  - {}".
type item struct {
	w     *writer
	start int // the length of the output before the entry
}

func (w *writer) item() item { return item{w, w.buf.Len()} }

// end turns the first line of the entry into a list entry.
func (it item) end() {
	b := it.w.buf.Bytes()
	if len(b) == it.start {
		it.w.line("  - {}")
		return
	}
	b[it.start+2] = '-' // "    name: x" → "  - name: x"
}

func (w *writer) scope(s Scope) {
	it := w.item()
	const in = "    "
	w.str(in, "name", s.Name)
	w.int(in, "id", s.ID)
	w.str(in, "go_name", s.GoName)
	w.str(in, "description", s.Description)
	w.strs(in, "requires", s.Requires)
	w.deprecation(in, s.Deprecated, s.Sunset)
	w.bool(in, "grants_all", s.GrantsAll)
	it.end()
}

// deprecation writes deprecated and sunset: a date plain, as YAML writes
// one, when it is one.
func (w *writer) deprecation(in string, d Deprecation, sunset Str) {
	switch {
	case d.Set && d.Reason == "":
		w.line(in + "deprecated: true")
	case d.Set:
		w.line(in + "deprecated: " + scalar(d.Reason, false))
	}
	switch {
	case IsDate(sunset.Value):
		w.line(in + "sunset: " + sunset.Value)
	case sunset.Value != "":
		w.line(in + "sunset: " + scalar(sunset.Value, false))
	}
}

// kind writes a principal kind: its bare name when that is all it has.
func (w *writer) kind(k Kind) {
	if k.GoName.Value == "" && k.Description.Value == "" && k.Name.Value != "" {
		w.line("  - " + scalar(k.Name.Value, false))
		return
	}
	it := w.item()
	const in = "    "
	w.str(in, "name", k.Name)
	w.str(in, "go_name", k.GoName)
	w.str(in, "description", k.Description)
	it.end()
}

func (w *writer) preset(p Preset) {
	it := w.item()
	const in = "    "
	w.str(in, "name", p.Name)
	w.str(in, "description", p.Description)
	w.strs(in, "scopes", p.Scopes)
	it.end()
}

func (w *writer) endpoint(e Endpoint) {
	it := w.item()
	const in = "    "
	w.str(in, "method", e.Method)
	w.str(in, "operation", e.Operation)
	if e.HTTP != nil {
		flow, block := make([]string, len(e.HTTP)), make([]string, len(e.HTTP))
		for i, b := range e.HTTP {
			// Always quoted: "VERB /path" reads as one value, and a list does not
			// mix quoted and plain bindings.
			flow[i], block[i] = quote(b.Rule.Value), quote(b.Rule.Value)
			switch {
			case b.Shared && b.Rule.Value == "":
				flow[i], block[i] = "{}", "{}"
			case b.Shared:
				flow[i] = "{shared: " + flow[i] + "}"
				block[i] = flow[i]
			}
		}
		w.items(in, "http", flow, block)
	}
	w.str(in, "go_name", e.GoName)
	w.str(in, "description", e.Description)
	w.deprecation(in, e.Deprecated, e.Sunset)
	w.bool(in, "public", e.Public)
	if e.HasPrincipals {
		if e.Principals == nil {
			e.Principals = []Str{}
		}
		w.strs(in, "principals", e.Principals)
	}
	w.strs(in, "requires", e.Requires)
	if e.AnyOf != nil {
		w.flowEntries(in, "any_of", len(e.AnyOf), func(i int) []string {
			a := e.AnyOf[i]
			var kv []string
			if a.Requires != nil {
				kv = append(kv, "requires: "+flowList(a.Requires))
			}
			if a.HasPrincipals {
				kv = append(kv, "principals: "+flowList(a.Principals))
			}
			return kv
		})
	}
	if e.RequestScopes != nil {
		w.flowEntries(in, "request_scopes", len(e.RequestScopes), func(i int) []string {
			r := e.RequestScopes[i]
			var kv []string
			if r.Scope.Value != "" {
				kv = append(kv, "scope: "+scalar(r.Scope.Value, true))
			}
			if r.When.Value != "" {
				kv = append(kv, "when: "+scalar(r.When.Value, true))
			}
			return kv
		})
	}
	if e.Redact != nil {
		w.flowEntries(in, "redact", len(e.Redact), func(i int) []string {
			r := e.Redact[i]
			var kv []string
			if r.Field.Value != "" {
				kv = append(kv, "field: "+scalar(r.Field.Value, true))
			}
			if r.Unless != nil {
				kv = append(kv, "unless: "+flowList(r.Unless))
			}
			return kv
		})
	}
	it.end()
}

// flowEntries writes a list of n mappings under key, each as a flow mapping
// on a line of its own.
func (w *writer) flowEntries(indent, key string, n int, entry func(i int) []string) {
	if n == 0 {
		w.line(indent + key + ": []")
		return
	}
	w.line(indent + key + ":")
	for i := range n {
		w.line(indent + "  - {" + strings.Join(entry(i), ", ") + "}")
	}
}

// idRanges writes reserved ids, compactly: a run of three or more
// consecutive ids as FROM-TO, which Parse reads as every id of the run. Runs
// are not formed where Parse would refuse the range (ids out of 1 to
// MaxReservedID, or more than MaxReservedID ids in all).
func idRanges(ids []Int) []string {
	out := []string{}
	compact := len(ids) <= MaxReservedID
	for i := 0; i < len(ids); {
		j := i
		for compact && j+1 < len(ids) && ids[j+1].Value == ids[j].Value+1 {
			j++
		}
		if j-i >= 2 && ids[i].Value >= 1 && ids[j].Value <= MaxReservedID {
			out = append(out, strconv.FormatInt(ids[i].Value, 10)+"-"+strconv.FormatInt(ids[j].Value, 10))
			i = j + 1
			continue
		}
		out = append(out, strconv.FormatInt(ids[i].Value, 10))
		i++
	}
	return out
}
