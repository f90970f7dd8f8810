module github.com/scopegen/scopegen

go 1.24

require (
	github.com/bufbuild/protocompile v0.14.1
	github.com/dave/jennifer v1.7.1
	golang.org/x/tools v0.30.0
	google.golang.org/protobuf v1.34.2
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sync v0.11.0 // indirect
