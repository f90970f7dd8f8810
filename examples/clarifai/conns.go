package clarifai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/api/annotations"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/api/apiconnect"
)

// The clients of the three transports are grpc.ClientConnInterface values,
// so that api.NewV2Client makes the same calls on each, with the key in the
// outgoing metadata (generatedgrpc.WithKey), and every error is a gRPC
// status error with the ErrorInfo the server sent: Invoke, the tour and the
// tests do not know which transport they use.

// Transport names, for Dial.
const (
	GRPC    = "grpc"
	Connect = "connect"
	REST    = "rest"
)

// TransportNames are the transports, in the order the client tries them.
var TransportNames = []string{GRPC, Connect, REST}

// Dial returns a connection to the example server at addr (host:port) over
// transport, and a function that closes it.
func Dial(transport, addr string) (grpc.ClientConnInterface, func() error, error) {
	switch transport {
	case GRPC:
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, nil, err
		}
		return conn, conn.Close, nil
	case Connect:
		return NewConnectConn(http.DefaultClient, "http://"+addr), func() error { return nil }, nil
	case REST:
		return &RESTConn{Client: http.DefaultClient, BaseURL: "http://" + addr}, func() error { return nil }, nil
	}
	return nil, nil, fmt.Errorf("unknown transport %q: use one of %s", transport, strings.Join(TransportNames, ", "))
}

// keyOf returns the authorization metadata of an outgoing call.
func keyOf(ctx context.Context) []string {
	md, _ := metadata.FromOutgoingContext(ctx)
	return md.Get("authorization")
}

// ConnectConn makes calls with the Connect client of the service
// (api/apiconnect), on the Connect protocol.
type ConnectConn struct {
	client apiconnect.V2Client
}

// NewConnectConn returns a ConnectConn to the server at baseURL.
func NewConnectConn(c connect.HTTPClient, baseURL string, opts ...connect.ClientOption) *ConnectConn {
	// The key goes out as the Authorization header.
	withKey := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			for _, v := range keyOf(ctx) {
				req.Header().Add("Authorization", v)
			}
			return next(ctx, req)
		}
	})
	return &ConnectConn{client: apiconnect.NewV2Client(c, baseURL, append(opts, connect.WithInterceptors(withKey))...)}
}

// Invoke calls method ("/clarifai.api.V2/GetInput") with the Connect
// client's method of that name.
func (c *ConnectConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	m := reflect.ValueOf(c.client).MethodByName(method[strings.LastIndexByte(method, '/')+1:])
	if !m.IsValid() {
		return status.Errorf(codes.Unimplemented, "the Connect client has no method %s", method)
	}
	out := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(args)})
	if err, _ := out[1].Interface().(error); err != nil {
		return fromConnect(err)
	}
	proto.Merge(reply.(proto.Message), out[0].Interface().(proto.Message))
	return nil
}

// NewStream is not needed: the service has no streaming methods.
func (c *ConnectConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "the example's Connect client makes unary calls only")
}

// fromConnect returns the gRPC status error of a Connect error: Connect
// numbers its codes as gRPC does, and its details are the same Any
// messages.
func fromConnect(err error) error {
	var cerr *connect.Error
	if !errors.As(err, &cerr) {
		return status.Error(codes.Unknown, err.Error())
	}
	st := &spb.Status{Code: int32(cerr.Code()), Message: cerr.Message()}
	for _, d := range cerr.Details() {
		st.Details = append(st.Details, &anypb.Any{TypeUrl: "type.googleapis.com/" + d.Type(), Value: d.Bytes()})
	}
	return status.ErrorProto(st)
}

// RESTConn makes calls as the REST requests of their google.api.http
// bindings, with JSON bodies, as grpc-gateway serves them.
type RESTConn struct {
	Client  *http.Client
	BaseURL string // e.g. http://localhost:50051
}

// Invoke sends method's REST request for args (RESTRequest) and reads the
// JSON response into reply, or the google.rpc.Status of a failure into a
// status error.
func (c *RESTConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	verb, path, body, err := RESTRequest(method, args.(proto.Message))
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, verb, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	for _, v := range keyOf(ctx) {
		req.Header.Add("Authorization", v)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	return RESTResult(resp.StatusCode, data, reply.(proto.Message))
}

// NewStream is not needed: the service has no streaming methods.
func (c *RESTConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "REST has no streams here")
}

// RESTResult reads a REST response of HTTP status code and body: a 2xx
// body into reply, any other into the status error it holds.
func RESTResult(code int, body []byte, reply proto.Message) error {
	if code/100 == 2 {
		return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(body, reply)
	}
	st := &spb.Status{}
	if err := protojson.Unmarshal(body, st); err != nil {
		return status.Errorf(codes.Unknown, "HTTP %d: %.200s", code, body)
	}
	return status.ErrorProto(st)
}

// RESTRequest returns the REST request of a call of method with args, by
// the method's google.api.http bindings in v2.proto: of the bindings whose
// path variables args all sets, the one with the most variables, so that
// the fields a request sets choose its binding (a request without
// user_app_id takes "/v2/inputs", one with it
// "/v2/users/{user_id}/apps/{app_id}/inputs"). The body is args as JSON when
// the binding takes the whole message (body: "*"); a binding without a body
// must hold every field args sets in its path.
func RESTRequest(method string, args proto.Message) (verb, path string, body []byte, err error) {
	md := api.File_v2_proto.Services().ByName("V2").Methods().ByName(protoreflect.Name(method[strings.LastIndexByte(method, '/')+1:]))
	if md == nil {
		return "", "", nil, fmt.Errorf("%s is not a method of clarifai.api.V2", method)
	}
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return "", "", nil, fmt.Errorf("%s has no REST binding", method)
	}
	best, most := (*annotations.HttpRule)(nil), -1
	for _, r := range append([]*annotations.HttpRule{rule}, rule.AdditionalBindings...) {
		_, tmpl := Binding(r)
		vars := templateVariables(tmpl)
		if n := len(vars); n > most && allSet(args, vars) {
			best, most = r, n
		}
	}
	if best == nil {
		return "", "", nil, fmt.Errorf("%s: the request sets the path variables of no binding", method)
	}
	verb, tmpl := Binding(best)
	var b strings.Builder
	for i, part := range strings.Split(tmpl, "{") {
		if i == 0 {
			b.WriteString(part)
			continue
		}
		field, rest, _ := strings.Cut(part, "}")
		b.WriteString(url.PathEscape(fieldValue(args, field)))
		b.WriteString(rest)
	}
	path = b.String()
	switch best.Body {
	case "*":
		body, err = protojson.Marshal(args)
	case "":
		left := proto.Clone(args)
		for _, f := range templateVariables(tmpl) {
			clearField(left, f)
		}
		if proto.Size(left) > 0 {
			err = fmt.Errorf("%s %s: the request sets fields its path does not hold: %v", verb, tmpl, left)
		}
	default:
		err = fmt.Errorf("%s %s: a body of field %q is not supported here", verb, tmpl, best.Body)
	}
	return verb, path, body, err
}

// Binding returns the verb and path template of an HttpRule.
func Binding(r *annotations.HttpRule) (verb, template string) {
	switch p := r.Pattern.(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Custom:
		return p.Custom.Kind, p.Custom.Path
	}
	return "", ""
}

// Bindings returns every REST binding of method, "VERB /template", the
// first one first.
func Bindings(method string) []string {
	md := api.File_v2_proto.Services().ByName("V2").Methods().ByName(protoreflect.Name(method[strings.LastIndexByte(method, '/')+1:]))
	if md == nil {
		return nil
	}
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return nil
	}
	var out []string
	for _, r := range append([]*annotations.HttpRule{rule}, rule.AdditionalBindings...) {
		verb, tmpl := Binding(r)
		out = append(out, verb+" "+tmpl)
	}
	return out
}

// templateVariables returns the field paths of a template's variables:
// user_app_id.app_id of "/v2/users/{user_app_id.user_id}/apps/{user_app_id.app_id}".
func templateVariables(tmpl string) []string {
	var vars []string
	for _, part := range strings.Split(tmpl, "{")[1:] {
		field, _, _ := strings.Cut(part, "}")
		field, _, _ = strings.Cut(field, "=")
		vars = append(vars, field)
	}
	return vars
}

func allSet(m proto.Message, fields []string) bool {
	for _, f := range fields {
		if fieldValue(m, f) == "" {
			return false
		}
	}
	return true
}

// fieldValue returns the string field at a dotted path of m, or "".
func fieldValue(m proto.Message, path string) string {
	r := m.ProtoReflect()
	names := strings.Split(path, ".")
	for i, name := range names {
		fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
		if fd == nil || !r.Has(fd) {
			return ""
		}
		if i == len(names)-1 {
			return r.Get(fd).String()
		}
		r = r.Get(fd).Message()
	}
	return ""
}

// clearField clears the field at a dotted path of m, and the messages on the
// path that are left empty.
func clearField(m proto.Message, path string) {
	var clear func(r protoreflect.Message, names []string)
	clear = func(r protoreflect.Message, names []string) {
		fd := r.Descriptor().Fields().ByName(protoreflect.Name(names[0]))
		if fd == nil || !r.Has(fd) {
			return
		}
		if len(names) > 1 {
			next := r.Mutable(fd).Message()
			clear(next, names[1:])
			if proto.Size(next.Interface()) > 0 {
				return
			}
		}
		r.Clear(fd)
	}
	clear(m.ProtoReflect(), strings.Split(path, "."))
}
