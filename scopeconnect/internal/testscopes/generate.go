// Package testscopes is the checker of ../testdata/scopes.yaml, the spec of
// scopeconnect's tests. It is generated and committed; regenerate it with
//
//	cd scopeconnect && go generate ./internal/testscopes
package testscopes

//go:generate go -C ../../.. run ./cmd/scopegen generate -spec scopeconnect/internal/testdata/scopes.yaml -out scopeconnect/internal/testscopes -pkg testscopes
