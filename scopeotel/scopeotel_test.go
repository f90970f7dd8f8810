package scopeotel_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/scopeotel"
)

var (
	allowed = enforce.Verdict{Kind: "app_key", Allowed: true, Status: "OK", Reason: "allowed", Redacted: "inputs.data.concepts", SpecHash: "aaaa"}
	denied  = enforce.Verdict{Kind: "app_key", Code: 11007, Status: "CONN_INSUFFICIENT_SCOPES", Reason: "missing_scopes", Missing: "Inputs:Add", SpecHash: "bbbb"}
)

// TestHook: each event sets its attributes on the call's span, the
// candidate's too in shadow mode, and counts one decision by outcome.
func TestHook(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	hook, err := scopeotel.NewHook(mp)
	if err != nil {
		t.Fatal(err)
	}
	events := []enforce.Event{
		{Transport: "grpc", Method: "/clarifai.api.V2/ListInputs", Verdict: allowed},
		{Transport: "grpc", Method: "/clarifai.api.V2/PostInputs", Verdict: denied},
		{Transport: "grpc", Method: "/clarifai.api.V2/ListInputs", Verdict: allowed, Shadowed: true, Candidate: denied},
		{Transport: "grpc", Method: "/clarifai.api.V2/ListInputs", Verdict: allowed},
	}
	for _, e := range events {
		ctx, span := tp.Tracer("test").Start(context.Background(), e.Method)
		hook(ctx, e)
		span.End()
	}
	hook(context.Background(), events[1]) // no span: counted only

	ended := spans.Ended()
	if len(ended) != len(events) {
		t.Fatalf("%d spans, want %d", len(ended), len(events))
	}
	attrs := func(i int) map[attribute.Key]attribute.Value {
		m := map[attribute.Key]attribute.Value{}
		for _, kv := range ended[i].Attributes() {
			m[kv.Key] = kv.Value
		}
		return m
	}
	a := attrs(0)
	for k, want := range map[attribute.Key]any{
		"scopegen.transport": "grpc", "scopegen.method": "/clarifai.api.V2/ListInputs", "scopegen.kind": "app_key",
		"scopegen.allowed": true, "scopegen.code": int64(0), "scopegen.status": "OK", "scopegen.reason": "allowed",
		"scopegen.redacted": "inputs.data.concepts", "scopegen.spec_hash": "aaaa",
	} {
		if got := a[k].AsInterface(); got != want {
			t.Errorf("allowed: %s = %v, want %v", k, got, want)
		}
	}
	if _, ok := a["scopegen.missing"]; ok {
		t.Error("allowed: scopegen.missing is set")
	}
	if got := attrs(1)["scopegen.missing"].AsString(); got != "Inputs:Add" {
		t.Errorf("denied: scopegen.missing = %q", got)
	}
	s := attrs(2)
	if !s["scopegen.shadow.differs"].AsBool() || s["scopegen.candidate.allowed"].AsBool() || s["scopegen.candidate.spec_hash"].AsString() != "bbbb" || s["scopegen.candidate.missing"].AsString() != "Inputs:Add" {
		t.Errorf("shadow: %v", s)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != scopeotel.CounterName {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				st, _ := dp.Attributes.Value("scopegen.status")
				d, shadowed := dp.Attributes.Value("scopegen.shadow.differs")
				key := st.AsString()
				if shadowed {
					key += " differs=" + d.Emit()
				}
				counts[key] += dp.Value
			}
		}
	}
	want := map[string]int64{"OK": 2, "CONN_INSUFFICIENT_SCOPES": 2, "OK differs=true": 1}
	if len(counts) != len(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("count of %s: %d, want %d (all: %v)", k, counts[k], v, counts)
		}
	}
}

// BenchmarkHook is what the hook costs an allowed call, with a recording
// span and without one.
func BenchmarkHook(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	hook, err := scopeotel.NewHook(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))
	if err != nil {
		b.Fatal(err)
	}
	e := enforce.Event{Transport: "grpc", Method: "/clarifai.api.V2/ListInputs", Verdict: allowed}
	ctx, span := tp.Tracer("bench").Start(context.Background(), "call")
	defer span.End()
	b.Run("span", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hook(ctx, e)
		}
	})
	b.Run("no-span", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hook(context.Background(), e)
		}
	})
}
