// Package redact benchmarks the gRPC adapter's redaction (scopegrpc) on the
// example server's list response (examples/clarifai: ListInputs, whose
// inputs.data.concepts a key without Concepts:Get may not see), against the
// cost of marshalling that response.
package redact

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopegrpc"
)

const listInputs = "/clarifai.api.V2/ListInputs"

// fixture is the example's list response and the interceptors of a caller
// who may see its concepts (full) and of one who may not (reader).
type fixture struct {
	resp         *api.MultiInputResponse
	handler      grpc.UnaryHandler
	info         *grpc.UnaryServerInfo
	full, reader grpc.UnaryServerInterceptor
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	resp, err := clarifai.NewService().ListInputs(context.Background(), &api.ListInputsRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	grant := func(names ...string) scopegrpc.Resolver[scopes.Grant] {
		g, err := scopes.NewGrant(scopes.AppKey, names, nil)
		if err != nil {
			tb.Fatal(err)
		}
		return func(context.Context) (scopes.Grant, error) { return g, nil }
	}
	f := &fixture{
		resp:    resp,
		handler: func(context.Context, any) (any, error) { return resp, nil },
		info:    &grpc.UnaryServerInfo{FullMethod: listInputs},
		full:    scopegrpc.New[scopes.Grant, scopes.Decision](grant("Inputs:Get", "Concepts:Get")).UnaryServerInterceptor(),
		reader:  scopegrpc.New[scopes.Grant, scopes.Decision](grant("Inputs:Get")).UnaryServerInterceptor(),
	}
	return f
}

var sink any

// call calls an interceptor with the fixture's handler.
func (f *fixture) call(tb testing.TB, unary grpc.UnaryServerInterceptor) any {
	resp, err := unary(context.Background(), nil, f.info, f.handler)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// TestFixture: the reader's response lacks the concepts, the full caller's
// has them, and the handler's response is left as it was.
func TestFixture(t *testing.T) {
	f := newFixture(t)
	before := proto.Clone(f.resp)
	for _, in := range f.call(t, f.reader).(*api.MultiInputResponse).Inputs {
		if len(in.Data.GetConcepts()) != 0 {
			t.Errorf("the reader sees the concepts of %s", in.Id)
		}
	}
	if got := f.call(t, f.full); !proto.Equal(got.(proto.Message), before) {
		t.Errorf("the full caller got %v, want %v", got, before)
	}
	if !proto.Equal(f.resp, before) {
		t.Error("redaction changed the handler's response")
	}
}

// BenchmarkRedaction is the cost of redaction on the example's list response,
// in parts, each its own sub-benchmark: marshal (proto.Marshal of the
// response, what gRPC spends on it anyway), allowed (the interceptor for a
// caller who may see everything: the check alone) and redacted (the
// interceptor for a caller who may not see the concepts: the check and the
// redacted copy).
func BenchmarkRedaction(b *testing.B) {
	f := newFixture(b)
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = proto.Marshal(f.resp)
		}
	})
	b.Run("allowed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = f.call(b, f.full)
		}
	})
	b.Run("redacted", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = f.call(b, f.reader)
		}
	})
}

// BenchmarkRedactionRatio measures in one run what redaction adds to a call,
// as a share of the time it takes to marshal the response: each iteration
// marshals the response, calls the interceptor for a caller who may see
// everything, and for one who may not, in a rotating order, and times each.
// It reports the medians and redaction-% = (redacted − allowed) / marshal:
// the target is under 25.
func BenchmarkRedactionRatio(b *testing.B) {
	f := newFixture(b)
	steps := [3]func(){
		func() { sink, _ = proto.Marshal(f.resp) },
		func() { sink = f.call(b, f.full) },
		func() { sink = f.call(b, f.reader) },
	}
	const batch = 16 // calls per timing: a call is shorter than the clock's resolution allows to time alone
	var took [3][]time.Duration
	for k := range took {
		took[k] = make([]time.Duration, 0, b.N)
	}
	b.ResetTimer()
	for i := range b.N {
		for j := range steps {
			k := (i + j) % len(steps)
			start := time.Now()
			for range batch {
				steps[k]()
			}
			took[k] = append(took[k], time.Since(start)/batch)
		}
	}
	b.StopTimer()
	var median [3]float64
	for k := range took {
		slices.Sort(took[k])
		median[k] = float64(took[k][len(took[k])/2])
	}
	b.ReportMetric(median[0], "marshal-ns")
	b.ReportMetric(median[1], "allowed-ns")
	b.ReportMetric(median[2], "redacted-ns")
	b.ReportMetric(100*(median[2]-median[1])/median[0], "redaction-%")
	b.ReportMetric(0, "ns/op")
}
