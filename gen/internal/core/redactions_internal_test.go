package core

import (
	"testing"

	"github.com/scopegen/scopegen/internal/model"
)

// TestRedactionsNeedEveryUnlessScope checks that a field is shown only to a
// caller holding every scope of its unless, when several of them share a word
// of a Set. testdata/scopes.yaml has no such redaction (its two-scope unless
// spans two words), so the endpoint here is made by hand.
func TestRedactionsNeedEveryUnlessScope(t *testing.T) {
	info := &endpointInfo{redactions: []redaction{
		{"files", []wordMask{{1, 1<<(FilesAdd%64) | 1<<(FilesDelete%64)}}},
		{"tags", []wordMask{{0, 1 << (FilesGet % 64)}, {2, 1<<(TagsGet%64) | 1<<(TagsPatch%64)}}},
	}}
	for _, tt := range []struct {
		held Set
		want uint64
	}{
		{Set{}, 0b11},
		{NewSet(FilesAdd), 0b11},
		{NewSet(FilesDelete), 0b11},
		{NewSet(FilesAdd, FilesDelete), 0b10},
		{NewSet(FilesGet, TagsGet), 0b11},
		{NewSet(FilesGet, TagsPatch), 0b11},
		{NewSet(TagsGet, TagsPatch), 0b11},
		{NewSet(FilesGet, TagsGet, TagsPatch, FilesAdd), 0b01},
		{AllScopes(), 0},
	} {
		if got := redactions(info, &tt.held); got != tt.want {
			t.Errorf("holding %v: redactions = %#b, want %#b", tt.held, got, tt.want)
		}
	}
}

// TestReasonBits checks that every Reason fits below reasonBits and every
// alternative's index above them, in Decision.reason's eight bits.
func TestReasonBits(t *testing.T) {
	if len(reasonInfo) > 1<<reasonBits {
		t.Errorf("%d reasons do not fit in %d bits", len(reasonInfo), reasonBits)
	}
	if model.MaxAlternatives > 1<<(16-reasonBits) {
		t.Errorf("the indexes of %d alternatives do not fit above the reason", model.MaxAlternatives)
	}
}
