module github.com/scopegen/scopegen/scopeconnect

go 1.25

replace github.com/scopegen/scopegen => ../

require (
	connectrpc.com/connect v1.19.1
	github.com/scopegen/scopegen v0.0.0
	google.golang.org/protobuf v1.36.11
)

require google.golang.org/genproto/googleapis/rpc v0.0.0-20260120221211-b8f7ae30c516
