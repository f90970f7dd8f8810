package core

import (
	"fmt"
	"iter"
	"math/bits"
	"strconv"
	"strings"
)

// Scope is an op-level authorization scope. Its value is the scope's stable id
// from the spec.
type Scope uint16

// String returns the scope's name in the spec, e.g. "Inputs:Get"; an id that is
// not a scope gives "Scope(id)".
func (s Scope) String() string {
	if s.Valid() {
		return scopeInfo[s].name
	}
	return "Scope(" + strconv.Itoa(int(s)) + ")"
}

// Description returns the scope's description in the spec.
func (s Scope) Description() string {
	if s.Valid() {
		return scopeInfo[s].description
	}
	return ""
}

// Valid reports whether s is a scope of the spec.
func (s Scope) Valid() bool {
	return allScopes.Has(s)
}

// Deprecated reports whether the spec marks s deprecated.
func (s Scope) Deprecated() bool {
	return deprecatedScopes.Has(s)
}

// Set is a set of op-level scopes: bit id%64 of word id/64 is the scope with
// that id. The zero Set is empty; a Set is a value, copy it freely.
type Set [SetWords]uint64

// AllScopes returns the set of every op-level scope of the spec.
func AllScopes() Set {
	return allScopes
}

// NewSet returns the set of the given scopes; ids that are not scopes are ignored.
func NewSet(scopes ...Scope) Set {
	var s Set
	for _, x := range scopes {
		s.Add(x)
	}
	return s
}

// Has reports whether x is in s.
func (s Set) Has(x Scope) bool {
	return x <= MaxScopeID && s[x/64]&(1<<(x%64)) != 0
}

// Add puts x in s; an id that is not a scope of the spec is ignored.
func (s *Set) Add(x Scope) {
	if x <= MaxScopeID {
		s[x/64] |= allScopes[x/64] & (1 << (x % 64))
	}
}

// Remove takes x out of s.
func (s *Set) Remove(x Scope) {
	if x <= MaxScopeID {
		s[x/64] &^= 1 << (x % 64)
	}
}

// Union returns the scopes in s or in o.
func (s Set) Union(o Set) Set {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

// Intersect returns the scopes in both s and o.
func (s Set) Intersect(o Set) Set {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

// Difference returns the scopes in s and not in o.
func (s Set) Difference(o Set) Set {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

// ContainsAll reports whether every scope of o is in s.
func (s Set) ContainsAll(o Set) bool {
	for i := range s {
		if o[i]&^s[i] != 0 {
			return false
		}
	}
	return true
}

// IsEmpty reports whether s holds no scope.
func (s Set) IsEmpty() bool {
	return s == Set{}
}

// Len returns the number of scopes in s.
func (s Set) Len() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Scopes returns an iterator over the scopes of s, in id order.
func (s Set) Scopes() iter.Seq[Scope] {
	return func(yield func(Scope) bool) {
		for i, w := range s {
			for w != 0 {
				if !yield(Scope(i*64 + bits.TrailingZeros64(w))) {
					return
				}
				w &= w - 1
			}
		}
	}
}

// String returns the scope names of s, comma-separated, in id order, e.g.
// "Inputs:Add,Inputs:Get"; the empty set gives "".
func (s Set) String() string {
	b, _ := s.MarshalText()
	return string(b)
}

// MarshalText encodes s as its scope names, comma-separated, in id order.
func (s Set) MarshalText() ([]byte, error) {
	b := []byte{}
	for x := range s.Scopes() {
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = append(b, x.String()...)
	}
	return b, nil
}

// UnmarshalText decodes comma-separated scope names; spaces around a name are
// ignored. An unknown name is an error and leaves s unchanged.
func (s *Set) UnmarshalText(text []byte) error {
	var out Set
	for _, name := range strings.Split(string(text), ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		x, ok := ParseScope(name)
		if !ok {
			return fmt.Errorf("unknown scope %q", name)
		}
		out.Add(x)
	}
	*s = out
	return nil
}
