package model_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// limitHead is the start of a spec that the limit tests append scopes,
// presets and endpoints to.
const limitHead = `scopegen: 1
outcomes:
  insufficient_scopes: {code: 1, status: A, grpc: PERMISSION_DENIED, message: m}
  key_invalid: {code: 2, status: B, grpc: UNAUTHENTICATED, message: m}
  key_not_found: {code: 3, status: C, grpc: UNAUTHENTICATED, message: m}
  unknown_endpoint: {code: 4, status: D, grpc: NOT_FOUND, message: m}
defaults: {principals: [app_key]}
`

// hangGuard is how long one hostile spec may take before the test calls it a
// hang. It is not a speed target (BenchmarkHostile measures): each of these
// specs took a minute or more, or never ended, before the limits, and takes
// well under a second with them.
const hangGuard = 60 * time.Second

// buildWithin parses and builds src, failing the test if that takes longer
// than hangGuard.
func buildWithin(t *testing.T, src []byte) ([]spec.Diagnostic, *model.Model) {
	t.Helper()
	type result struct {
		diags []spec.Diagnostic
		m     *model.Model
	}
	done := make(chan result, 1)
	go func() {
		diags, m := build(t, src)
		done <- result{diags, m}
	}()
	select {
	case r := <-done:
		return r.diags, r.m
	case <-time.After(hangGuard):
		t.Fatalf("parsing and building a %d-byte spec did not end within %v", len(src), hangGuard)
		return nil, nil
	}
}

// hostileSpecs are specs within spec.MaxBytes that cross a limit, or that
// took quadratic time or memory before the limits; want is a part of the
// first error, "" when the spec must build.
func hostileSpecs() []struct{ name, src, want string } {
	var out []struct{ name, src, want string }
	add := func(name, src, want string) {
		out = append(out, struct{ name, src, want string }{name, src, want})
	}
	scopes := func(n int) string {
		var b strings.Builder
		b.WriteString("scopes:\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "- {name: S%d, id: %d, description: d}\n", i, i)
		}
		return b.String()
	}

	add("scopes over the limit", limitHead+scopes(model.MaxScopes+1), fmt.Sprintf("more than %d scopes", model.MaxScopes))
	add("scopes at the limit", limitHead+scopes(model.MaxScopes), "")

	var b strings.Builder
	b.WriteString(limitHead + scopes(1) + "presets:\n")
	for i := 0; i <= model.MaxPresets; i++ {
		fmt.Fprintf(&b, "- {name: p%d, scopes: [S1]}\n", i)
	}
	add("presets over the limit", b.String(), fmt.Sprintf("more than %d presets", model.MaxPresets))

	b.Reset()
	b.WriteString(limitHead + scopes(1) + "endpoints:\n")
	for i := 0; i <= model.MaxEndpoints; i++ {
		fmt.Fprintf(&b, "- method: /a.B/M%d\n", i)
	}
	add("endpoints over the limit", b.String(), fmt.Sprintf("more than %d endpoints", model.MaxEndpoints))

	// Every endpoint shares one binding: each would name all the others
	// (quadratic) before the limit.
	b.Reset()
	b.WriteString(limitHead + scopes(1) + "endpoints:\n")
	for i := 0; b.Len() < spec.MaxBytes/2; i++ {
		fmt.Fprintf(&b, "- {method: /a.B/M%d, http: [{shared: GET /a}]}\n", i)
	}
	add("shared bindings", b.String(), fmt.Sprintf("at most %d endpoints may share a binding", model.MaxShared))

	// As many bindings as fit, all different, at the limits per endpoint.
	b.Reset()
	b.WriteString(limitHead + scopes(1) + "endpoints:\n")
	for i := 0; b.Len() < spec.MaxBytes*3/4; i++ {
		fmt.Fprintf(&b, "- method: /a.B/M%d\n  http: [", i)
		for j := range model.MaxBindingsPerEndpoint {
			fmt.Fprintf(&b, "\"PUT /%d/%d/{a}/{b=c/*/d/**}:x\",", i, j)
		}
		b.WriteString("]\n")
	}
	add("many bindings", b.String(), "")

	// A chain of requires: closures of 1, 2, ..., 16382 scopes (quadratic,
	// 30 GB of allocations and a 1 GB generated file, before the limit).
	b.Reset()
	b.WriteString(limitHead + "scopes:\n- {name: S1, id: 1, description: d}\n")
	for i := 2; i <= model.MaxScopes; i++ {
		fmt.Fprintf(&b, "- {name: S%d, id: %d, description: d, requires: [S%d]}\n", i, i, i-1)
	}
	add("chain of requires", b.String(), fmt.Sprintf(`has more than %d prerequisites, counting theirs`, model.MaxPrerequisites))

	// Every scope requires the same 64 scopes: the closures are as big as
	// allowed, and the spec builds.
	b.Reset()
	b.WriteString(limitHead + scopes(model.MaxPrerequisites))
	var names []string
	for i := 1; i <= model.MaxPrerequisites; i++ {
		names = append(names, fmt.Sprintf("S%d", i))
	}
	for i := model.MaxPrerequisites + 1; i <= 8000; i++ {
		fmt.Fprintf(&b, "- {name: S%d, id: %d, description: d, requires: [%s]}\n", i, i, strings.Join(names, ","))
	}
	add("closures at the limit", b.String(), "")

	// Millions of references to a scope that does not exist, among 16,383
	// scopes: each asked for a "did you mean" over every scope (hours).
	b.Reset()
	b.WriteString(limitHead + scopes(model.MaxScopes) + "endpoints:\n- method: /a.B/C\n  requires: [")
	for b.Len() < spec.MaxBytes/4 {
		b.WriteString("S1234x,")
	}
	b.WriteString("S1]\n")
	add("unknown references", b.String(), `names scope "S1234x", which is not defined; did you mean "S1234"?`)

	// Reserved names and ids compared with every scope (quadratic).
	b.Reset()
	b.WriteString(limitHead + scopes(model.MaxScopes) + "reserved:\n  names: [")
	for i := 0; b.Len() < spec.MaxBytes/4; i++ {
		fmt.Fprintf(&b, "R%d,", i)
	}
	b.WriteString("R]\n")
	add("reserved names", b.String(), "")

	// Hundreds of thousands of errors: only the first MaxErrors are listed.
	b.Reset()
	b.WriteString(limitHead + "scopes:\n")
	for i := 1; b.Len() < spec.MaxBytes/4; i++ {
		fmt.Fprintf(&b, "- {name: S%d, id: 0, description: d}\n", i)
	}
	add("errors", b.String(), "has id 0, out of range")

	// A megabyte-long name: the message quotes its start only.
	add("long name", limitHead+"scopes:\n- {name: "+strings.Repeat("x", 1<<20)+", id: 1, description: d}\n", `scope name "xxxxxxxxxx`)

	// Deep nesting: yaml.v3 stops at 10,000 levels; just below, the spec
	// refuses the value at the first level.
	add("nesting past yaml.v3's limit", "scopegen: 1\nscopes: "+strings.Repeat("[", 200000)+"\n", "exceeded max depth of 10000")
	add("nesting below yaml.v3's limit", "scopegen: 1\nscopes: "+strings.Repeat("[", 9990)+strings.Repeat("]", 9990)+"\n", "scope must be a mapping")
	var block strings.Builder
	block.WriteString("scopegen: 1\nscopes:\n")
	for i := 0; block.Len() < spec.MaxBytes/2; i++ {
		block.WriteString(strings.Repeat(" ", i+1) + "- \n")
	}
	add("block nesting", block.String(), "scope must be a mapping")

	// Aliases: refused where they are used, never expanded.
	lol := "scopegen: 1\nscopes:\n- {name: A, id: 1, description: d, requires: &a [" + strings.Repeat("x,", 999) + "x]}\n"
	prev := "a"
	for i := 0; i < 30; i++ {
		name := fmt.Sprintf("l%d", i)
		lol += fmt.Sprintf("- {name: B%d, id: %d, description: d, requires: &%s [%s]}\n", i, i+2, name, strings.TrimSuffix(strings.Repeat("*"+prev+",", 1000), ","))
		prev = name
	}
	lol += "endpoints: *" + prev + "\n"
	add("billion laughs", lol, "YAML aliases (*name) are not allowed")

	// Ids: past 64 bits, at the edges of int64, past MaxScopeID.
	add("id past 64 bits", limitHead+"scopes:\n- {name: A, id: 1"+strings.Repeat("0", 5000)+", description: d}\n", "is not a whole number that fits in 64 bits; write a smaller one")
	add("id at the edge of int64", limitHead+"scopes:\n- {name: A, id: -9223372036854775808, description: d}\n", "out of range; ids are 1 to 16383")
	add("outcome code past int32", strings.Replace(limitHead, "code: 1,", "code: 9223372036854775807,", 1)+scopes(1), "needs a code from 1 to 2147483647")
	return out
}

// TestHostileSpecs checks that each hostile spec fails with a positioned
// error that says what to do (or builds, when it is within the limits),
// lists at most spec.MaxErrors errors, and takes bounded time.
func TestHostileSpecs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds specs of several megabytes")
	}
	for _, tc := range hostileSpecs() {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			if len(src) > spec.MaxBytes {
				t.Fatalf("the spec is %d bytes, over spec.MaxBytes: it tests nothing past the first check", len(src))
			}
			start := time.Now()
			diags, m := buildWithin(t, src)
			t.Logf("%d bytes: %v, %d diagnostics", len(src), time.Since(start).Round(time.Millisecond), len(diags))
			if tc.want == "" {
				if m == nil {
					t.Fatalf("the spec does not build: %v", spec.Errors(diags))
				}
				checkModel(t, m)
				return
			}
			if m != nil {
				t.Fatalf("the spec builds; want an error containing %q", tc.want)
			}
			if len(diags) > spec.MaxErrors+1 {
				t.Errorf("%d diagnostics; at most spec.MaxErrors+1 = %d", len(diags), spec.MaxErrors+1)
			}
			found := false
			for _, d := range diags {
				checkDiagnostic(t, src, d)
				if len(d.Msg) > 1000 {
					t.Errorf("a %d-byte message: %.200s", len(d.Msg), d.Msg)
				}
				found = found || strings.Contains(d.Msg, tc.want)
			}
			if !found {
				t.Errorf("no error contains %q:\n%.2000s", tc.want, spec.Errors(diags).Error())
			}
		})
	}
}

// TestTooManyErrors checks that past spec.MaxErrors problems, one more
// diagnostic, last, says how many more there were.
func TestTooManyErrors(t *testing.T) {
	for _, n := range []int{spec.MaxErrors - 1, spec.MaxErrors, spec.MaxErrors + 1, 10 * spec.MaxErrors} {
		var b strings.Builder
		b.WriteString(limitHead + "scopes:\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "- {name: S%d, id: 0, description: d}\n", i)
		}
		diags, m := build(t, []byte(b.String()))
		if m != nil {
			t.Fatalf("%d bad ids: the spec builds", n)
		}
		want := min(n, spec.MaxErrors)
		if n > spec.MaxErrors {
			want++
		}
		if len(diags) != want {
			t.Errorf("%d bad ids: %d diagnostics, want %d", n, len(diags), want)
		}
		last := diags[len(diags)-1].Msg
		note := fmt.Sprintf("and %d more errors, not listed (the next one is here); fix these and run again", n-spec.MaxErrors)
		if n == spec.MaxErrors+1 {
			note = "and 1 more error, not listed (the next one is here); fix these and run again"
		}
		if dropped := last == note; dropped != (n > spec.MaxErrors) {
			t.Errorf("%d bad ids: last diagnostic %q; want %q", n, last, note)
		}
	}
}

// TestLoadReadsAtMostMaxBytes checks that Load refuses a huge file without
// reading it whole: a sparse file of 1 TiB fails at once, with a position.
func TestLoadReadsAtMostMaxBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scopes.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("scopegen: 1\n#"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		f.Close()
		t.Skipf("no sparse files here: %v", err)
	}
	f.Close()
	done := make(chan error, 1)
	go func() {
		_, err := model.Load(path)
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(hangGuard):
		t.Fatal("Load of a 1 TiB file did not end: it reads the whole file")
	}
	want := fmt.Sprintf("%s:1:1: spec is %d bytes, more than the limit of %d", path, int64(1)<<40, spec.MaxBytes)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load of a 1 TiB file: %v, want %s...", err, want)
	}
}

// BenchmarkHostile measures parsing and building each hostile spec: time and
// allocations stay bounded by the limits.
func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostileSpecs() {
		src := []byte(tc.src)
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if f, err := spec.Parse(specName, src); err == nil {
					_, _ = model.Build(f)
				}
			}
		})
	}
}
