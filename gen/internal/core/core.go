// Package core is the code that every package scopegen generates shares: sets
// of scopes, grants, decisions and the check path, written once as ordinary
// Go so that it is compiled, vetted and tested as Go. The generator (package
// gen) copies every other non-test file of this directory into each
// generated package, renaming the package clause.
//
// The rest of a generated package is data printed from its spec: scopes.go,
// spec.go, endpoints.go and lookup.go. Here they are generated from
// testdata/scopes.yaml, so that this package compiles and its tests run; go
// test ./gen -run TestCoreData -update regenerates them. The fixed files rely
// on these names of the data files:
//
//   - scopes.go: the Scope constants, NumScopes, MaxScopeID, SetWords,
//     grantsAll (the scope that grants all, or 0), scopeInfo, allScopes,
//     deprecatedScopes, Scope.Prerequisites, ParseScope, the Preset
//     constants, numPresets and presetInfo;
//   - spec.go: SpecHash, the Principal constants, AllPrincipals,
//     principalNames and outcomeTable;
//   - endpoints.go: the Endpoint constants, NumEndpoints, endpointWords,
//     allEndpoints, endpointTable, endpointMethods and endpointFastTable;
//   - lookup.go: LookupEndpoint and Grant.Check, which ends as
//     CheckEndpoint does, with Grant.fastAllows and Grant.check; and the
//     tree of the HTTP bindings that LookupRoute walks: routeCustom,
//     routeNodes, routeLits, routeEnds and routeEndpoints.
package core
