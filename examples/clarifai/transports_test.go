package clarifai_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopeproto"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// endpointHeader is the response metadata a test interceptor of the gRPC
// server sets to the method a call reached; the gateway forwards it to REST
// clients as the header Grpc-Metadata-X-Endpoint.
const endpointHeader = "x-endpoint"

// served is the example server, serving gRPC, Connect and REST on one
// loopback port.
type served struct {
	addr  string
	store *clarifai.Store
	// clients by transport; rest records the headers of each response.
	grpc, connect, rest grpc.ClientConnInterface
	restHeaders         *recorder
}

// serveAll starts the example server on a loopback port, as go run
// ./clarifai/server does, with the demo keys.
func serveAll(t *testing.T) *served {
	t.Helper()
	store, err := clarifai.NewStore(clarifai.DemoKeys(time.Now()), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	record := grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		grpc.SetHeader(ctx, metadata.Pairs(endpointHeader, info.FullMethod))
		return handler(ctx, req)
	})
	tr, err := clarifai.NewTransports(clarifai.NewService(), store, clarifai.WithGRPCOptions(record))
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback:", err)
	}
	srv := clarifai.NewHTTPServer(tr.Handler)
	go srv.Serve(lis)
	t.Cleanup(func() {
		srv.Close()
		if err := tr.Close(); err != nil {
			t.Error(err)
		}
	})
	s := &served{addr: lis.Addr().String(), store: store, restHeaders: &recorder{next: http.DefaultTransport}}
	var closeGRPC func() error
	s.grpc, closeGRPC, err = clarifai.Dial(clarifai.GRPC, s.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeGRPC() })
	s.connect, _, _ = clarifai.Dial(clarifai.Connect, s.addr)
	s.rest = &clarifai.RESTConn{Client: &http.Client{Transport: s.restHeaders}, BaseURL: "http://" + s.addr}
	return s
}

// recorder is an http.RoundTripper that keeps the headers of the last
// response.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	last http.Header
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.last = resp.Header.Clone()
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recorder) header(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last.Get(name)
}

var (
	me       = &api.UserAppIDSet{UserId: "me", AppId: "main"}
	dog      = &api.Input{Id: "dog-1", Data: &api.Data{Image: &api.Image{Url: "https://samples.clarifai.com/dog.jpg"}, Concepts: []*api.Concept{{Id: "dog", Name: "dog", Value: 0.98}, {Id: "grass", Name: "grass", Value: 0.71}}, Metadata: map[string]string{"source": "upload"}}}
	newInput = &api.Input{Id: "new-1", Data: &api.Data{Image: &api.Image{Url: "https://samples.clarifai.com/bird.jpg"}, Concepts: []*api.Concept{{Id: "bird", Name: "bird", Value: 1}}}}
)

// requests holds a request of every method of the shipped spec, with every
// path variable of its REST bindings set. Each call is idempotent, and one
// does not change what another returns: deletions name what is not there,
// patches write what is.
var requests = map[string]proto.Message{
	"GetConcept":              &api.GetConceptRequest{UserAppId: me, ConceptId: "dog"},
	"GetConceptCounts":        &api.GetConceptCountsRequest{UserAppId: me},
	"ListConcepts":            &api.ListConceptsRequest{UserAppId: me},
	"PatchConcepts":           &api.PatchConceptsRequest{UserAppId: me, Concepts: []*api.Concept{{Id: "dog", Name: "dog", Value: 1}}, Action: "overwrite"},
	"PostConcepts":            &api.PostConceptsRequest{UserAppId: me, Concepts: []*api.Concept{{Id: "horse", Name: "horse"}}},
	"PostConceptsSearches":    &api.PostConceptsSearchesRequest{UserAppId: me, ConceptQuery: &api.ConceptQuery{Name: "d"}},
	"DeleteInput":             &api.DeleteInputRequest{UserAppId: me, InputId: "old-1"},
	"DeleteInputs":            &api.DeleteInputsRequest{UserAppId: me, Ids: []string{"old-2", "old-3"}},
	"GetInput":                &api.GetInputRequest{UserAppId: me, InputId: "dog-1"},
	"GetInputCount":           &api.GetInputCountRequest{UserAppId: me},
	"ListInputs":              &api.ListInputsRequest{UserAppId: me},
	"ListModelInputs":         &api.ListModelInputsRequest{UserAppId: me, ModelId: "pets", VersionId: "v1"},
	"PatchInputs":             &api.PatchInputsRequest{UserAppId: me, Inputs: []*api.Input{dog}, Action: "overwrite"},
	"PostInputs":              &api.PostInputsRequest{UserAppId: me, Inputs: []*api.Input{newInput}},
	"DeleteModel":             &api.DeleteModelRequest{UserAppId: me, ModelId: "old-model"},
	"DeleteModelVersion":      &api.DeleteModelVersionRequest{UserAppId: me, ModelId: "pets", VersionId: "old-version"},
	"DeleteModels":            &api.DeleteModelsRequest{UserAppId: me, Ids: []string{"old-model"}},
	"GetModel":                &api.GetModelRequest{UserAppId: me, ModelId: "pets"},
	"GetModelOutputInfo":      &api.GetModelRequest{UserAppId: me, ModelId: "pets", VersionId: "v1"},
	"GetModelVersion":         &api.GetModelVersionRequest{UserAppId: me, ModelId: "pets", VersionId: "v1"},
	"GetModelVersionMetrics":  &api.GetModelVersionMetricsRequest{UserAppId: me, ModelId: "pets", VersionId: "v1"},
	"ListModelVersions":       &api.ListModelVersionsRequest{UserAppId: me, ModelId: "pets"},
	"ListModels":              &api.ListModelsRequest{UserAppId: me},
	"PatchModels":             &api.PatchModelsRequest{UserAppId: me, Models: []*api.Model{{Id: "pets", Name: "Pets"}}, Action: "overwrite"},
	"PostModelVersionMetrics": &api.PostModelVersionMetricsRequest{UserAppId: me, ModelId: "pets", VersionId: "v1"},
	"PostModelVersions":       &api.PostModelVersionsRequest{UserAppId: me, ModelId: "pets", ModelVersions: []*api.ModelVersion{{Id: "v2", Description: "retrained"}}},
	"PostModels":              &api.PostModelsRequest{UserAppId: me, Models: []*api.Model{{Id: "new-model", Name: "New"}}},
	"PostModelsSearches":      &api.PostModelsSearchesRequest{UserAppId: me, ModelQuery: &api.ModelQuery{Name: "pet"}},
	"PostModelOutputs": &api.PostModelOutputsRequest{UserAppId: me, ModelId: "pets", VersionId: "v1", Inputs: []*api.Input{newInput},
		RunnerSelector: &api.RunnerSelector{Deployment: &api.Deployment{Id: "dep-1", UserId: "me"}}},
	"PostWorkflowResults": &api.PostWorkflowResultsRequest{UserAppId: me, WorkflowId: "general", VersionId: "w1", Inputs: []*api.Input{newInput}},
	"PostSearches":        &api.PostSearchesRequest{UserAppId: me, Query: &api.Query{Text: "dog"}},
	"DeleteWorkflow":      &api.DeleteWorkflowRequest{UserAppId: me, WorkflowId: "old-workflow"},
	"DeleteWorkflows":     &api.DeleteWorkflowsRequest{UserAppId: me, Ids: []string{"old-workflow"}},
	"GetWorkflow":         &api.GetWorkflowRequest{UserAppId: me, WorkflowId: "general"},
	"ListWorkflows":       &api.ListWorkflowsRequest{UserAppId: me},
	"PatchWorkflows":      &api.PatchWorkflowsRequest{UserAppId: me, Workflows: []*api.Workflow{{Id: "general", Description: "detects pets"}}, Action: "overwrite"},
	"PostWorkflows":       &api.PostWorkflowsRequest{UserAppId: me, Workflows: []*api.Workflow{{Id: "new-workflow"}}},
}

// variant returns req with only the path variables of binding set, of all
// the variables of the method's bindings, so that RESTRequest takes that
// binding.
func variant(req proto.Message, bindings []string, binding string) proto.Message {
	keep := variables(binding)
	out := proto.Clone(req)
	for _, b := range bindings {
		for _, v := range variables(b) {
			if !slices.Contains(keep, v) {
				clearPath(out.ProtoReflect(), strings.Split(v, "."))
			}
		}
	}
	return out
}

func variables(binding string) []string {
	var vars []string
	for _, part := range strings.Split(binding, "{")[1:] {
		v, _, _ := strings.Cut(part, "}")
		vars = append(vars, v)
	}
	return vars
}

// clearPath clears a field, and the messages on its path left empty.
func clearPath(m protoreflect.Message, names []string) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(names[0]))
	if fd == nil || !m.Has(fd) {
		return
	}
	if len(names) > 1 {
		next := m.Mutable(fd).Message()
		clearPath(next, names[1:])
		if proto.Size(next.Interface()) > 0 {
			return
		}
	}
	m.Clear(fd)
}

// reply returns a new response message of method.
func reply(method string) proto.Message {
	md := api.File_v2_proto.Services().ByName("V2").Methods().ByName(protoreflect.Name(method[strings.LastIndexByte(method, '/')+1:]))
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		panic(err)
	}
	return mt.New().Interface()
}

// outcome is how a call ended, as a client of any transport reads it.
type outcome struct {
	code                     codes.Code
	message                  string
	outcome, status, reason  string // ErrorInfo
	missing, endpoint, infoN string
	resp                     proto.Message
}

func outcomeOf(err error, resp proto.Message) outcome {
	if err == nil {
		return outcome{resp: resp}
	}
	st := status.Convert(err)
	o := outcome{code: st.Code(), message: st.Message()}
	n := 0
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			n++
			md := info.Metadata
			o.outcome, o.status, o.reason = md[scopeproto.MetadataCode], info.Reason, md[scopeproto.MetadataReason]
			o.missing, o.endpoint = md[scopeproto.MetadataMissingScopes], md[scopeproto.MetadataEndpoint]
		}
	}
	o.infoN = strconv.Itoa(n)
	return o
}

// want returns the outcome the spec gives d, a denial.
func want(method string, d scopes.Decision) outcome {
	return outcome{
		code:     codes.Code(scopeproto.Code(d)),
		message:  d.Message(),
		outcome:  strconv.Itoa(d.Code()),
		status:   d.Status(),
		reason:   d.ReasonName(),
		missing:  strings.Join(slices.Collect(d.MissingNames()), ","),
		endpoint: method,
		infoN:    "1",
	}
}

// shows reports whether m holds data at the dotted field path.
func shows(m protoreflect.Message, path []string) bool {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(path[0]))
	if fd == nil || !m.Has(fd) {
		return false
	}
	if len(path) == 1 {
		return true
	}
	switch {
	case fd.IsList():
		l := m.Get(fd).List()
		for i := range l.Len() {
			if shows(l.Get(i).Message(), path[1:]) {
				return true
			}
		}
		return false
	case fd.IsMap():
		found := false
		m.Get(fd).Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
			found = shows(v.Message(), path[1:])
			return !found
		})
		return found
	}
	return shows(m.Get(fd).Message(), path[1:])
}

// keyIDs are the keys of the end-to-end test: none, every demo key (app
// keys, personal access tokens, a restricted key, a collaborator, an
// expired and a disabled key) and one the store does not know.
func keyIDs() []string {
	ids := []string{""}
	for _, k := range clarifai.DemoKeys(time.Now()) {
		ids = append(ids, k.ID)
	}
	return append(ids, "nobody")
}

// decide returns the spec's decision on a call of e with key: Grant.Check
// on the key's grant, or the refusal of a key the store refuses.
func decide(t *testing.T, store *clarifai.Store, key string, check func(scopes.Grant) scopes.Decision) scopes.Decision {
	var none scopes.Grant
	if key == "" {
		return check(none)
	}
	g, err := store.Grant(key)
	switch {
	case errors.Is(err, generatedgrpc.ErrKeyNotFound):
		return check(none).KeyNotFound()
	case errors.Is(err, generatedgrpc.ErrKeyInvalid):
		return check(none).KeyInvalid()
	case err != nil:
		t.Fatal(err)
	}
	return check(g)
}

// TestTransportsAgree is the example end to end: the server serves gRPC,
// Connect and REST on one loopback port; for every endpoint of the shipped
// spec, each of its REST bindings and every key, the call made on each
// transport ends as Grant.Check decides, and as Grant.CheckHTTP decides the
// REST request: a denial with the same code, message and ErrorInfo on all
// three, or a response whose redacted fields are empty and whose other
// redactable fields hold data, the same on all three. The REST request
// reaches the endpoint LookupRoute names.
func TestTransportsAgree(t *testing.T) {
	s := serveAll(t)
	transports := []struct {
		name string
		conn grpc.ClientConnInterface
	}{{clarifai.GRPC, s.grpc}, {clarifai.Connect, s.connect}, {clarifai.REST, s.rest}}
	ctx := context.Background()
	var cases, calls, allowed, redacted int
	served := map[string]bool{}
	for e := range scopes.Endpoints() {
		method := e.FullMethod()
		name := method[strings.LastIndexByte(method, '/')+1:]
		req, ok := requests[name]
		if !ok {
			t.Errorf("%s: no request for it in this test", method)
			continue
		}
		bindings := clarifai.Bindings(method)
		if len(bindings) == 0 {
			t.Errorf("%s: v2.proto gives it no REST binding", method)
		}
		served[method] = true
		for _, binding := range bindings {
			r := variant(req, bindings, binding)
			verb, path, _, err := clarifai.RESTRequest(method, r)
			if err != nil {
				t.Fatalf("%s %s: %v", method, binding, err)
			}
			if got, ok := scopes.LookupRoute(verb, path); !ok || got != e {
				t.Errorf("%s %s: LookupRoute gives %v, %v; want %s (do v2.proto and the spec's http: agree?)", verb, path, got, ok, method)
			}
			for _, key := range keyIDs() {
				cases++
				d := decide(t, s.store, key, func(g scopes.Grant) scopes.Decision { return g.Check(method) })
				dh := decide(t, s.store, key, func(g scopes.Grant) scopes.Decision { return g.CheckHTTP(verb, path) })
				if d.Allowed() != dh.Allowed() || d.ReasonName() != dh.ReasonName() || d.Method() != dh.Method() || d.RedactionMask() != dh.RedactionMask() {
					t.Errorf("%s %s, key %q: Check and CheckHTTP differ: %v, %v", verb, path, key, d, dh)
				}
				var first outcome
				for _, tr := range transports {
					calls++
					callCtx := ctx
					if key != "" {
						callCtx = generatedgrpc.WithKey(ctx, key)
					}
					resp := reply(method)
					err := tr.conn.Invoke(callCtx, method, r, resp)
					got := outcomeOf(err, resp)
					where := tr.name + " " + method
					if tr.name == clarifai.REST {
						where = "rest " + verb + " " + path
					}
					switch {
					case !d.Allowed():
						if w := want(method, d); got != w {
							t.Errorf("%s, key %q:\n got  %+v\n want %+v", where, key, got, w)
						}
						continue
					case err != nil:
						t.Errorf("%s, key %q: %v; want allowed", where, key, err)
						continue
					}
					if tr.name == clarifai.REST {
						if h := s.restHeaders.header("Grpc-Metadata-" + endpointHeader); h != method {
							t.Errorf("%s, key %q: reached %q, want %s", where, key, h, method)
						}
					}
					i := 0
					for field := range d.Redactable() {
						hidden := d.RedactionMask()&(1<<i) != 0
						i++
						if shows(resp.ProtoReflect(), strings.Split(field, ".")) == hidden {
							t.Errorf("%s, key %q: %s shown %v, want %v", where, key, field, !hidden, !hidden)
						}
					}
					if tr.name == clarifai.GRPC {
						first = got
					} else if !proto.Equal(got.resp, first.resp) {
						t.Errorf("%s, key %q: %v\nwant what gRPC gave: %v", where, key, got.resp, first.resp)
					}
					if tr.name == clarifai.REST {
						allowed++
						if d.Redacts() {
							redacted++
						}
					}
				}
			}
		}
	}
	if len(served) != 37 {
		t.Errorf("%d endpoints tested, want the shipped spec's 37", len(served))
	}
	t.Logf("%d endpoints, %d cases (endpoint x REST binding x key), %d calls on 3 transports: %d cases allowed, %d of them redacted", len(served), cases, calls, allowed, redacted)
}

// get makes a REST request of the server at base with the headers (name,
// value pairs), and returns its status and body.
func get(t *testing.T, base, path string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestRESTWithoutKey: a REST call without a key to an endpoint that is not
// public is refused, with the spec's outcome as a JSON google.rpc.Status
// (and its ErrorInfo) and HTTP 401; with a key that may call it, the
// response lacks what the key may not see. The gateway's own header for
// metadata (Grpc-Metadata-Authorization) cannot lend a call another key's
// scopes.
func TestRESTWithoutKey(t *testing.T) {
	s := serveAll(t)
	base := "http://" + s.addr
	code, body := get(t, base, "/v2/inputs")
	if code != http.StatusUnauthorized || !strings.Contains(body, `"reason":"CONN_KEY_NOT_FOUND"`) || strings.Contains(body, "dog-1") {
		t.Errorf("GET /v2/inputs without a key: %d\n%s", code, body)
	}
	code, body = get(t, base, "/v2/inputs", "Authorization", "Key app-reader")
	if code != http.StatusOK || !strings.Contains(body, "dog-1") || strings.Contains(body, `"grass"`) {
		t.Errorf("GET /v2/inputs with app-reader: %d\n%s; want the inputs without their concepts", code, body)
	}
	code, body = get(t, base, "/v2/inputs", "Authorization", "Key app-reader", "Grpc-Metadata-Authorization", "Key pat-admin")
	if code == http.StatusOK && strings.Contains(body, `"grass"`) {
		t.Errorf("GET /v2/inputs with app-reader and the metadata header of pat-admin: %d\n%s; the call got pat-admin's scopes", code, body)
	}
}

// TestGatewayHandlerServerSkipsTheCheck shows why NewTransports registers
// the gateway with RegisterV2HandlerClient, over a connection to the gRPC
// server: registered in-process with RegisterV2HandlerServer instead, the
// gateway calls the service's methods directly, no gRPC interceptor runs,
// and a REST call without a key lists the inputs with their concepts. The
// same call through NewTransports is refused.
func TestGatewayHandlerServerSkipsTheCheck(t *testing.T) {
	mux := runtime.NewServeMux()
	if err := api.RegisterV2HandlerServer(context.Background(), mux, clarifai.NewService()); err != nil {
		t.Fatal(err)
	}
	unsafe := httptest.NewServer(mux)
	t.Cleanup(unsafe.Close)
	code, body := get(t, unsafe.URL, "/v2/inputs")
	if code != http.StatusOK || !strings.Contains(body, `"grass"`) {
		t.Fatalf("the in-process gateway was expected to skip the check: %d\n%s", code, body)
	}
	s := serveAll(t)
	if code, body := get(t, "http://"+s.addr, "/v2/inputs"); code != http.StatusUnauthorized {
		t.Errorf("NewTransports' gateway let a call without a key through: %d\n%s", code, body)
	}
}

// TestTourOnEveryTransport runs the tour on gRPC, Connect and REST, as go
// run ./clarifai/client -transport all -tour does: the same lines as the
// gRPC tour, on each.
func TestTourOnEveryTransport(t *testing.T) {
	s := serveAll(t)
	var out bytes.Buffer
	same, err := clarifai.TourAll(context.Background(), []clarifai.Transport{
		{Name: clarifai.GRPC, Client: api.NewV2Client(s.grpc)},
		{Name: clarifai.Connect, Client: api.NewV2Client(s.connect)},
		{Name: clarifai.REST, Client: api.NewV2Client(s.rest)},
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := tour + "the same on grpc, connect, rest\n"; !same || out.String() != want {
		t.Errorf("the tour on every transport gave\n%s\nwant\n%s", out.String(), want)
	}
}

// TestREADMEThreeTransports: the lines of the tour on every transport that
// the README's section "The example on three transports" quotes are lines
// that go run ./clarifai/client -transport all -tour prints.
func TestREADMEThreeTransports(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("no README.md above the examples module:", err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## The example on three transports\n")
	if !ok {
		t.Fatal("README.md has no section \"The example on three transports\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```text\n")
	if !ok {
		t.Fatal("the README's section \"The example on three transports\" has no ```text block of the tour")
	}
	block, _, _ = strings.Cut(block, "```")
	printed := map[string]bool{}
	for _, line := range strings.Split(tour+"the same on grpc, connect, rest\n", "\n") {
		printed[line] = true
	}
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if !printed[line] {
			t.Errorf("the README quotes a line the tour on every transport does not print:\n%s", line)
		}
	}
}
