package diff

// CompareExhaustive is Compare with witness searches that try every set of
// scopes instead of the candidates worth trying; for specs of a few scopes.
func CompareExhaustive(old, new *Spec) *Report {
	c := newComparer(old, new)
	c.exhaustive = true
	return compare(c)
}

// Counterpart is the name NEW gives the scope OLD calls name, as Compare
// matches scopes (by name, or by id after a rename); "" when NEW lacks it.
// A scope only NEW has is named as NEW names it.
func Counterpart(old, new *Spec, name string) string {
	c := newComparer(old, new)
	if o := old.Model.Scope(name); o != nil {
		if n := c.univ[c.oldIdx[o]].new; n != nil {
			return n.Name
		}
		return ""
	}
	if n := new.Model.Scope(name); n != nil {
		return name
	}
	return ""
}
