module github.com/scopegen/scopegen

go 1.26.0

require gopkg.in/yaml.v3 v3.0.1

require github.com/dave/jennifer v1.7.1 // indirect
