package spectest

import "github.com/scopegen/scopegen/internal/spec"

// JSONVersion is the version of the JSON shape; it changes only when a field
// changes meaning or goes away.
const JSONVersion = 1

// jsonReport is the JSON shape of a report, version JSONVersion. The JSON
// Schema internal/spectest/report.schema.json documents every field, and
// schema_test.go validates the golden outputs against it: a field added
// here must be added there. Every field is always present; arrays are
// never null. The decision's fields are named as scopegen explain -json
// names them.
type jsonReport struct {
	Version  int          `json:"version"`
	Spec     string       `json:"spec"`
	Files    []string     `json:"files"`
	ExitCode int          `json:"exit_code"`
	Summary  jsonSummary  `json:"summary"`
	Tests    []jsonTest   `json:"tests"`
	Coverage jsonCoverage `json:"coverage"`
}

type jsonSummary struct {
	Tests  int `json:"tests"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

type jsonPos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func posJSON(p spec.Pos) jsonPos { return jsonPos{p.File, p.Line, p.Col} }

type jsonTest struct {
	Name     string        `json:"name"`
	Position jsonPos       `json:"position"`
	Passed   bool          `json:"passed"`
	Call     jsonCall      `json:"call"`
	Expect   jsonExpect    `json:"expect"`
	Decision jsonDecision  `json:"decision"`
	Failures []jsonFailure `json:"failures"`
	Replay   string        `json:"replay"`
}

type jsonCall struct {
	Method  string      `json:"method"`
	Kind    string      `json:"kind"`
	Preset  string      `json:"preset"`
	Scopes  []string    `json:"scopes"`
	Endpts  []string    `json:"endpoints"`
	Invite  *jsonInvite `json:"invite"` // null: not a collaborator
	Request string      `json:"request"`
}

type jsonInvite struct {
	Preset string   `json:"preset"`
	Scopes []string `json:"scopes"`
	Endpts []string `json:"endpoints"`
}

type jsonExpect struct {
	Allowed  bool     `json:"allowed"`
	Redacted []string `json:"redacted"` // null for a denied call
	Reason   *string  `json:"reason"`
	Code     *int     `json:"code"`
	Status   *string  `json:"status"`
	Missing  []string `json:"missing"` // null when not compared
}

type jsonDecision struct {
	Allowed      bool     `json:"allowed"`
	Code         int      `json:"code"`
	Status       string   `json:"status"`
	GRPCCode     int      `json:"grpc_code"`
	GRPCStatus   string   `json:"grpc_status"`
	Reason       string   `json:"reason"`
	Missing      []string `json:"missing"`
	Redacted     []string `json:"redacted"`
	Collaborator bool     `json:"collaborator"`
	Message      string   `json:"message"`
}

type jsonFailure struct {
	Key      string  `json:"key"`
	Position jsonPos `json:"position"`
	Want     string  `json:"want"`
	Got      string  `json:"got"`
	Message  string  `json:"message"`
}

type jsonCoverage struct {
	Covered     int        `json:"covered"`
	Total       int        `json:"total"`
	Percent     float64    `json:"percent"`
	MinCoverage int        `json:"min_coverage"`
	Met         bool       `json:"met"`
	Kinds       []jsonKind `json:"kinds"`
	Items       []jsonItem `json:"items"`
}

type jsonKind struct {
	Kind    ItemKind `json:"kind"`
	Covered int      `json:"covered"`
	Total   int      `json:"total"`
}

type jsonItem struct {
	Kind     ItemKind    `json:"kind"`
	Endpoint string      `json:"endpoint"`
	Element  string      `json:"element"`
	Position jsonPos     `json:"position"`
	Covered  bool        `json:"covered"`
	Facets   []jsonFacet `json:"facets"`
	Message  string      `json:"message"`
}

type jsonFacet struct {
	Name  string   `json:"name"`
	Tests []string `json:"tests"`
}

func (r *Report) jsonReport() jsonReport {
	failed := r.Failed()
	out := jsonReport{
		Version:  JSONVersion,
		Spec:     r.Spec,
		Files:    nonNil(r.Files),
		ExitCode: r.ExitCode(),
		Summary:  jsonSummary{len(r.Results), len(r.Results) - failed, failed},
		Tests:    []jsonTest{},
	}
	for _, res := range r.Results {
		c, x := res.Case, res.Decision
		t := jsonTest{
			Name:     c.Name,
			Position: posJSON(c.Pos),
			Passed:   res.Passed(),
			Call: jsonCall{Method: c.Call.Method, Kind: c.Call.Kind, Preset: c.Preset,
				Scopes: nonNil(c.Call.Scopes), Endpts: nonNil(c.Call.Endpoints), Request: c.Call.Request},
			Expect: jsonExpect{Allowed: c.Expect.Allowed},
			Decision: jsonDecision{Allowed: x.Allowed, Code: x.Code, Status: x.Status, GRPCCode: x.GRPCCode, GRPCStatus: x.GRPCStatus,
				Reason: x.Reason, Missing: nonNil(x.Missing), Redacted: nonNil(x.Redacted), Collaborator: x.Collaborator, Message: x.Message},
			Failures: []jsonFailure{},
			Replay:   Replay(r.Spec, c),
		}
		if c.Call.Collaborator {
			t.Call.Invite = &jsonInvite{c.InvitePreset, nonNil(c.Call.InviteScopes), nonNil(c.Call.InviteEndpoints)}
		}
		e := c.Expect
		if e.Allowed {
			t.Expect.Redacted = nonNil(e.Redacted)
		}
		if e.Reason.Set {
			t.Expect.Reason = &e.Reason.Value
		}
		if e.Code.Set {
			t.Expect.Code = &e.Code.Value
		}
		if e.Status.Set {
			t.Expect.Status = &e.Status.Value
		}
		if e.Missing.Set {
			t.Expect.Missing = nonNil(e.Missing.Value)
		}
		for _, f := range res.Failures {
			t.Failures = append(t.Failures, jsonFailure{f.Key, posJSON(f.Pos), f.Want, f.Got, f.Message()})
		}
		out.Tests = append(out.Tests, t)
	}
	cov, tot := r.Coverage.Total()
	out.Coverage = jsonCoverage{Covered: cov, Total: tot, Percent: r.Coverage.Percent(), MinCoverage: r.MinCoverage, Met: r.CoverageMet(),
		Kinds: []jsonKind{}, Items: []jsonItem{}}
	for _, k := range ItemKinds {
		cov, tot := r.Coverage.Count(k)
		out.Coverage.Kinds = append(out.Coverage.Kinds, jsonKind{k, cov, tot})
	}
	for _, it := range r.Coverage.Items {
		ji := jsonItem{Kind: it.Kind, Endpoint: it.Endpoint, Element: it.Element, Position: posJSON(it.Pos), Covered: it.Covered(),
			Facets: []jsonFacet{}, Message: it.Message()}
		for _, f := range it.Facets {
			ji.Facets = append(ji.Facets, jsonFacet{f.Name, nonNil(f.Tests)})
		}
		out.Coverage.Items = append(out.Coverage.Items, ji)
	}
	return out
}

// nonNil is s, or an empty slice for nil: JSON arrays are never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
