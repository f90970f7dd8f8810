// Package testscopes is the checker of testdata/scopes.yaml, the spec of the
// gRPC adapter's tests, and testscopesgrpc its adapter. Both are generated
// and committed; regenerate them with
//
//	cd examples && go generate ./internal/testscopes
package testscopes

//go:generate go -C ../../.. run ./cmd/scopegen generate -spec examples/testdata/scopes.yaml -out examples/internal/testscopes -grpc
