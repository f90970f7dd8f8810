package enforce

import (
	"context"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
)

// ReasonError is the reason of a Verdict on a call that the resolver ended
// with an error other than the credential errors (Verdict.Err holds it). No
// Decision gives it; adapters do.
const ReasonError = "error"

// Verdict is a decision on one call in plain values, as an Event carries it.
type Verdict struct {
	// Kind names the principal kinds of the grant the call was decided on,
	// e.g. "app_key" (Grant.KindName); "none" for a call without credentials,
	// or whose key was refused.
	Kind string
	// Allowed reports whether the call may go ahead.
	Allowed bool
	// Code and Status are the spec's outcome: 0 and "OK" when allowed.
	Code   int
	Status string
	// Reason is the name of the decision's reason (the Reason* constants).
	Reason string
	// Missing lists the required scopes the grant lacks, comma-separated, e.g.
	// "Inputs:Get,Concepts:Get"; "" when none are.
	Missing string
	// Redacted lists the response fields withheld from the caller,
	// comma-separated dotted paths in spec order, e.g. "inputs.data.concepts";
	// "" when none are.
	Redacted string
	// SpecHash is the version hash of the spec that decided (the generated
	// package's SpecHash).
	SpecHash string
	// Err is the resolver's error when Reason is ReasonError, else nil.
	Err error
}

// VerdictOf returns the verdict of a call decided as Decide decides it: on
// grant g with decision d, or ended by the resolver's error err (the err
// that Decide returns). It allocates only to list the missing scopes of a
// denial, and on the first call of an endpoint that redacts a given set of
// fields (RedactedFields): never on the allowed path after that.
func VerdictOf[G Grant[D], D Decision[D]](g G, d D, err error) Verdict {
	if err != nil {
		return Verdict{Kind: g.KindName(), Reason: ReasonError, SpecHash: d.SpecHash(), Err: err}
	}
	v := Verdict{
		Kind:     g.KindName(),
		Allowed:  d.Allowed(),
		Code:     d.Code(),
		Status:   d.Status(),
		Reason:   d.ReasonName(),
		SpecHash: d.SpecHash(),
	}
	if v.Allowed {
		if d.Redacts() {
			v.Redacted = RedactedFields(d)
		}
	} else if d.Method() != "" {
		v.Missing = Join(d.MissingNames())
	}
	return v
}

// Same reports whether v and w are the same decision, as a client would see
// it: whether the call is allowed, its outcome, reason, missing scopes and
// redacted fields. The grant's kind, the spec's hash and the resolver's error
// are not compared.
func (v Verdict) Same(w Verdict) bool {
	return v.Allowed == w.Allowed && v.Code == w.Code && v.Status == w.Status &&
		v.Reason == w.Reason && v.Missing == w.Missing && v.Redacted == w.Redacted
}

// Event is the decision on one call of an endpoint, as an adapter reports it
// to its Hook: the enforced spec's Verdict (embedded) and, when the adapter
// evaluates a candidate spec in shadow mode, the candidate's.
type Event struct {
	// Transport names the adapter: "grpc", "http" or "connect".
	Transport string
	// Method is the method called, e.g. "/pkg.Service/Method".
	Method string
	// Verdict is the enforced spec's decision: what the client gets.
	Verdict
	// Shadowed reports that a candidate spec decided the call too, and
	// Candidate is its decision, which changes nothing for the client.
	Shadowed  bool
	Candidate Verdict
}

// Differs reports whether a candidate spec decided the call, and decided
// otherwise than the enforced one (Verdict.Same): the calls that a rollout
// of the candidate would change.
func (e Event) Differs() bool {
	return e.Shadowed && !e.Verdict.Same(e.Candidate)
}

// Hook receives the Event of every call an adapter decides, in the call's
// goroutine, before the handler runs (a denied call's answer waits for it
// too). It must be quick and must not block: hand slow work to another
// goroutine. The Event is a value; a hook that keeps it keeps a copy. An
// adapter with a Hook allocates nothing more than without one on the
// allowed path, unless the hook does.
type Hook func(ctx context.Context, e Event)

// Hooks returns a Hook that calls each of hooks in order; nil ones are left
// out.
func Hooks(hooks ...Hook) Hook {
	var hs []Hook
	for _, h := range hooks {
		if h != nil {
			hs = append(hs, h)
		}
	}
	return func(ctx context.Context, e Event) {
		for _, h := range hs {
			h(ctx, e)
		}
	}
}

// Join returns names separated by commas.
func Join(names iter.Seq[string]) string {
	var b strings.Builder
	for s := range names {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}

// redactedKey identifies the fields a decision redacts: its spec, endpoint
// and mask.
type redactedKey struct {
	spec, method string
	mask         uint64
}

// redactedCache holds the lists of redacted fields already joined. Reads take
// no lock and allocate nothing; a writer copies the map. It holds at most
// maxRedactedCache lists: endpoints times the sets of redacted fields their
// callers have, which stay few.
var redactedCache struct {
	m  atomic.Pointer[map[redactedKey]string]
	mu sync.Mutex
}

const maxRedactedCache = 4096

// RedactedFields returns the response fields that d withholds from the
// caller, as Verdict.Redacted lists them: Join(d.Redacted()). The list of
// each endpoint and set of fields is joined once and kept, so that the
// adapters' events and headers allocate nothing for it after the first call.
func RedactedFields[D Decision[D]](d D) string {
	if !d.Redacts() {
		return ""
	}
	k := redactedKey{d.SpecHash(), d.Method(), d.RedactionMask()}
	if m := redactedCache.m.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	s := Join(d.Redacted())
	redactedCache.mu.Lock()
	defer redactedCache.mu.Unlock()
	old := redactedCache.m.Load()
	if old != nil && len(*old) >= maxRedactedCache {
		return s
	}
	next := make(map[redactedKey]string, 1+len(ptrMap(old)))
	for k, v := range ptrMap(old) {
		next[k] = v
	}
	next[k] = s
	redactedCache.m.Store(&next)
	return s
}

// ptrMap returns *m, or nil.
func ptrMap(m *map[redactedKey]string) map[redactedKey]string {
	if m == nil {
		return nil
	}
	return *m
}
