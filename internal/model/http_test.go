package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
)

// TestParseBinding checks the segments, custom verb and pattern of bindings
// in both forms a spec accepts: OpenAPI's and google.api.http's.
func TestParseBinding(t *testing.T) {
	lit := func(s string) model.Segment { return model.Segment{Kind: model.Literal, Literal: s} }
	param := func(v string) model.Segment { return model.Segment{Kind: model.Param, Var: v} }
	rest := func(v string) model.Segment { return model.Segment{Kind: model.Rest, Var: v} }
	in := func(v string, g model.Segment) model.Segment { g.Var = v; return g }
	for _, tc := range []struct {
		rule    string
		segs    []model.Segment
		verb    string
		pattern string
	}{
		{"GET /", nil, "", "GET /"},
		{"GET /users/{id}/repos", []model.Segment{lit("users"), param("id"), lit("repos")}, "", "GET /users/*/repos"},
		{"POST /v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}/inputs",
			[]model.Segment{lit("v2"), lit("users"), param("user_app_id.user_id"), lit("apps"), param("user_app_id.app_id"), lit("inputs")}, "",
			"POST /v2/users/*/apps/*/inputs"},
		{"GET /v1/{name=projects/*/secrets/*}", []model.Segment{lit("v1"), in("name", lit("projects")), param("name"), in("name", lit("secrets")), param("name")}, "",
			"GET /v1/projects/*/secrets/*"},
		{"GET /v1/*/**", []model.Segment{lit("v1"), param(""), rest("")}, "", "GET /v1/*/**"},
		{"GET /v1/{path=**}", []model.Segment{lit("v1"), rest("path")}, "", "GET /v1/**"},
		{"GET /v1/{x=*}", []model.Segment{lit("v1"), param("x")}, "", "GET /v1/*"},
		{"POST /v1/{name=operations/**}:cancel", []model.Segment{lit("v1"), in("name", lit("operations")), rest("name")}, "cancel", "POST /v1/operations/**:cancel"},
		{"POST /v1/users:batchGet", []model.Segment{lit("v1"), lit("users")}, "batchGet", "POST /v1/users:batchGet"},
		{"POST /v1/{name}:cancel", []model.Segment{lit("v1"), param("name")}, "cancel", "POST /v1/*:cancel"},
		{"GET /a:b/c", []model.Segment{lit("a:b"), lit("c")}, "", "GET /a:b/c"},
		{"GET /v1/{name=a:b}", []model.Segment{lit("v1"), in("name", lit("a:b"))}, "", "GET /v1/a:b"},
		{"GET /files/a%2Fb/%E2%82%AC", []model.Segment{lit("files"), lit("a%2Fb"), lit("%E2%82%AC")}, "", "GET /files/a%2Fb/%E2%82%AC"},
		{"LIST /v1/things", []model.Segment{lit("v1"), lit("things")}, "", "LIST /v1/things"},
		{"GET /repos/{owner}/{repo}/git/{ref-name}", []model.Segment{lit("repos"), param("owner"), param("repo"), lit("git"), param("ref-name")}, "", "GET /repos/*/*/git/*"},
	} {
		b, err := model.ParseBinding(tc.rule)
		if err != nil {
			t.Errorf("%s: %v", tc.rule, err)
			continue
		}
		if !reflect.DeepEqual(b.Segments, tc.segs) || b.CustomVerb != tc.verb {
			t.Errorf("%s: segments %+v, verb %q; want %+v, %q", tc.rule, b.Segments, b.CustomVerb, tc.segs, tc.verb)
		}
		if got := b.Pattern(); got != tc.pattern {
			t.Errorf("%s: pattern %q, want %q", tc.rule, got, tc.pattern)
		}
		if got := b.String(); got != tc.rule {
			t.Errorf("%s: String() = %q", tc.rule, got)
		}
	}
}

// TestParseBindingErrors checks a part of the message of each refusal;
// testdata/errors holds one spec for each, with its position.
func TestParseBindingErrors(t *testing.T) {
	for rule, want := range map[string]string{
		"":                  `is not "VERB /path"`,
		"GET":               `is not "VERB /path"`,
		" /a":               `is not "VERB /path"`,
		"GET  /a":           "holds a space",
		"GET /a b":          "cannot appear in a raw path segment; percent-encode it: %20",
		"Get /a":            "not in upper case; write GET",
		"POTS /a":           `did you mean "POST"?`,
		"GET /a//b":         "empty segment",
		"GET /a/./b":        "a . segment",
		"GET /{a}{b}":       "partly a variable",
		"GET /{}":           `a variable named ""`,
		"GET /{a=}":         "empty template",
		"GET /{a=b//c}":     "empty segment",
		"GET /**/a":         "** before its last segment",
		"GET /a/{x}/{x=**}": "binds variable x twice",
		"GET /a%2f":         "write hex digits in upper case, %2F",
		"GET /a%2":          "does not start %XX",
		"GET /a%7E":         "which is ~",
		"GET /a?b":          "percent-encode it: %3F",
		"GET /a#b":          "percent-encode it: %23",
		"GET /a\x00":        `holds "\x00"`,
		"GET /a:":           "no custom verb",
		"GET /a:b*":         "custom verb",
		"GET /" + strings.Repeat("a/", model.MaxSegments) + "b": "segments",
	} {
		_, err := model.ParseBinding(rule)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want an error containing %q", rule, err, want)
		}
	}
}

// FuzzParseBinding checks that ParseBinding never panics, and that a
// binding it accepts is within the limits and reads back the same from its
// String and, with its variables' names dropped, from its Pattern.
//
//	go test ./internal/model -run '^$' -fuzz FuzzParseBinding -fuzztime 60s
func FuzzParseBinding(f *testing.F) {
	for _, s := range []string{"GET /v2/{a.b}/inputs", "POST /v1/{name=projects/*/secrets/**}:cancel", "GET /", "GET /a:b/c", "PUT /%2F/*/**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		b, err := model.ParseBinding(rule)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("a message of more than one line: %q", err)
			}
			return
		}
		if len(b.Segments) > model.MaxSegments {
			t.Errorf("%q: %d segments", rule, len(b.Segments))
		}
		for i, g := range b.Segments {
			if g.Kind == model.Rest && i != len(b.Segments)-1 || g.Kind == model.Literal && (g.Literal == "" || g.Literal == "." || g.Literal == "..") {
				t.Errorf("%q: segment %d is %+v", rule, i, g)
			}
		}
		p, err := model.ParseBinding(b.Pattern())
		if err != nil || p.Pattern() != b.Pattern() || p.CustomVerb != b.CustomVerb || len(p.Segments) != len(b.Segments) {
			t.Errorf("%q: its pattern %q reads back as %q: %v", rule, b.Pattern(), p.Pattern(), err)
		}
	})
}

// TestOverlaps checks which pairs of bindings some request can match both.
func TestOverlaps(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"GET /a/{x}", "GET /a/b", true},
		{"GET /a/{x}", "POST /a/b", false},
		{"GET /a/{x}", "GET /b/{x}", false},
		{"GET /a", "GET /a/{x}", false},
		{"GET /a", "GET /a/**", true},
		{"GET /**", "GET /", true},
		{"GET /{x}/b", "GET /a/{y}", true},
		{"GET /a/b/c", "GET /a/**", true},
		{"GET /a/{x}:cancel", "GET /a/{x}", true},
		{"GET /a/{x}:cancel", "GET /a/b", false},
		{"GET /a/{x}:cancel", "GET /a/{x}:undo", false},
		{"GET /a/{x}:cancel", "GET /a/{y}:cancel", true},
	} {
		a, err1 := model.ParseBinding(tc.a)
		b, err2 := model.ParseBinding(tc.b)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got, back := a.Overlaps(&b), b.Overlaps(&a); got != tc.want || back != tc.want {
			t.Errorf("%s and %s: Overlaps %v, %v; want %v", tc.a, tc.b, got, back, tc.want)
		}
	}
}
