// Package testpb is the Go code of testdata/items.proto, the test service of
// the gRPC adapter's tests. It is generated and committed; regenerate it with
//
//	go generate ./internal/testonly/testpb
//
// which needs only the go command: goprotoc compiles the proto with
// protocompile and runs protoc-gen-go and protoc-gen-go-grpc at the versions
// the line below pins (go run downloads them once).
package testpb

//go:generate go run ../../tools/goprotoc -I ../testdata "--plugin=protoc-gen-go=go run google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12" --go_out=. --go_opt=paths=source_relative "--plugin=protoc-gen-go-grpc=go run google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2" --go-grpc_out=. --go-grpc_opt=paths=source_relative items.proto
