package model

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/scopegen/scopegen/internal/spec"
)

// specHash returns the version hash of the spec f: the first 16 hex digits
// of the SHA-256 of its canonical form (spec.Marshal) without its comments.
// Two files that say the same thing, however laid out or commented, have the
// same hash; any change of a value changes it. It depends on nothing but f:
// not on the file's name or path, nor on the machine.
func specHash(f *spec.File) string {
	c := *f
	c.Comment, c.SectionComments, c.FootComment = "", nil, ""
	c.Scopes = slices.Clone(f.Scopes)
	for i := range c.Scopes {
		c.Scopes[i].Comment = ""
	}
	c.Presets = slices.Clone(f.Presets)
	for i := range c.Presets {
		c.Presets[i].Comment = ""
	}
	c.Endpoints = slices.Clone(f.Endpoints)
	for i := range c.Endpoints {
		c.Endpoints[i].Comment = ""
	}
	sum := sha256.Sum256(spec.Marshal(&c))
	return hex.EncodeToString(sum[:8])
}
