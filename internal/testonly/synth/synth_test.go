package synth_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

func build(t testing.TB, data []byte) *model.Model {
	t.Helper()
	f, err := spec.Parse("synth.yaml", data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	m, err := model.Build(f)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return m
}

// sizes are the specs the benchmarks use: the shipped spec's size, a real
// API's (Clarifai's has about 300 methods) and a huge one.
var sizes = []synth.Options{
	{Endpoints: 37},
	{Endpoints: 300, Scopes: 120},
	{Endpoints: 10000, Scopes: 2000},
}

func TestSizesBuildCleanly(t *testing.T) {
	opts := append([]synth.Options{}, sizes...)
	for _, n := range []int{1, 2, 5, 9, 10, 50, 1000} {
		opts = append(opts, synth.Options{Endpoints: n})
	}
	opts = append(opts,
		synth.Options{Endpoints: 3, Scopes: 2},
		synth.Options{Endpoints: 40, Scopes: 3},
		synth.Options{Endpoints: 5, Scopes: 400},
		synth.Options{Endpoints: 3000, Scopes: 6000},
		synth.Options{Endpoints: 12000, Scopes: 500}, // versioned methods; 20,000 with HTTP bindings exceed the 4 MiB of a spec
	)
	for _, o := range opts {
		for seed := range uint64(3) {
			o.Seed = seed
			t.Run(fmt.Sprintf("%d/%d/%d", o.Endpoints, o.Scopes, seed), func(t *testing.T) {
				m := build(t, synth.Spec(o))
				for _, w := range m.Warnings {
					t.Errorf("warning: %s", w)
				}
				o := o.Normalized()
				if len(m.Endpoints) != o.Endpoints {
					t.Errorf("%d endpoints, want %d", len(m.Endpoints), o.Endpoints)
				}
				if len(m.Scopes) != o.Scopes {
					t.Errorf("%d scopes, want %d", len(m.Scopes), o.Scopes)
				}
				if m.AllScope == nil {
					t.Error("no All scope")
				}
				if _, err := gen.Generate(m, gen.Options{Package: "scopes"}); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestShape checks that the real-API-sized and huge specs look like a real
// API: ids with gaps, prerequisites, 1 to 13 required scopes per endpoint,
// PAT-only, public, request-scoped and redacting endpoints.
func TestShape(t *testing.T) {
	for _, o := range sizes[1:] {
		m := build(t, synth.Spec(o))
		var pat, public, request, redact, prereq int
		var bindings, custom, rest, depth int
		most := 0
		hist := make([]int, 14)
		for _, e := range m.Endpoints {
			if len(e.HTTP) == 0 {
				t.Errorf("%s has no HTTP binding", e.Method)
			}
			for _, b := range e.HTTP {
				bindings++
				depth = max(depth, len(b.Segments))
				if b.CustomVerb != "" {
					custom++
				}
				if b.Segments[len(b.Segments)-1].Kind == model.Rest {
					rest++
				}
			}
			if e.Public {
				public++
				continue
			}
			if n := len(e.Requires); n < 1 || n > 13 {
				t.Errorf("%s requires %d scopes, want 1 to 13", e.Method, n)
			}
			most = max(most, len(e.Requires))
			hist[min(len(e.Requires), 13)]++
			if e.Principals == model.PersonalAccessToken {
				pat++
			}
			if len(e.RequestScopes) > 0 {
				request++
			}
			if len(e.Redactions) > 0 {
				redact++
			}
		}
		for _, s := range m.Scopes {
			if len(s.Requires) > 0 {
				prereq++
			}
		}
		t.Logf("%d endpoints, %d scopes (max id %d, %d reserved ids): %d PAT-only, %d public, %d with request scopes, %d redacting, up to %d required; %d scopes with prerequisites, %d presets",
			len(m.Endpoints), len(m.Scopes), m.MaxID, len(m.Reserved.IDs), pat, public, request, redact, most, prereq, len(m.Presets))
		t.Logf("endpoints by number of required scopes (0 to 13): %v", hist)
		t.Logf("%d HTTP bindings: %d with a custom verb, %d ending in **, up to %d segments", bindings, custom, rest, depth)
		if bindings < len(m.Endpoints) || bindings > len(m.Endpoints)*13/10 || custom < 3 || rest < 1 {
			t.Error("the spec's HTTP bindings lack some feature of a real API: one or two per endpoint, a few custom verbs, a **")
		}
		n := len(m.Scopes)
		if m.MaxID < n*13/10 || m.MaxID > n*16/10 {
			t.Errorf("max id %d for %d scopes, want about 1.4 times as many", m.MaxID, n)
		}
		if pat == 0 || public == 0 || request == 0 || redact == 0 || prereq < n/3 || len(m.Presets) < 3 {
			t.Error("the spec lacks some feature of a real API")
		}
		if most < 9 {
			t.Errorf("no endpoint requires more than %d scopes", most)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, o := range sizes {
		a, b := synth.Spec(o), synth.Spec(o)
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: two runs differ", o)
		}
		o.Seed = 7
		if bytes.Equal(a, synth.Spec(o)) {
			t.Errorf("%+v: the seed changes nothing", o)
		}
	}
}
