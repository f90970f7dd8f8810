package core_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/route"
)

// specRoutes returns the HTTP bindings of testdata/scopes.yaml as package
// route reads them: the input of the reference matcher, route.Match.
func specRoutes(t testing.TB) []route.Route {
	t.Helper()
	m, err := model.Load("testdata/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := route.FromModel(m)
	if len(out) < 10 {
		t.Fatalf("the test spec has %d HTTP bindings; the tests need them all", len(out))
	}
	return out
}

// TestLookupRoute: the endpoint each request reaches, by the rule of
// LookupRoute's doc.
func TestLookupRoute(t *testing.T) {
	for _, tc := range []struct {
		verb, path string
		want       core.Endpoint // 0: none
	}{
		{"GET", "/healthz", core.Check},
		{"HEAD", "/healthz", core.Check}, // GET also for HEAD
		{"PUT", "/healthz", 0},
		{"GET", "/v1/files/42", core.GetFile},
		{"GET", "/v1/files/me", core.GetFile}, // the literal binding, also GetFile's
		{"DELETE", "/v1/files/42", core.DeleteFile},
		{"DELETE", "/v1/files/me", core.DeleteFile}, // no DELETE /v1/files/me: the variable's
		{"POST", "/v1/files/42:delete", core.DeleteFile},
		{"POST", "/v1/files/42:other", 0},
		{"GET", "/v1/users/ann/files/42", core.GetFile}, // {name=users/*/files/*}
		{"GET", "/v1/users/ann/files", 0},
		{"POST", "/v1/files/42/tags", core.RetagFile},
		{"PATCH", "/v1/files/42/tags", core.PatchTags},
		{"PUT", "/v1/tags/a/b/c", core.RetagFile}, // shared: the first; CheckHTTP decides on both
		{"PUT", "/v1/tags", core.RetagFile},       // ** takes zero segments
		{"GET", "/v1/tags/export", core.ExportTags},
		{"HEAD", "/v1/tags/export", core.ExportTags},
		{"GET", "/v1/files/42/", 0}, // a trailing slash
		{"GET", "/v1/files//42", 0}, // an empty segment
		{"GET", "/v1/files/..", 0},  // a dot segment is no variable
		{"GET", "/v1/files/.", 0},
		{"GET", "/v1/files/%2e%2E", 0}, // nor when its dots are encoded
		{"GET", "/v1/files/.%2E", 0},
		{"GET", "/v1/files/%2E%2E%2E", core.GetFile}, // three dots are a name
		{"GET", "/v1/files/a%2Fb", core.GetFile},     // an encoded slash stays in its segment
		{"GET", "/v1/files/a%2F..%2Fb/tags", 0},
		{"PUT", "/v1/tags/a/../b", 0}, // ** takes no dot segment either
		{"GET", "", 0},
		{"GET", "v1/files/42", 0},
		{"get", "/healthz", 0},
		{"GET", "/", 0},
		{"POST", "/x:search", core.SearchFiles},
		{"POST", "/a/b:search", core.SearchFiles},
		{"POST", "/:search", core.DeleteFile}, // ** takes no empty segment: {file_id} takes ":search"
		{"POST", "/x", core.DeleteFile},
	} {
		e, ok := core.LookupRoute(tc.verb, tc.path)
		if ok != (tc.want != 0) || e != tc.want {
			t.Errorf("LookupRoute(%q, %q) = %v, %v; want %v", tc.verb, tc.path, e, ok, tc.want)
		}
	}
}

// TestLookupRouteAgainstReference compares the generated tables' walk with
// route.Match, the rule in plain code, on many requests made of the spec's
// segments, variables, dot and empty segments, custom verbs and slashes.
func TestLookupRouteAgainstReference(t *testing.T) {
	routes := specRoutes(t)
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", ".", "..", "%2E", "%2e%2E", ".%2e", "%2E%2E%2E", "x", "42", "me", "a%2Fb", "x:delete", "42:delete", ":delete", "x:other", "x:search", ":search"}
	for _, rt := range routes {
		for _, s := range rt.Segments {
			if s.Kind == route.Literal {
				words = append(words, s.Literal)
			}
		}
	}
	verbs := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	word := func() string { return words[r.IntN(len(words))] }
	n := 0
	for range 50000 {
		// Most requests follow a binding, with a variable or ** filled by
		// any word (dangerous ones included), a verb or a segment changed
		// at times; the rest are any words.
		var segs []string
		verb := verbs[r.IntN(len(verbs))]
		if rt := routes[r.IntN(len(routes))]; r.IntN(4) > 0 {
			if r.IntN(3) > 0 {
				verb = rt.Verb
			}
			for _, s := range rt.Segments {
				switch s.Kind {
				case route.Literal:
					segs = append(segs, s.Literal)
				case route.Param:
					segs = append(segs, word())
				case route.Rest:
					for range r.IntN(4) {
						segs = append(segs, word())
					}
				}
			}
			if rt.Custom != "" && len(segs) > 0 && r.IntN(4) > 0 {
				segs[len(segs)-1] += ":" + rt.Custom
			}
			if len(segs) > 0 && r.IntN(5) == 0 {
				segs[r.IntN(len(segs))] = word()
			}
		} else {
			for range r.IntN(7) {
				segs = append(segs, word())
			}
		}
		path := "/" + strings.Join(segs, "/")
		if r.IntN(10) == 0 {
			path += "/"
		}
		want := route.Match(routes, verb, path)
		e, ok := core.LookupRoute(verb, path)
		if ok != (len(want) > 0) || ok && int(e) != want[0] {
			t.Fatalf("LookupRoute(%q, %q) = %v, %v; the rule says %v", verb, path, e, ok, want)
		}
		if ok {
			n++
		}
	}
	if n < 2000 {
		t.Errorf("only %d of 50000 requests reached an endpoint: the test is too weak", n)
	}
}

// FuzzLookupRoute compares the walk with the rule on any request.
func FuzzLookupRoute(f *testing.F) {
	for _, p := range []string{"/v1/files/42", "/v1/tags/a/b", "/v1/files/x:delete", "/v1/users/a/files/b", "//", "/v1/files/.."} {
		f.Add("GET", p)
	}
	routes := specRoutes(f)
	f.Fuzz(func(t *testing.T, verb, path string) {
		want := route.Match(routes, verb, path)
		e, ok := core.LookupRoute(verb, path)
		if ok != (len(want) > 0) || ok && int(e) != want[0] {
			t.Fatalf("LookupRoute(%q, %q) = %v, %v; the rule says %v", verb, path, e, ok, want)
		}
	})
}

// TestCheckHTTP: CheckHTTP is CheckEndpoint on the endpoint a request
// reaches, denies a request no binding matches as an unknown endpoint, and
// allows a request that endpoints share only when all of them allow it.
func TestCheckHTTP(t *testing.T) {
	for _, g := range sampleGrants(t) {
		for _, tc := range []struct {
			verb, path string
			e          core.Endpoint
		}{
			{"GET", "/healthz", core.Check},
			{"GET", "/v1/files/me", core.GetFile},
			{"POST", "/v1/files/1:delete", core.DeleteFile},
			{"PATCH", "/v1/files/1/tags", core.PatchTags},
			{"GET", "/v1/tags/export", core.ExportTags},
		} {
			if got, want := g.CheckHTTP(tc.verb, tc.path), g.CheckEndpoint(tc.e); got != want {
				t.Errorf("%v: CheckHTTP(%s %s) = %+v, CheckEndpoint(%v) = %+v", g, tc.verb, tc.path, got, tc.e, want)
			}
		}
		if d := g.CheckHTTP("GET", "/nowhere"); d != (core.Decision{}) {
			t.Errorf("%v: an unmatched request: %+v, want the unknown endpoint's denial", g, d)
		}
		// PUT /v1/tags/** is RetagFile's and PatchTags'.
		d := g.CheckHTTP("PUT", "/v1/tags/a/b")
		retag, patch := g.CheckEndpoint(core.RetagFile), g.CheckEndpoint(core.PatchTags)
		switch {
		case retag.Allowed() && patch.Allowed():
			if d != retag {
				t.Errorf("%v: both allow, CheckHTTP = %+v, want RetagFile's %+v", g, d, retag)
			}
		case !retag.Allowed():
			if d != retag {
				t.Errorf("%v: RetagFile denies, CheckHTTP = %+v, want its denial %+v", g, d, retag)
			}
		default:
			if d != patch {
				t.Errorf("%v: PatchTags denies, CheckHTTP = %+v, want its denial %+v", g, d, patch)
			}
		}
	}
	// A key that may call one of the two but not the other is refused.
	pat := core.MakeGrant(core.PersonalAccessToken, core.NewSet(core.All), core.RetagFile) // PatchTags: not granted
	appKey := grantOf(core.AppKey, core.TagsGet, core.TagsPatch)                           // RetagFile: PAT only
	for _, g := range []core.Grant{pat, appKey} {
		if d := g.CheckHTTP("PUT", "/v1/tags/x"); d.Allowed() {
			t.Errorf("%v may call only one of the endpoints that share PUT /v1/tags/**, yet %+v", g, d)
		}
	}
	if both := grantOf(core.AppKey|core.PersonalAccessToken, core.All); !both.CheckHTTP("PUT", "/v1/tags/x").Allowed() {
		t.Error("a key that both endpoints allow is refused PUT /v1/tags/x")
	}
}

func TestRouteDoesNotAllocate(t *testing.T) {
	g := grantOf(core.AppKey, core.FilesGet, core.TagsGet, core.TagsPatch)
	for _, req := range [][2]string{{"GET", "/v1/users/a/files/b"}, {"PUT", "/v1/tags/a/b/c"}, {"POST", "/v1/files/1:delete"}, {"GET", "/nowhere/at/all"}} {
		if n := testing.AllocsPerRun(100, func() { core.LookupRoute(req[0], req[1]) }); n != 0 {
			t.Errorf("LookupRoute(%s) allocates %v times", req, n)
		}
		if n := testing.AllocsPerRun(100, func() { g.CheckHTTP(req[0], req[1]) }); n != 0 {
			t.Errorf("CheckHTTP(%s) allocates %v times", req, n)
		}
	}
}

func BenchmarkCheckHTTP(b *testing.B) {
	g := grantOf(core.AppKey, core.FilesGet, core.TagsGet)
	for _, req := range [][2]string{{"GET", "/v1/files/42"}, {"GET", "/v1/users/ann/files/42"}, {"GET", "/nowhere"}} {
		b.Run(strings.ReplaceAll(fmt.Sprint(req), " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.CheckHTTP(req[0], req[1])
			}
		})
	}
}
