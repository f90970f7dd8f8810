package openapiimport

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/spec"
)

var update = flag.Bool("update", false, "rewrite the expected specs and warnings in testdata/openapi with the current output")

const testdata = "../../testdata/openapi"

// fixture is one import: a description, the flags, and what it gives.
type fixture struct {
	name string // for t.Run
	file string // the description's name, as warnings name it
	data []byte
	opts Options
}

// parseFlags reads the flags of a fixture: one per line, as on the command
// line ("-merge-schemes k=a,b", "-server-path"); -prev names a section or
// a file beside the fixture.
func parseFlags(t *testing.T, lines string, file func(string) []byte) Options {
	t.Helper()
	var o Options
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case f[0] == "-server-path":
			o.ServerPath = true
		case f[0] == "-merge-schemes" && len(f) == 2:
			m, err := ParseMerge(f[1])
			if err != nil {
				t.Fatal(err)
			}
			o.Merge = append(o.Merge, m)
		case f[0] == "-prev" && len(f) == 2:
			p, err := spec.Parse(f[1], file(f[1]))
			if err != nil {
				t.Fatalf("-prev %s: %v", f[1], err)
			}
			o.Prev = p
		default:
			t.Fatalf("unknown flag line %q", l)
		}
	}
	return o
}

// goldens are the archives of testdata/openapi/golden: each holds a
// description (a section named openapi.* or swagger.*), optionally flags
// and prev.yaml, and the expected spec (want.yaml) and warnings.
func goldens(t *testing.T) []*txtarFixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(testdata, "golden", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	var out []*txtarFixture
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tf := &txtarFixture{path: p, archive: a}
		tf.name = strings.TrimSuffix(filepath.Base(p), ".txtar")
		for _, f := range a.Files {
			if strings.HasPrefix(f.Name, "openapi.") || strings.HasPrefix(f.Name, "swagger.") {
				tf.file, tf.data = f.Name, f.Data
			}
		}
		if tf.file == "" {
			t.Fatalf("%s: no section named openapi.* or swagger.*", p)
		}
		tf.opts = parseFlags(t, string(tf.section("flags")), tf.section)
		out = append(out, tf)
	}
	return out
}

type txtarFixture struct {
	fixture
	path    string
	archive *txtar.Archive
}

func (tf *txtarFixture) section(name string) []byte {
	for _, f := range tf.archive.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func (tf *txtarFixture) set(name string, data []byte) {
	for i, f := range tf.archive.Files {
		if f.Name == name {
			tf.archive.Files[i].Data = data
			return
		}
	}
	tf.archive.Files = append(tf.archive.Files, txtar.File{Name: name, Data: data})
}

func warningLines(res *Result) []byte {
	var b bytes.Buffer
	for _, w := range res.Warnings {
		b.WriteString(w.String())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestGolden imports each golden archive's description and compares the
// spec and the warnings with the archive's; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tf := range goldens(t) {
		t.Run(tf.name, func(t *testing.T) {
			res, err := Import(tf.file, tf.data, tf.opts)
			if err != nil {
				t.Fatal(err)
			}
			warns := warningLines(res)
			if *update {
				tf.set("want.yaml", res.YAML)
				tf.set("warnings", warns)
				if err := os.WriteFile(tf.path, txtar.Format(tf.archive), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := tf.section("want.yaml"); !bytes.Equal(res.YAML, want) {
				t.Errorf("spec differs (go test ./internal/openapiimport -update rewrites it):\n%s\nwant:\n%s", res.YAML, want)
			}
			if want := tf.section("warnings"); !bytes.Equal(warns, want) {
				t.Errorf("warnings differ:\n%s\nwant:\n%s", warns, want)
			}
			// The same input gives the same bytes.
			again, err := Import(tf.file, tf.data, tf.opts)
			if err != nil || !bytes.Equal(again.YAML, res.YAML) {
				t.Errorf("a second import differs (err %v)", err)
			}
		})
	}
}
