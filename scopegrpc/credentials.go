package scopegrpc

import (
	"context"
	"strings"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
)

// The schemes of the credentials of a call, in "authorization: <scheme>
// <credential>".
const (
	// SchemeKey is the scheme of an API key: "authorization: Key <id>".
	SchemeKey = "Key"
	// SchemeBearer is the scheme of a bearer token, such as a JWT:
	// "authorization: Bearer <token>".
	SchemeBearer = "Bearer"
)

// CredentialFromContext returns the credentials of a call: the scheme and
// credential of its one incoming "authorization: <scheme> <credential>"
// metadata, the scheme as SchemeKey or SchemeBearer when it is one of them
// (schemes are case-insensitive, as in HTTP), else as written. It returns
// ErrNoCredentials when the call has no authorization metadata, and
// ErrKeyInvalid when it is not one credential of one scheme.
func CredentialFromContext(ctx context.Context) (scheme, credential string, err error) {
	values := metadata.ValueFromIncomingContext(ctx, AuthorizationKey)
	if len(values) == 0 {
		return "", "", ErrNoCredentials
	}
	if len(values) > 1 {
		return "", "", ErrKeyInvalid
	}
	scheme, credential, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	credential = strings.TrimSpace(credential)
	if !ok || scheme == "" || credential == "" || strings.ContainsAny(credential, " \t") {
		return "", "", ErrKeyInvalid
	}
	switch {
	case strings.EqualFold(scheme, SchemeKey):
		scheme = SchemeKey
	case strings.EqualFold(scheme, SchemeBearer):
		scheme = SchemeBearer
	}
	return scheme, credential, nil
}

// KeyFromContext returns the key of a call: the <id> of the incoming metadata
// "authorization: Key <id>" (the scheme is case-insensitive). It returns
// ErrNoCredentials when the call has no authorization metadata, and
// ErrKeyInvalid when it is not one Key credential.
func KeyFromContext(ctx context.Context) (string, error) {
	return fromContext(ctx, SchemeKey)
}

// BearerFromContext returns the bearer token of a call: the <token> of the
// incoming metadata "authorization: Bearer <token>" (the scheme is
// case-insensitive). It returns ErrNoCredentials when the call has no
// authorization metadata, and ErrKeyInvalid when it is not one Bearer
// credential. The Resolver verifies the token: see the README for one that
// maps a signed JWT's scope claim to a grant.
func BearerFromContext(ctx context.Context) (string, error) {
	return fromContext(ctx, SchemeBearer)
}

// fromContext returns the credential of a call of the given scheme.
func fromContext(ctx context.Context, want string) (string, error) {
	scheme, credential, err := CredentialFromContext(ctx)
	if err != nil {
		return "", err
	}
	if scheme != want {
		return "", ErrKeyInvalid
	}
	return credential, nil
}

// WithKey returns ctx with the outgoing metadata "authorization: Key <id>",
// for clients. KeyCredentials does the same for every call of a connection.
func WithKey(ctx context.Context, id string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, AuthorizationKey, SchemeKey+" "+id)
}

// WithBearer returns ctx with the outgoing metadata "authorization: Bearer
// <token>", for clients. BearerCredentials does the same for every call of a
// connection.
func WithBearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, AuthorizationKey, SchemeBearer+" "+token)
}

// Credentials are the credentials a client sends with every call of a
// connection: a credentials.PerRPCCredentials for grpc.WithPerRPCCredentials
// (or, for one call, grpc.PerRPCCredentials). They require transport
// security, as keys and tokens are secrets: gRPC refuses to send them on a
// connection without TLS (or local credentials), unless AllowInsecure says
// otherwise. Make them with KeyCredentials or BearerCredentials.
type Credentials struct {
	value    string // "<scheme> <credential>"
	insecure bool
}

// KeyCredentials returns the credentials "authorization: Key <id>".
func KeyCredentials(id string) Credentials {
	return Credentials{value: SchemeKey + " " + id}
}

// BearerCredentials returns the credentials "authorization: Bearer <token>".
func BearerCredentials(token string) Credentials {
	return Credentials{value: SchemeBearer + " " + token}
}

// AllowInsecure returns c that may be sent on a connection without transport
// security: for a server on loopback, as the example's, or in tests, never
// across a network.
func (c Credentials) AllowInsecure() Credentials {
	c.insecure = true
	return c
}

// GetRequestMetadata returns the authorization metadata of a call
// (credentials.PerRPCCredentials).
func (c Credentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{AuthorizationKey: c.value}, nil
}

// RequireTransportSecurity reports whether gRPC may send c only on a secure
// connection: true unless AllowInsecure (credentials.PerRPCCredentials).
func (c Credentials) RequireTransportSecurity() bool {
	return !c.insecure
}

var _ credentials.PerRPCCredentials = Credentials{}
