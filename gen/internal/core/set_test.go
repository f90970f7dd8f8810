package core_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/gen/internal/core"
)

// specScopes are the scope ids of testdata/scopes.yaml, in id order: words 0,
// 1 and 2 of a Set.
var specScopes = []core.Scope{1, 2, 63, 64, 65, 66, 130, 131}

// notScopes are ids that are no scope of the spec: 0, gaps in every word,
// ids past MaxScopeID that still fall in the last word, and ids past it.
var notScopes = []core.Scope{0, 3, 62, 67, 127, 128, 129, 132, 191, 192, 1000, 65535}

// collect returns the values of seq, in order; nil when it yields none.
func collect[T any](seq func(yield func(T) bool)) []T {
	var out []T
	for v := range seq {
		out = append(out, v)
	}
	return out
}

// first returns at most n values of seq, stopping it early.
func first[T any](seq func(yield func(T) bool), n int) []T {
	var out []T
	for v := range seq {
		if len(out) == n {
			break
		}
		out = append(out, v)
	}
	return out
}

func TestSetHasAddRemove(t *testing.T) {
	for _, tt := range []struct {
		id    core.Scope
		scope bool
	}{
		{core.All, true},
		{core.Predict, true},
		{core.FilesGet, true}, // last bit of word 0
		{core.FilesAdd, true}, // first bit of word 1
		{core.FilesDelete, true},
		{core.LegacyRead, true},
		{core.TagsGet, true}, // word 2
		{core.TagsPatch, true},
		{0, false},
		{3, false},
		{67, false},
		{128, false},
		{129, false},
		{core.MaxScopeID + 1, false},
		{191, false},
		{192, false},
		{1000, false},
		{65535, false},
	} {
		var s core.Set
		s.Add(tt.id)
		if s.Has(tt.id) != tt.scope {
			t.Errorf("after Add(%d): Has = %v, want %v", tt.id, s.Has(tt.id), tt.scope)
		}
		wantLen := 0 // Add ignores an id that is no scope
		if tt.scope {
			wantLen = 1
		}
		if s.Len() != wantLen {
			t.Errorf("after Add(%d): Len = %d, want %d", tt.id, s.Len(), wantLen)
		}

		full := core.AllScopes()
		full.Remove(tt.id)
		if full.Has(tt.id) {
			t.Errorf("after Remove(%d): Has = true", tt.id)
		}
		want := core.NumScopes
		if tt.scope {
			want--
		}
		if full.Len() != want {
			t.Errorf("after Remove(%d) from AllScopes: Len = %d, want %d", tt.id, full.Len(), want)
		}
	}
}

// TestSetHasPastMaxScopeID checks that ids past MaxScopeID are never in a
// set, even one whose last word has every bit set, and that Remove ignores
// them.
func TestSetHasPastMaxScopeID(t *testing.T) {
	s := core.Set{^uint64(0), ^uint64(0), ^uint64(0)}
	for _, id := range []core.Scope{core.MaxScopeID + 1, 191, 192, 65535} {
		if s.Has(id) {
			t.Errorf("Has(%d) = true on a set with every bit set", id)
		}
		before := s
		s.Remove(id)
		if s != before {
			t.Errorf("Remove(%d) changed the set", id)
		}
	}
	if !s.Has(core.MaxScopeID) || !s.Has(0) {
		t.Errorf("Has(MaxScopeID), Has(0) = %v, %v on a set with every bit set", s.Has(core.MaxScopeID), s.Has(0))
	}
}

func TestSetOperations(t *testing.T) {
	get := core.NewSet(core.FilesGet)
	files := core.NewSet(core.FilesGet, core.FilesAdd, core.FilesDelete)
	tags := core.NewSet(core.TagsGet, core.TagsPatch)
	mixed := core.NewSet(core.Predict, core.FilesAdd, core.TagsGet)
	for _, tt := range []struct {
		name                      string
		a, b                      core.Set
		union, inter, diff        core.Set
		containsAll, bContainsAll bool
	}{
		{"empty", core.Set{}, core.Set{}, core.Set{}, core.Set{}, core.Set{}, true, true},
		{"with empty", files, core.Set{}, files, core.Set{}, files, true, false},
		{"subset", files, get, files, get, core.NewSet(core.FilesAdd, core.FilesDelete), true, false},
		{"disjoint", files, tags, core.NewSet(core.FilesGet, core.FilesAdd, core.FilesDelete, core.TagsGet, core.TagsPatch), core.Set{}, files, false, false},
		{"overlap across words", files, mixed, core.NewSet(core.Predict, core.FilesGet, core.FilesAdd, core.FilesDelete, core.TagsGet), core.NewSet(core.FilesAdd), core.NewSet(core.FilesGet, core.FilesDelete), false, false},
		{"same", mixed, mixed, mixed, mixed, core.Set{}, true, true},
		{"all", core.AllScopes(), tags, core.AllScopes(), tags, core.NewSet(core.All, core.Predict, core.FilesGet, core.FilesAdd, core.FilesDelete, core.LegacyRead), true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := tt.a, tt.b
			if got := a.Union(b); got != tt.union {
				t.Errorf("Union = %v, want %v", got, tt.union)
			}
			if got := b.Union(a); got != tt.union {
				t.Errorf("reversed Union = %v, want %v", got, tt.union)
			}
			if got := a.Intersect(b); got != tt.inter {
				t.Errorf("Intersect = %v, want %v", got, tt.inter)
			}
			if got := b.Intersect(a); got != tt.inter {
				t.Errorf("reversed Intersect = %v, want %v", got, tt.inter)
			}
			if got := a.Difference(b); got != tt.diff {
				t.Errorf("Difference = %v, want %v", got, tt.diff)
			}
			if got := a.ContainsAll(b); got != tt.containsAll {
				t.Errorf("a.ContainsAll(b) = %v, want %v", got, tt.containsAll)
			}
			if got := b.ContainsAll(a); got != tt.bContainsAll {
				t.Errorf("b.ContainsAll(a) = %v, want %v", got, tt.bContainsAll)
			}
			if a != tt.a || b != tt.b {
				t.Errorf("operations changed their operands: %v, %v", a, b)
			}
		})
	}
}

func TestSetIsEmptyLen(t *testing.T) {
	for _, tt := range []struct {
		s     core.Set
		empty bool
		n     int
	}{
		{core.Set{}, true, 0},
		{core.NewSet(), true, 0},
		{core.NewSet(core.TagsPatch), false, 1},
		{core.NewSet(core.FilesGet, core.FilesAdd), false, 2},
		{core.AllScopes(), false, core.NumScopes},
		{core.Set{0, 0, 1 << 63}, false, 1}, // a bit past MaxScopeID still counts
	} {
		if tt.s.IsEmpty() != tt.empty || tt.s.Len() != tt.n {
			t.Errorf("%#v: IsEmpty, Len = %v, %d; want %v, %d", tt.s, tt.s.IsEmpty(), tt.s.Len(), tt.empty, tt.n)
		}
	}
}

func TestSetScopesOrder(t *testing.T) {
	if got := collect(core.AllScopes().Scopes()); !slices.Equal(got, specScopes) {
		t.Errorf("AllScopes().Scopes() = %v, want %v", got, specScopes)
	}
	// NewSet's argument order does not matter: iteration is in id order.
	s := core.NewSet(core.TagsPatch, core.All, core.FilesAdd, core.FilesGet)
	want := []core.Scope{core.All, core.FilesGet, core.FilesAdd, core.TagsPatch}
	if got := collect(s.Scopes()); !slices.Equal(got, want) {
		t.Errorf("Scopes() = %v, want %v", got, want)
	}
	if got := first(s.Scopes(), 3); !slices.Equal(got, want[:3]) {
		t.Errorf("Scopes() stopped after 3 = %v, want %v", got, want[:3])
	}
	if got := collect(core.Set{}.Scopes()); got != nil {
		t.Errorf("empty Set: Scopes() = %v", got)
	}
}

func TestSetText(t *testing.T) {
	for _, tt := range []struct {
		s    core.Set
		text string
	}{
		{core.Set{}, ""},
		{core.NewSet(core.All), "All"}, // a Set does not expand All
		{core.NewSet(core.TagsGet, core.FilesGet), "Files:Get,Tags:Get"},
		{core.NewSet(core.FilesGet, core.FilesAdd, core.TagsPatch), "Files:Get,Files:Add,Tags:Patch"},
		{core.AllScopes(), "All,Predict,Files:Get,Files:Add,Files:Delete,Legacy:Read,Tags:Get,Tags:Patch"},
	} {
		if got := tt.s.String(); got != tt.text {
			t.Errorf("String() = %q, want %q", got, tt.text)
		}
		b, err := tt.s.MarshalText()
		if err != nil || string(b) != tt.text {
			t.Errorf("MarshalText() = %q, %v; want %q", b, err, tt.text)
		}
		var back core.Set
		if err := back.UnmarshalText([]byte(tt.text)); err != nil || back != tt.s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", tt.text, back, err, tt.s)
		}
	}
}

// TestSetTextRoundTrip marshals and unmarshals every subset of the spec's scopes.
func TestSetTextRoundTrip(t *testing.T) {
	for bits := range 1 << len(specScopes) {
		var s core.Set
		for i, x := range specScopes {
			if bits&(1<<i) != 0 {
				s.Add(x)
			}
		}
		b, _ := s.MarshalText()
		back := core.NewSet(core.TagsGet) // UnmarshalText replaces, not adds
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Fatalf("%v: UnmarshalText(%q) = %v, %v", s, b, back, err)
		}
	}
}

func TestSetUnmarshalText(t *testing.T) {
	start := core.NewSet(core.Predict, core.TagsGet)
	for _, tt := range []struct {
		text string
		want core.Set
		err  string
	}{
		{"", core.Set{}, ""},
		{" Files:Get , Tags:Get ", core.NewSet(core.FilesGet, core.TagsGet), ""},
		{"Files:Get,,Tags:Get,", core.NewSet(core.FilesGet, core.TagsGet), ""},
		{"Files:Get,Files:Get", core.NewSet(core.FilesGet), ""},
		{",", core.Set{}, ""},
		{"Legacy:Read", core.NewSet(core.LegacyRead), ""},
		{"Files:Gett", start, `unknown scope "Files:Gett"`},
		{"files:get", start, `unknown scope "files:get"`},
		{"Files:Get,Nope", start, `unknown scope "Nope"`},
		{"Files:Get;Tags:Get", start, `unknown scope "Files:Get;Tags:Get"`},
		{"Scope(3)", start, `unknown scope "Scope(3)"`},
	} {
		s := start
		err := s.UnmarshalText([]byte(tt.text))
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("UnmarshalText(%q): %v", tt.text, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("UnmarshalText(%q) error = %v, want %s", tt.text, err, tt.err)
		}
		if s != tt.want {
			t.Errorf("after UnmarshalText(%q): %v, want %v", tt.text, s, tt.want)
		}
	}
}

func TestAllScopes(t *testing.T) {
	all := core.AllScopes()
	if all.Len() != core.NumScopes || len(specScopes) != core.NumScopes {
		t.Errorf("AllScopes().Len() = %d, NumScopes = %d; want %d", all.Len(), core.NumScopes, len(specScopes))
	}
	for _, x := range specScopes {
		if !all.Has(x) {
			t.Errorf("AllScopes() lacks %v", x)
		}
	}
	for _, x := range notScopes {
		if all.Has(x) {
			t.Errorf("AllScopes() has %d, which is no scope", x)
		}
	}
	if core.MaxScopeID != 131 || core.SetWords != 3 {
		t.Errorf("MaxScopeID, SetWords = %d, %d; want 131, 3", core.MaxScopeID, core.SetWords)
	}
}

func TestNewSet(t *testing.T) {
	if s := core.NewSet(); !s.IsEmpty() {
		t.Errorf("NewSet() = %v", s)
	}
	got := core.NewSet(append([]core.Scope{core.FilesGet, core.TagsPatch}, notScopes...)...)
	if want := (core.Set{1 << 63, 0, 1 << 3}); got != want {
		t.Errorf("NewSet(Files:Get, Tags:Patch, non-scopes...) = %#v, want %#v", got, want)
	}
	if got := core.NewSet(specScopes...); got != core.AllScopes() {
		t.Errorf("NewSet(every scope) = %v, want AllScopes()", got)
	}
}

func TestScope(t *testing.T) {
	for _, tt := range []struct {
		s                 core.Scope
		name, description string
		valid, deprecated bool
		prerequisites     core.Set
	}{
		{core.All, "All", "Everything.", true, false, core.Set{}},
		{core.Predict, "Predict", "Run predictions.", true, false, core.Set{}},
		{core.FilesGet, "Files:Get", "Read files.", true, false, core.Set{}},
		{core.FilesAdd, "Files:Add", "Add files.", true, false, core.Set{}},
		{core.FilesDelete, "Files:Delete", "Delete files.", true, false, core.NewSet(core.FilesGet)},
		{core.LegacyRead, "Legacy:Read", "The old read scope.", true, true, core.Set{}},
		{core.TagsGet, "Tags:Get", "Read tags.", true, false, core.Set{}},
		// Transitive: Files:Delete brings Files:Get.
		{core.TagsPatch, "Tags:Patch", "Edit tags.", true, false, core.NewSet(core.FilesGet, core.FilesDelete, core.TagsGet)},
		{0, "Scope(0)", "", false, false, core.Set{}},
		{3, "Scope(3)", "", false, false, core.Set{}},
		{67, "Scope(67)", "", false, false, core.Set{}},
		{129, "Scope(129)", "", false, false, core.Set{}},
		{132, "Scope(132)", "", false, false, core.Set{}},
		{65535, "Scope(65535)", "", false, false, core.Set{}},
	} {
		if got := tt.s.String(); got != tt.name {
			t.Errorf("Scope(%d).String() = %q, want %q", tt.s, got, tt.name)
		}
		if got := tt.s.Description(); got != tt.description {
			t.Errorf("%v.Description() = %q, want %q", tt.s, got, tt.description)
		}
		if got := tt.s.Valid(); got != tt.valid {
			t.Errorf("%v.Valid() = %v, want %v", tt.s, got, tt.valid)
		}
		if got := tt.s.Deprecated(); got != tt.deprecated {
			t.Errorf("%v.Deprecated() = %v, want %v", tt.s, got, tt.deprecated)
		}
		if got := tt.s.Prerequisites(); got != tt.prerequisites {
			t.Errorf("%v.Prerequisites() = %v, want %v", tt.s, got, tt.prerequisites)
		}
	}
}

func TestParseScope(t *testing.T) {
	for _, x := range specScopes {
		if got, ok := core.ParseScope(x.String()); !ok || got != x {
			t.Errorf("ParseScope(%q) = %d, %v; want %d", x.String(), got, ok, x)
		}
	}
	for _, name := range []string{"", "all", "ALL", "Files:get", " Files:Get", "Files:Get ", "Files", "Scope(3)", "Files:Get,Tags:Get"} {
		if got, ok := core.ParseScope(name); ok || got != 0 {
			t.Errorf("ParseScope(%q) = %d, %v; want 0, false", name, got, ok)
		}
	}
}

func TestPreset(t *testing.T) {
	for _, tt := range []struct {
		p      core.Preset
		name   string
		scopes core.Set
	}{
		{core.PresetRead, "read", core.NewSet(core.FilesGet, core.TagsGet)},
		{core.PresetAdmin, "admin", core.NewSet(core.All)}, // a preset's set is as the spec writes it
		{0, "", core.Set{}},
		{3, "", core.Set{}},
		{65535, "", core.Set{}},
	} {
		if tt.p.Name() != tt.name || tt.p.String() != tt.name {
			t.Errorf("Preset(%d): Name, String = %q, %q; want %q", tt.p, tt.p.Name(), tt.p.String(), tt.name)
		}
		if got := tt.p.Scopes(); got != tt.scopes {
			t.Errorf("Preset(%d).Scopes() = %v, want %v", tt.p, got, tt.scopes)
		}
		if tt.name == "" {
			continue
		}
		if got, ok := core.ParsePreset(tt.name); !ok || got != tt.p {
			t.Errorf("ParsePreset(%q) = %d, %v; want %d", tt.name, got, ok, tt.p)
		}
	}
	for _, name := range []string{"", "Read", "admin ", "none", "All"} {
		if got, ok := core.ParsePreset(name); ok || got != 0 {
			t.Errorf("ParsePreset(%q) = %d, %v; want 0, false", name, got, ok)
		}
	}
	want := []core.Preset{core.PresetRead, core.PresetAdmin}
	if got := collect(core.Presets()); !slices.Equal(got, want) {
		t.Errorf("Presets() = %v, want %v", got, want)
	}
	if got := first(core.Presets(), 1); !slices.Equal(got, want[:1]) {
		t.Errorf("Presets() stopped after 1 = %v", got)
	}
}

func TestPrincipal(t *testing.T) {
	for _, tt := range []struct {
		p    core.Principal
		name string
	}{
		{0, "none"},
		{core.AppKey, "app_key"},
		{core.PersonalAccessToken, "pat"},
		{core.AppKey | core.PersonalAccessToken, "app_key|pat"},
		{core.Oauth2, "oauth2"},
		{8, "none"}, // bits that are no kind are not named
		{core.PersonalAccessToken | 16, "pat"},
		{255, "app_key|pat|oauth2"},
	} {
		if got := tt.p.String(); got != tt.name {
			t.Errorf("Principal(%d).String() = %q, want %q", tt.p, got, tt.name)
		}
		if strings.Contains(tt.name, "|") || tt.name == "none" || tt.p&^core.AllPrincipals != 0 {
			continue
		}
		if got, ok := core.ParsePrincipal(tt.name); !ok || got != tt.p {
			t.Errorf("ParsePrincipal(%q) = %d, %v; want %d", tt.name, got, ok, tt.p)
		}
	}
	for _, name := range []string{"", "none", "App_Key", "app_key|pat", "personal_access_token"} {
		if got, ok := core.ParsePrincipal(name); ok || got != 0 {
			t.Errorf("ParsePrincipal(%q) = %d, %v; want 0, false", name, got, ok)
		}
	}
}
