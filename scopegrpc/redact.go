package scopegrpc

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/scopegen/scopegen/enforce"
	"github.com/scopegen/scopegen/scopeproto"
)

// redact returns msg without the fields d redacts, by package scopeproto,
// whose Redactor removes them from a copy, made only when one of them holds
// data (unless RedactInPlace is set). A message it cannot redact ends the
// call with codes.Internal: a redacted field never reaches the client.
func (e *Enforcer[G, D]) redact(d D, msg any) (any, error) {
	pm, ok := msg.(proto.Message)
	if !ok {
		return nil, status.Errorf(codes.Internal, "cannot redact the response of %s: %T is not a proto message", d.Method(), msg)
	}
	r, err := scopeproto.Redact(&e.redactor, d, pm)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return r, nil
}

// CheckRedactions resolves the redacted fields of every endpoint of the spec
// of the checker whose Grant type is G that services serve, on the endpoint's
// response type, and returns an error for each field that is not a field of
// it. Call it when the server starts, so that a spec and a proto that
// disagree fail then rather than at the first call (which ends with
// codes.Internal).
func CheckRedactions[G enforce.Grant[D], D enforce.Decision[D]](services ...protoreflect.ServiceDescriptor) error {
	return scopeproto.CheckRedactions[G, D](services...)
}
