package gen

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
)

// endpointTables prints the tables with one entry per endpoint
// (endpointTable, endpointMethods and endpointFastTable) as text that is
// already gofmt'ed, to be appended to the formatted endpoints.go. These tables
// are most of a large spec's output, and go/format is most of the time it
// takes to generate: printing them directly keeps a 10,000-endpoint spec's
// generation well under a second. Entries are positional, one per line in
// spec order, each after a comment naming its endpoint: a layout gofmt leaves
// as it is (keyed entries would need gofmt's column alignment). The gen tests
// check that gofmt leaves the output unchanged.
func (g *generator) endpointTables() []byte {
	m := g.m
	var b bytes.Buffer
	b.WriteString("\n// endpointTable is indexed by Endpoint; entry 0 is no endpoint.\n")
	b.WriteString("var endpointTable = [NumEndpoints + 1]endpointInfo{\n\t{},\n")
	for _, e := range m.Endpoints {
		var fields []string
		if e.Public {
			fields = append(fields, "public: true")
		} else {
			fields = append(fields, "principals: "+g.principalText(e.Principals))
		}
		if len(e.Requires) > 0 {
			fields = append(fields, "required: "+masksText(e.Requires))
		}
		if len(e.Alternatives) > 1 {
			alts := make([]string, len(e.Alternatives))
			for i, a := range e.Alternatives {
				alts[i] = "{" + g.principalText(a.Principals) + ", " + masksText(a.Requires) + "}"
			}
			fields = append(fields, "alternatives: []alternative{"+strings.Join(alts, ", ")+"}")
		}
		if len(e.RequestScopes) > 0 {
			names := make([]string, len(e.RequestScopes))
			for i, r := range e.RequestScopes {
				names[i] = r.Scope.GoName
			}
			fields = append(fields, "requestScopes: []Scope{"+strings.Join(names, ", ")+"}")
		}
		if len(e.Redactions) > 0 {
			rs := make([]string, len(e.Redactions))
			for i, r := range e.Redactions {
				rs[i] = "{" + strconv.Quote(r.Field) + ", " + masksText(r.Unless) + "}"
			}
			fields = append(fields, "redactions: []redaction{"+strings.Join(rs, ", ")+"}")
		}
		fmt.Fprintf(&b, "\t// %s\n\t{%s},\n", e.GoName, strings.Join(fields, ", "))
	}
	b.WriteString("}\n")

	b.WriteString("\n// endpointMethods holds each endpoint's name (its full method name, or an\n// HTTP-only endpoint's operation name), indexed by Endpoint.\n")
	b.WriteString("var endpointMethods = [NumEndpoints + 1]string{\n\t\"\",\n")
	for _, e := range m.Endpoints {
		fmt.Fprintf(&b, "\t%s,\n", strconv.Quote(e.Name))
	}
	b.WriteString("}\n")

	b.WriteString("\n// endpointFastTable is indexed by Endpoint; entry 0 is no endpoint.\n")
	b.WriteString("var endpointFastTable = [NumEndpoints + 1]endpointFast{\n\t{},\n")
	for _, e := range m.Endpoints {
		words := sparse(e.Requires)
		slow := e.Public || len(e.Redactions) > 0 || len(words) > 1 || len(e.Alternatives) > 1
		word, mask := 0, uint64(0)
		if len(words) == 1 {
			word, mask = words[0].word, words[0].mask
		}
		principals := g.principalText(e.Principals)
		if slow {
			principals = "0"
		}
		fmt.Fprintf(&b, "\t// %s\n\t{%s, %d, %s},\n", e.GoName, hexText(mask), word, principals)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// hexText renders v as a Go literal: 0, or hexadecimal.
func hexText(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("0x%x", v)
}

// masksText renders the sparse form of a set of scopes: one {word, mask} pair
// per non-zero word, so that a check touches only the words it needs.
func masksText(scopes []*model.Scope) string {
	var b strings.Builder
	b.WriteString("[]wordMask{")
	for i, w := range sparse(scopes) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{%d, %s}", w.word, hexText(w.mask))
	}
	b.WriteString("}")
	return b.String()
}

// principalText renders a set of principal kinds: AppKey | PersonalAccessToken,
// or 0.
func (g *generator) principalText(p model.Principal) string {
	var names []string
	for _, k := range g.m.Kinds {
		if p&k.Bit != 0 {
			names = append(names, k.GoName)
		}
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, " | ")
}

// wordMask is one non-zero word of a scope bitset.
type wordMask struct {
	word int
	mask uint64
}

// sparse returns the non-zero words of the bitset of scopes, in word order.
func sparse(scopes []*model.Scope) []wordMask {
	byWord := map[int]uint64{}
	var order []int
	for _, s := range scopes {
		w := s.ID / 64
		if _, ok := byWord[w]; !ok {
			order = append(order, w)
		}
		byWord[w] |= 1 << (s.ID % 64)
	}
	sort.Ints(order)
	out := make([]wordMask, len(order))
	for i, w := range order {
		out[i] = wordMask{w, byWord[w]}
	}
	return out
}
