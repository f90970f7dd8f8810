package core_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
)

// The full method names of the spec's endpoints.
const (
	mCheck       = "/files.v1.Health/Check"
	mGetFile     = "/files.v1.Files/GetFile"
	mDeleteFile  = "/files.v1.Files/DeleteFile"
	mRetagFile   = "/files.v1.Files/RetagFile"
	mSearchFiles = "/files.v1.Files/SearchFiles"
	mShareFile   = "/files.v1.Files/ShareFile"
	mPatchTags   = "/files.v1.Tags/PatchTags"
)

// both is every principal kind of the spec.
const both = core.AppKey | core.PersonalAccessToken

// mustGrant returns NewGrant(kind, scopes, endpoints), failing the test on an
// error.
func mustGrant(t testing.TB, kind core.Principal, scopes []string, endpoints ...string) core.Grant {
	t.Helper()
	g, err := core.NewGrant(kind, scopes, endpoints)
	if err != nil {
		t.Fatalf("NewGrant(%v, %q, %q): %v", kind, scopes, endpoints, err)
	}
	return g
}

// grantOf is MakeGrant(kind, NewSet(scopes...)): an unrestricted grant.
func grantOf(kind core.Principal, scopes ...core.Scope) core.Grant {
	return core.MakeGrant(kind, core.NewSet(scopes...))
}

// allEndpoints is every endpoint of the spec, in spec order.
var allEndpoints = []core.Endpoint{core.Check, core.GetFile, core.DeleteFile, core.RetagFile, core.SearchFiles, core.PatchTags, core.ShareFile, core.ExportTags}

func TestEndpoint(t *testing.T) {
	type redaction struct {
		field  string
		unless core.Set
	}
	for _, tt := range []struct {
		e                 core.Endpoint
		method            string
		principals        core.Principal
		public            bool
		required, request core.Set
		redactions        []redaction
	}{
		{core.Check, mCheck, 0, true, core.Set{}, core.Set{}, []redaction{{"version.build", core.NewSet(core.FilesGet)}}},
		{core.GetFile, mGetFile, both, false, core.NewSet(core.FilesGet), core.Set{}, []redaction{
			{"file.tags", core.NewSet(core.TagsGet)},
			{"file.owner.tags", core.NewSet(core.TagsGet, core.FilesAdd)},
		}},
		{core.DeleteFile, mDeleteFile, both, false, core.NewSet(core.FilesDelete, core.FilesGet), core.Set{}, nil},
		{core.RetagFile, mRetagFile, core.PersonalAccessToken, false, core.NewSet(core.FilesAdd, core.FilesDelete, core.FilesGet, core.TagsGet, core.TagsPatch), core.Set{}, nil},
		{core.SearchFiles, mSearchFiles, both, false, core.NewSet(core.FilesGet), core.NewSet(core.Predict), nil},
		{core.PatchTags, mPatchTags, both, false, core.NewSet(core.TagsGet, core.TagsPatch), core.Set{}, nil},
		// Three alternatives: Required is what all of them require (none),
		// Principals every kind one of them accepts.
		{core.ShareFile, mShareFile, core.AllPrincipals, false, core.Set{}, core.Set{}, nil},
		// An HTTP-only endpoint: named by its operation, which is no method.
		{core.ExportTags, "exportTags", both, false, core.NewSet(core.TagsGet), core.Set{}, nil},
	} {
		if !tt.e.Valid() || tt.e.FullMethod() != tt.method || tt.e.String() != tt.method {
			t.Errorf("Endpoint(%d): Valid, FullMethod, String = %v, %q, %q; want true, %q", tt.e, tt.e.Valid(), tt.e.FullMethod(), tt.e.String(), tt.method)
		}
		if tt.e.Principals() != tt.principals || tt.e.Public() != tt.public {
			t.Errorf("%v: Principals, Public = %v, %v; want %v, %v", tt.e, tt.e.Principals(), tt.e.Public(), tt.principals, tt.public)
		}
		if tt.e.Required() != tt.required || tt.e.RequestDependent() != tt.request {
			t.Errorf("%v: Required, RequestDependent = %v, %v; want %v, %v", tt.e, tt.e.Required(), tt.e.RequestDependent(), tt.required, tt.request)
		}
		var got []redaction
		for field, unless := range tt.e.Redactions() {
			got = append(got, redaction{field, unless})
		}
		if !slices.Equal(got, tt.redactions) {
			t.Errorf("%v.Redactions() = %v, want %v", tt.e, got, tt.redactions)
		}
		grpc := strings.HasPrefix(tt.method, "/")
		if e, ok := core.LookupEndpoint(tt.method); ok != grpc || grpc && e != tt.e {
			t.Errorf("LookupEndpoint(%q) = %v, %v; want %v only for a gRPC method", tt.method, e, ok, tt.e)
		}
	}
	for _, e := range []core.Endpoint{0, core.NumEndpoints + 1, 64, 65535} {
		if e.Valid() || e.FullMethod() != "" || e.Principals() != 0 || e.Public() || !e.Required().IsEmpty() || !e.RequestDependent().IsEmpty() || countPairs(e.Redactions()) != 0 {
			t.Errorf("Endpoint(%d) is no endpoint, but Valid, FullMethod, Principals, Public = %v, %q, %v, %v", e, e.Valid(), e.FullMethod(), e.Principals(), e.Public())
		}
		if want := "Endpoint(" + strconv.Itoa(int(e)) + ")"; e.String() != want {
			t.Errorf("Endpoint(%d).String() = %q, want %q", e, e.String(), want)
		}
	}
	if got := collect(core.Endpoints()); !slices.Equal(got, allEndpoints) || core.NumEndpoints != len(allEndpoints) {
		t.Errorf("Endpoints() = %v, NumEndpoints = %d; want %v", got, core.NumEndpoints, allEndpoints)
	}
	if got := first(core.Endpoints(), 2); !slices.Equal(got, allEndpoints[:2]) {
		t.Errorf("Endpoints() stopped after 2 = %v", got)
	}
}

// countPairs returns the number of pairs seq yields.
func countPairs[K, V any](seq func(yield func(K, V) bool)) int {
	n := 0
	for range seq {
		n++
	}
	return n
}

// TestLookupEndpointUnknown checks that LookupEndpoint finds only the spec's
// method names: every one-byte change of each, and other near misses, is no
// endpoint.
func TestLookupEndpointUnknown(t *testing.T) {
	for _, m := range unknownMethods() {
		if e, ok := core.LookupEndpoint(m); ok || e != 0 {
			t.Errorf("LookupEndpoint(%q) = %v, %v; want 0, false", m, e, ok)
		}
	}
}

// unknownMethods returns method names that are no endpoint of the spec: near
// misses of every length the lookup reads, and each method with any one byte
// changed.
func unknownMethods() []string {
	out := []string{
		"",
		"/",
		"GetFile",
		"files.v1.Files/GetFile",
		"/files.v1.Files/GetFile/",
		"/files.v1.Files/GetFil",
		"/files.v1.files/GetFile",
		"/files.v1.Health/Chec",          // 21 bytes: shorter than any method
		"/files.v1.Files/SearchFilesX",   // 28 bytes: longer than any method
		"/files.v1.Files/DeleteFile\x00", // 27 bytes, the length of SearchFiles
		"/files.v2.Files/SearchFiles",
		"/files.v1.Files/Check\x00",
		"/files.v1.Files/GetFile" + "/files.v1.Files/GetFile",
	}
	for _, m := range []string{mCheck, mGetFile, mDeleteFile, mRetagFile, mSearchFiles} {
		for i := range len(m) {
			b := []byte(m)
			b[i] ^= 0x20
			out = append(out, string(b))
			b[i] ^= 0x20 ^ 0x01
			out = append(out, string(b))
		}
	}
	return out
}

func TestNewGrantErrors(t *testing.T) {
	for _, tt := range []struct {
		kind      core.Principal
		scopes    []string
		endpoints []string
		err       string
	}{
		{0, []string{"Files:Get"}, nil, "unknown principal kind 0"},
		{8, []string{"Files:Get"}, nil, "unknown principal kind 8"},
		{both | 8, nil, nil, "unknown principal kind 11"},
		{255, nil, nil, "unknown principal kind 255"},
		{core.AppKey, []string{"Files:Gett"}, nil, `unknown scope "Files:Gett"`},
		{core.AppKey, []string{"Files:Get", "files:get"}, nil, `unknown scope "files:get"`},
		{core.AppKey, []string{""}, nil, `unknown scope ""`},
		{core.AppKey, []string{"All", "Nope"}, nil, `unknown scope "Nope"`},
		{core.AppKey, nil, []string{"/files.v1.Files/GetFil"}, `unknown endpoint "/files.v1.Files/GetFil"`},
		{core.AppKey, nil, []string{mGetFile, "GetFile"}, `unknown endpoint "GetFile"`},
		{core.PersonalAccessToken, []string{"All"}, []string{""}, `unknown endpoint ""`},
	} {
		g, err := core.NewGrant(tt.kind, tt.scopes, tt.endpoints)
		if err == nil || err.Error() != tt.err || !g.IsZero() {
			t.Errorf("NewGrant(%v, %q, %q) = %v, %v; want the zero Grant and %s", tt.kind, tt.scopes, tt.endpoints, g, err, tt.err)
		}
	}
}

func TestNewGrant(t *testing.T) {
	for _, tt := range []struct {
		name       string
		kind       core.Principal
		scopes     []string
		endpoints  []string
		wantScopes core.Set
		wantEps    []core.Endpoint
	}{
		{"no scopes", core.AppKey, nil, nil, core.Set{}, nil},
		{"scopes", core.AppKey, []string{"Tags:Get", "Files:Get", "Tags:Get"}, nil, core.NewSet(core.FilesGet, core.TagsGet), nil},
		{"deprecated", core.AppKey, []string{"Legacy:Read"}, nil, core.NewSet(core.LegacyRead), nil},
		{"All expands", both, []string{"All"}, nil, core.AllScopes(), nil},
		{"All with others", core.PersonalAccessToken, []string{"Predict", "All"}, nil, core.AllScopes(), nil},
		{"restricted, spec order", core.PersonalAccessToken, []string{"Files:Get"}, []string{mSearchFiles, mGetFile, mSearchFiles}, core.NewSet(core.FilesGet), []core.Endpoint{core.GetFile, core.SearchFiles}},
		{"All restricted", core.AppKey, []string{"All"}, []string{mGetFile}, core.AllScopes(), []core.Endpoint{core.GetFile}},
		{"restricted to a public endpoint", core.AppKey, nil, []string{mCheck}, core.Set{}, []core.Endpoint{core.Check}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := mustGrant(t, tt.kind, tt.scopes, tt.endpoints...)
			if g.IsZero() || g.Kind() != tt.kind || g.Scopes() != tt.wantScopes {
				t.Errorf("IsZero, Kind, Scopes = %v, %v, %v; want false, %v, %v", g.IsZero(), g.Kind(), g.Scopes(), tt.kind, tt.wantScopes)
			}
			if g.Restricted() != (tt.endpoints != nil) {
				t.Errorf("Restricted() = %v with endpoints %q", g.Restricted(), tt.endpoints)
			}
			if got := collect(g.Endpoints()); !slices.Equal(got, tt.wantEps) {
				t.Errorf("Endpoints() = %v, want %v", got, tt.wantEps)
			}
			// The same grant from typed values.
			var set core.Set
			for _, name := range tt.scopes {
				s, _ := core.ParseScope(name)
				set.Add(s)
			}
			var eps []core.Endpoint
			for _, m := range tt.endpoints {
				e, _ := core.LookupEndpoint(m)
				eps = append(eps, e)
			}
			if m := core.MakeGrant(tt.kind, set, eps...); m.String() != g.String() || m.Scopes() != g.Scopes() {
				t.Errorf("MakeGrant = %v, NewGrant = %v", m, g)
			}
		})
	}
}

// TestRestrictionLimitsAll checks that a non-empty endpoint list restricts even
// a key that holds every scope.
func TestRestrictionLimitsAll(t *testing.T) {
	g := mustGrant(t, both, []string{"All"}, mGetFile, mRetagFile)
	want := map[core.Endpoint]core.Reason{
		core.Check:       core.ReasonPublic,
		core.GetFile:     core.ReasonAllowed,
		core.DeleteFile:  core.ReasonEndpointNotGranted,
		core.RetagFile:   core.ReasonAllowed,
		core.SearchFiles: core.ReasonEndpointNotGranted,
		core.PatchTags:   core.ReasonEndpointNotGranted,
		core.ShareFile:   core.ReasonEndpointNotGranted,
		core.ExportTags:  core.ReasonEndpointNotGranted,
	}
	for _, e := range allEndpoints {
		if got := g.CheckEndpoint(e).Reason(); got != want[e] {
			t.Errorf("%v: %v, want %v", e, got, want[e])
		}
	}
}

func TestMakeGrant(t *testing.T) {
	allBits := core.Set{^uint64(0), ^uint64(0), ^uint64(0)}
	for _, tt := range []struct {
		name       string
		g          core.Grant
		kind       core.Principal
		scopes     core.Set
		restricted bool
		eps        []core.Endpoint
	}{
		{"drops kind bits", core.MakeGrant(core.AppKey|8|128, core.Set{}), core.AppKey, core.Set{}, false, nil},
		{"kind 0", core.MakeGrant(0, core.NewSet(core.FilesGet)), 0, core.NewSet(core.FilesGet), false, nil},
		{"drops non-scope bits", core.MakeGrant(core.AppKey, allBits.Difference(core.NewSet(core.All))), core.AppKey, core.AllScopes().Difference(core.NewSet(core.All)), false, nil},
		{"non-scope bits with All", core.MakeGrant(core.AppKey, core.Set{^uint64(0), 0, 0}), core.AppKey, core.AllScopes(), false, nil},
		{"All expands", grantOf(core.PersonalAccessToken, core.All), core.PersonalAccessToken, core.AllScopes(), false, nil},
		{"drops non-endpoints", core.MakeGrant(core.AppKey, core.Set{}, 0, core.RetagFile, core.NumEndpoints+1, core.GetFile, 1000), core.AppKey, core.Set{}, true, []core.Endpoint{core.GetFile, core.RetagFile}},
		{"only non-endpoints: calls nothing", core.MakeGrant(core.AppKey, core.NewSet(core.All), 0), core.AppKey, core.AllScopes(), true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			if g.IsZero() || g.Kind() != tt.kind || g.Scopes() != tt.scopes || g.Restricted() != tt.restricted {
				t.Errorf("IsZero, Kind, Scopes, Restricted = %v, %v, %v, %v; want false, %v, %v, %v", g.IsZero(), g.Kind(), g.Scopes(), g.Restricted(), tt.kind, tt.scopes, tt.restricted)
			}
			if got := collect(g.Endpoints()); !slices.Equal(got, tt.eps) {
				t.Errorf("Endpoints() = %v, want %v", got, tt.eps)
			}
		})
	}
	// A bad value only takes access away: a grant restricted to no endpoint
	// calls only the public one, a grant of no kind likewise.
	for _, g := range []core.Grant{core.MakeGrant(both, core.NewSet(core.All), 0), core.MakeGrant(0, core.NewSet(core.All))} {
		for _, e := range allEndpoints {
			if d := g.CheckEndpoint(e); d.Allowed() != e.Public() {
				t.Errorf("%v: %v: Allowed = %v (%v)", g, e, d.Allowed(), d.Reason())
			}
		}
	}
}

func TestZeroGrant(t *testing.T) {
	var g core.Grant
	if !g.IsZero() || g.Kind() != 0 || !g.Scopes().IsEmpty() || g.Restricted() || g.Has(core.FilesGet) || collect(g.Endpoints()) != nil {
		t.Errorf("zero Grant: IsZero, Kind, Scopes, Restricted = %v, %v, %v, %v", g.IsZero(), g.Kind(), g.Scopes(), g.Restricted())
	}
	if g.String() != "none" || !g.Closure().IsZero() || g.MissingPrerequisites() != nil {
		t.Errorf("zero Grant: String, Closure, MissingPrerequisites = %q, %v, %v", g.String(), g.Closure(), g.MissingPrerequisites())
	}
	if grantOf(0).IsZero() {
		t.Errorf("MakeGrant(0, {}) is the zero Grant")
	}
}

func TestGrantHas(t *testing.T) {
	g := grantOf(core.AppKey, core.FilesGet, core.TagsPatch)
	for _, tt := range []struct {
		s    core.Scope
		want bool
	}{
		{core.FilesGet, true},
		{core.TagsPatch, true},
		{core.TagsGet, false}, // prerequisites are not added by themselves
		{core.All, false},
		{0, false},
		{1000, false},
	} {
		if got := g.Has(tt.s); got != tt.want {
			t.Errorf("Has(%v) = %v, want %v", tt.s, got, tt.want)
		}
	}
	all := grantOf(core.AppKey, core.All)
	for _, s := range specScopes {
		if !all.Has(s) {
			t.Errorf("All grant: Has(%v) = false", s)
		}
	}
	for _, s := range notScopes {
		if all.Has(s) {
			t.Errorf("All grant: Has(%d) = true", s)
		}
	}
}

func TestGrantString(t *testing.T) {
	for _, tt := range []struct {
		g    core.Grant
		want string
	}{
		{core.Grant{}, "none"},
		{grantOf(core.AppKey, core.FilesGet), "app_key{Files:Get}"},
		{grantOf(both), "app_key|pat{}"},
		{grantOf(0, core.Predict), "none{Predict}"},
		{grantOf(core.AppKey, core.All), "app_key{All,Predict,Files:Get,Files:Add,Files:Delete,Legacy:Read,Tags:Get,Tags:Patch}"},
		{mustGrant(t, core.PersonalAccessToken, []string{"Tags:Get", "Files:Get"}, mSearchFiles, mGetFile), "pat{Files:Get,Tags:Get} endpoints{/files.v1.Files/GetFile,/files.v1.Files/SearchFiles}"},
		{core.MakeGrant(core.AppKey, core.Set{}, 0), "app_key{} endpoints{}"},
	} {
		if got := tt.g.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestGrantIntersect(t *testing.T) {
	files := grantOf(both, core.FilesGet, core.FilesAdd, core.FilesDelete)
	for _, tt := range []struct {
		name string
		a, b core.Grant
		want string // the intersection's String
	}{
		{"kinds and scopes", files, grantOf(core.PersonalAccessToken, core.FilesGet, core.TagsGet), "pat{Files:Get}"},
		{"All with some", grantOf(core.AppKey, core.All), grantOf(core.AppKey, core.Predict, core.TagsGet), "app_key{Predict,Tags:Get}"},
		{"All with All", grantOf(core.AppKey, core.All), grantOf(both, core.All), "app_key{All,Predict,Files:Get,Files:Add,Files:Delete,Legacy:Read,Tags:Get,Tags:Patch}"},
		{"no common kind", grantOf(core.AppKey, core.FilesGet), grantOf(core.PersonalAccessToken, core.FilesGet), "none{Files:Get}"},
		{"unrestricted with restricted", files, mustGrant(t, core.AppKey, []string{"All"}, mDeleteFile, mGetFile), "app_key{Files:Get,Files:Add,Files:Delete} endpoints{/files.v1.Files/GetFile,/files.v1.Files/DeleteFile}"},
		{"overlapping restrictions", mustGrant(t, both, []string{"Files:Get"}, mGetFile, mDeleteFile), mustGrant(t, both, []string{"Files:Get"}, mDeleteFile, mRetagFile), "app_key|pat{Files:Get} endpoints{/files.v1.Files/DeleteFile}"},
		{"disjoint restrictions", mustGrant(t, both, []string{"All"}, mGetFile), mustGrant(t, both, []string{"All"}, mDeleteFile), "app_key|pat{All,Predict,Files:Get,Files:Add,Files:Delete,Legacy:Read,Tags:Get,Tags:Patch} endpoints{}"},
		{"with zero", files, core.Grant{}, "none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []core.Grant{tt.a.Intersect(tt.b), tt.b.Intersect(tt.a)} {
				if got := r.String(); got != tt.want {
					t.Errorf("Intersect = %s, want %s", got, tt.want)
				}
				checkWithin(t, r, tt.a, tt.b)
			}
		})
	}
	// Two disjoint restrictions call nothing but the public endpoint.
	r := mustGrant(t, both, []string{"All"}, mGetFile).Intersect(mustGrant(t, both, []string{"All"}, mDeleteFile))
	for _, e := range allEndpoints {
		want := core.ReasonEndpointNotGranted
		if e.Public() {
			want = core.ReasonPublic
		}
		if got := r.CheckEndpoint(e).Reason(); got != want {
			t.Errorf("disjoint restrictions: %v: %v, want %v", e, got, want)
		}
	}
}

// checkWithin fails the test unless r, an intersection of a and b, allows
// nothing that a or b denies and is covered by both.
func checkWithin(t *testing.T, r, a, b core.Grant) {
	t.Helper()
	if !a.Covers(r) || !b.Covers(r) {
		t.Errorf("%v ∩ %v = %v: Covers = %v, %v", a, b, r, a.Covers(r), b.Covers(r))
	}
	for _, e := range allEndpoints {
		if r.CheckEndpoint(e).Allowed() && !(a.CheckEndpoint(e).Allowed() && b.CheckEndpoint(e).Allowed()) {
			t.Errorf("%v ∩ %v = %v allows %v", a, b, r, e)
		}
	}
}

// TestIntersectNeverMore intersects every pair of a list of grants.
func TestIntersectNeverMore(t *testing.T) {
	grants := sampleGrants(t)
	for _, a := range grants {
		for _, b := range grants {
			checkWithin(t, a.Intersect(b), a, b)
		}
	}
}

// sampleGrants returns grants of every shape: zero, each kind, no kind, with
// and without All, prerequisites and restrictions.
func sampleGrants(t testing.TB) []core.Grant {
	return []core.Grant{
		{},
		grantOf(0, core.All),
		grantOf(core.AppKey),
		grantOf(core.AppKey, core.FilesGet),
		grantOf(core.AppKey, core.FilesGet, core.TagsGet),
		grantOf(core.AppKey, core.FilesGet, core.FilesAdd),
		grantOf(core.AppKey, core.FilesGet, core.FilesDelete),
		grantOf(core.AppKey, core.All),
		grantOf(core.PersonalAccessToken, core.FilesGet, core.FilesAdd, core.FilesDelete, core.TagsGet, core.TagsPatch),
		grantOf(core.PersonalAccessToken, core.FilesDelete, core.TagsPatch),
		grantOf(core.PersonalAccessToken, core.All),
		grantOf(both, core.LegacyRead, core.Predict),
		grantOf(both, core.All),
		mustGrant(t, core.AppKey, []string{"Files:Get"}, mSearchFiles),
		mustGrant(t, core.AppKey, []string{"Files:Get"}, mGetFile),
		mustGrant(t, core.PersonalAccessToken, []string{"All"}, mRetagFile, mCheck),
		mustGrant(t, both, []string{"All"}, mGetFile, mDeleteFile, mSearchFiles),
		core.MakeGrant(both, core.NewSet(core.All), 0),
	}
}

func TestGrantCovers(t *testing.T) {
	app := grantOf(core.AppKey, core.FilesGet, core.TagsGet)
	for _, tt := range []struct {
		name string
		a, b core.Grant
		want bool
	}{
		{"zero covers zero", core.Grant{}, core.Grant{}, true},
		{"any covers zero", grantOf(0), core.Grant{}, true},
		{"zero covers none", core.Grant{}, grantOf(0), false},
		{"itself", app, app, true},
		{"fewer scopes", app, grantOf(core.AppKey, core.TagsGet), true},
		{"more scopes", app, grantOf(core.AppKey, core.FilesGet, core.TagsGet, core.Predict), false},
		{"scope in another word", app, grantOf(core.AppKey, core.TagsPatch), false},
		{"other kind", app, grantOf(core.PersonalAccessToken, core.FilesGet), false},
		{"fewer kinds", grantOf(both, core.FilesGet), grantOf(core.PersonalAccessToken, core.FilesGet), true},
		{"more kinds", app, grantOf(both, core.FilesGet), false},
		{"All covers every scope", grantOf(core.AppKey, core.All), grantOf(core.AppKey, core.Predict, core.LegacyRead, core.TagsPatch), true},
		{"All covers All", grantOf(core.AppKey, core.All), grantOf(core.AppKey, core.All), true},
		{"All minus one does not cover All", core.MakeGrant(core.AppKey, core.AllScopes().Difference(core.NewSet(core.All))), grantOf(core.AppKey, core.All), false},
		{"unrestricted covers restricted", app, mustGrant(t, core.AppKey, []string{"Files:Get"}, mGetFile), true},
		{"restricted does not cover unrestricted", mustGrant(t, core.AppKey, []string{"Files:Get"}, mCheck, mGetFile, mDeleteFile, mRetagFile, mSearchFiles), grantOf(core.AppKey, core.FilesGet), false},
		{"fewer endpoints", mustGrant(t, core.AppKey, []string{"All"}, mGetFile, mDeleteFile), mustGrant(t, core.AppKey, []string{"Files:Get"}, mDeleteFile), true},
		{"other endpoints", mustGrant(t, core.AppKey, []string{"All"}, mGetFile, mDeleteFile), mustGrant(t, core.AppKey, []string{"Files:Get"}, mDeleteFile, mSearchFiles), false},
		{"no endpoint", mustGrant(t, core.AppKey, []string{"Files:Get"}, mGetFile), core.MakeGrant(core.AppKey, core.Set{}, 0), true},
	} {
		if got := tt.a.Covers(tt.b); got != tt.want {
			t.Errorf("%s: %v.Covers(%v) = %v, want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMissingPrerequisites(t *testing.T) {
	type p = core.Prerequisite
	for _, tt := range []struct {
		name string
		g    core.Grant
		want []core.Prerequisite
	}{
		{"zero", core.Grant{}, nil},
		{"none needed", grantOf(core.AppKey, core.FilesGet, core.TagsGet), nil},
		{"All", grantOf(core.AppKey, core.All), nil},
		{"held prerequisite", grantOf(core.AppKey, core.FilesGet, core.FilesDelete), nil},
		{"one missing", grantOf(core.AppKey, core.FilesDelete), []p{{Scope: core.FilesDelete, Missing: core.NewSet(core.FilesGet)}}},
		{"transitive, across words", grantOf(core.AppKey, core.TagsPatch), []p{{Scope: core.TagsPatch, Missing: core.NewSet(core.FilesGet, core.FilesDelete, core.TagsGet)}}},
		{"in id order, only what is lacking", grantOf(core.AppKey, core.TagsPatch, core.FilesDelete), []p{
			{Scope: core.FilesDelete, Missing: core.NewSet(core.FilesGet)},
			{Scope: core.TagsPatch, Missing: core.NewSet(core.FilesGet, core.TagsGet)},
		}},
		{"restricted endpoint", mustGrant(t, core.PersonalAccessToken, []string{"Files:Get"}, mRetagFile), []p{
			{Endpoint: core.RetagFile, Missing: core.NewSet(core.FilesAdd, core.FilesDelete, core.TagsGet, core.TagsPatch)},
		}},
		{"scopes, then endpoints in spec order", mustGrant(t, core.AppKey, []string{"Files:Delete"}, mSearchFiles, mDeleteFile, mGetFile), []p{
			{Scope: core.FilesDelete, Missing: core.NewSet(core.FilesGet)},
			{Endpoint: core.GetFile, Missing: core.NewSet(core.FilesGet)},
			{Endpoint: core.DeleteFile, Missing: core.NewSet(core.FilesGet)},
			{Endpoint: core.SearchFiles, Missing: core.NewSet(core.FilesGet)},
		}},
		{"endpoint's requirements' prerequisites", core.MakeGrant(core.PersonalAccessToken, core.NewSet(core.FilesAdd), core.RetagFile), []p{
			{Endpoint: core.RetagFile, Missing: core.NewSet(core.FilesGet, core.FilesDelete, core.TagsGet, core.TagsPatch)},
		}},
		{"public endpoint needs nothing", mustGrant(t, core.AppKey, nil, mCheck), nil},
		{"restricted All", mustGrant(t, core.AppKey, []string{"All"}, mRetagFile, mGetFile), nil},
		{"unrestricted: endpoints not listed", grantOf(core.AppKey, core.Predict), nil},
	} {
		if got := tt.g.MissingPrerequisites(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: MissingPrerequisites() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestClosure(t *testing.T) {
	for _, tt := range []struct {
		name string
		g    core.Grant
		want string
	}{
		{"nothing missing", grantOf(core.AppKey, core.FilesGet), "app_key{Files:Get}"},
		{"scope prerequisites", grantOf(core.AppKey, core.TagsPatch), "app_key{Files:Get,Files:Delete,Tags:Get,Tags:Patch}"},
		{"endpoint requirements", mustGrant(t, core.PersonalAccessToken, nil, mRetagFile), "pat{Files:Get,Files:Add,Files:Delete,Tags:Get,Tags:Patch} endpoints{/files.v1.Files/RetagFile}"},
		{"kind kept", grantOf(both, core.FilesDelete), "app_key|pat{Files:Get,Files:Delete}"},
		{"All", grantOf(core.AppKey, core.All), "app_key{All,Predict,Files:Get,Files:Add,Files:Delete,Legacy:Read,Tags:Get,Tags:Patch}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.g.String()
			c := tt.g.Closure()
			if got := c.String(); got != tt.want {
				t.Errorf("Closure() = %s, want %s", got, tt.want)
			}
			if tt.g.String() != before {
				t.Errorf("Closure changed its grant: %s, was %s", tt.g, before)
			}
			if m := c.MissingPrerequisites(); m != nil {
				t.Errorf("Closure().MissingPrerequisites() = %+v", m)
			}
			if !c.Covers(tt.g) {
				t.Errorf("Closure() does not cover the grant")
			}
		})
	}
	for _, g := range sampleGrants(t) {
		c := g.Closure()
		if m := c.MissingPrerequisites(); m != nil || !c.Covers(g) || c.Closure().String() != c.String() {
			t.Errorf("%v: Closure() = %v, missing %+v, Covers = %v", g, c, m, c.Covers(g))
		}
		// A closed restricted grant may call every endpoint it lists, when
		// its kind is accepted.
		for e := range c.Endpoints() {
			if d := c.CheckEndpoint(e); !d.Allowed() && d.Reason() != core.ReasonPrincipal {
				t.Errorf("%v: %v: %v", c, e, d.Reason())
			}
		}
	}
}
