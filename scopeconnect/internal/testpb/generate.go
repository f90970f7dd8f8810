// Package testpb is the Go code of ../testdata/items.proto, the test service
// of scopeconnect's tests, and its Connect code (package testpbconnect). It is
// generated and committed; regenerate it with
//
//	cd scopeconnect && go generate ./internal/testpb
//
// which needs only the go command: goprotoc (internal/tools/goprotoc of the
// root module) compiles the proto with protocompile and runs protoc-gen-go
// and protoc-gen-connect-go at the versions the line below pins (go run
// downloads them once).
package testpb

//go:generate go -C ../../.. run ./internal/tools/goprotoc -I scopeconnect/internal/testdata "--plugin=protoc-gen-go=go run google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12" --go_out=scopeconnect/internal/testpb --go_opt=paths=source_relative "--plugin=protoc-gen-connect-go=go run connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.19.1" --connect-go_out=scopeconnect/internal/testpb --connect-go_opt=paths=source_relative items.proto
