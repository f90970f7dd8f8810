// Package testpb is the Go code of testdata/items.proto, the test service of
// the gRPC adapter's tests. It is generated and committed; regenerate it with
//
//	go generate ./internal/testonly/testpb
//
// which needs protoc (apt-get install protobuf-compiler) and the plugins
// (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12 and
// go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2).
package testpb

//go:generate protoc -I ../testdata --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative items.proto
