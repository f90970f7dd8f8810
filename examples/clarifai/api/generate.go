// Package api is the Go code of v2.proto, the 37 methods of the Clarifai
// API that the shipped spec lists: the messages, the gRPC service, its REST
// gateway (v2.pb.gw.go, grpc-gateway) and its Connect code (package
// apiconnect). It is generated and committed; regenerate it with
//
//	cd examples && go generate ./clarifai/api
//
// which needs protoc (apt-get install protobuf-compiler) and the plugins
// (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12,
// go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2,
// go install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@v2.34.0 and
// go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.19.1).
// google/api/annotations.proto and http.proto, which v2.proto imports, are
// vendored from googleapis under third_party, with their license.
package api

//go:generate protoc -I . -I third_party --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative --grpc-gateway_out=. --grpc-gateway_opt=paths=source_relative,allow_delete_body=true --connect-go_out=. --connect-go_opt=paths=source_relative,simple=true v2.proto
