// Package scopeotel records the decisions of scopegen's transport adapters
// (package scopegrpc, and those for HTTP and Connect) with OpenTelemetry: an
// enforce.Hook that sets attributes on the span of each call and counts the
// decisions by outcome. It is a module of its own, so that the users of
// scopegen who do not use OpenTelemetry never download it.
//
//	hook, err := scopeotel.NewHook(nil) // the global MeterProvider
//	enforcer := scopesgrpc.New(resolve, scopesgrpc.WithHook(hook))
//
// The span is the one in the call's context, such as the server span that
// otelgrpc's stats handler starts; without one, only the counter records.
package scopeotel

import (
	"context"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/scopegen/scopegen/enforce"
)

// ScopeName is the instrumentation scope of the meter.
const ScopeName = "github.com/scopegen/scopegen/scopeotel"

// CounterName is the name of the counter of decisions, whose attributes are
// scopegen.transport, scopegen.allowed, scopegen.status (the outcome, e.g.
// "OK" or "CONN_INSUFFICIENT_SCOPES"), scopegen.reason and, in shadow mode,
// scopegen.shadow.differs. It has no method attribute, whose values a client
// could multiply with methods that are not endpoints.
const CounterName = "scopegen.decisions"

// The attribute keys of the span. Those of the candidate spec's decision, in
// shadow mode, are the same under "scopegen.candidate." instead of
// "scopegen.", with scopegen.shadow.differs (Event.Differs).
const (
	KeyTransport = attribute.Key("scopegen.transport")
	KeyMethod    = attribute.Key("scopegen.method")
	KeyKind      = attribute.Key("scopegen.kind")
	KeyAllowed   = attribute.Key("scopegen.allowed")
	KeyCode      = attribute.Key("scopegen.code")
	KeyStatus    = attribute.Key("scopegen.status")
	KeyReason    = attribute.Key("scopegen.reason")
	KeyMissing   = attribute.Key("scopegen.missing")
	KeyRedacted  = attribute.Key("scopegen.redacted")
	KeySpecHash  = attribute.Key("scopegen.spec_hash")
	KeyDiffers   = attribute.Key("scopegen.shadow.differs")
)

// NewHook returns the hook: for each event, the attributes above on the span
// of the call's context when it is recording, and one count of the counter
// CounterName of a meter of mp (nil: the global MeterProvider).
func NewHook(mp metric.MeterProvider) (enforce.Hook, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	counter, err := mp.Meter(ScopeName).Int64Counter(CounterName,
		metric.WithDescription("Authorization decisions of scopegen's adapters, by outcome."),
		metric.WithUnit("{decision}"))
	if err != nil {
		return nil, err
	}
	var sets attributeSets
	return func(ctx context.Context, e enforce.Event) {
		counter.Add(ctx, 1, sets.of(e))
		span := trace.SpanFromContext(ctx)
		if !span.IsRecording() {
			return
		}
		attrs := make([]attribute.KeyValue, 0, 16)
		attrs = append(attrs, KeyTransport.String(e.Transport), KeyMethod.String(e.Method))
		attrs = appendVerdict(attrs, "scopegen.", e.Verdict)
		if e.Shadowed {
			attrs = appendVerdict(attrs, "scopegen.candidate.", e.Candidate)
			attrs = append(attrs, KeyDiffers.Bool(e.Differs()))
		}
		span.SetAttributes(attrs...)
	}, nil
}

// countKey is what the counter's attributes are made of.
type countKey struct {
	transport, status, reason  string
	allowed, shadowed, differs bool
}

// attributeSets caches the counter's attribute options by their values,
// which are few (outcomes × reasons), so that a count allocates nothing
// after the first of its kind. Reads take no lock; a writer copies the map.
type attributeSets struct {
	m  atomic.Pointer[map[countKey]metric.AddOption]
	mu sync.Mutex
}

// of returns the counter's attribute option for e.
func (a *attributeSets) of(e enforce.Event) metric.AddOption {
	k := countKey{e.Transport, e.Status, e.Reason, e.Allowed, e.Shadowed, e.Differs()}
	if m := a.m.Load(); m != nil {
		if o, ok := (*m)[k]; ok {
			return o
		}
	}
	attrs := []attribute.KeyValue{
		KeyTransport.String(k.transport),
		KeyAllowed.Bool(k.allowed),
		KeyStatus.String(k.status),
		KeyReason.String(k.reason),
	}
	if k.shadowed {
		attrs = append(attrs, KeyDiffers.Bool(k.differs))
	}
	o := metric.WithAttributeSet(attribute.NewSet(attrs...))
	a.mu.Lock()
	defer a.mu.Unlock()
	next := map[countKey]metric.AddOption{k: o}
	if m := a.m.Load(); m != nil {
		if len(*m) >= 1024 { // never with the adapters' values; a bound all the same
			return o
		}
		for k, v := range *m {
			next[k] = v
		}
	}
	a.m.Store(&next)
	return o
}

// appendVerdict appends the attributes of v, their keys prefixed.
func appendVerdict(attrs []attribute.KeyValue, prefix string, v enforce.Verdict) []attribute.KeyValue {
	key := func(k attribute.Key) attribute.Key {
		return attribute.Key(prefix + string(k)[len("scopegen."):])
	}
	attrs = append(attrs,
		key(KeyKind).String(v.Kind),
		key(KeyAllowed).Bool(v.Allowed),
		key(KeyCode).Int(v.Code),
		key(KeyStatus).String(v.Status),
		key(KeyReason).String(v.Reason),
		key(KeySpecHash).String(v.SpecHash),
	)
	if v.Missing != "" {
		attrs = append(attrs, key(KeyMissing).String(v.Missing))
	}
	if v.Redacted != "" {
		attrs = append(attrs, key(KeyRedacted).String(v.Redacted))
	}
	return attrs
}
