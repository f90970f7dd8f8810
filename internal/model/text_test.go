package model_test

import (
	"testing"
	"unicode"

	"github.com/scopegen/scopegen/internal/model"
)

// TestDeceptive checks that Deceptive reports exactly the bidirectional
// controls and the line and paragraph separators, each with its name, and
// not the letters of right-to-left scripts or other invisible characters.
func TestDeceptive(t *testing.T) {
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		name, ok := model.Deceptive(r)
		want := unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
		if ok != want || ok && name == "" {
			t.Errorf("Deceptive(%U) = %q, %v", r, name, ok)
		}
		if ok {
			n++
		}
	}
	if n != 14 {
		t.Errorf("%d characters reported; want 14 (12 bidirectional controls, 2 separators)", n)
	}
	for _, r := range "aזع日\u00a0\u200b\u200d" {
		if _, ok := model.Deceptive(r); ok {
			t.Errorf("Deceptive(%U) is true", r)
		}
	}
}
