// Package cases builds differential test cases for a model: random grants
// (and collaborator intersections) with the reference implementation's
// answer for every endpoint and a few strings that are not endpoints. A
// generated checker must give the same answers.
package cases

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/reference"
)

// Grant is a grant by names, as NewGrant takes it.
type Grant struct {
	Kind      int      `json:"kind"`
	Scopes    []string `json:"scopes"`
	Endpoints []string `json:"endpoints"`
}

// Decision is the reference answer for one call.
type Decision struct {
	Method   string   `json:"method"`
	Allowed  bool     `json:"allowed"`
	Reason   string   `json:"reason"`
	Code     int      `json:"code"`
	Missing  string   `json:"missing"`  // Set.String form
	Redacted []string `json:"redacted"` // in spec order
}

// Request is an HTTP request: a verb and a raw path.
type Request struct {
	Verb string `json:"verb"`
	Path string `json:"path"`
}

// Case is one credential: a key, or a collaborator (key ∩ invite), or none.
type Case struct {
	None      bool       `json:"none,omitempty"` // no credentials: the zero Grant
	Key       Grant      `json:"key"`
	Invite    *Grant     `json:"invite,omitempty"`
	Decisions []Decision `json:"decisions"`
	// HTTP are the reference answers for Suite.Requests, in order; Method
	// is the name of the endpoint the request reaches, "" for none.
	HTTP []Decision `json:"http"`
	// MissingPrerequisites maps a scope name or full method to Set.String of
	// what it lacks.
	MissingPrerequisites map[string]string `json:"missing_prerequisites"`
	Closure              string            `json:"closure"` // Set.String of the closure's scopes
	Scopes               string            `json:"scopes"`  // Set.String of the effective scopes
}

// Cover is the reference answer to Cases[A] covers Cases[B].
type Cover struct {
	A    int  `json:"a"`
	B    int  `json:"b"`
	Want bool `json:"want"`
}

// Suite is every case for a model.
type Suite struct {
	Methods  []string  `json:"methods"`
	Requests []Request `json:"requests"`
	Cases    []Case    `json:"cases"`
	Covers   []Cover   `json:"covers"`
}

// Requests returns HTTP requests for m's bindings, deterministically for r:
// each binding's template filled in (a variable by a word, a dangerous one
// at times: empty, dot segments plain or percent-encoded, an encoded
// slash; ** by zero to two words; the custom verb kept or changed), some
// with a verb or a segment changed or a slash added, and paths no binding
// matches.
func Requests(m *model.Model, r *rand.Rand) []Request {
	words := []string{"x", "42", "me", "items", "v1", "users", "export", "a%2Fb", "~x", "", ".", "..", "%2E%2e", "x:run"}
	word := func() string {
		if r.IntN(3) == 0 {
			return words[r.IntN(len(words))]
		}
		return words[r.IntN(6)]
	}
	verbs := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
	var out []Request
	for _, e := range m.Endpoints {
		for _, b := range e.HTTP {
			for range 3 {
				var segs []string
				for _, sg := range b.Segments {
					switch sg.Kind {
					case model.Literal:
						segs = append(segs, sg.Literal)
					case model.Param:
						segs = append(segs, word())
					case model.Rest:
						for range r.IntN(3) {
							segs = append(segs, word())
						}
					}
				}
				if b.CustomVerb != "" && len(segs) > 0 && r.IntN(4) > 0 {
					segs[len(segs)-1] += ":" + b.CustomVerb
				}
				verb := b.Verb
				switch r.IntN(8) {
				case 0:
					verb = verbs[r.IntN(len(verbs))]
				case 1:
					if len(segs) > 0 {
						segs[r.IntN(len(segs))] = word()
					}
				}
				path := "/" + strings.Join(segs, "/")
				if r.IntN(10) == 0 {
					path += "/"
				}
				out = append(out, Request{verb, path})
			}
		}
	}
	out = append(out, Request{"GET", "/"}, Request{"GET", ""}, Request{"GET", "//"}, Request{"GET", "/nowhere/at/all"}, Request{"get", "/v1"})
	return out
}

// Methods returns every gRPC endpoint's method and strings that are near
// misses: empty, a bare slash, prefixes, suffixes, case changes and a NUL
// byte, and the operation name of an HTTP-only endpoint, which is no method
// (Check denies it as unknown; Requests reach such endpoints).
func Methods(m *model.Model) []string {
	var out []string
	first := ""
	for _, e := range m.Endpoints {
		if e.Method != "" {
			out = append(out, e.Method)
			if first == "" {
				first = e.Method
			}
		} else if len(out) < 3 {
			out = append(out, e.Name)
		}
	}
	out = append(out, "", "/", "//")
	if first != "" {
		out = append(out, first+"x", first[:len(first)-1], strings.ToUpper(first), strings.ToLower(first),
			first+"\x00", first[:strings.LastIndexByte(first, '/')+1], " "+first)
	}
	return out
}

// Build returns n random cases plus targeted ones (each endpoint's exact
// requirement, and the same minus one scope), deterministically for seed.
func Build(m *model.Model, seed uint64, n int) Suite {
	r := rand.New(rand.NewPCG(seed, 0x5c09e))
	s := Suite{Methods: Methods(m), Requests: Requests(m, r)}
	// A request matches the same endpoints whatever the grant: match each
	// once, not once per case (the real protos have thousands of each).
	matched := make([][]*model.Endpoint, len(s.Requests))
	for i, req := range s.Requests {
		matched[i] = reference.MatchHTTP(m, req.Verb, req.Path)
	}
	add := func(key Grant, invite *Grant) {
		s.Cases = append(s.Cases, decide(m, s.Methods, matched, key, invite, false))
	}
	s.Cases = append(s.Cases, decide(m, s.Methods, matched, Grant{}, nil, true))
	for _, e := range m.Endpoints {
		req := model.Names(e.Requires)
		var eps []string
		if r.IntN(2) == 0 {
			eps = []string{e.Name}
		}
		add(Grant{Kind: randKind(m, r), Scopes: req, Endpoints: eps}, nil)
		if len(req) > 0 {
			drop := r.IntN(len(req))
			less := append(append([]string(nil), req[:drop]...), req[drop+1:]...)
			add(Grant{Kind: randKind(m, r), Scopes: less, Endpoints: eps}, nil)
		}
	}
	// The endpoints with the most alternatives (up to 8): a grant of exactly
	// the last one, and one that lacks its last scope, which a spec can make
	// the closest (as testdata/golden/many_alternatives.txtar does), so that
	// a denial names an alternative of a high index.
	for _, e := range mostAlternatives(m, 8) {
		a := e.Alternatives[len(e.Alternatives)-1]
		kind := int(a.Principals & -a.Principals) // one kind it accepts
		if kind == 0 {
			kind = randKind(m, r)
		}
		req := model.Names(a.Requires)
		add(Grant{Kind: kind, Scopes: req}, nil)
		if len(req) > 0 {
			add(Grant{Kind: kind, Scopes: req[:len(req)-1]}, nil)
		}
	}
	for range n {
		key := randGrant(m, r)
		var invite *Grant
		if r.IntN(3) == 0 {
			g := randGrant(m, r)
			g.Kind = int(m.AllKinds())
			if r.IntN(4) == 0 {
				g.Kind = randKind(m, r)
			}
			invite = &g
		}
		add(key, invite)
	}
	for i := range 4 * len(s.Cases) {
		a, b := r.IntN(len(s.Cases)), r.IntN(len(s.Cases))
		if i%4 == 0 {
			b = a
		}
		s.Covers = append(s.Covers, Cover{A: a, B: b, Want: reference.Covers(m, effective(m, s.Cases[a]), effective(m, s.Cases[b]))})
	}
	return s
}

// mostAlternatives returns up to n endpoints of m with more than one
// alternative, those with the most first (in spec order on a tie).
func mostAlternatives(m *model.Model, n int) []*model.Endpoint {
	var most []*model.Endpoint
	for _, e := range m.Endpoints {
		if len(e.Alternatives) > 1 {
			most = append(most, e)
		}
	}
	slices.SortStableFunc(most, func(a, b *model.Endpoint) int { return len(b.Alternatives) - len(a.Alternatives) })
	return most[:min(n, len(most))]
}

// randKind is a random non-empty set of m's kinds: any set when m declares
// few kinds, else one kind or two.
func randKind(m *model.Model, r *rand.Rand) int {
	n := len(m.Kinds)
	if n <= 5 {
		return 1 + r.IntN(1<<n-1) // for app_key and pat: one, the other, or both
	}
	a, b := r.IntN(n), r.IntN(n) // the same kind at times: one kind
	return 1<<a | 1<<b
}

func randGrant(m *model.Model, r *rand.Rand) Grant {
	g := Grant{Kind: randKind(m, r)}
	density := []float64{0.05, 0.2, 0.5, 0.8, 0.97}[r.IntN(5)]
	for _, sc := range m.Scopes {
		if sc.GrantsAll && r.IntN(8) != 0 {
			continue
		}
		if r.Float64() < density {
			g.Scopes = append(g.Scopes, sc.Name)
		}
	}
	if r.IntN(3) == 0 && len(m.Endpoints) > 0 {
		d := 0.05 + 0.5*r.Float64()
		for _, e := range m.Endpoints {
			if r.Float64() < d {
				g.Endpoints = append(g.Endpoints, e.Name)
			}
		}
		if len(g.Endpoints) == 0 {
			g.Endpoints = []string{m.Endpoints[r.IntN(len(m.Endpoints))].Name}
		}
	}
	return g
}

// effective is the reference grant a case stands for.
func effective(m *model.Model, c Case) reference.Grant {
	if c.None {
		return reference.Grant{}
	}
	g := mustGrant(m, c.Key)
	if c.Invite != nil {
		g = reference.Intersect(m, g, mustGrant(m, *c.Invite))
	}
	return g
}

func mustGrant(m *model.Model, g Grant) reference.Grant {
	rg, err := reference.NewGrant(m, model.Principal(g.Kind), g.Scopes, g.Endpoints)
	if err != nil {
		panic(err) // the names come from the model
	}
	return rg
}

func decide(m *model.Model, methods []string, matched [][]*model.Endpoint, key Grant, invite *Grant, none bool) Case {
	c := Case{None: none, Key: key, Invite: invite, MissingPrerequisites: map[string]string{}}
	g := effective(m, c)
	for _, method := range methods {
		d := reference.Decide(m, g, method)
		if e := m.Endpoint(method); e != nil && e.Method == "" {
			// An operation's name is no method: Check finds gRPC methods.
			d = reference.Decision{Reason: reference.UnknownEndpoint, Outcome: model.UnknownEndpoint}
		}
		c.Decisions = append(c.Decisions, Decision{
			Method: method, Allowed: d.Allowed, Reason: string(d.Reason), Code: d.Code(m),
			Missing: strings.Join(d.Missing, ","), Redacted: d.Redacted,
		})
	}
	for _, eps := range matched {
		d := reference.DecideMatched(m, g, eps)
		name := ""
		if len(eps) > 0 {
			name = eps[0].Name // the decision's endpoint: the first's, or the first denial's
			for _, e := range eps {
				if !reference.Decide(m, g, e.Name).Allowed {
					name = e.Name
					break
				}
			}
		}
		c.HTTP = append(c.HTTP, Decision{
			Method: name, Allowed: d.Allowed, Reason: string(d.Reason), Code: d.Code(m),
			Missing: strings.Join(d.Missing, ","), Redacted: d.Redacted,
		})
	}
	for k, v := range reference.MissingPrerequisites(m, g) {
		c.MissingPrerequisites[k] = strings.Join(v, ",")
	}
	c.Closure = strings.Join(reference.Effective(m, reference.Closure(m, g)), ",")
	c.Scopes = strings.Join(reference.Effective(m, g), ",")
	return c
}
