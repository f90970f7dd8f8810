package protoimport_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/reference"
	"github.com/scopegen/scopegen/internal/testonly/prototruth"
	"github.com/scopegen/scopegen/internal/textdiff"
)

// googleFiles are the cut-down Google protos of testdata/protoimport/google,
// by import path.
var googleFiles = []string{"google/pubsub/v1/pubsub.proto", "google/cloud/compute/v1/compute.proto"}

// googleTruth compiles the Google fixture with its imports, as protoc
// would, and returns for each method the scopes its service's
// google.api.oauth_scopes lists: what the protos say, read without the
// importer.
func googleTruth(t *testing.T, root string) map[string][]string {
	t.Helper()
	truth, err := prototruth.ServiceScopes([]string{root}, googleFiles)
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// TestGoogle imports the cut-down Google protos with -profile google and
// checks the spec against what compiling them says (googleTruth), then
// decides calls by the reference rules: for every method, each scope its
// service lists lets a token call it alone, a token with no scope may not,
// nor one holding only scopes its service does not list. The spec is
// compared with the golden testdata/protoimport/google.yaml.
func TestGoogle(t *testing.T) {
	root := filepath.Join(testdata, "google")
	truth := googleTruth(t, root)
	res, err := importGoogle(t, root, googleFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	m := readBack(t, res.YAML)
	if len(m.Endpoints) != len(truth) {
		t.Errorf("%d endpoints, want %d", len(m.Endpoints), len(truth))
	}
	oauth2 := m.Kind("oauth2")
	if oauth2 == nil || len(m.Kinds) != 1 {
		t.Fatalf("kinds %v, want oauth2 alone", m.KindNames(m.AllKinds()))
	}
	all := map[string]bool{}
	for _, scopes := range truth {
		for _, s := range scopes {
			all[s] = true
		}
	}
	if len(m.Scopes) != len(all) {
		t.Errorf("%d scopes, want %d", len(m.Scopes), len(all))
	}
	decide := func(method string, scopes ...string) reference.Decision {
		g, err := reference.NewGrant(m, oauth2.Bit, scopes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return reference.Decide(m, g, method)
	}
	for method, scopes := range truth {
		e := m.Endpoint(method)
		if e == nil {
			t.Errorf("%s is not in the spec", method)
			continue
		}
		// One alternative per scope, in the order the option lists them
		// (a denial names the first of the closest).
		if got, want := describeAlternatives(e), strings.Join(scopes, " | "); got != want {
			t.Errorf("%s: %s, want %s", method, got, want)
		}
		for _, s := range scopes {
			if d := decide(method, s); !d.Allowed {
				t.Errorf("%s with %s alone: denied (%s)", method, s, d.Reason)
			}
		}
		if d := decide(method); d.Allowed || d.Reason != reference.MissingScopes {
			t.Errorf("%s with no scope: allowed %v (%s), want denied for missing scopes", method, d.Allowed, d.Reason)
		}
		var others []string
		for s := range all {
			if !slices.Contains(scopes, s) {
				others = append(others, s)
			}
		}
		if len(others) > 0 {
			if d := decide(method, others...); d.Allowed {
				t.Errorf("%s with only other services' scopes %v: allowed", method, others)
			}
		}
		if d := reference.Decide(m, reference.Grant{}, method); d.Allowed {
			t.Errorf("%s without credentials: allowed", method)
		}
	}
	checkAlternatives(t, m)

	golden := filepath.Join(testdata, "google.yaml")
	if *update {
		if err := os.WriteFile(golden, res.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/protoimport -update)", err)
	}
	if !bytes.Equal(old, res.YAML) {
		t.Errorf("the spec differs from %s (go test ./internal/protoimport -update to accept):\n%s", golden, textdiff.Unified("google.yaml", "google.yaml", old, res.YAML))
	}
}

// googleapisEnv names a directory holding Google's protos as
// github.com/googleapis/googleapis lays them out (google/pubsub/v1/...),
// for TestGoogleReal: the npm package google-proto-files carries them.
const googleapisEnv = "SCOPEGEN_GOOGLEAPIS"

// TestGoogleReal imports each API of a googleapis tree with -profile google
// (the files of one directory, such as google/pubsub/v1, that set
// google.api.oauth_scopes), and checks each spec against what compiling
// them says, as TestGoogle does. It is skipped unless SCOPEGEN_GOOGLEAPIS
// names the tree; the directories it cannot import are listed, with why.
func TestGoogleReal(t *testing.T) {
	root := os.Getenv(googleapisEnv)
	if root == "" {
		t.Skip("set " + googleapisEnv + " to a directory of Google's protos (google/pubsub/v1/pubsub.proto...) to import them")
	}
	byDir := map[string][]string{}
	var dirs []string
	err := filepath.WalkDir(filepath.Join(root, "google"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".proto") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte("(google.api.oauth_scopes)")) {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "google/api" {
			return nil // client.proto declares the option
		}
		if byDir[dir] == nil {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var imported, endpoints, scopes, alternatives int
	var failed []string
	for _, dir := range dirs {
		files := byDir[dir]
		res, err := importGoogle(t, root, files)
		if err != nil {
			failed = append(failed, dir+": "+strings.SplitN(err.Error(), "\n", 2)[0])
			continue
		}
		truth, err := prototruth.ServiceScopes([]string{root}, files)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		m := readBack(t, res.YAML)
		imported++
		endpoints += len(m.Endpoints)
		scopes += len(m.Scopes)
		for method, want := range truth {
			e := m.Endpoint(method)
			if e == nil {
				t.Errorf("%s: %s is not in the spec", dir, method)
				continue
			}
			alternatives += len(e.Alternatives)
			if got := describeAlternatives(e); got != strings.Join(want, " | ") {
				t.Errorf("%s: %s requires %q, the protos say any one of %q", dir, method, got, want)
			}
		}
		if len(m.Endpoints) != len(truth) {
			t.Errorf("%s: %d endpoints, the protos have %d methods", dir, len(m.Endpoints), len(truth))
		}
		checkAlternatives(t, m)
	}
	t.Logf("%d of %d APIs imported: %d endpoints, %d alternatives, %d scopes (counted per API)", imported, len(dirs), endpoints, alternatives, scopes)
	for _, f := range failed {
		t.Logf("not imported: %s", f)
	}
}

// importGoogle imports files (paths relative to root, which imports are
// looked up in) with -profile google.
func importGoogle(t *testing.T, root string, files []string) (*protoimport.Result, error) {
	t.Helper()
	var srcs []protoimport.Source
	for _, f := range files {
		src, err := protoimport.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	return protoimport.Import(protoimport.Profiles["google"](), srcs, protoimport.DirResolver([]string{root}))
}
