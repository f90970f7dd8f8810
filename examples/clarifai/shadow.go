package clarifai

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/scopegen/scopegen/scopegrpc"

	"github.com/scopegen/scopegen/examples/clarifai/candidate"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// CandidateShadow returns the Enforcer option of shadow mode with the
// candidate spec (package candidate, from candidate.yaml): every call is
// decided by the candidate too, with the grants of the same keys (and bearer
// tokens, with tokens) made in the candidate's terms, and its decisions
// reach the hook's events only (pass a hook with generatedgrpc.WithHook).
// What a client gets does not change.
func CandidateShadow(keys []Key, now func() time.Time, tokens *TokenVerifier) (generatedgrpc.Option, error) {
	type entry struct {
		grant    candidate.Grant
		expires  time.Time
		disabled bool
	}
	grants := map[string]entry{}
	for _, k := range keys {
		kind, ok := candidate.ParsePrincipal(k.Kind.String())
		if !ok {
			return nil, fmt.Errorf("key %s: kind %v is not the candidate's", k.ID, k.Kind)
		}
		g, err := candidate.NewGrant(kind, k.Scopes, k.Endpoints)
		if err != nil {
			return nil, fmt.Errorf("key %s: candidate: %v", k.ID, err)
		}
		if k.Invite != nil {
			invite, err := candidate.NewGrant(candidate.AppKey|candidate.PersonalAccessToken, k.Invite, nil)
			if err != nil {
				return nil, fmt.Errorf("key %s: candidate: invite: %v", k.ID, err)
			}
			g = g.Intersect(invite)
		}
		grants[k.ID] = entry{g, k.Expires, k.Disabled}
	}
	resolve := func(ctx context.Context) (candidate.Grant, error) {
		scheme, credential, err := scopegrpc.CredentialFromContext(ctx)
		if err != nil {
			return candidate.Grant{}, err
		}
		switch {
		case scheme == scopegrpc.SchemeBearer && tokens != nil:
			c, err := tokens.verify(credential)
			if err != nil {
				return candidate.Grant{}, fmt.Errorf("%w: %v", scopegrpc.ErrKeyInvalid, err)
			}
			kind := candidate.PersonalAccessToken
			if c.Kind != "" {
				if kind, _ = candidate.ParsePrincipal(c.Kind); kind == 0 {
					return candidate.Grant{}, scopegrpc.ErrKeyInvalid
				}
			}
			var names []string
			for _, s := range strings.Fields(c.Scope) {
				if _, ok := candidate.ParseScope(s); ok {
					names = append(names, s)
				}
			}
			return candidate.NewGrant(kind, names, nil)
		case scheme != scopegrpc.SchemeKey:
			return candidate.Grant{}, scopegrpc.ErrKeyInvalid
		}
		e, ok := grants[credential]
		switch {
		case !ok:
			return candidate.Grant{}, scopegrpc.ErrKeyNotFound
		case e.disabled, !e.expires.IsZero() && !now().Before(e.expires):
			return candidate.Grant{}, scopegrpc.ErrKeyInvalid
		}
		return e.grant, nil
	}
	return scopegrpc.WithShadow[candidate.Grant, candidate.Decision](resolve), nil
}
