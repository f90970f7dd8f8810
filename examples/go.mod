module github.com/scopegen/scopegen/examples

go 1.26.0

require (
	connectrpc.com/connect v1.19.1
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.34.0
	github.com/scopegen/scopegen v0.0.0
	github.com/scopegen/scopegen/scopeconnect v0.0.0
	google.golang.org/genproto/googleapis/api v0.0.0-20261110000943-09e21b237f2c
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261110000943-09e21b237f2c
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/scopegen/scopegen => ../

replace github.com/scopegen/scopegen/scopeconnect => ../scopeconnect
