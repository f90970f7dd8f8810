// Package api is the Go code of v2.proto, a few methods of the Clarifai API.
// It is generated and committed; regenerate it with
//
//	cd examples && go generate ./clarifai/api
//
// which needs protoc (apt-get install protobuf-compiler) and the plugins
// (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12 and
// go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2).
package api

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative v2.proto
