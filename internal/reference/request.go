package reference

import "github.com/scopegen/scopegen/internal/model"

// MissingRequestScope is the reason of a call that the rules allow but the
// handler refuses: the call is a request for which the handler checks a
// request-dependent scope, and the grant lacks it.
const MissingRequestScope Reason = "missing_request_scope"

// LackedRequestScope applies the request-dependent scope rule to a call of
// endpoint e by g that is a request for which the handler checks scope name:
// it returns the entry of e.RequestScopes that names it when g lacks that
// scope, and false when g holds it (directly or through the All scope) or
// the handler of e does not check it (a scope the handler does not check
// adds nothing), or e is nil. When e lists the scope more than once, the
// last entry is returned. Whether the rules allow the call is the caller's
// to decide first: only an allowed call is refused this way (see
// DecideRequest).
func LackedRequestScope(m *model.Model, e *model.Endpoint, g Grant, name string) (model.RequestScope, bool) {
	var lacked model.RequestScope
	found := false
	if e == nil {
		return lacked, false
	}
	for _, r := range e.RequestScopes {
		if r.Scope.Name == name && !Has(m, g, r.Scope) {
			lacked, found = r, true
		}
	}
	return lacked, found
}

// DecideRequest is Decide for a call of method by g that is a request for
// which the handler checks request-dependent scope name ("" for a request
// that needs none): a call Decide allows is refused with reason
// MissingRequestScope and outcome insufficient_scopes, Missing naming the
// scope, when LackedRequestScope finds that g lacks it.
func DecideRequest(m *model.Model, g Grant, method, name string) Decision {
	d := Decide(m, g, method)
	if !d.Allowed || name == "" {
		return d
	}
	if r, ok := LackedRequestScope(m, m.Endpoint(method), g, name); ok {
		return Decision{Reason: MissingRequestScope, Outcome: model.InsufficientScopes, Missing: []string{r.Scope.Name}}
	}
	return d
}
