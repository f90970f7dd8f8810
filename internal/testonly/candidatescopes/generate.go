// Package candidatescopes is the checker of testdata/candidate.yaml, a
// tighter candidate for the spec of the gRPC adapter's tests
// (testdata/scopes.yaml), for the tests of shadow mode (scopegrpc.WithShadow).
// It is generated and committed; regenerate it with
//
//	go generate ./internal/testonly/candidatescopes
package candidatescopes

//go:generate go -C ../../.. run ./cmd/scopegen generate -spec internal/testonly/testdata/candidate.yaml -out internal/testonly/candidatescopes -pkg candidatescopes
