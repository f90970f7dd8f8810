package scopegrpc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protopath"
	"google.golang.org/protobuf/reflect/protorange"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// fuzzMethod is a method of the test service as the fuzz target calls it:
// its response type, and whether its handler sends on a stream.
type fuzzMethod struct {
	name   string
	resp   func() proto.Message
	stream bool
}

var fuzzMethods = []fuzzMethod{
	{getItem, func() proto.Message { return new(testpb.GetItemResponse) }, false},
	{listItems, func() proto.Message { return new(testpb.ListItemsResponse) }, false},
	{watchItems, func() proto.Message { return new(testpb.Item) }, true},
	{"/scopegen.test.Items/Health", func() proto.Message { return new(testpb.HealthResponse) }, false},
	{putItem, func() proto.Message { return new(testpb.PutItemResponse) }, false},
	{searchItems, func() proto.Message { return new(testpb.ListItemsResponse) }, false},
	{"/scopegen.test.Items/Collect", func() proto.Message { return new(testpb.ListItemsResponse) }, true},
	{unlisted, func() proto.Message { return new(testpb.HealthResponse) }, false},
}

// The bits of the flags argument of FuzzRedaction.
const (
	fuzzPAT           = 1 << iota // the grant is a personal access token's, else an app key's
	fuzzCollaborator              // the grant is intersected with an invite of the invite scopes
	fuzzInPlace                   // the Enforcer redacts in place (RedactInPlace)
	fuzzRestricted                // the grant is restricted to the called endpoint
	fuzzNoCredentials             // the call carries no credentials: the zero Grant
)

// scopeSet is the set of the scopes whose bit is set in mask: bit i is the
// scope of id i+1.
func scopeSet(mask uint8) scopes.Set {
	var s scopes.Set
	for i := range scopes.MaxScopeID {
		if mask&(1<<i) != 0 {
			s.Add(scopes.Scope(i + 1))
		}
	}
	return s
}

// fuzzGrant is the grant FuzzRedaction's arguments describe.
func fuzzGrant(method string, scopeMask, inviteMask, flags uint8) scopes.Grant {
	if flags&fuzzNoCredentials != 0 {
		return scopes.Grant{}
	}
	kind := scopes.AppKey
	if flags&fuzzPAT != 0 {
		kind = scopes.PersonalAccessToken
	}
	var restrict []scopes.Endpoint
	if ep, ok := scopes.LookupEndpoint(method); ok && flags&fuzzRestricted != 0 {
		restrict = append(restrict, ep)
	}
	g := scopes.MakeGrant(kind, scopeSet(scopeMask), restrict...)
	if flags&fuzzCollaborator != 0 {
		g = g.Intersect(scopes.MakeGrant(scopes.AppKey|scopes.PersonalAccessToken, scopeSet(inviteMask)))
	}
	return g
}

// captureStream is a server stream that keeps the messages sent on it.
type captureStream struct {
	grpc.ServerStream
	ctx    context.Context
	sent   []any
	header metadata.MD
}

func (s *captureStream) Context() context.Context { return s.ctx }
func (s *captureStream) SendMsg(m any) error      { s.sent = append(s.sent, m); return nil }
func (s *captureStream) SetHeader(md metadata.MD) error {
	s.header = metadata.Join(s.header, md)
	return nil
}

// hiddenFields returns the field paths of ep's response that g may not see,
// straight from the spec's redactions: a field is hidden unless g holds every
// scope its redaction lists.
func hiddenFields(ep scopes.Endpoint, g scopes.Grant) [][]string {
	var hidden [][]string
	for field, unless := range ep.Redactions() {
		if !g.Scopes().ContainsAll(unless) {
			hidden = append(hidden, strings.Split(field, "."))
		}
	}
	return hidden
}

// underHidden reports whether the value at p lies in a hidden field: the
// names of the fields on its path start with one of hidden.
func underHidden(p protopath.Path, hidden [][]string) bool {
	var names []protoreflect.FieldDescriptor
	for _, step := range p {
		if step.Kind() == protopath.FieldAccessStep {
			names = append(names, step.FieldDescriptor())
		}
	}
	for _, h := range hidden {
		if len(names) < len(h) {
			continue
		}
		match := true
		for i, name := range h {
			fd := names[i]
			if string(fd.Name()) != name && fd.JSONName() != name {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// contents lists every populated value of m by its path, with the value of
// scalars, keeping those for which keep returns true.
func contents(t *testing.T, m proto.Message, keep func(protopath.Path) bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := protorange.Range(m.ProtoReflect(), func(p protopath.Values) error {
		if !keep(p.Path) {
			return nil
		}
		v := p.Index(-1).Value
		switch x := v.Interface().(type) {
		case protoreflect.Message, protoreflect.List, protoreflect.Map:
			out[p.Path.String()] = fmt.Sprintf("%T", x)
		default:
			out[p.Path.String()] = fmt.Sprint(x)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fuzzSeeds are the seeds of FuzzRedaction besides its corpus in
// testdata/fuzz: the test server's items in each response.
func fuzzSeeds(f *testing.F) {
	items := stored()
	msgs := []proto.Message{
		&testpb.GetItemResponse{Item: items[0]},
		&testpb.ListItemsResponse{Items: items},
		items[0],
		&testpb.HealthResponse{Status: "ok", Featured: items[0]},
		&testpb.PutItemResponse{Item: items[1]},
		&testpb.ListItemsResponse{Items: items[:1]},
		&testpb.ListItemsResponse{Items: items[1:]},
		&testpb.HealthResponse{Status: "unlisted"},
	}
	for i, m := range msgs {
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		reader := uint8(1 << (scopes.ItemsGet - 1))
		f.Add(data, uint8(i), reader, uint8(0), uint8(0))
		f.Add(data, uint8(i), uint8(0xff), reader, uint8(fuzzPAT|fuzzCollaborator))
		f.Add(data, uint8(i), reader|1<<(scopes.SecretsGet-1), uint8(0), uint8(fuzzInPlace|fuzzRestricted))
		f.Add(data, uint8(i), uint8(0), uint8(0), uint8(fuzzNoCredentials))
	}
	// ListItems whose first item has nothing to redact and whose second has.
	data, err := proto.Marshal(&testpb.ListItemsResponse{Items: []*testpb.Item{items[2], items[1]}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, uint8(1), uint8(1<<(scopes.ItemsGet-1)), uint8(0), uint8(0))
}

// FuzzRedaction calls the interceptors with random response messages (the
// wire bytes of data, decoded as the response of a method picked by method)
// and random grants (scope bits, a kind, an invite, an endpoint restriction,
// no credentials). Whatever the message: a call the spec denies never reaches
// its handler; an allowed call's response, as the client decodes it, holds no
// value inside a field that the grant may not see, and every other value of
// the handler's message; and the handler's message is left as it was unless
// RedactInPlace is set.
//
//	go test ./scopegrpc -run '^$' -fuzz FuzzRedaction -fuzztime 30s
func FuzzRedaction(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, method, scopeMask, inviteMask, flags uint8) {
		fm := fuzzMethods[int(method)%len(fuzzMethods)]
		msg := fm.resp()
		if err := proto.Unmarshal(data, msg); err != nil {
			return // not a message of this type
		}
		before := proto.Clone(msg)
		g := fuzzGrant(fm.name, scopeMask, inviteMask, flags)
		var opts []scopegrpc.Option
		if flags&fuzzInPlace != 0 {
			opts = append(opts, scopegrpc.RedactInPlace())
		}
		e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(g), opts...)
		ctx := context.Background()

		called := false
		var sent []any
		var err error
		if fm.stream {
			ss := &captureStream{ctx: ctx}
			info := &grpc.StreamServerInfo{FullMethod: fm.name, IsServerStream: true}
			err = e.StreamServerInterceptor()(nil, ss, info, func(_ any, s grpc.ServerStream) error {
				called = true
				return s.SendMsg(msg)
			})
			sent = ss.sent
		} else {
			info := &grpc.UnaryServerInfo{FullMethod: fm.name}
			var resp any
			resp, err = e.UnaryServerInterceptor()(ctx, nil, info, func(context.Context, any) (any, error) {
				called = true
				return msg, nil
			})
			if err == nil {
				sent = []any{resp}
			}
		}

		d := g.Check(fm.name)
		if !d.Allowed() {
			if called || err == nil {
				t.Fatalf("%s with %v: denied (%v), but the handler ran (%v) or the call succeeded (%v)", fm.name, g, d.Reason(), called, err)
			}
			// A call of a listed method without credentials ends with
			// Unauthenticated; any other denial (an unknown method is
			// denied before credentials are read) with its outcome's gRPC
			// code.
			wantCode := codes.Code(d.Outcome().GRPCCode())
			if _, listed := scopes.LookupEndpoint(fm.name); listed && flags&fuzzNoCredentials != 0 {
				if d.Reason() != scopes.ReasonNoCredentials {
					t.Fatalf("%s without credentials: denied for %v, want %v", fm.name, d.Reason(), scopes.ReasonNoCredentials)
				}
				wantCode = codes.Unauthenticated
			}
			st := status.Convert(err)
			if st.Code() != wantCode {
				t.Fatalf("%s with %v: denial %v, want code %v", fm.name, g, st, wantCode)
			}
			details := st.Details()
			if len(details) != 1 {
				t.Fatalf("%s with %v: denial %v has %d details %v, want one ErrorInfo", fm.name, g, st, len(details), details)
			}
			info, ok := details[0].(*errdetails.ErrorInfo)
			if !ok || info.Metadata[scopegrpc.MetadataCode] != fmt.Sprint(d.Code()) {
				t.Fatalf("%s with %v: denial %v, want outcome %d in its ErrorInfo", fm.name, g, st, d.Code())
			}
			return
		}
		if err != nil || !called || len(sent) != 1 {
			t.Fatalf("%s with %v: allowed, but the call gave %v, the handler ran %v, %d messages sent", fm.name, g, err, called, len(sent))
		}

		// What the client reads: the sent message, encoded and decoded.
		wire, err := proto.Marshal(sent[0].(proto.Message))
		if err != nil {
			t.Fatal(err)
		}
		got := fm.resp()
		if err := proto.Unmarshal(wire, got); err != nil {
			t.Fatal(err)
		}
		ep, _ := scopes.LookupEndpoint(fm.name)
		hidden := hiddenFields(ep, g)
		for path := range contents(t, got, func(p protopath.Path) bool { return underHidden(p, hidden) }) {
			t.Errorf("%s with %v: %s reached the client; the grant may not see it", fm.name, g, path)
		}
		want := contents(t, before, func(p protopath.Path) bool { return !underHidden(p, hidden) })
		have := contents(t, got, func(protopath.Path) bool { return true })
		for path, v := range want {
			if have[path] != v {
				t.Errorf("%s with %v: %s is %q in the handler's message, %q for the client", fm.name, g, path, v, have[path])
			}
		}
		for path := range have {
			if _, ok := want[path]; !ok {
				t.Errorf("%s with %v: %s reached the client but is not in the handler's message", fm.name, g, path)
			}
		}
		if flags&fuzzInPlace == 0 && !proto.Equal(msg, before) {
			t.Errorf("%s with %v: redaction changed the handler's message", fm.name, g)
		}
	})
}
