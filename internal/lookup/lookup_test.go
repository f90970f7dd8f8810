package lookup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// methods returns n distinct gRPC-like full method names.
func methods(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	verbs := []string{"Get", "List", "Post", "Patch", "Delete", "Put", "Stream"}
	nouns := []string{"Input", "Model", "Concept", "Workflow", "Annotation", "App", "Key", "Dataset", "Version", "Metric", "Search"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		name := verbs[r.IntN(len(verbs))]
		for range 1 + r.IntN(3) {
			name += nouns[r.IntN(len(nouns))]
		}
		if r.IntN(2) == 0 {
			name += "s"
		}
		m := fmt.Sprintf("/pkg.api.V%d/%s", 1+r.IntN(2), name)
		if r.IntN(10) == 0 {
			m += fmt.Sprint(r.IntN(100))
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func TestPlanFindsEveryKeyAndNothingElse(t *testing.T) {
	for _, n := range []int{1, 2, 3, 37, 64, 65, 300, 2048, 10000} {
		keys := methods(n, uint64(n))
		p, ok := New(keys)
		if !ok {
			t.Fatalf("%d keys: no plan", n)
		}
		if len(p.Slots) < n || len(p.Slots) > 4*n+2 {
			t.Errorf("%d keys: %d slots", n, len(p.Slots))
		}
		for i, k := range keys {
			if got := p.Lookup(keys, k); got != i {
				t.Fatalf("%d keys: Lookup(%q) = %d, want %d", n, k, got, i)
			}
			for _, miss := range []string{k + "x", k[:len(k)-1], strings.ToLower(k), k + "\x00", "x" + k[1:], k[:len(k)-1] + "?"} {
				if got := p.Lookup(keys, miss); got >= 0 && keys[got] != miss {
					t.Fatalf("Lookup(%q) = %q", miss, keys[got])
				}
			}
		}
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	keys := methods(500, 7)
	a, _ := New(keys)
	b, _ := New(keys)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("two plans for the same keys differ")
	}
}

func TestNoPlan(t *testing.T) {
	if _, ok := New([]string{"/a.B/C", "/a.B/DDDDDDDDDDDD"}); ok {
		t.Error("a key shorter than 8 bytes cannot be hashed by its windows")
	}
	if _, ok := New(nil); ok {
		t.Error("no keys, no plan")
	}
}

func BenchmarkNew10000(b *testing.B) {
	keys := methods(10000, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := New(keys); !ok {
			b.Fatal("no plan")
		}
	}
}

// FuzzLookup checks that a plan never matches a string that is not a key.
func FuzzLookup(f *testing.F) {
	keys := methods(300, 11)
	p, _ := New(keys)
	for _, k := range keys[:20] {
		f.Add(k)
		f.Add(k + "\x00")
		f.Add(strings.ToUpper(k))
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if i := p.Lookup(keys, s); i >= 0 && keys[i] != s {
			t.Fatalf("Lookup(%q) = %q", s, keys[i])
		}
	})
}

func TestWholeFallback(t *testing.T) {
	// Same length, same start, same last 8 bytes and same bytes in between at
	// every offset but one: only the windows that cover that byte (or a hash
	// of the whole key) tell them apart.
	keys := []string{"/svc.S/AAAAAAAAxAAAAAAAAAAAAAAAA", "/svc.S/AAAAAAAAyAAAAAAAAAAAAAAAA", "/svc.S/AAAAAAAAAAAAAAAAAAAAAAAAz"}
	p, ok := New(keys)
	if !ok {
		t.Fatal("no plan")
	}
	for i, k := range keys {
		if p.Lookup(keys, k) != i {
			t.Errorf("Lookup(%q) != %d", k, i)
		}
	}
	t.Logf("window %+v", p.Window)
}

// TestMiddleWindow checks that keys that differ only in the middle of long
// names, out of reach of windows counted from either end when the shortest
// key is short, are hashed by a window from the middle, not the whole key.
func TestMiddleWindow(t *testing.T) {
	keys := []string{"/svc.S/ShortName1"}
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("/svc.S/Get%sWith%02dThingsAndMoreOfTheSame", strings.Repeat("Long", 3), i))
	}
	p, ok := New(keys)
	if !ok {
		t.Fatal("no plan")
	}
	if p.Window.Whole {
		t.Errorf("window %+v, want one from the middle", p.Window)
	}
	for i, k := range keys {
		if p.Lookup(keys, k) != i {
			t.Errorf("Lookup(%q) != %d", k, i)
		}
	}
}

// TestThirdWindow checks that keys no single window tells apart get a third
// window rather than a hash of the whole key.
func TestThirdWindow(t *testing.T) {
	var keys []string
	for _, a := range []string{"Aa", "Bb", "Cc", "Dd"} {
		for _, b := range []string{"Xx", "Yy", "Zz", "Ww"} {
			keys = append(keys, "/pkg.Service/"+a+"MiddleOfTheName"+b+"EndOfTheName")
		}
	}
	p, ok := New(keys)
	if !ok {
		t.Fatal("no plan")
	}
	t.Logf("window %+v, third %v", p.Window, p.Third)
	if p.Window.Whole {
		t.Errorf("whole-key hash, want windows")
	}
	for i, k := range keys {
		if p.Lookup(keys, k) != i {
			t.Errorf("Lookup(%q) != %d", k, i)
		}
	}
}

// TestFourthWindow checks that keys that differ in three places, too far
// apart for one window to see two of them, get three windows besides the
// last 8 bytes rather than a hash of the whole key.
func TestFourthWindow(t *testing.T) {
	var keys []string
	for _, a := range []string{"Aa", "Bb", "Cc", "Dd"} {
		for _, b := range []string{"Xx", "Yy", "Zz", "Ww"} {
			for _, c := range []string{"Pp", "Qq", "Rr"} {
				keys = append(keys, "/pkg.Service/"+a+"MiddleOfTheName"+b+"MoreOfTheNameHere"+c+"EndOfTheName")
			}
		}
	}
	p, ok := New(keys)
	if !ok {
		t.Fatal("no plan")
	}
	if p.Window.Whole || p.Fourth == nil {
		t.Fatalf("window %+v, third %v, fourth %v; want four windows", p.Window, p.Third, p.Fourth)
	}
	for i, k := range keys {
		if p.Lookup(keys, k) != i {
			t.Errorf("Lookup(%q) != %d", k, i)
		}
	}
}

// TestQuadWindows checks that the four-window search tries at most
// maxQuadWindows windows of long names, keeping every window counted from the
// end or the middle and the order of windows.
func TestQuadWindows(t *testing.T) {
	keys := longNames(777)
	ws := windows(keys, len(keys[0]))
	qs := quadWindows(ws)
	if len(ws) <= maxQuadWindows || len(qs) != maxQuadWindows {
		t.Fatalf("%d windows, %d tried; want more than %d, and %[3]d tried", len(ws), len(qs), maxQuadWindows)
	}
	var want []Window
	for _, w := range ws {
		if w.FromEnd || w.Mid {
			want = append(want, w)
		}
	}
	var got []Window
	for _, w := range qs {
		if w.FromEnd || w.Mid {
			got = append(got, w)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("windows from the end or the middle: %v, want %v", got, want)
	}
	for i := 1; i < len(qs); i++ {
		if slices.Index(ws, qs[i]) < slices.Index(ws, qs[i-1]) {
			t.Errorf("window %v tried before %v, against the order of windows", qs[i-1], qs[i])
		}
	}
	if short := windows(keys[:1], 20); !slices.Equal(quadWindows(short), short) {
		t.Errorf("the windows of short names were cut: %v of %v", quadWindows(short), short)
	}
}

// longNames returns 36 names of about n bytes that differ in four places far
// apart: they need the whole-name hash.
func longNames(n int) []string {
	var keys []string
	pad := strings.Repeat("x", (n-30)/4)
	for _, a := range []string{"A", "B", "C"} {
		for _, b := range []string{"D", "E", "F"} {
			for _, c := range []string{"G", "H"} {
				for _, d := range []string{"I", "J"} {
					keys = append(keys, "/pkg.Service/M"+a+pad+b+pad+c+pad+d+pad+"End")
				}
			}
		}
	}
	return keys
}

// BenchmarkNewLongNames times New on long names that no four windows part,
// which search every window before hashing the whole name.
func BenchmarkNewLongNames(b *testing.B) {
	for _, n := range []int{66, 216, 786} {
		keys := longNames(n)
		b.Run(fmt.Sprint(len(keys[0])), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if p, ok := New(keys); !ok || !p.Window.Whole {
					b.Fatalf("plan %+v, %v; want the whole-name hash", p, ok)
				}
			}
		})
	}
}
