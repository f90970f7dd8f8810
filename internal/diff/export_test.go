package diff

// CompareExhaustive is Compare with witness searches that try every set of
// scopes instead of the candidates worth trying; for specs of a few scopes.
func CompareExhaustive(old, new *Spec) *Report {
	c := newComparer(old, new)
	c.exhaustive = true
	return compare(c)
}
