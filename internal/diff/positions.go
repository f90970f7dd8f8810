package diff

import (
	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/spec"
)

// The positions findings point at, read from the models: where the changed
// key or list entry is written, or the element's own position when it is
// not written.

// or is p, or fallback when p is not set (the key is not written).
func or(p, fallback spec.Pos) spec.Pos {
	if p.Line == 0 {
		return fallback
	}
	return p
}

// firstWritten is the position written first among pos, or fallback when pos is
// empty: the line that changed when an entry was dropped from a list.
func firstWritten(pos []spec.Pos, fallback spec.Pos) spec.Pos {
	out := spec.Pos{}
	for _, p := range pos {
		if p.Line > 0 && (out.Line == 0 || p.Less(out)) {
			out = p
		}
	}
	return or(out, fallback)
}

// scopePos is where list names the scope called name (pos[i] is where
// list[i] is), or fallback.
func scopePos(list []*model.Scope, pos []spec.Pos, name string, fallback spec.Pos) spec.Pos {
	for i, s := range list {
		if s.Name == name && i < len(pos) {
			return or(pos[i], fallback)
		}
	}
	return fallback
}

// idPos is where scope s's id is written, or its name.
func idPos(s *model.Scope) spec.Pos { return or(s.IDPos, s.Pos) }

// requirePos is where endpoint e's requires lists scope, or the method.
func requirePos(e *model.Endpoint, scope string) spec.Pos {
	return scopePos(e.Requires, e.RequiresPos, scope, e.Pos)
}

// redactPos is where endpoint e redacts field, or the method.
func redactPos(e *model.Endpoint, field string) spec.Pos {
	for _, r := range e.Redactions {
		if r.Field == field {
			return or(r.Pos, e.Pos)
		}
	}
	return e.Pos
}

// requestPos is where endpoint e lists request scope scope, or the method.
func requestPos(e *model.Endpoint, scope string) spec.Pos {
	for _, r := range e.RequestScopes {
		if r.Scope.Name == scope {
			return or(r.Pos, e.Pos)
		}
	}
	return e.Pos
}

// requestWhenPos is where endpoint e says when its handler checks scope, or the
// method.
func requestWhenPos(e *model.Endpoint, scope string) spec.Pos {
	for _, r := range e.RequestScopes {
		if r.Scope.Name == scope && r.WhenPos.Line > 0 {
			return r.WhenPos
		}
	}
	return e.Pos
}

// redactionsPos lists where each of e's redactions is written.
func redactionsPos(e *model.Endpoint) []spec.Pos {
	var out []spec.Pos
	for _, r := range e.Redactions {
		out = append(out, r.Pos)
	}
	return out
}

// requestScopesPos lists where each of e's request scopes is written.
func requestScopesPos(e *model.Endpoint) []spec.Pos {
	var out []spec.Pos
	for _, r := range e.RequestScopes {
		out = append(out, r.Pos)
	}
	return out
}

// kindPos is where principals p of m (written at pos, in the order of
// m.KindNames(p)) list principal, or fallback.
func kindPos(m *model.Model, p model.Principal, pos []spec.Pos, principal string, fallback spec.Pos) spec.Pos {
	for i, n := range m.KindNames(p) {
		if n == principal && i < len(pos) {
			return or(pos[i], fallback)
		}
	}
	return fallback
}

// principalPos is where endpoint e of m lists principal; or, when it takes
// defaults.principals and those differ from old's, where the defaults list
// it (or start); or the method.
func principalPos(m *model.Model, e *model.Endpoint, principal string, old *model.Model) spec.Pos {
	switch {
	case e.HasPrincipals:
		return kindPos(m, e.Principals, e.PrincipalsPos, principal, e.Pos)
	case m.DefaultPrincipals != old.DefaultPrincipals:
		return kindPos(m, m.DefaultPrincipals, m.DefaultPrincipalsPos, principal, firstWritten(m.DefaultPrincipalsPos, e.Pos))
	}
	return e.Pos
}

// principalsPos is where endpoint e of m lists its principals; or, when it
// takes defaults.principals and those differ from old's, where the defaults
// list starts; or the method.
func principalsPos(m *model.Model, e *model.Endpoint, old *model.Model) spec.Pos {
	switch {
	case e.HasPrincipals:
		return firstWritten(e.PrincipalsPos, e.Pos)
	case m.DefaultPrincipals != old.DefaultPrincipals:
		return firstWritten(m.DefaultPrincipalsPos, e.Pos)
	}
	return e.Pos
}

// publicPos is where endpoint e says public, or the method.
func publicPos(e *model.Endpoint) spec.Pos { return or(e.PublicPos, e.Pos) }

// presetScopePos is where preset p lists scope, or its name.
func presetScopePos(p *model.Preset, scope string) spec.Pos {
	return scopePos(p.Scopes, p.ScopesPos, scope, p.Pos)
}

// prerequisitesPos is where scope s lists the first of names that it lists
// (a prerequisite may also come through another scope), or its name.
func prerequisitesPos(s *model.Scope, names []string) spec.Pos {
	for _, name := range names {
		if p := scopePos(s.Requires, s.RequiresPos, name, spec.Pos{}); p.Line > 0 {
			return p
		}
	}
	return s.Pos
}

// outcomePos is where NEW's outcome n writes the first value that differs
// from OLD's o: code, status, grpc or message; or the role.
func outcomePos(n, o *model.Outcome) spec.Pos {
	for _, v := range []struct {
		differs bool
		pos     spec.Pos
	}{
		{n.Code != o.Code, n.CodePos},
		{n.Status != o.Status, n.StatusPos},
		{n.GRPCCode != o.GRPCCode, n.GRPCPos},
		{n.Message != o.Message, n.MessagePos},
	} {
		if v.differs && v.pos.Line > 0 {
			return v.pos
		}
	}
	return n.Pos
}

// reservedIDsPos is where m reserves each id.
func reservedIDsPos(m *model.Model) map[int]spec.Pos {
	out := map[int]spec.Pos{}
	for i, id := range m.Reserved.IDs {
		if i < len(m.Reserved.IDsPos) {
			out[id] = m.Reserved.IDsPos[i]
		}
	}
	return out
}

// reservedNamePos is where m reserves name.
func reservedNamePos(m *model.Model, name string) spec.Pos {
	for i, n := range m.Reserved.Names {
		if n == name && i < len(m.Reserved.NamesPos) {
			return m.Reserved.NamesPos[i]
		}
	}
	return spec.Pos{}
}
