module github.com/scopegen/scopegen

go 1.24

require (
	github.com/dave/jennifer v1.7.1
	golang.org/x/tools v0.30.0
	gopkg.in/yaml.v3 v3.0.1
)
