// Package explain decides one call under the rules of a spec and says why,
// and checks a would-be key; it is what scopegen explain and scopegen grant
// print. The decision is package reference's, the plain implementation of
// the rules that the generated checker is tested against; this package adds
// the reasons in words, which side of a collaborator lacks a scope, and
// fail-closed handling of names the spec does not define.
//
// The JSON shapes (Explanation, GrantReport, Grant) are a public contract
// of the command: their field names do not change. Messages about unknown
// names name the command's flags (-scopes, -endpoints, -kind, ...).
package explain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/spec"
)

// NoCredentials is the Kind of a call made without credentials.
const NoCredentials = "none"

// InvalidGrant is the reason of a call refused because its grant names a
// scope, endpoint or kind the spec does not define, or contradicts itself:
// it is refused outright, as the server refuses a corrupt key, with the
// spec's key_invalid outcome. The other reasons are package reference's.
const InvalidGrant reference.Reason = "invalid_grant"

// Call is a call to decide: its method, and the grant that makes it, by
// the names the spec uses.
type Call struct {
	Method string // a full gRPC method name, e.g. /clarifai.api.V2/ListInputs
	// Kind is the kind of key: app_key, pat, several joined by |, or
	// NoCredentials for a call without credentials.
	Kind      string
	Scopes    []string // the op scopes the key holds
	Endpoints []string // the only endpoints the key may call; none: not restricted
	// Collaborator makes the call a collaborator's: it is decided on what
	// both the key and the invite allow.
	Collaborator    bool
	InviteScopes    []string // the op scopes of the invite
	InviteEndpoints []string // the only endpoints the invite allows; none: not restricted
	// Request is a request-dependent scope of Method that the handler checks
	// for this request, or "" for a request that needs none.
	Request string
}

// Explanation is a decision with its reasons; it is what scopegen explain
// -json prints, and Text what it prints otherwise.
type Explanation struct {
	Method     string      `json:"method"`
	Allowed    bool        `json:"allowed"`
	Code       int         `json:"code"`        // the outcome's code; 0 when allowed
	Status     string      `json:"status"`      // the outcome's status; "OK" when allowed
	GRPCCode   int         `json:"grpc_code"`   // 0 when allowed
	GRPCStatus string      `json:"grpc_status"` // e.g. "PERMISSION_DENIED"; "OK" when allowed
	Reason     string      `json:"reason"`      // a reference.Reason, or InvalidGrant
	Missing    []string    `json:"missing"`     // required op scopes the grant lacks, by id
	Required   []HeldScope `json:"required"`    // every op scope the endpoint requires: those of every alternative
	// Alternatives are the endpoint's ways to be allowed (any one
	// suffices), each with what the grant lacks of it; one for an endpoint
	// that lists requires, none for a public one or an unknown method.
	Alternatives     []Alternative       `json:"alternatives"`
	RequestDependent []RequestScope      `json:"request_dependent"`
	Redacted         []string            `json:"redacted"` // response fields removed (allowed calls only)
	Reveal           map[string][]string `json:"reveal"`   // redacted field → the scopes that would reveal it
	Collaborator     bool                `json:"collaborator"`
	Grant            Grant               `json:"grant"` // the effective grant the call was decided on
	Message          string              `json:"message"`
	// HTTP is the HTTP request decided (ExplainHTTP), and the endpoints it
	// reached; nil, and left out of the JSON, for a call of a method.
	HTTP *HTTPRequest `json:"http,omitempty"`

	lines []string // the explanation for text output, after the first line
}

// Alternative is one way to be allowed to call the endpoint: a key of one
// of Principals holding every scope of Scopes; Missing are those the grant
// lacks. Usable is whether the grant's kind may use it (false for a call
// without credentials); Chosen marks the alternative the decision is
// about: the first the grant satisfies when allowed, else the closest (the
// one Missing of the explanation comes from: fewest scopes missing, the
// first on a tie, among those the grant's kind may use, or among all of
// them when the endpoint accepts no kind the grant has).
type Alternative struct {
	Scopes     []string `json:"scopes"`
	Principals []string `json:"principals"`
	Missing    []string `json:"missing"`
	Usable     bool     `json:"usable"`
	Chosen     bool     `json:"chosen"`
}

// HeldScope is a scope the endpoint requires and whether the grant holds it.
type HeldScope struct {
	Scope string `json:"scope"`
	Held  bool   `json:"held"`
}

// RequestScope is a scope the handler checks for some requests only, and
// whether the grant holds it.
type RequestScope struct {
	Scope string `json:"scope"`
	When  string `json:"when"`
	Held  bool   `json:"held"`
}

func (x *Explanation) line(label, format string, args ...any) {
	x.lines = append(x.lines, fmt.Sprintf("  %-10s %s", label, fmt.Sprintf(format, args...)))
}

func (x *Explanation) deny(o *model.Outcome) {
	x.Allowed = false
	x.Code, x.Status, x.GRPCCode, x.GRPCStatus = o.Code, o.Status, o.GRPCCode, o.GRPCName
}

// Text is the explanation as scopegen explain prints it: a first line,
// ALLOWED or DENIED with the outcome, then one line per reason, each ending
// in a newline.
func (x *Explanation) Text() string {
	var b strings.Builder
	b.WriteString(x.headline())
	b.WriteByte('\n')
	for _, l := range x.lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// headline is the first line of the text output.
func (x *Explanation) headline() string {
	if x.Allowed {
		return "ALLOWED"
	}
	return fmt.Sprintf("DENIED %d %s (%s)", x.Code, x.Status, x.GRPCStatus)
}

// CheckRequest reports a Call.Request (-request) that names no scope of
// the spec; the command calls it a usage error. A scope that the handler of
// the method does not check is fine: such a request needs nothing more, as
// in scopegen diff, whose witnesses name the same request on both specs even
// when only OLD checks it.
func CheckRequest(m *model.Model, scope string) error {
	if m.Scope(scope) == nil {
		return fmt.Errorf("-request %s: the spec has no such scope%s", scope, spec.DidYouMean(scope, m.ScopeNames()))
	}
	return nil
}

// requestDenial says why a call that is a request needing request-dependent
// scope name (-request) is refused with reason
// reference.MissingRequestScope: caller lacks it, and the handler of e checks
// it for this request.
func requestDenial(m *model.Model, e *model.Endpoint, g reference.Grant, name, caller string) string {
	r, _ := reference.LackedRequestScope(m, e, g, name)
	return fmt.Sprintf("%s lacks %s, which the handler of %s checks for this request (when %s)", caller, name, e.Name, r.When)
}

// Explain decides call c under the rules of m and says why. A grant that
// names what m does not define is denied as InvalidGrant, and an unknown
// method as reference.UnknownEndpoint; Explain does not fail.
func Explain(m *model.Model, c Call) *Explanation {
	method, collaborator := c.Method, c.Collaborator
	x := &Explanation{
		Method:           method,
		Status:           "OK",
		GRPCStatus:       "OK",
		Missing:          []string{},
		Required:         []HeldScope{},
		Alternatives:     []Alternative{},
		RequestDependent: []RequestScope{},
		Redacted:         []string{},
		Reveal:           map[string][]string{},
		Collaborator:     collaborator,
	}
	x.line("method", "%s", printable(method))

	keyScopes, keyEndpoints := c.Scopes, c.Endpoints
	invScopes, invEndpoints := c.InviteScopes, c.InviteEndpoints
	if strings.TrimSpace(c.Kind) == NoCredentials {
		return explainNoCredentials(m, x, method, len(keyScopes)+len(keyEndpoints) > 0 || collaborator, c.Request)
	}
	kinds, kindProblem := parseKind(m, c.Kind)
	var problems []string
	if kindProblem != "" {
		problems = append(problems, kindProblem)
	}
	problems = append(problems, unknownNames(m, keyScopes, keyEndpoints, "-scopes", "-endpoints")...)
	if collaborator {
		problems = append(problems, unknownNames(m, invScopes, invEndpoints, "-invite-scopes", "-invite-endpoints")...)
	}
	var key, invite reference.Grant
	if len(problems) == 0 {
		var err1, err2 error
		key, err1 = reference.NewGrant(m, kinds, keyScopes, keyEndpoints)
		invite, err2 = reference.NewGrant(m, m.AllKinds(), invScopes, invEndpoints)
		for _, err := range []error{err1, err2} {
			if err != nil { // not expected after the checks above; fail closed anyway
				problems = append(problems, err.Error())
			}
		}
	}
	e := m.Endpoint(method)
	if len(problems) > 0 {
		// Fail closed: a key that names what the spec does not define is
		// refused outright, as the server refuses a corrupt key.
		x.deny(m.Outcome(model.KeyInvalid))
		x.Reason = string(InvalidGrant)
		x.Grant = Grant{Kind: kindString(m, kinds), Scopes: []string{}, Restricted: true, Endpoints: []string{}}
		x.Message = "invalid key: " + strings.Join(problems, "; ")
		if e == nil {
			x.Message += fmt.Sprintf("; also, unknown method %q%s", method, suggestMethod(m, method))
		}
		if len(problems) == 1 && e != nil {
			x.line("reason", "%s: %s", InvalidGrant, x.Message)
		} else {
			x.line("reason", "%s: the key is invalid", InvalidGrant)
			for _, p := range problems {
				x.line("invalid", "%s", p)
			}
			if e == nil {
				x.line("unknown", "method %q%s", method, suggestMethod(m, method))
			}
		}
		x.line("grant", "none: a key that names what the spec does not define is refused outright")
		return x
	}
	g := key
	if collaborator {
		g = reference.Intersect(m, key, invite)
	}
	x.Grant = grantOf(m, g)
	d := reference.DecideRequest(m, g, method, c.Request)
	x.Allowed, x.Reason = d.Allowed, string(d.Reason)
	x.Missing = nonNil(d.Missing)
	x.Redacted = nonNil(d.Redacted)
	if !d.Allowed {
		x.deny(m.Outcome(d.Outcome))
	}

	// who says, for a collaborator, which side lacks scope s.
	who := func(s *model.Scope) string {
		if !collaborator {
			return ""
		}
		k, i := reference.Has(m, key, s), reference.Has(m, invite, s)
		switch {
		case !k && !i:
			return " (neither the key nor the invite holds it)"
		case !k:
			return " (the key lacks it)"
		case !i:
			return " (the invite lacks it)"
		}
		return ""
	}
	held := func(s *model.Scope) string {
		switch {
		case g.Scopes[s.Name]:
			return "held"
		case reference.Has(m, g, s):
			return "held (through " + m.AllScope.Name + ")"
		}
		return "missing" + who(s)
	}

	if e == nil {
		x.Message = fmt.Sprintf("unknown method %q%s", method, suggestMethod(m, method))
		x.line("reason", "unknown_endpoint: %s", x.Message)
		x.grantLines(m, key, invite, g)
		return x
	}

	for _, s := range e.Requires {
		x.Required = append(x.Required, HeldScope{s.Name, reference.Has(m, g, s)})
	}
	x.Alternatives = alternatives(m, e, g, x.Reason)
	for _, r := range e.RequestScopes {
		x.RequestDependent = append(x.RequestDependent, RequestScope{r.Scope.Name, r.When, reference.Has(m, g, r.Scope)})
	}
	for _, r := range e.Redactions {
		if !slices.Contains(x.Redacted, r.Field) {
			continue
		}
		var need []string
		for _, s := range r.Unless {
			if !reference.Has(m, g, s) {
				need = append(need, s.Name)
			}
		}
		x.Reveal[r.Field] = need
	}

	x.Message = x.message(m, e, g, key, invite, who)
	x.line("reason", "%s: %s", x.Reason, x.Message)

	// Principal.
	switch {
	case e.Public:
		x.line("principal", "none needed: the endpoint is public")
	case g.Kinds&e.Principals != 0:
		x.line("principal", "%s: accepted (the endpoint accepts %s)", x.Grant.Kind, strings.Join(m.KindNames(e.Principals), ", "))
	default:
		x.line("principal", "%s: not accepted (the endpoint accepts only %s)", x.Grant.Kind, strings.Join(m.KindNames(e.Principals), ", "))
	}

	// Endpoint restriction.
	switch {
	case e.Public:
	case !g.Restricted:
		x.line("endpoints", "any: the key is not restricted to endpoints")
	case len(g.Endpoints) == 0:
		x.line("endpoints", "none: the key and the invite have no endpoint in common")
	case g.Endpoints[method]:
		x.line("endpoints", "restricted to %s, including this one", plural(len(g.Endpoints), "endpoint"))
	default:
		x.line("endpoints", "restricted to %s, not this one: %s", plural(len(g.Endpoints), "endpoint"), someOf(reference.EndpointList(m, g), 5))
	}

	// Scopes.
	switch {
	case len(e.Alternatives) > 1:
		x.line("requires", "any one of %d alternatives", len(e.Alternatives))
		for i, a := range e.Alternatives {
			x.line(fmt.Sprintf("any_of %d", i+1), "%s", x.alternativeLine(m, a, x.Alternatives[i], held))
		}
	case len(e.Requires) == 0 && !e.Public:
		x.line("requires", "no op scope")
	}
	for _, s := range e.Requires {
		if len(e.Alternatives) <= 1 {
			x.line("requires", "%s: %s", s.Name, held(s))
		}
	}
	for _, r := range e.RequestScopes {
		h := "not held: such requests are refused"
		if reference.Has(m, g, r.Scope) {
			h = "held"
		}
		x.line("request", "%s, when %s: %s", r.Scope.Name, r.When, h)
	}

	// HTTP bindings: a shared one's requests need every endpoint's allowance.
	for _, b := range e.HTTP {
		if len(b.Shared) == 0 {
			x.line("http", "%s", b.String())
			continue
		}
		names := make([]string, len(b.Shared))
		for i, o := range b.Shared {
			names[i] = o.Name
		}
		verb := "allows"
		if len(names) > 1 {
			verb = "allow"
		}
		x.line("http", "%s: shared with %s, so such a request is allowed only when %s %s it too (fail closed)",
			b.String(), strings.Join(names, ", "), strings.Join(names, " and "), verb)
	}

	// Redactions, for calls that go through.
	if x.Allowed {
		for _, r := range e.Redactions {
			if need, ok := x.Reveal[r.Field]; ok {
				x.line("redacted", "%s: removed from the response; %s would reveal it", r.Field, strings.Join(need, " and "))
			} else {
				x.line("visible", "%s: %s held", r.Field, strings.Join(model.Names(r.Unless), " and "))
			}
		}
	}
	x.grantLines(m, key, invite, g)
	return x
}

// explainNoCredentials decides a call of method made without credentials
// (-kind none): only a public endpoint lets it through. With a key's scopes
// or endpoints, or an invite, the flags contradict each other, and the call
// is refused as an invalid key is.
func explainNoCredentials(m *model.Model, x *Explanation, method string, keyGiven bool, request string) *Explanation {
	x.Grant = Grant{Kind: NoCredentials, Scopes: []string{}, Endpoints: []string{}}
	e := m.Endpoint(method)
	if keyGiven {
		x.deny(m.Outcome(model.KeyInvalid))
		x.Reason = string(InvalidGrant)
		x.Grant.Restricted = true
		x.Message = "invalid key: -kind none means a call without credentials, which holds no scopes and no endpoints and is no collaborator; drop -scopes, -endpoints, -invite-scopes and -invite-endpoints, or give -kind app_key or pat"
		x.line("reason", "%s: %s", InvalidGrant, x.Message)
		return x
	}
	d := reference.DecideRequest(m, reference.Grant{}, method, request)
	x.Allowed, x.Reason = d.Allowed, string(d.Reason)
	x.Missing, x.Redacted = nonNil(d.Missing), nonNil(d.Redacted)
	if !d.Allowed {
		x.deny(m.Outcome(d.Outcome))
	}
	switch {
	case e == nil:
		x.Message = fmt.Sprintf("unknown method %q%s", method, suggestMethod(m, method))
	case d.Reason == reference.MissingRequestScope:
		x.Message = requestDenial(m, e, reference.Grant{}, request, "the call")
	case d.Allowed:
		x.Message = fmt.Sprintf("%s is public: anyone may call it, with or without a key", e.Name)
		if len(x.Redacted) > 0 {
			x.Message += "; the response omits " + strings.Join(x.Redacted, ", ")
		}
	default:
		x.Message = fmt.Sprintf("%s is not public: a call needs %s, and this one carries no credentials", e.Name, reference.KeyOf(m, e.Principals))
	}
	x.line("reason", "%s: %s", x.Reason, x.Message)
	if e != nil {
		for _, s := range e.Requires {
			x.Required = append(x.Required, HeldScope{s.Name, false})
		}
		x.Alternatives = alternatives(m, e, reference.Grant{}, x.Reason)
		for _, r := range e.RequestScopes {
			x.RequestDependent = append(x.RequestDependent, RequestScope{r.Scope.Name, r.When, false})
		}
		for _, r := range e.Redactions {
			if slices.Contains(x.Redacted, r.Field) {
				x.Reveal[r.Field] = nonNil(model.Names(r.Unless))
				x.line("redacted", "%s: removed from the response; a key holding %s would reveal it", r.Field, strings.Join(model.Names(r.Unless), " and "))
			}
		}
	}
	x.line("grant", "none: the call carries no credentials")
	return x
}

// message is the decision in one sentence.
// who annotates a missing scope with the side that lacks it.
func (x *Explanation) message(m *model.Model, e *model.Endpoint, g, key, invite reference.Grant, who func(*model.Scope) string) string {
	caller := "the key"
	if x.Collaborator {
		caller = "the collaborator"
	}
	switch reference.Reason(x.Reason) {
	case reference.Public:
		return fmt.Sprintf("%s is public: anyone may call it, with or without a key", e.Name)
	case reference.Allowed:
		msg := fmt.Sprintf("%s (%s) may call %s", caller, x.Grant.Kind, e.Name)
		if len(x.Redacted) > 0 {
			msg += "; the response omits " + strings.Join(x.Redacted, ", ")
		}
		return msg
	case reference.PrincipalNotAllowed:
		return fmt.Sprintf("%s does not accept %s keys; it accepts only %s", e.Name, x.Grant.Kind, strings.Join(m.KindNames(e.Principals), ", "))
	case reference.EndpointNotGranted:
		if !x.Collaborator {
			return fmt.Sprintf("the key may call only %s, not %s", someOf(reference.EndpointList(m, g), 3), e.Name)
		}
		var outside []string
		if key.Restricted && !key.Endpoints[e.Name] {
			outside = append(outside, "the key")
		}
		if invite.Restricted && !invite.Endpoints[e.Name] {
			outside = append(outside, "the invite")
		}
		if len(g.Endpoints) == 0 {
			return fmt.Sprintf("the key and the invite have no endpoint in common, so the collaborator may call none (%s does not allow %s)", strings.Join(outside, " and "), e.Name)
		}
		return fmt.Sprintf("%s does not allow %s", strings.Join(outside, " and "), e.Name)
	case reference.MissingRequestScope:
		return requestDenial(m, e, g, x.Missing[0], caller)
	case reference.MissingScopes:
		parts := make([]string, len(x.Missing))
		for i, name := range x.Missing {
			parts[i] = name + who(m.Scope(name))
		}
		if len(e.Alternatives) > 1 {
			closest := slices.IndexFunc(x.Alternatives, func(a Alternative) bool { return a.Chosen })
			return fmt.Sprintf("%s lacks %s, which alternative %d of %s requires, the closest of %d (any one suffices)", caller, strings.Join(parts, ", "), closest+1, e.Name, len(e.Alternatives))
		}
		return fmt.Sprintf("%s lacks %s, which %s requires", caller, strings.Join(parts, ", "), e.Name)
	}
	return x.Reason
}

// grantLines describes the grant the call was decided on.
func (x *Explanation) grantLines(m *model.Model, key, invite, g reference.Grant) {
	if !x.Collaborator {
		x.line("grant", "%s", x.Grant.describe(m))
		return
	}
	x.line("key", "%s", grantOf(m, key).describe(m))
	x.line("invite", "%s", grantOf(m, invite).describe(m))
	x.line("effective", "%s (what both allow)", x.Grant.describe(m))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// someOf lists at most n of items, saying how many more there are.
func someOf(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// printable is s, quoted if it holds characters that would garble a line.
func printable(s string) string {
	if q := strconv.Quote(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}

// alternatives lists the alternatives of e with what grant g lacks of each,
// and marks the one the decision (of reason) is about, as reference.Decide
// picks it: among those g's kind may use (all of them when g has no
// credentials or e accepts none of its kinds), the first g satisfies, else
// the first of those that lack the fewest scopes.
func alternatives(m *model.Model, e *model.Endpoint, g reference.Grant, reason string) []Alternative {
	out := make([]Alternative, len(e.Alternatives))
	usable := g.Kinds
	if g.Scopes == nil || reason == string(reference.PrincipalNotAllowed) {
		usable = m.AllKinds()
	}
	chosen := -1
	for i, a := range e.Alternatives {
		var missing []string
		for _, s := range a.Requires {
			if !reference.Has(m, g, s) {
				missing = append(missing, s.Name)
			}
		}
		out[i] = Alternative{Scopes: nonNil(model.Names(a.Requires)), Principals: nonNil(m.KindNames(a.Principals)),
			Missing: nonNil(missing), Usable: g.Scopes != nil && a.Principals&g.Kinds != 0}
		if a.Principals&usable != 0 && (chosen < 0 || len(missing) < len(out[chosen].Missing)) {
			chosen = i
		}
	}
	if chosen >= 0 {
		out[chosen].Chosen = true
	}
	return out
}

// alternativeLine describes alternative a of an endpoint, as x explains it
// (ax), for text output: its kinds and scopes, each held or missing.
func (x *Explanation) alternativeLine(m *model.Model, a model.Alternative, ax Alternative, held func(*model.Scope) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", strings.Join(ax.Principals, ", "))
	if len(a.Requires) == 0 {
		b.WriteString("no op scope")
	}
	for i, s := range a.Requires {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", s.Name, held(s))
	}
	switch {
	case !ax.Usable:
		fmt.Fprintf(&b, "; not for %s keys", x.Grant.Kind)
	case len(ax.Missing) == 0:
		b.WriteString("; held in full")
	case ax.Chosen:
		b.WriteString("; the closest")
	}
	return b.String()
}
