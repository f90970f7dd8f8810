package generated_test

import (
	"testing"

	scopes "github.com/scopegen/scopegen/generated"
)

// Benchmarks of the shipped spec's checker. Every path must report
// 0 allocs/op; BENCHMARKS.md compares them with the peers.

var sink scopes.Decision

func benchCheck(b *testing.B, g scopes.Grant, method string) {
	b.ReportAllocs()
	for b.Loop() {
		sink = g.Check(method)
	}
}

func BenchmarkCheckAllowed(b *testing.B) {
	benchCheck(b, grant(b, scopes.AppKey, "Models:Get,Models:Train,Models:Patch"), v2+"PatchModels")
}

func BenchmarkCheckRedacted(b *testing.B) {
	benchCheck(b, grant(b, scopes.AppKey, "Inputs:Get"), v2+"ListInputs")
}

func BenchmarkCheckDenied(b *testing.B) {
	benchCheck(b, grant(b, scopes.AppKey, "Models:Get"), v2+"PatchModels")
}

func BenchmarkCheckUnknownMethod(b *testing.B) {
	benchCheck(b, grant(b, scopes.AppKey, "All"), v2+"PatchModelz")
}

func BenchmarkCheckEndpoint(b *testing.B) {
	g := grant(b, scopes.AppKey, "Models:Get,Models:Train,Models:Patch")
	b.ReportAllocs()
	for b.Loop() {
		sink = g.CheckEndpoint(scopes.PatchModels)
	}
}

func BenchmarkCheckParallel(b *testing.B) {
	g := grant(b, scopes.AppKey, "Models:Get,Models:Train,Models:Patch")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var d scopes.Decision
		for pb.Next() {
			d = g.Check(v2 + "PatchModels")
		}
		_ = d
	})
}
