// Package testpb is the Go code of ../testdata/items.proto, the test service
// of scopeconnect's tests, and its Connect code (package testpbconnect). It is
// generated and committed; regenerate it with
//
//	cd scopeconnect && go generate ./internal/testpb
//
// which needs protoc (apt-get install protobuf-compiler) and the plugins
// (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12 and
// go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.19.1).
package testpb

//go:generate protoc -I ../testdata --go_out=. --go_opt=paths=source_relative --connect-go_out=. --connect-go_opt=paths=source_relative items.proto
