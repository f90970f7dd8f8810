package completeness_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/completeness"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// FuzzParseExclusions checks that ParseExclusions never panics and returns
// either exclusions, each with a method, a reason and a position, or
// spec.Errors positioned in the file; that the gate runs with what it
// returns and prints in every format; and that the exclusions file it
// writes reads back, but for the empty reasons it leaves to fill in.
//
//	go test ./internal/completeness -run '^$' -fuzz FuzzParseExclusions -fuzztime 60s
func FuzzParseExclusions(f *testing.F) {
	fixtureFile, err := os.ReadFile(filepath.Join("../..", fixtureExclusions))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixtureFile)
	for _, src := range []string{
		"exclude: []\n",
		"exclude:\n  - {method: /shop.api.Orders/Login, reason: why}\n  - {method: /shop.api.Orders/Login, reason: again}\n",
		"exclude:\n  - {method: /shop.api.Orders/GetOrder, reason: guarded already}\n",
		"exclude:\n  - &a {method: /p.S/A, reason: x}\n  - *a\n",
		"exclude:\n  - {method: \"/p.S/A\\u202e\", reason: \"x\\ny\"}\n",
		"exclude: {method: /p.S/A}\n",
		"exclude:\n\t- method: /p.S/A\n",
		"---\n---\n",
	} {
		f.Add([]byte(src))
	}
	m, err := model.Load(filepath.Join("../..", fixtureSpec))
	if err != nil {
		f.Fatal(err)
	}
	ops := []completeness.Operation{
		{Name: "/shop.api.Orders/GetOrder", Group: "shop.api.Orders", Pos: spec.Pos{File: "o.proto", Line: 3, Col: 7}},
		{Name: "/shop.api.Orders/Login", Group: "shop.api.Orders", Pos: spec.Pos{File: "o.proto", Line: 4, Col: 7}},
		{Name: "/shop.api.Orders/RefundOrder", Group: "shop.api.Orders", Pos: spec.Pos{File: "o.proto", Line: 5, Col: 7}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := completeness.ParseExclusions("fuzz.yaml", data)
		if err != nil {
			var diags spec.Errors
			if !errors.As(err, &diags) || len(diags) == 0 {
				t.Fatalf("error %v; want spec.Errors", err)
			}
			for _, d := range diags {
				if d.Pos.File != "fuzz.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 || strings.TrimSpace(d.Msg) == "" {
					t.Fatalf("diagnostic %q is not positioned in the file, or says nothing", d)
				}
			}
			return
		}
		for _, e := range x {
			if e.Method == "" || strings.TrimSpace(e.Reason) == "" || e.Pos.Line < 1 {
				t.Fatalf("exclusion %+v lacks a method, a reason or a position", e)
			}
		}
		r := completeness.Check(m, ops, x)
		r.Spec, r.Exclusions, r.Files = "scopes.yaml", "fuzz.yaml", []string{"o.proto"}
		for _, format := range completeness.Formats {
			if err := r.Write(io.Discard, format); err != nil {
				t.Fatalf("-format %s: %v", format, err)
			}
		}
		var b strings.Builder
		if err := r.Write(&b, "exclusions"); err != nil {
			t.Fatal(err)
		}
		again, err := completeness.ParseExclusions("again.yaml", []byte(b.String()))
		var diags spec.Errors
		if errors.As(err, &diags) {
			for _, d := range diags {
				if !strings.Contains(d.Msg, "the exclusion needs reason:") {
					t.Fatalf("the written exclusions file does not read back: %s\n%s", d, b.String())
				}
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if r2 := completeness.Check(m, ops, again); r2.Count(completeness.Excluded) != len(again) || len(r2.Stale) > 0 {
			t.Fatalf("the written exclusions do not each exclude a method:\n%s", b.String())
		}
	})
}
