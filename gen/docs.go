package gen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// Docs renders a Markdown reference of m: its scopes with ids, descriptions,
// prerequisites and presets; each endpoint's principals, required,
// request-dependent and redacted fields; which endpoints each scope opens;
// the outcomes and the reserved ids and names. source names the spec in the
// header. The same model always gives the same bytes, and each scope,
// preset and endpoint is one table row, so a spec change is a small diff.
func Docs(m *model.Model, source string) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("<!-- %s -->\n<!-- Source: %s. Edit the spec and run go generate. -->\n\n", Header, source)
	w("# Scopes reference\n\n")
	w("The scopes of `%s`: %s, %s and %s.\n\n", source,
		count(len(m.Scopes), "scope"), count(len(m.Presets), "preset"), count(len(m.Endpoints), "endpoint"))
	w("- [Scopes](#scopes)\n- [Presets](#presets)\n- [Endpoints](#endpoints)\n- [Scopes to endpoints](#scopes-to-endpoints)\n- [Outcomes](#outcomes)\n- [Reserved](#reserved)\n")

	presetsOf := map[*model.Scope][]string{}
	for _, p := range m.Presets {
		for _, s := range p.Scopes {
			presetsOf[s] = append(presetsOf[s], p.Name)
		}
	}
	w("\n## Scopes\n\nBy id. A key that holds a scope must also hold its prerequisites (listed\ntransitively); they are checked when the key is made.\n\n")
	w("| Scope | ID | Description | Prerequisites | Presets |\n|---|---:|---|---|---|\n")
	for _, s := range m.Scopes {
		desc := cell(s.Description)
		if s.GrantsAll {
			desc += " **Grants every scope, present and future.**"
		}
		if s.Deprecated {
			desc += " **Deprecated**"
			if s.DeprecationReason != "" {
				desc += ": " + cell(s.DeprecationReason)
			}
			desc += "."
		}
		w("| `%s` | %d | %s | %s | %s |\n", s.Name, s.ID, desc, codes(model.Names(s.Closure)), strings.Join(presetsOf[s], ", "))
	}

	w("\n## Presets\n\n")
	if len(m.Presets) == 0 {
		w("None.\n")
	} else {
		w("| Preset | Scopes | Description |\n|---|---|---|\n")
		for _, p := range m.Presets {
			w("| `%s` | %s | %s |\n", p.Name, codes(model.Names(p.Scopes)), cell(p.Description))
		}
	}

	w("\n## Endpoints\n\nIn spec order. A key restricted to endpoints may call only those, and still needs\nthe op scopes each one requires. Request-dependent scopes are checked by the\nhandler for some requests only; a redacted field is removed from the response\nunless the key holds every scope listed.\n\n")
	if slices.ContainsFunc(m.Endpoints, func(e *model.Endpoint) bool { return len(e.Alternatives) > 1 }) {
		w("An endpoint that requires any one of several alternatives accepts a key that\nholds every scope of one of them, if the key's kind is one that alternative\nlists (in parentheses when it lists fewer than the endpoint accepts).\n\n")
	}
	if slices.ContainsFunc(m.Endpoints, func(e *model.Endpoint) bool { return len(e.HTTP) > 0 }) {
		w("An endpoint's HTTP bindings follow its name. A request that the bindings of\nseveral endpoints match alike (shared) is allowed only when every one of them\nallows it.\n\n")
	}
	w("| Endpoint | Principals | Requires | Request-dependent | Redacted | Notes |\n|---|---|---|---|---|---|\n")
	for _, e := range m.Endpoints {
		principals, requires := strings.Join(m.KindNames(e.Principals), ", "), codes(model.Names(e.Requires))
		switch {
		case e.Public:
			principals, requires = "public: no credentials needed", ""
		case len(e.Alternatives) > 1:
			requires = alternativesCell(m, e)
		case requires == "":
			requires = "no op scope"
		}
		var request, redacted []string
		for _, r := range e.RequestScopes {
			request = append(request, fmt.Sprintf("`%s` when %s", r.Scope.Name, cell(r.When)))
		}
		for _, r := range e.Redactions {
			redacted = append(redacted, fmt.Sprintf("`%s` unless %s", r.Field, codes(model.Names(r.Unless))))
		}
		w("| %s | %s | %s | %s | %s | %s |\n", endpointCell(e), principals, requires,
			strings.Join(request, "; "), strings.Join(redacted, "; "), cell(e.Description))
	}

	w("\n## Scopes to endpoints\n\nFor each scope, the endpoints that require it, that check it for some requests,\nand whose redacted fields it helps reveal.\n\n")
	w("| Scope | Required by | Checked for some requests by | Reveals |\n|---|---|---|---|\n")
	for _, s := range m.Scopes {
		if s.GrantsAll {
			w("| `%s` | every endpoint: it grants every scope |  |  |\n", s.Name)
			continue
		}
		var required, request, reveals []string
		for _, u := range reference.Uses(m, s) {
			switch u.Kind {
			case reference.UseRequired:
				required = append(required, "`"+u.Endpoint.Name+"`")
			case reference.UseAlternative:
				required = append(required, "`"+u.Endpoint.Name+"` (an alternative)")
			case reference.UseRequest:
				request = append(request, u.Endpoint.Name)
			case reference.UseRedaction:
				reveals = append(reveals, fmt.Sprintf("`%s` of `%s`", u.Field, u.Endpoint.Name))
			}
		}
		if len(required)+len(request)+len(reveals) == 0 {
			w("| `%s` | no endpoint |  |  |\n", s.Name)
			continue
		}
		w("| `%s` | %s | %s | %s |\n", s.Name, strings.Join(required, ", "), codes(request), strings.Join(reveals, ", "))
	}

	w("\n## Outcomes\n\nWhat a refused call returns.\n\n| Outcome | Code | Status | gRPC | Message |\n|---|---:|---|---|---|\n")
	for _, o := range m.Outcomes {
		w("| %s | %d | `%s` | `%s` (%d) | %s |\n", o.Role, o.Code, o.Status, o.GRPCName, o.GRPCCode, cell(o.Message))
	}

	w("\n## Reserved\n\nRetired ids and names: no scope may take them again.\n\n")
	// Runs of three or more ids are written FROM-TO, as a range in the
	// spec's reserved.ids is (protobuf's reserved 100 to max).
	var ids []string
	for i := 0; i < len(m.Reserved.IDs); {
		j := i
		for j+1 < len(m.Reserved.IDs) && m.Reserved.IDs[j+1] == m.Reserved.IDs[j]+1 {
			j++
		}
		if j-i >= 2 {
			ids = append(ids, strconv.Itoa(m.Reserved.IDs[i])+"-"+strconv.Itoa(m.Reserved.IDs[j]))
			i = j + 1
			continue
		}
		ids = append(ids, strconv.Itoa(m.Reserved.IDs[i]))
		i++
	}
	w("- Ids: %s\n- Names: %s\n", orNone(strings.Join(ids, ", ")), orNone(codes(m.Reserved.Names)))
	return []byte(b.String())
}

// alternativesCell lists the alternatives of e, one a line: its scopes, and
// its kinds of key when they are fewer than e accepts.
func alternativesCell(m *model.Model, e *model.Endpoint) string {
	out := "any one of:"
	for _, a := range e.Alternatives {
		scopes := codes(model.Names(a.Requires))
		if scopes == "" {
			scopes = "no op scope"
		}
		out += "<br>" + scopes
		if a.Principals != e.Principals {
			out += " (" + strings.Join(m.KindNames(a.Principals), ", ") + ")"
		}
	}
	return out
}

// endpointCell is an endpoint's name and its HTTP bindings, one a line, a
// shared one with the other endpoints that share it.
func endpointCell(e *model.Endpoint) string {
	out := "`" + e.Name + "`"
	for _, b := range e.HTTP {
		out += "<br>`" + cell(b.String()) + "`"
		if len(b.Shared) > 0 {
			names := make([]string, len(b.Shared))
			for i, o := range b.Shared {
				names[i] = o.Name
			}
			out += " (shared with " + codes(names) + ")"
		}
	}
	return out
}

// codes renders names as a comma-separated list of code spans.
func codes(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return strings.Join(out, ", ")
}

// cell makes text safe inside a Markdown table cell: one line, pipes escaped.
func cell(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	return strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;").Replace(text)
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
