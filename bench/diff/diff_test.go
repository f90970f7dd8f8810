// Package diff benchmarks scopegen diff on specs of three sizes: the
// shipped spec, a synthetic spec of a real API's size (300 endpoints, 120
// scopes, as Clarifai's) and one of 10,000 endpoints and 2,000 scopes (the
// size of the scale benchmarks, 1.6 MB of YAML). Each is compared with
// itself after the edits of a large pull request (pr: see edit), and with an
// unrelated spec of the same size (unrelated: another seed, so that every
// scope and endpoint changes; for the shipped spec, the real-API one). What
// is timed is what scopegen diff does: read and validate both specs, compare
// them, find the witnesses, and print the report. The targets: under
// 1 s for the real API's size, under 10 s for 10,000 endpoints.
package diff

import (
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/scopegen/scopegen/bench/internal/cputime"
	"github.com/scopegen/scopegen/internal/diff"
	"github.com/scopegen/scopegen/internal/spec"
	"github.com/scopegen/scopegen/internal/testonly/synth"
)

// sizes are the compared specs, as bench/internal/report names them, with
// the target for each.
var sizes = []struct {
	name   string
	opts   *synth.Options // nil: the shipped spec
	target time.Duration
}{
	{"shipped", nil, time.Second},
	{"api", &synth.Options{Endpoints: 300, Scopes: 120, Seed: 1}, time.Second},
	{"10k", &synth.Options{Endpoints: 10000, Scopes: 2000, Seed: 1}, 10 * time.Second},
}

// kinds are the comparisons made at each size.
var kinds = []struct {
	name string
	pair func(tb testing.TB, opts *synth.Options) (old, new []byte)
}{
	{"pr", edited},
	{"unrelated", unrelated},
}

// file is the spec of a size: the shipped one, or a synthetic one.
func file(tb testing.TB, opts *synth.Options) *spec.File {
	if opts != nil {
		return synth.File(*opts)
	}
	data, err := os.ReadFile("../../spec/scopes.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := spec.Parse("scopes.yaml", data)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// edited returns the YAML of a spec and of the same spec after edit.
func edited(tb testing.TB, opts *synth.Options) (old, new []byte) {
	f := file(tb, opts)
	old = spec.Marshal(f)
	edit(f)
	return old, spec.Marshal(f)
}

// unrelated returns the YAML of a spec and of another of the same size.
func unrelated(tb testing.TB, opts *synth.Options) (old, new []byte) {
	other := synth.Options{Endpoints: 300, Scopes: 120, Seed: 1}
	if opts != nil {
		other = *opts
		other.Seed++
	}
	return spec.Marshal(file(tb, opts)), spec.Marshal(synth.File(other))
}

// edit makes the changes of a large pull request, spread over the spec, of
// every kind scopegen diff classifies: one endpoint in 50 drops a
// requirement (an escalation) and one in 70 gains one (breaking); one in 200
// is removed; twenty new endpoints, one of them public; a scope is renamed,
// another takes a removed scope's id; two scopes swap ids; a widely needed
// scope gains a prerequisite; a preset gains a scope; and the default
// principals lose pat keys.
func edit(f *spec.File) {
	str := func(s string) spec.Str { return spec.Str{Value: s} }
	var kept []spec.Endpoint
	for i, e := range f.Endpoints {
		switch {
		case i%200 == 199:
			continue // removed
		case i%50 == 7 && len(e.Requires) > 1:
			e.Requires = slices.Clone(e.Requires[:len(e.Requires)-1])
		case i%70 == 11 && !e.Public.Value:
			// The scope the next endpoint requires first, if this one lacks it.
			if next := f.Endpoints[(i+1)%len(f.Endpoints)]; len(next.Requires) > 0 &&
				!slices.ContainsFunc(e.Requires, func(s spec.Str) bool { return s.Value == next.Requires[0].Value }) {
				e.Requires = append(slices.Clone(e.Requires), next.Requires[0])
			}
		}
		kept = append(kept, e)
	}
	f.Endpoints = kept
	for i := range 20 {
		e := spec.Endpoint{Method: str(fmt.Sprintf("/synth.api.V2/PostNewThings%d", i)), Description: str("A new endpoint.")}
		if i == 0 {
			e.Public = spec.Bool{Value: true}
		} else {
			e.Requires = []spec.Str{f.Scopes[1+i%(len(f.Scopes)-1)].Name}
		}
		f.Endpoints = append(f.Endpoints, e)
	}
	rename := func(from, to string) {
		sub := func(l []spec.Str) {
			for i := range l {
				if l[i].Value == from {
					l[i].Value = to
				}
			}
		}
		for i := range f.Scopes {
			if f.Scopes[i].Name.Value == from {
				f.Scopes[i].Name.Value = to
				f.Scopes[i].GoName = spec.Str{}
			}
			sub(f.Scopes[i].Requires)
		}
		for i := range f.Endpoints {
			e := &f.Endpoints[i]
			sub(e.Requires)
			for j := range e.RequestScopes {
				if e.RequestScopes[j].Scope.Value == from {
					e.RequestScopes[j].Scope.Value = to
				}
			}
			for j := range e.Redact {
				sub(e.Redact[j].Unless)
			}
		}
		for i := range f.Presets {
			sub(f.Presets[i].Scopes)
		}
	}
	n := len(f.Scopes)
	rename(f.Scopes[n/3].Name.Value, f.Scopes[n/3].Name.Value+"Renamed")
	a, b := &f.Scopes[n/2], &f.Scopes[n/2+1]
	a.ID, b.ID = b.ID, a.ID
	// A scope many others need gains a prerequisite that needs nothing.
	for i := range f.Scopes {
		s := &f.Scopes[i]
		if len(s.Requires) == 0 && !s.GrantsAll.Value && i > 0 {
			for j := range f.Scopes {
				t := &f.Scopes[j]
				if j != i && len(t.Requires) == 0 && !t.GrantsAll.Value && needers(f, t.Name.Value) > 3 {
					t.Requires = []spec.Str{s.Name}
					// Presets hold the prerequisites of their scopes.
					for k := range f.Presets {
						p := &f.Presets[k]
						if slices.ContainsFunc(p.Scopes, func(x spec.Str) bool { return x.Value == t.Name.Value }) &&
							!slices.ContainsFunc(p.Scopes, func(x spec.Str) bool { return x.Value == s.Name.Value }) {
							p.Scopes = append(slices.Clone(p.Scopes), s.Name)
						}
					}
					break
				}
			}
			break
		}
	}
	if len(f.Presets) > 0 {
		p := &f.Presets[0]
		for _, s := range f.Scopes {
			if !s.GrantsAll.Value && len(s.Requires) == 0 && !slices.ContainsFunc(p.Scopes, func(x spec.Str) bool { return x.Value == s.Name.Value }) {
				p.Scopes = append(slices.Clone(p.Scopes), s.Name)
				break
			}
		}
	}
	f.Principals = []spec.Str{str("app_key")}
}

// needers counts the scopes that require name.
func needers(f *spec.File, name string) int {
	n := 0
	for _, s := range f.Scopes {
		if slices.ContainsFunc(s.Requires, func(x spec.Str) bool { return x.Value == name }) {
			n++
		}
	}
	return n
}

// run does what scopegen diff OLD NEW does, but for reading the files.
func run(tb testing.TB, old, new []byte) *diff.Report {
	o, err := diff.Load("old.yaml", old)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := diff.Load("new.yaml", new)
	if err != nil {
		tb.Fatal(err)
	}
	r := diff.Compare(o, n)
	if err := r.Write(io.Discard, "text"); err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkDiff times scopegen diff on each kind of comparison and size
// (BenchmarkDiff/pr/10k): wall time, CPU time (cpu-ns/op) and allocations.
func BenchmarkDiff(b *testing.B) {
	for _, k := range kinds {
		for _, s := range sizes {
			old, new := k.pair(b, s.opts)
			b.Run(k.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := cputime.Process(b)
				for b.Loop() {
					run(b, old, new)
				}
				cpu.Stop()
			})
		}
	}
}

// TestDiffTargets runs each comparison once, logs its time and what it
// found, and fails when it takes more than three times the target
// (1 s for the real API's size, 10 s for 10,000 endpoints): a shared
// machine's load can slow a run, but not that much. -short skips the 10k
// size.
func TestDiffTargets(t *testing.T) {
	for _, k := range kinds {
		for _, s := range sizes {
			if testing.Short() && s.name == "10k" {
				continue
			}
			old, new := k.pair(t, s.opts)
			start := time.Now()
			r := run(t, old, new)
			took := time.Since(start)
			sum := r.Summary()
			t.Logf("%s/%s: %d + %d bytes, %d findings (%d escalation, %d breaking, %d safe) in %v; target %v",
				k.name, s.name, len(old), len(new), len(r.Findings), sum.Escalation, sum.Breaking, sum.Safe, took.Round(time.Millisecond), s.target)
			if sum.Escalation == 0 || sum.Breaking == 0 {
				t.Errorf("%s/%s: the edits should escalate and break", k.name, s.name)
			}
			if took > 3*s.target {
				t.Errorf("%s/%s: diff took %v, more than three times the target of %v", k.name, s.name, took, s.target)
			}
		}
	}
}
