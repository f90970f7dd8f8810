package peers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/julienschmidt/httprouter"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/route"
)

// Request is one HTTP request of a benchmark mix: the request a client sends
// for a binding of the spec, its variables filled with ids.
type Request struct {
	Verb, Path string
	Route      int // the binding it was made for: an index into Routers.Routes
	Endpoint   int // the endpoint route.Match gives it, from 1
}

// Routers are the spec's HTTP bindings registered in three routers people
// use, each with its own syntax, to time their routing (finding the route of
// a request, no handler) against the generated LookupRoute and CheckHTTP on
// the same requests.
type Routers struct {
	Routes []route.Route
	// Requests has one request per binding, in spec order.
	Requests []Request
	// Mix is the benchmark input: requests of the bindings every router
	// holds and routes to the binding they were made for, spread evenly
	// over the spec (at most MaxMix).
	Mix []Request

	HTTPRouter *httprouter.Router
	Chi        *chi.Mux
	ServeMux   *http.ServeMux
	// MuxRequests are Mix as *http.Request, for ServeMux.Handler.
	MuxRequests []*http.Request
	// Skipped counts, by router, the bindings it cannot hold: a syntax it
	// lacks (custom verbs), or a conflict it refuses (httprouter: a literal
	// beside a variable).
	Skipped map[string]int
	// Wrong counts, by router, the bindings it holds whose request it routes
	// elsewhere (nowhere, or another binding).
	Wrong map[string]int

	held map[string][]bool // by router, by binding
	chiC *chi.Context
}

// MaxMix is the most requests in a Mix: the same number for every spec, so
// that a mix measures the tables' size, not the requests'.
const MaxMix = 512

// The routers' names, as Skipped and Wrong key them.
const (
	NameHTTPRouter = "httprouter"
	NameChi        = "chi"
	NameServeMux   = "ServeMux"
)

// NewRouters registers the HTTP bindings of m in each router, in spec order,
// and makes the requests.
func NewRouters(m *model.Model) *Routers {
	rs := &Routers{
		Routes:     route.FromModel(m),
		HTTPRouter: httprouter.New(),
		Chi:        chi.NewRouter(),
		ServeMux:   http.NewServeMux(),
		Skipped:    map[string]int{},
		Wrong:      map[string]int{},
		held:       map[string][]bool{},
		chiC:       chi.NewRouteContext(),
	}
	for _, name := range []string{NameHTTPRouter, NameChi, NameServeMux} {
		rs.held[name] = make([]bool, len(rs.Routes))
	}
	for i, r := range rs.Routes {
		rs.Requests = append(rs.Requests, request(i, r))
		hold := func(name string, add func()) {
			defer func() {
				if recover() != nil {
					rs.Skipped[name]++
					rs.held[name][i] = false
				}
			}()
			rs.held[name][i] = true
			add()
		}
		i := i
		if p, ok := pattern(r, ":s%d", "*rest"); ok {
			hold(NameHTTPRouter, func() {
				rs.HTTPRouter.Handle(r.Verb, p, func(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) { routed(w, i) })
			})
		} else {
			rs.Skipped[NameHTTPRouter]++
		}
		if p, ok := pattern(r, "{s%d}", "*"); ok {
			hold(NameChi, func() {
				rs.Chi.MethodFunc(r.Verb, p, func(w http.ResponseWriter, _ *http.Request) { routed(w, i) })
			})
		} else {
			rs.Skipped[NameChi]++
		}
		if p, ok := pattern(r, "{s%d}", "{rest...}"); ok {
			hold(NameServeMux, func() {
				rs.ServeMux.HandleFunc(r.Verb+" "+p, func(w http.ResponseWriter, _ *http.Request) { routed(w, i) })
			})
		} else {
			rs.Skipped[NameServeMux]++
		}
	}
	for i, req := range rs.Requests {
		if eps := route.Match(rs.Routes, req.Verb, req.Path); len(eps) > 0 {
			rs.Requests[i].Endpoint = eps[0]
		}
	}
	// The mix: every router holds the binding and routes its request there.
	var common []Request
	for i, req := range rs.Requests {
		ok := req.Endpoint == rs.Routes[i].Endpoint
		for _, name := range []string{NameHTTPRouter, NameChi, NameServeMux} {
			if !rs.held[name][i] {
				ok = false
				continue
			}
			if got := rs.RouteOf(name, req); got != i {
				rs.Wrong[name]++
				ok = false
			}
		}
		if ok {
			common = append(common, req)
		}
	}
	n := min(len(common), MaxMix)
	for k := range n {
		rs.Mix = append(rs.Mix, common[k*len(common)/n])
	}
	for _, req := range rs.Mix {
		rs.MuxRequests = append(rs.MuxRequests, newRequest(req))
	}
	return rs
}

// pattern writes the template of r in a router's syntax: a variable as
// param (a format of the segment's index, which names every variable at the
// same depth alike, as httprouter requires), ** as rest. A custom verb has
// no syntax in these routers.
func pattern(r route.Route, param, rest string) (string, bool) {
	if r.Custom != "" {
		return "", false
	}
	var b strings.Builder
	for i, s := range r.Segments {
		b.WriteByte('/')
		switch s.Kind {
		case route.Literal:
			if strings.ContainsAny(s.Literal, ":*{}") {
				return "", false
			}
			b.WriteString(s.Literal)
		case route.Param:
			fmt.Fprintf(&b, param, i)
		case route.Rest:
			b.WriteString(rest)
		}
	}
	if b.Len() == 0 {
		return "/", true
	}
	return b.String(), true
}

// request makes the request a client sends for binding i: variables filled
// with ids, ** with two segments, the custom verb after the last segment.
func request(i int, r route.Route) Request {
	var segs []string
	for j, s := range r.Segments {
		switch s.Kind {
		case route.Literal:
			segs = append(segs, s.Literal)
		case route.Param:
			segs = append(segs, "id"+strconv.FormatUint(uint64(i*31+j)*2654435761%1000003, 36))
		case route.Rest:
			segs = append(segs, "dir"+strconv.Itoa(i%7), "file"+strconv.Itoa(i)+".jpg")
		}
	}
	p := "/" + strings.Join(segs, "/")
	if r.Custom != "" {
		p += ":" + r.Custom
	}
	return Request{Verb: r.Verb, Path: p, Route: i}
}

func newRequest(req Request) *http.Request {
	u := &url.URL{Path: req.Path, RawPath: req.Path}
	return &http.Request{Method: req.Verb, URL: u, Host: "api.example.com", Header: http.Header{}}
}

// routedWriter records the binding whose handler ran.
type routedWriter struct {
	http.ResponseWriter
	route int
}

func routed(w http.ResponseWriter, i int) {
	if rw, ok := w.(*routedWriter); ok {
		rw.route = i
	}
}

// RouteOf returns the binding router name routes req to, by running the
// handler it finds (which only records its binding), or -1.
func (rs *Routers) RouteOf(name string, req Request) int {
	w := &routedWriter{route: -1}
	switch name {
	case NameHTTPRouter:
		if h, ps, _ := rs.HTTPRouter.Lookup(req.Verb, req.Path); h != nil {
			h(w, nil, ps)
		}
	case NameChi:
		rctx := chi.NewRouteContext()
		if rs.Chi.Find(rctx, req.Verb, req.Path) != "" {
			rs.Chi.ServeHTTP(w, newRequest(req))
		}
	case NameServeMux:
		if h, p := rs.ServeMux.Handler(newRequest(req)); p != "" {
			h.ServeHTTP(w, nil)
		}
	}
	return w.route
}

// LookupHTTPRouter routes one request with httprouter: the handle and the
// variables' values, as its ServeHTTP finds them.
func (rs *Routers) LookupHTTPRouter(verb, path string) bool {
	h, _, _ := rs.HTTPRouter.Lookup(verb, path)
	return h != nil
}

// FindChi routes one request with chi: the route's pattern and the
// variables' values in a reused routing context, as its ServeHTTP finds
// them (which also allocates the context per request).
func (rs *Routers) FindChi(verb, path string) bool {
	rs.chiC.Reset()
	return rs.Chi.Find(rs.chiC, verb, path) != ""
}

// HandlerServeMux routes one request with ServeMux: the handler and pattern,
// the variables' values kept for Request.PathValue, as ServeHTTP finds them.
func (rs *Routers) HandlerServeMux(r *http.Request) bool {
	_, p := rs.ServeMux.Handler(r)
	return p != ""
}
