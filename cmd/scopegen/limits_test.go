package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// hostileCLISpecs are bad specs, one per kind of hostile input, for the
// command: each must fail with positioned errors and write nothing.
func hostileCLISpecs() map[string]string {
	// small with a chain of requires C66 → C65 → ... → C1.
	f, err := spec.Parse("small.yaml", []byte(small))
	if err != nil {
		panic(err)
	}
	for i := 1; i <= model.MaxPrerequisites+2; i++ {
		c := spec.Scope{Name: spec.Str{Value: fmt.Sprintf("C%d", i)}, ID: spec.Int{Value: int64(99 + i), Set: true}, Description: spec.Str{Value: "d"}}
		if i > 1 {
			c.Requires = []spec.Str{{Value: fmt.Sprintf("C%d", i-1)}}
		}
		f.Scopes = append(f.Scopes, c)
	}
	chain := string(spec.Marshal(f))
	laughs := small + "presets:\n  - &a {name: p, description: d, scopes: [Read]}\n  - *a\n"
	return map[string]string{
		"unknown scope":     strings.Replace(small, "requires: [Read]}", "requires: [Raed]}", 1),
		"prerequisites":     chain,
		"alias":             laughs,
		"nesting":           small + "reserved: " + strings.Repeat("[", 20000) + "\n",
		"control character": strings.Replace(small, "description: Read items.", `description: "Read\u0000 items."`, 1),
		"huge id":           strings.Replace(small, "id: 2,", "id: 18446744073709551616,", 1),
		"too big":           small + "# " + strings.Repeat("x", spec.MaxBytes) + "\n",
	}
}

// TestGenerateWritesNothingOnBadSpec runs generate (and check) on each
// hostile spec: exit 1, every stderr line file:line:col: message, a new -out
// directory never created, an existing one left byte for byte as it was,
// with no temporary file behind.
func TestGenerateWritesNothingOnBadSpec(t *testing.T) {
	good := writeSpec(t, small)
	for name, text := range hostileCLISpecs() {
		t.Run(name, func(t *testing.T) {
			bad := writeSpec(t, text)
			pos := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `:\d+:\d+: .+$`)
			checkStderr := func(args []string, code int, stdout, stderr string) {
				t.Helper()
				if code != 1 || stdout != "" {
					t.Errorf("%v: exit %d, stdout %.200q; want 1 and nothing", args, code, stdout)
				}
				for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
					if !pos.MatchString(l) || len(l) > 2000 {
						t.Errorf("%v: stderr line %.300q is not file:line:col: message", args, l)
					}
				}
			}

			// A directory that does not exist yet is not created.
			fresh := filepath.Join(t.TempDir(), "fresh")
			args := []string{"generate", "-spec", bad, "-out", fresh, "-pkg", "checker", "-grpc", "-import-path", "example.com/checker"}
			code, stdout, stderr := scopegen(t, args...)
			checkStderr(args, code, stdout, stderr)
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Errorf("generate with a bad spec created %s: %v", fresh, err)
			}

			// An existing package is left as it was.
			out := filepath.Join(t.TempDir(), "checker")
			if code, _, stderr := scopegen(t, "generate", "-spec", good, "-out", out); code != 0 {
				t.Fatalf("generate with a good spec: exit %d: %s", code, stderr)
			}
			before := snapshot(t, out)
			code, stdout, stderr = scopegen(t, "generate", "-spec", bad, "-out", out)
			checkStderr(args, code, stdout, stderr)
			if after := snapshot(t, out); !equalSnapshots(before, after) {
				t.Errorf("generate with a bad spec changed %s: %v, then %v", out, keys(before), keys(after))
			}
			code, stdout, stderr = scopegen(t, "check", "-spec", bad, "-out", out)
			checkStderr([]string{"check"}, code, stdout, stderr)
		})
	}
}

// snapshot returns every file under dir and its bytes and mode.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		out[path] = fmt.Sprintf("%v %v %s", info.Mode(), info.ModTime().UnixNano(), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, filepath.Base(k))
	}
	return out
}
