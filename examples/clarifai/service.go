package clarifai

import (
	"context"
	"fmt"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/scopegen/scopegen/examples/clarifai/api"
)

// Service is an in-memory clarifai.api.V2 with a few inputs, concepts and
// one model. Its handlers know nothing of scopes: the interceptors refuse the
// calls a key may not make and redact concepts from responses.
type Service struct {
	api.UnimplementedV2Server
	mu        sync.Mutex
	inputs    []*api.Input
	models    []*api.Model
	versions  map[string][]*api.ModelVersion // by model id
	workflows []*api.Workflow
}

func concept(id string, v float32) *api.Concept { return &api.Concept{Id: id, Name: id, Value: v} }

// NewService returns a service holding demo data.
func NewService() *Service {
	return &Service{
		inputs: []*api.Input{
			{Id: "dog-1", Data: &api.Data{
				Image:    &api.Image{Url: "https://samples.clarifai.com/dog.jpg"},
				Concepts: []*api.Concept{concept("dog", 0.98), concept("grass", 0.71)},
				Metadata: map[string]string{"source": "upload"},
			}},
			{Id: "cat-1", Data: &api.Data{
				Image:    &api.Image{Url: "https://samples.clarifai.com/cat.jpg"},
				Concepts: []*api.Concept{concept("cat", 0.99)},
			}},
		},
		models: []*api.Model{
			{Id: "pets", Name: "Pets", OutputInfo: &api.OutputInfo{Data: &api.Data{
				Concepts: []*api.Concept{concept("cat", 1), concept("dog", 1), concept("grass", 1)},
			}}},
		},
		versions:  map[string][]*api.ModelVersion{"pets": {{Id: "v1", Description: "first training"}}},
		workflows: []*api.Workflow{{Id: "general", Description: "detects pets"}},
	}
}

// The handlers return the inputs and models the service keeps: the adapter
// redacts a copy, never them.

func (s *Service) GetInput(_ context.Context, req *api.GetInputRequest) (*api.SingleInputResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.inputs {
		if in.Id == req.InputId {
			return &api.SingleInputResponse{Input: in}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no input %q", req.InputId)
}

func (s *Service) ListInputs(context.Context, *api.ListInputsRequest) (*api.MultiInputResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &api.MultiInputResponse{Inputs: append([]*api.Input(nil), s.inputs...)}, nil
}

// PostInputs adds inputs, or replaces those of the same ids: a request
// made again (on another transport, say) gives the same response.
func (s *Service) PostInputs(_ context.Context, req *api.PostInputsRequest) (*api.MultiInputResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var added []*api.Input
	for _, in := range req.Inputs {
		in = proto.Clone(in).(*api.Input)
		if in.Id == "" {
			in.Id = fmt.Sprintf("input-%d", len(s.inputs)+1)
		}
		s.inputs = upsert(s.inputs, in, (*api.Input).GetId)
		added = append(added, in)
	}
	return &api.MultiInputResponse{Inputs: added}, nil
}

func (s *Service) ListConcepts(context.Context, *api.ListConceptsRequest) (*api.MultiConceptResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &api.MultiConceptResponse{Concepts: s.models[0].OutputInfo.Data.Concepts}, nil
}

func (s *Service) GetModel(_ context.Context, req *api.GetModelRequest) (*api.SingleModelResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.models {
		if m.Id == req.ModelId {
			return &api.SingleModelResponse{Model: m}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no model %q", req.ModelId)
}

func (s *Service) PostModelOutputs(_ context.Context, req *api.PostModelOutputsRequest) (*api.MultiOutputResponse, error) {
	deployed := req.ModelId == "" && req.GetRunnerSelector().GetDeployment().GetId() != ""
	if req.ModelId != "pets" && !deployed {
		return nil, status.Errorf(codes.NotFound, "no model %q", req.ModelId)
	}
	out := &api.MultiOutputResponse{}
	for _, in := range req.Inputs {
		out.Outputs = append(out.Outputs, &api.Output{
			Input: in,
			Data:  &api.Data{Concepts: []*api.Concept{concept("dog", 0.93), concept("cat", 0.05)}},
		})
	}
	return out, nil
}
