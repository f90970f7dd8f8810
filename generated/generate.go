package generated

//go:generate go run github.com/scopegen/scopegen/cmd/scopegen generate -spec ../spec/scopes.yaml -out . -pkg generated
