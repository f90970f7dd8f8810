// Package testscopes is the checker of testdata/scopes.yaml, the spec of the
// gRPC adapter's tests, and testscopesgrpc its adapter. Both are generated
// and committed; regenerate them with
//
//	go generate ./internal/testonly/testscopes
package testscopes

//go:generate go -C ../../.. run ./cmd/scopegen generate -spec internal/testonly/testdata/scopes.yaml -out internal/testonly/testscopes -grpc
