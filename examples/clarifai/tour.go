package clarifai

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// Methods are the methods Invoke calls, with the argument each takes.
var Methods = map[string]string{
	"GetInput":         "INPUT_ID",
	"ListInputs":       "",
	"PostInputs":       "IMAGE_URL",
	"ListConcepts":     "",
	"GetModel":         "MODEL_ID",
	"PostModelOutputs": "IMAGE_URL",
}

// Invoke calls method of the service with key ("" for none) and the
// method's one argument, if it takes one.
func Invoke(ctx context.Context, c api.V2Client, key, method, arg string) (proto.Message, error) {
	if key != "" {
		ctx = generatedgrpc.WithKey(ctx, key)
	}
	image := &api.Input{Data: &api.Data{Image: &api.Image{Url: arg}}}
	switch method {
	case "GetInput":
		return c.GetInput(ctx, &api.GetInputRequest{InputId: arg})
	case "ListInputs":
		return c.ListInputs(ctx, &api.ListInputsRequest{})
	case "PostInputs":
		return c.PostInputs(ctx, &api.PostInputsRequest{Inputs: []*api.Input{image}})
	case "ListConcepts":
		return c.ListConcepts(ctx, &api.ListConceptsRequest{})
	case "GetModel":
		return c.GetModel(ctx, &api.GetModelRequest{ModelId: arg})
	case "PostModelOutputs":
		return c.PostModelOutputs(ctx, &api.PostModelOutputsRequest{ModelId: "pets", Inputs: []*api.Input{image}})
	}
	return nil, fmt.Errorf("unknown method %q", method)
}

// Summary describes a response in one line.
func Summary(m proto.Message) string {
	concepts := func(d *api.Data) string {
		var names []string
		for _, c := range d.GetConcepts() {
			names = append(names, c.Name)
		}
		return "concepts [" + strings.Join(names, " ") + "]"
	}
	var parts []string
	switch r := m.(type) {
	case *api.SingleInputResponse:
		parts = append(parts, r.Input.GetId()+" "+concepts(r.Input.GetData()))
	case *api.MultiInputResponse:
		for _, in := range r.Inputs {
			parts = append(parts, in.Id+" "+concepts(in.Data))
		}
	case *api.MultiConceptResponse:
		parts = append(parts, concepts(&api.Data{Concepts: r.Concepts}))
	case *api.SingleModelResponse:
		parts = append(parts, "model "+r.Model.GetId()+" "+concepts(r.Model.GetOutputInfo().GetData()))
	case *api.MultiOutputResponse:
		for _, o := range r.Outputs {
			parts = append(parts, "predicted "+concepts(o.Data))
		}
	}
	return "OK: " + strings.Join(parts, "; ")
}

// Explain describes what a client reads from a denied call: the gRPC code and
// message, and the ErrorInfo detail with the outcome code, its status name,
// the reason and the missing scopes.
func Explain(err error) string {
	st := status.Convert(err)
	s := fmt.Sprintf("%s: %s", st.Code(), st.Message())
	for _, d := range st.Details() {
		info, ok := d.(*errdetails.ErrorInfo)
		if !ok {
			continue
		}
		md := info.Metadata
		s += fmt.Sprintf(" [%s %s reason=%s", md[generatedgrpc.MetadataCode], info.Reason, md[generatedgrpc.MetadataReason])
		if m := md[generatedgrpc.MetadataMissingScopes]; m != "" {
			s += " missing=" + m
		}
		s += "]"
	}
	return s
}

// Step is one call of the tour.
type Step struct {
	Key, Method, Arg string
}

// Steps are the calls of the tour: each key of DemoKeys, and none.
var Steps = []Step{
	{"app-full", "ListInputs", ""},
	{"app-reader", "ListInputs", ""},
	{"app-reader", "GetModel", "pets"},
	{"app-reader", "ListConcepts", ""},
	{"app-reader", "PostInputs", "https://samples.clarifai.com/bird.jpg"},
	{"predict-only", "PostModelOutputs", "https://samples.clarifai.com/dog.jpg"},
	{"predict-only", "ListInputs", ""},
	{"collaborator", "GetInput", "dog-1"},
	{"collaborator", "ListConcepts", ""},
	{"pat-admin", "GetModel", "pets"},
	{"expired", "ListInputs", ""},
	{"disabled", "ListInputs", ""},
	{"nobody", "ListInputs", ""},
	{"", "ListInputs", ""},
}

// Tour makes the calls of Steps with c and writes what each gave.
func Tour(ctx context.Context, c api.V2Client, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tCALL\tRESULT")
	for _, s := range Steps {
		key := s.Key
		if key == "" {
			key = "(none)"
		}
		call := s.Method
		if s.Arg != "" && !strings.HasPrefix(s.Arg, "https:") {
			call += " " + s.Arg
		}
		resp, err := Invoke(ctx, c, s.Key, s.Method, s.Arg)
		result := ""
		if err != nil {
			result = Explain(err)
		} else {
			result = Summary(resp)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", key, call, result)
	}
	return tw.Flush()
}

// Transport is a client of the service over one transport.
type Transport struct {
	Name   string // GRPC, Connect or REST
	Client api.V2Client
}

// TourAll makes each call of Steps on every transport and writes what each
// gave: one line when they all agree, one line per transport otherwise. It
// reports whether they all agreed on every call.
func TourAll(ctx context.Context, transports []Transport, w io.Writer) (bool, error) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tCALL\tRESULT")
	same := true
	for _, s := range Steps {
		key := s.Key
		if key == "" {
			key = "(none)"
		}
		call := s.Method
		if s.Arg != "" && !strings.HasPrefix(s.Arg, "https:") {
			call += " " + s.Arg
		}
		results := make([]string, len(transports))
		for i, t := range transports {
			resp, err := Invoke(ctx, t.Client, s.Key, s.Method, s.Arg)
			if err != nil {
				results[i] = Explain(err)
			} else {
				results[i] = Summary(resp)
			}
		}
		if slices.Equal(results, slices.Repeat(results[:1], len(results))) {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", key, call, results[0])
			continue
		}
		same = false
		for i, t := range transports {
			fmt.Fprintf(tw, "%s\t%s\t%s: %s\n", key, call, t.Name, results[i])
		}
	}
	if err := tw.Flush(); err != nil {
		return same, err
	}
	var names []string
	for _, t := range transports {
		names = append(names, t.Name)
	}
	if same {
		fmt.Fprintf(w, "the same on %s\n", strings.Join(names, ", "))
	} else {
		fmt.Fprintf(w, "the transports differ (%s)\n", strings.Join(names, ", "))
	}
	return same, nil
}
