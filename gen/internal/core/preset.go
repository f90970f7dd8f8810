package core

import "iter"

// Preset is a named bundle of scopes, as a portal offers them. The zero Preset
// is no preset.
type Preset uint16

// presetEntry is a preset's name and scopes, in presetInfo.
type presetEntry struct {
	name   string
	scopes Set
}

// Name returns the preset's name in the spec.
func (p Preset) Name() string {
	if p > numPresets {
		return ""
	}
	return presetInfo[p].name
}

// String returns the preset's name.
func (p Preset) String() string {
	return p.Name()
}

// Scopes returns the scopes the preset selects.
func (p Preset) Scopes() Set {
	if p > numPresets {
		return Set{}
	}
	return presetInfo[p].scopes
}

// ParsePreset returns the preset with the given name.
func ParsePreset(name string) (Preset, bool) {
	for p := Preset(1); p <= numPresets; p++ {
		if presetInfo[p].name == name {
			return p, true
		}
	}
	return 0, false
}

// Presets returns an iterator over the presets, in spec order.
func Presets() iter.Seq[Preset] {
	return func(yield func(Preset) bool) {
		for p := Preset(1); p <= numPresets; p++ {
			if !yield(p) {
				return
			}
		}
	}
}
