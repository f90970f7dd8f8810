// Package api is the Go code of v2.proto, the 37 methods of the Clarifai
// API that the shipped spec lists: the messages, the gRPC service, its REST
// gateway (v2.pb.gw.go, grpc-gateway) and its Connect code (package
// apiconnect). It is generated and committed; regenerate it with
//
//	cd examples && go generate ./clarifai/api
//
// which needs only the go command: goprotoc (internal/tools/goprotoc of the
// root module) compiles the proto with protocompile and runs protoc-gen-go,
// protoc-gen-go-grpc, protoc-gen-grpc-gateway and protoc-gen-connect-go at
// the versions the line below pins (go run downloads them once).
// google/api/annotations.proto and http.proto, which v2.proto imports, are
// vendored from googleapis under third_party, with their license.
package api

//go:generate go -C ../../.. run ./internal/tools/goprotoc -I examples/clarifai/api -I examples/clarifai/api/third_party "--plugin=protoc-gen-go=go run google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12" --go_out=examples/clarifai/api --go_opt=paths=source_relative "--plugin=protoc-gen-go-grpc=go run google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2" --go-grpc_out=examples/clarifai/api --go-grpc_opt=paths=source_relative "--plugin=protoc-gen-grpc-gateway=go run github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@v2.34.0" --grpc-gateway_out=examples/clarifai/api --grpc-gateway_opt=paths=source_relative,allow_delete_body=true "--plugin=protoc-gen-connect-go=go run connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.19.1" --connect-go_out=examples/clarifai/api --connect-go_opt=paths=source_relative,simple=true v2.proto
