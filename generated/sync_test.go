package generated_test

import (
	"testing"

	"github.com/scopegen/scopegen/gen"
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/output"
)

// TestInSync fails when generated/ is not what the generator makes of
// spec/scopes.yaml today: run go generate ./... and commit the result.
func TestInSync(t *testing.T) {
	m, err := model.Load("../spec/scopes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) > 0 {
		t.Errorf("the shipped spec has warnings: %v", m.Warnings)
	}
	files, err := gen.Generate(m, gen.Options{Package: "generated", Source: "../spec/scopes.yaml", Docs: "SCOPES.md"})
	if err != nil {
		t.Fatal(err)
	}
	var want []output.File
	for _, f := range files {
		want = append(want, output.File{Path: f.Name, Content: f.Content})
	}
	diff, err := output.Stale(want)
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Errorf("generated/ is stale; run go generate ./... and commit:\n%s", diff)
	}
}
