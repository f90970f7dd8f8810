package model_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// zeroPositions zeroes every spec.Pos reachable from v through exported
// fields, so that two models can be compared by their values.
func zeroPositions(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		zeroPositions(v.Elem(), seen)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[spec.Pos]() {
			if v.CanSet() {
				v.SetZero()
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				zeroPositions(v.Field(i), seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			zeroPositions(v.Index(i), seen)
		}
	}
}

// positionInText is a position a message names.
var positionInText = regexp.MustCompile(regexp.QuoteMeta(specName) + `:\d+:\d+`)

// TestMarshalKeepsModel checks that the shipped spec and every spec of the
// golden archives, written back by spec.Marshal, build into the same model:
// the writer loses nothing the model reads.
func TestMarshalKeepsModel(t *testing.T) {
	specs := map[string][]byte{}
	data, err := os.ReadFile(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	specs[shippedSpec] = data
	for _, pattern := range []string{"../../testdata/golden*/*.txtar", "../../testdata/diff/*.txtar", "../../testdata/errors/warning*.txtar"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".yaml") {
					specs[file+"/"+f.Name] = f.Data
				}
			}
		}
	}
	built := 0
	for name, data := range specs {
		f, err := spec.Parse(specName, data)
		if err != nil {
			continue // a bad spec of a diff archive, or not a spec
		}
		want, err := model.Build(f)
		if err != nil {
			continue
		}
		written := spec.Marshal(f)
		f2, err := spec.Parse(specName, written)
		if err != nil {
			t.Fatalf("%s: the written spec does not parse: %v\n%s", name, err, written)
		}
		got, err := model.Build(f2)
		if err != nil {
			t.Fatalf("%s: the written spec does not build: %v\n%s", name, err, written)
		}
		zeroPositions(reflect.ValueOf(want), map[uintptr]bool{})
		zeroPositions(reflect.ValueOf(got), map[uintptr]bool{})
		// Warnings may name other positions in their text.
		for _, m := range []*model.Model{want, got} {
			for i, w := range m.Warnings {
				m.Warnings[i].Msg = positionInText.ReplaceAllString(w.Msg, specName+":L:C")
			}
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: the written spec builds into another model:\n%s", name, written)
		}
		built++
	}
	if built < 100 {
		t.Errorf("only %d specs built", built)
	}
}
