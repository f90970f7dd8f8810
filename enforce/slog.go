package enforce

import (
	"context"
	"log/slog"
)

// The levels SlogHook logs events at.
const (
	// LevelAllowed is the level of an allowed call's event.
	LevelAllowed = slog.LevelDebug
	// LevelDenied is the level of a denied call's event.
	LevelDenied = slog.LevelInfo
	// LevelDiffers is the level of an event whose candidate spec decided
	// otherwise (Event.Differs), whatever the enforced decision.
	LevelDiffers = slog.LevelWarn
)

// SlogHook returns a Hook that logs every event with l: "scope decision" at
// LevelAllowed or LevelDenied, "scope decision differs in shadow" at
// LevelDiffers, with the attributes transport, method, kind, allowed, code,
// status, reason, missing and redacted (when not empty), spec_hash and error
// (when set), and, in shadow mode, the candidate's in a group "candidate".
// An event at a level that l does not log costs one Enabled call.
func SlogHook(l *slog.Logger) Hook {
	return func(ctx context.Context, e Event) {
		level, msg := LevelAllowed, "scope decision"
		switch {
		case e.Differs():
			level, msg = LevelDiffers, "scope decision differs in shadow"
		case !e.Allowed:
			level = LevelDenied
		}
		if !l.Enabled(ctx, level) {
			return
		}
		attrs := make([]slog.Attr, 0, 12)
		attrs = append(attrs, slog.String("transport", e.Transport), slog.String("method", e.Method))
		attrs = appendVerdict(attrs, e.Verdict)
		if e.Shadowed {
			attrs = append(attrs, slog.Attr{Key: "candidate", Value: slog.GroupValue(appendVerdict(nil, e.Candidate)...)})
		}
		l.LogAttrs(ctx, level, msg, attrs...)
	}
}

// appendVerdict appends the attributes of v to attrs.
func appendVerdict(attrs []slog.Attr, v Verdict) []slog.Attr {
	attrs = append(attrs,
		slog.String("kind", v.Kind),
		slog.Bool("allowed", v.Allowed),
		slog.Int("code", v.Code),
		slog.String("status", v.Status),
		slog.String("reason", v.Reason),
	)
	if v.Missing != "" {
		attrs = append(attrs, slog.String("missing", v.Missing))
	}
	if v.Redacted != "" {
		attrs = append(attrs, slog.String("redacted", v.Redacted))
	}
	attrs = append(attrs, slog.String("spec_hash", v.SpecHash))
	if v.Err != nil {
		attrs = append(attrs, slog.Any("error", v.Err))
	}
	return attrs
}
