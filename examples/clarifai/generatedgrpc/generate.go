package generatedgrpc

// The gRPC adapter of the checker of the shipped spec (package generated of
// the scopegen module). Regenerate it after editing spec/scopes.yaml with
//
//	cd examples && go generate ./clarifai/generatedgrpc
//
//go:generate go -C ../../.. run ./cmd/scopegen generate -spec spec/scopes.yaml -out generated -grpc -grpc-out examples/clarifai/generatedgrpc
