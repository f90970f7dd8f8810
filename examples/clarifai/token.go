package clarifai

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopegrpc"

	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// Claims are the claims of the bearer tokens that TokenVerifier accepts: a
// JWT signed with Ed25519 (alg EdDSA), whose scope claim lists the spec's
// scopes it grants, space-separated, as OAuth 2.0 writes scopes (RFC 8693).
type Claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub,omitempty"`
	Audience  Audience `json:"aud"`
	ExpiresAt int64    `json:"exp"`
	NotBefore int64    `json:"nbf,omitempty"`
	Scope     string   `json:"scope"`
	// Kind is the principal kind of the token: "app_key" or "pat"; empty is
	// "pat", a person's token.
	Kind string `json:"kind,omitempty"`
}

// Audience is a JWT's aud claim: one string, or a list of them.
type Audience []string

// UnmarshalJSON reads a string or a list of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// TokenVerifier is a Resolver of bearer tokens: it verifies a JWT's Ed25519
// signature with the standard library, checks its issuer, audience and
// times, and maps its scope claim to a grant. Scopes of the claim that the
// spec does not define are left out: a token may carry scopes of other APIs.
type TokenVerifier struct {
	Key      ed25519.PublicKey
	Issuer   string
	Audience string
	Now      func() time.Time // nil: time.Now
	Leeway   time.Duration    // allowed clock skew on exp and nbf
}

// Resolve is a generatedgrpc.Resolver: the grant of the bearer token of a
// call. A token that is malformed, badly signed, expired, not yet valid or
// for another issuer or audience is refused with ErrKeyInvalid.
func (v *TokenVerifier) Resolve(ctx context.Context) (scopes.Grant, error) {
	token, err := generatedgrpc.BearerFromContext(ctx)
	if err != nil {
		return scopes.Grant{}, err
	}
	return v.Grant(token)
}

// Grant returns the grant of token, or why it is refused (wrapping
// ErrKeyInvalid).
func (v *TokenVerifier) Grant(token string) (scopes.Grant, error) {
	c, err := v.verify(token)
	if err != nil {
		return scopes.Grant{}, fmt.Errorf("%w: bearer token: %v", generatedgrpc.ErrKeyInvalid, err)
	}
	kind := scopes.PersonalAccessToken
	if c.Kind != "" {
		k, ok := scopes.ParsePrincipal(c.Kind)
		if !ok {
			return scopes.Grant{}, fmt.Errorf("%w: bearer token: unknown kind %q", generatedgrpc.ErrKeyInvalid, c.Kind)
		}
		kind = k
	}
	var names []string
	for _, s := range strings.Fields(c.Scope) {
		if _, ok := scopes.ParseScope(s); ok {
			names = append(names, s)
		}
	}
	return scopes.NewGrant(kind, names, nil)
}

// verify returns the claims of token when its signature and claims are
// valid.
func (v *TokenVerifier) verify(token string) (*Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodePart(parts[0], &header); err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	if header.Alg != "EdDSA" {
		return nil, fmt.Errorf("algorithm %q, want EdDSA", header.Alg) // never "none", never HMAC with a public key
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(v.Key) != ed25519.PublicKeySize || !ed25519.Verify(v.Key, []byte(parts[0]+"."+parts[1]), sig) {
		return nil, fmt.Errorf("bad signature")
	}
	var c Claims
	if err := decodePart(parts[1], &c); err != nil {
		return nil, fmt.Errorf("claims: %v", err)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	t := now()
	switch {
	case c.Issuer != v.Issuer:
		return nil, fmt.Errorf("issuer %q", c.Issuer)
	case !slices.Contains(c.Audience, v.Audience):
		return nil, fmt.Errorf("audience %q", c.Audience)
	case c.ExpiresAt == 0 || !t.Before(time.Unix(c.ExpiresAt, 0).Add(v.Leeway)):
		return nil, fmt.Errorf("expired")
	case c.NotBefore != 0 && t.Add(v.Leeway).Before(time.Unix(c.NotBefore, 0)):
		return nil, fmt.Errorf("not valid yet")
	}
	return &c, nil
}

// decodePart decodes a base64url JSON part of a JWT into v.
func decodePart(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// SignToken returns a JWT of c signed with key, as an identity provider
// would issue it: for the demo and the tests.
func SignToken(key ed25519.PrivateKey, c Claims) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]string{"alg": "EdDSA", "typ": "JWT"}) + "." + enc(c)
	return signed + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(signed)))
}

// resolveAny resolves the credentials of a call: a bearer token with tokens
// when it is one and tokens is not nil, anything else with store.
func resolveAny(store *Store, tokens *TokenVerifier) generatedgrpc.Resolver {
	if tokens == nil {
		return store.Resolve
	}
	return func(ctx context.Context) (scopes.Grant, error) {
		if scheme, _, err := scopegrpc.CredentialFromContext(ctx); err == nil && scheme == scopegrpc.SchemeBearer {
			return tokens.Resolve(ctx)
		}
		return store.Resolve(ctx)
	}
}
