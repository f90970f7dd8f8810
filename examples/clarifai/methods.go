package clarifai

import (
	"context"
	"errors"
	"slices"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	scopes "github.com/scopegen/scopegen/generated"
	"github.com/scopegen/scopegen/scopeconnect"

	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/examples/clarifai/generatedgrpc"
)

// The handlers of the other methods of the spec. Like those of service.go
// they know nothing of scopes, except PostSearches, which checks the
// request-dependent scope Predict for a search by image. Every call is
// idempotent: adding or patching what exists replaces it, and deleting what
// does not exist succeeds, so that the same call made on each transport
// gets the same response.

// ok is the status of a call that succeeded.
func ok() *api.Status { return &api.Status{Code: 10000, Description: "Ok"} }

// upsert replaces the element of list with x's id, or appends x.
func upsert[T any](list []T, x T, id func(T) string) []T {
	if i := slices.IndexFunc(list, func(y T) bool { return id(y) == id(x) }); i >= 0 {
		list[i] = x
		return list
	}
	return append(list, x)
}

// remove deletes the elements of list whose ids are in ids.
func remove[T any](list []T, id func(T) string, ids ...string) []T {
	return slices.DeleteFunc(list, func(y T) bool { return slices.Contains(ids, id(y)) })
}

// clones returns copies of msgs, for the store to keep.
func clones[T proto.Message](msgs []T) []T {
	out := make([]T, len(msgs))
	for i, m := range msgs {
		out[i] = proto.Clone(m).(T)
	}
	return out
}

// concepts returns the concepts the service knows: those of its model.
func (s *Service) concepts() []*api.Concept { return s.models[0].OutputInfo.Data.Concepts }

func (s *Service) model(id string) (*api.Model, error) {
	for _, m := range s.models {
		if m.Id == id {
			return m, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no model %q", id)
}

func (s *Service) version(modelID, id string) (*api.ModelVersion, error) {
	if _, err := s.model(modelID); err != nil {
		return nil, err
	}
	for _, v := range s.versions[modelID] {
		if v.Id == id {
			return v, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "model %q has no version %q", modelID, id)
}

func (s *Service) GetConcept(_ context.Context, req *api.GetConceptRequest) (*api.SingleConceptResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.concepts() {
		if c.Id == req.ConceptId {
			return &api.SingleConceptResponse{Status: ok(), Concept: c}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no concept %q", req.ConceptId)
}

func (s *Service) GetConceptCounts(context.Context, *api.GetConceptCountsRequest) (*api.MultiConceptCountResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &api.MultiConceptCountResponse{Status: ok()}
	for _, c := range s.concepts() {
		n := 0
		for _, in := range s.inputs {
			if slices.ContainsFunc(in.GetData().GetConcepts(), func(x *api.Concept) bool { return x.Id == c.Id }) {
				n++
			}
		}
		resp.ConceptCounts = append(resp.ConceptCounts, &api.ConceptCount{Id: c.Id, Name: c.Name, Positive: uint32(n)})
	}
	return resp, nil
}

func (s *Service) PatchConcepts(_ context.Context, req *api.PatchConceptsRequest) (*api.MultiConceptResponse, error) {
	return s.addConcepts(req.Concepts)
}

func (s *Service) PostConcepts(_ context.Context, req *api.PostConceptsRequest) (*api.MultiConceptResponse, error) {
	return s.addConcepts(req.Concepts)
}

func (s *Service) addConcepts(concepts []*api.Concept) (*api.MultiConceptResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := s.models[0].OutputInfo.Data
	for _, c := range clones(concepts) {
		data.Concepts = upsert(data.Concepts, c, (*api.Concept).GetId)
	}
	return &api.MultiConceptResponse{Status: ok(), Concepts: concepts}, nil
}

func (s *Service) PostConceptsSearches(_ context.Context, req *api.PostConceptsSearchesRequest) (*api.MultiConceptResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &api.MultiConceptResponse{Status: ok()}
	for _, c := range s.concepts() {
		if strings.Contains(c.Name, req.GetConceptQuery().GetName()) {
			resp.Concepts = append(resp.Concepts, c)
		}
	}
	return resp, nil
}

func (s *Service) DeleteInput(_ context.Context, req *api.DeleteInputRequest) (*api.BaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inputs = remove(s.inputs, (*api.Input).GetId, req.InputId)
	return &api.BaseResponse{Status: ok()}, nil
}

func (s *Service) DeleteInputs(_ context.Context, req *api.DeleteInputsRequest) (*api.BaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inputs = remove(s.inputs, (*api.Input).GetId, req.Ids...)
	return &api.BaseResponse{Status: ok()}, nil
}

func (s *Service) GetInputCount(context.Context, *api.GetInputCountRequest) (*api.SingleInputCountResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &api.SingleInputCountResponse{Status: ok(), Counts: &api.InputCount{Processed: uint32(len(s.inputs))}}, nil
}

// ListModelInputs lists the inputs the model was trained on: all of them.
func (s *Service) ListModelInputs(_ context.Context, req *api.ListModelInputsRequest) (*api.MultiInputResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.model(req.ModelId); err != nil {
		return nil, err
	}
	return &api.MultiInputResponse{Status: ok(), Inputs: slices.Clone(s.inputs)}, nil
}

func (s *Service) PatchInputs(_ context.Context, req *api.PatchInputsRequest) (*api.MultiInputResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range req.Inputs {
		if !slices.ContainsFunc(s.inputs, func(x *api.Input) bool { return x.Id == in.Id }) {
			return nil, status.Errorf(codes.NotFound, "no input %q", in.Id)
		}
	}
	for _, in := range clones(req.Inputs) {
		s.inputs = upsert(s.inputs, in, (*api.Input).GetId)
	}
	return &api.MultiInputResponse{Status: ok(), Inputs: req.Inputs}, nil
}

func (s *Service) DeleteModel(_ context.Context, req *api.DeleteModelRequest) (*api.BaseResponse, error) {
	return s.deleteModels(req.ModelId)
}

func (s *Service) DeleteModels(_ context.Context, req *api.DeleteModelsRequest) (*api.BaseResponse, error) {
	return s.deleteModels(req.Ids...)
}

// deleteModels deletes models, but never the one model whose concepts the
// service keeps.
func (s *Service) deleteModels(ids ...string) (*api.BaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(ids, s.models[0].Id) {
		return nil, status.Errorf(codes.FailedPrecondition, "model %q holds the app's concepts; it cannot be deleted", s.models[0].Id)
	}
	s.models = remove(s.models, (*api.Model).GetId, ids...)
	for _, id := range ids {
		delete(s.versions, id)
	}
	return &api.BaseResponse{Status: ok()}, nil
}

func (s *Service) DeleteModelVersion(_ context.Context, req *api.DeleteModelVersionRequest) (*api.BaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.model(req.ModelId); err != nil {
		return nil, err
	}
	s.versions[req.ModelId] = remove(s.versions[req.ModelId], (*api.ModelVersion).GetId, req.VersionId)
	return &api.BaseResponse{Status: ok()}, nil
}

// GetModelOutputInfo returns the model with its output info, which is mostly
// its concepts (the spec refuses it without Concepts:Get).
func (s *Service) GetModelOutputInfo(ctx context.Context, req *api.GetModelRequest) (*api.SingleModelResponse, error) {
	return s.GetModel(ctx, req)
}

func (s *Service) GetModelVersion(_ context.Context, req *api.GetModelVersionRequest) (*api.SingleModelVersionResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.version(req.ModelId, req.VersionId)
	if err != nil {
		return nil, err
	}
	return &api.SingleModelVersionResponse{Status: ok(), ModelVersion: v}, nil
}

func (s *Service) GetModelVersionMetrics(ctx context.Context, req *api.GetModelVersionMetricsRequest) (*api.SingleModelVersionResponse, error) {
	return s.GetModelVersion(ctx, &api.GetModelVersionRequest{ModelId: req.ModelId, VersionId: req.VersionId})
}

// PostModelVersionMetrics evaluates a model version: here, it returns it.
func (s *Service) PostModelVersionMetrics(ctx context.Context, req *api.PostModelVersionMetricsRequest) (*api.SingleModelVersionResponse, error) {
	return s.GetModelVersion(ctx, &api.GetModelVersionRequest{ModelId: req.ModelId, VersionId: req.VersionId})
}

func (s *Service) ListModelVersions(_ context.Context, req *api.ListModelVersionsRequest) (*api.MultiModelVersionResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.model(req.ModelId); err != nil {
		return nil, err
	}
	return &api.MultiModelVersionResponse{Status: ok(), ModelVersions: slices.Clone(s.versions[req.ModelId])}, nil
}

func (s *Service) ListModels(context.Context, *api.ListModelsRequest) (*api.MultiModelResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &api.MultiModelResponse{Status: ok(), Models: slices.Clone(s.models)}, nil
}

func (s *Service) PatchModels(_ context.Context, req *api.PatchModelsRequest) (*api.MultiModelResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range req.Models {
		if _, err := s.model(m.Id); err != nil {
			return nil, err
		}
	}
	s.addModels(req.Models)
	return &api.MultiModelResponse{Status: ok(), Models: req.Models}, nil
}

// addModels adds models or replaces those of the same ids; the first
// model's concepts, which the service serves as its concepts, stay.
func (s *Service) addModels(models []*api.Model) {
	for _, m := range clones(models) {
		if m.Id == s.models[0].Id {
			m.OutputInfo = s.models[0].OutputInfo
		}
		s.models = upsert(s.models, m, (*api.Model).GetId)
	}
}

// PostModelVersions trains the model: it adds the versions.
func (s *Service) PostModelVersions(_ context.Context, req *api.PostModelVersionsRequest) (*api.SingleModelResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.model(req.ModelId)
	if err != nil {
		return nil, err
	}
	for _, v := range clones(req.ModelVersions) {
		s.versions[m.Id] = upsert(s.versions[m.Id], v, (*api.ModelVersion).GetId)
	}
	return &api.SingleModelResponse{Status: ok(), Model: m}, nil
}

func (s *Service) PostModels(_ context.Context, req *api.PostModelsRequest) (*api.SingleModelResponse, error) {
	if len(req.Models) == 0 {
		return nil, status.Error(codes.InvalidArgument, "no model to add")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addModels(req.Models)
	m, _ := s.model(req.Models[0].Id)
	return &api.SingleModelResponse{Status: ok(), Model: m}, nil
}

func (s *Service) PostModelsSearches(_ context.Context, req *api.PostModelsSearchesRequest) (*api.MultiModelResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &api.MultiModelResponse{Status: ok()}
	for _, m := range s.models {
		if strings.Contains(strings.ToLower(m.Name), strings.ToLower(req.GetModelQuery().GetName())) {
			resp.Models = append(resp.Models, m)
		}
	}
	return resp, nil
}

func (s *Service) PostWorkflowResults(_ context.Context, req *api.PostWorkflowResultsRequest) (*api.PostWorkflowResultsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.workflows, func(w *api.Workflow) bool { return w.Id == req.WorkflowId }) {
		return nil, status.Errorf(codes.NotFound, "no workflow %q", req.WorkflowId)
	}
	resp := &api.PostWorkflowResultsResponse{Status: ok()}
	for _, in := range req.Inputs {
		resp.Results = append(resp.Results, &api.WorkflowResult{Input: in, Outputs: []*api.Output{
			{Data: &api.Data{Concepts: []*api.Concept{concept("dog", 0.93), concept("cat", 0.05)}}},
		}})
	}
	return resp, nil
}

// PostSearches returns every input as a hit. A search by image runs a
// prediction first, so it also needs Predict: the spec lists it as a
// request-dependent scope, which the handler checks with the caller's
// grant, from the context of whichever transport the call came by (REST
// calls come through gRPC).
func (s *Service) PostSearches(ctx context.Context, req *api.PostSearchesRequest) (*api.MultiSearchResponse, error) {
	if req.GetQuery().GetImage() != nil {
		g, ok := generatedgrpc.GrantFromContext(ctx)
		if !ok {
			g, ok = scopeconnect.GrantFromContext[scopes.Grant](ctx)
		}
		if !ok || !g.Has(scopes.Predict) {
			return nil, status.Error(codes.PermissionDenied, "a search by image needs Predict")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := &api.MultiSearchResponse{Status: ok()}
	for _, in := range s.inputs {
		resp.Hits = append(resp.Hits, &api.Hit{Score: 0.9, Input: in})
	}
	return resp, nil
}

func (s *Service) DeleteWorkflow(_ context.Context, req *api.DeleteWorkflowRequest) (*api.BaseResponse, error) {
	return s.deleteWorkflows(req.WorkflowId)
}

func (s *Service) DeleteWorkflows(_ context.Context, req *api.DeleteWorkflowsRequest) (*api.BaseResponse, error) {
	return s.deleteWorkflows(req.Ids...)
}

func (s *Service) deleteWorkflows(ids ...string) (*api.BaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workflows = remove(s.workflows, (*api.Workflow).GetId, ids...)
	return &api.BaseResponse{Status: ok()}, nil
}

func (s *Service) GetWorkflow(_ context.Context, req *api.GetWorkflowRequest) (*api.SingleWorkflowResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.workflows {
		if w.Id == req.WorkflowId {
			return &api.SingleWorkflowResponse{Status: ok(), Workflow: w}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "no workflow %q", req.WorkflowId)
}

func (s *Service) ListWorkflows(context.Context, *api.ListWorkflowsRequest) (*api.MultiWorkflowResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &api.MultiWorkflowResponse{Status: ok(), Workflows: slices.Clone(s.workflows)}, nil
}

func (s *Service) PatchWorkflows(_ context.Context, req *api.PatchWorkflowsRequest) (*api.MultiWorkflowResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range req.Workflows {
		if !slices.ContainsFunc(s.workflows, func(x *api.Workflow) bool { return x.Id == w.Id }) {
			return nil, status.Errorf(codes.NotFound, "no workflow %q", w.Id)
		}
	}
	for _, w := range clones(req.Workflows) {
		s.workflows = upsert(s.workflows, w, (*api.Workflow).GetId)
	}
	return &api.MultiWorkflowResponse{Status: ok(), Workflows: req.Workflows}, nil
}

func (s *Service) PostWorkflows(_ context.Context, req *api.PostWorkflowsRequest) (*api.MultiWorkflowResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range clones(req.Workflows) {
		s.workflows = upsert(s.workflows, w, (*api.Workflow).GetId)
	}
	return &api.MultiWorkflowResponse{Status: ok(), Workflows: req.Workflows}, nil
}

// connectErrors is a Connect interceptor that turns the gRPC status errors
// the handlers return into Connect errors of the same code and message, so
// that a Connect client reads NotFound where a gRPC one does. It wraps the
// handlers only: the scopes are enforced by scopeconnect's interceptor,
// outside it.
var connectErrors = connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		resp, err := next(ctx, req)
		if st, ok := status.FromError(err); ok && err != nil {
			return resp, connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
		}
		return resp, err
	}
})
