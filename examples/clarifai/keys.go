// Package clarifai is a small server of the Clarifai API methods of the
// shipped spec (spec/scopes.yaml) that enforces the spec on gRPC (with the
// generated adapter generatedgrpc), on Connect (scopeconnect) and on REST
// (grpc-gateway through the gRPC server), on one port (NewTransports):
// in-memory keys with scopes, endpoint restrictions, a kind, an expiry and a
// disabled flag; a client of each transport; a tour that calls it with each
// key, on one transport or on all three.
//
// Start it with one command, from the examples directory:
//
//	go run ./clarifai/server -tour    # serve on loopback, run the tour, exit
//	go run ./clarifai/server          # serve on localhost:50051 until stopped
//	go run ./clarifai/client -key app-reader ListInputs
package clarifai

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	scopes "github.com/scopegen/scopegen/generated"

	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// Key is a key of the in-memory key store, as a portal would make it.
type Key struct {
	ID        string
	Kind      scopes.Principal
	Scopes    []string  // op scopes
	Endpoints []string  // the only endpoints it may call; none: any
	Expires   time.Time // zero: never
	Disabled  bool
	// Invite makes the key a collaborator's: it is used on an app whose owner
	// invited its user with these scopes only.
	Invite []string
	Note   string // what it shows, for the tour
}

// DemoKeys are the keys of the example server.
func DemoKeys(now time.Time) []Key {
	return []Key{
		{ID: "app-reader", Kind: scopes.AppKey, Scopes: []string{"Inputs:Get", "Models:Get"},
			Note: "reads inputs and models, but not their concepts"},
		{ID: "app-full", Kind: scopes.AppKey, Scopes: []string{"Inputs:Get", "Inputs:Add", "Concepts:Get", "Models:Get", "Predict"},
			Note: "reads inputs with their concepts, models, and predicts"},
		{ID: "predict-only", Kind: scopes.AppKey, Scopes: []string{"Predict", "Inputs:Get"}, Endpoints: []string{"/clarifai.api.V2/PostModelOutputs"},
			Note: "restricted to PostModelOutputs"},
		{ID: "pat-admin", Kind: scopes.PersonalAccessToken, Scopes: []string{"All"},
			Note: "a personal access token that may do everything"},
		{ID: "collaborator", Kind: scopes.PersonalAccessToken, Scopes: []string{"All"}, Invite: []string{"Inputs:Get"},
			Note: "a PAT with All, used on an app whose owner invited its user with Inputs:Get only"},
		{ID: "expired", Kind: scopes.AppKey, Scopes: []string{"All"}, Expires: now.Add(-24 * time.Hour),
			Note: "expired yesterday"},
		{ID: "disabled", Kind: scopes.AppKey, Scopes: []string{"All"}, Disabled: true,
			Note: "disabled by its owner"},
	}
}

// entry is a key as the store keeps it: its grant made once.
type entry struct {
	grant    scopes.Grant
	expires  time.Time
	disabled bool
}

// Store is an in-memory key store.
type Store struct {
	keys map[string]entry
	now  func() time.Time
}

// NewStore makes the grant of each key, collaborators' intersected with
// their invites. A key with an unknown scope or endpoint is an error.
func NewStore(keys []Key, now func() time.Time) (*Store, error) {
	s := &Store{keys: map[string]entry{}, now: now}
	for _, k := range keys {
		g, err := scopes.NewGrant(k.Kind, k.Scopes, k.Endpoints)
		if err != nil {
			return nil, fmt.Errorf("key %s: %v", k.ID, err)
		}
		if k.Invite != nil {
			invite, err := scopes.NewGrant(scopes.AppKey|scopes.PersonalAccessToken, k.Invite, nil)
			if err != nil {
				return nil, fmt.Errorf("key %s: invite: %v", k.ID, err)
			}
			g = g.Intersect(invite)
		}
		s.keys[k.ID] = entry{grant: g, expires: k.Expires, disabled: k.Disabled}
	}
	return s, nil
}

// Resolve is the server's generatedgrpc.Resolver: the grant of the key the
// call carries.
func (s *Store) Resolve(ctx context.Context) (scopes.Grant, error) {
	id, err := generatedgrpc.KeyFromContext(ctx)
	if err != nil {
		return scopes.Grant{}, err
	}
	return s.Grant(id)
}

// Grant returns the grant of the key id, whichever transport the call came
// by: ErrKeyNotFound for an unknown key, ErrKeyInvalid for one disabled or
// expired.
func (s *Store) Grant(id string) (scopes.Grant, error) {
	k, ok := s.keys[id]
	switch {
	case !ok:
		return scopes.Grant{}, generatedgrpc.ErrKeyNotFound
	case k.disabled:
		return scopes.Grant{}, fmt.Errorf("%w: key %s is disabled", generatedgrpc.ErrKeyInvalid, id)
	case !k.expires.IsZero() && !s.now().Before(k.expires):
		return scopes.Grant{}, fmt.Errorf("%w: key %s expired at %s", generatedgrpc.ErrKeyInvalid, id, k.expires.Format(time.RFC3339))
	}
	return k.grant, nil
}

// Describe lists the keys, one a line, for the server's log.
func Describe(keys []Key) string {
	var lines []string
	for _, k := range keys {
		line := fmt.Sprintf("  %-13s %-7s %s", k.ID, k.Kind, strings.Join(k.Scopes, ","))
		if len(k.Endpoints) > 0 {
			line += " endpoints " + strings.Join(k.Endpoints, ",")
		}
		if k.Invite != nil {
			line += " invite " + strings.Join(k.Invite, ",")
		}
		line += ": " + k.Note
		lines = append(lines, line)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
