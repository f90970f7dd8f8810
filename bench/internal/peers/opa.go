package peers

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/scopegen/scopegen/internal/model"
)

// opaPolicy is the rules in Rego. data.endpoints holds the spec, data.keys
// the credentials; the input is {"key": id, "method": full method}.
const opaPolicy = `package scopes

ep := data.endpoints[input.method]

key := data.keys[input.key]

holds(s) if key.scopes[s]

holds(_) if key.scopes[data.all]

may_call if not key.restricted

may_call if key.endpoints[input.method]

default allow := false

allow if ep.public

allow if {
	not ep.public
	some k in key.kinds
	ep.principals[k]
	may_call
	every s in ep.requires {
		holds(s)
	}
}

redacted contains i if {
	allow
	some i, r in ep.redactions
	some s in r.unless
	not holds(s)
}

decision := {"allow": allow, "redacted": redacted}
`

// OPA decides calls with a prepared Rego query.
type OPA struct {
	m     *model.Model
	data  map[string]any
	keys  map[string]any
	n     int // keys registered
	query rego.PreparedEvalQuery
	ready bool
}

// OPAKey is a credential registered with an OPA checker.
type OPAKey string

// NewOPA returns an OPA checker for m. Register the keys with Grant, then
// call Prepare.
func NewOPA(m *model.Model) *OPA {
	endpoints := map[string]any{}
	for _, e := range m.Endpoints {
		principals := map[string]any{}
		for _, k := range m.KindNames(e.Principals) {
			principals[k] = true
		}
		var redactions []any
		for _, r := range e.Redactions {
			redactions = append(redactions, map[string]any{"field": r.Field, "unless": toAny(model.Names(r.Unless))})
		}
		endpoints[e.Method] = map[string]any{
			"public":     e.Public,
			"principals": principals,
			"requires":   toAny(model.Names(e.Requires)),
			"redactions": toAny(redactions),
		}
	}
	all := ""
	if m.AllScope != nil {
		all = m.AllScope.Name
	}
	o := &OPA{m: m, keys: map[string]any{}}
	o.data = map[string]any{"endpoints": endpoints, "keys": o.keys, "all": all}
	return o
}

func toAny[T any](v []T) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func set(v []string) map[string]any {
	out := map[string]any{}
	for _, x := range v {
		out[x] = true
	}
	return out
}

// Grant registers g and returns its key.
func (o *OPA) Grant(g Grant) OPAKey {
	if o.ready {
		panic("OPA: Grant after Prepare")
	}
	o.n++
	id := "key:" + strconv.Itoa(o.n)
	if !g.None { // no credentials: a key that is not in data.keys
		o.keys[id] = map[string]any{
			"kinds":      toAny(o.m.KindNames(g.Kinds)),
			"scopes":     set(g.Scopes),
			"restricted": len(g.Endpoints) > 0,
			"endpoints":  set(g.Endpoints),
		}
	}
	return OPAKey(id)
}

// Prepare compiles the policy and its query against the data.
func (o *OPA) Prepare(ctx context.Context) error {
	store := inmem.NewFromObjectWithOpts(o.data, inmem.OptReturnASTValuesOnRead(true))
	q, err := rego.New(
		rego.Query("data.scopes.decision"),
		rego.Module("scopes.rego", opaPolicy),
		rego.Store(store),
	).PrepareForEval(ctx)
	if err != nil {
		return err
	}
	o.query, o.ready = q, true
	return nil
}

// Check decides a call of method by key: one evaluation of the prepared
// query, with the input built as a service would build it for each call.
func (o *OPA) Check(ctx context.Context, key OPAKey, method string) (Result, error) {
	rs, err := o.query.Eval(ctx, rego.EvalInput(map[string]any{"key": string(key), "method": method}))
	if err != nil {
		return Result{}, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return Result{}, fmt.Errorf("OPA: unexpected result %v", rs)
	}
	d, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return Result{}, fmt.Errorf("OPA: unexpected decision %v", rs[0].Expressions[0].Value)
	}
	res := Result{Allowed: d["allow"] == true}
	red, _ := d["redacted"].([]any)
	for _, x := range red {
		n, ok := x.(json.Number)
		if !ok {
			return Result{}, fmt.Errorf("OPA: redaction index %v (%T)", x, x)
		}
		i, err := n.Int64()
		if err != nil {
			return Result{}, err
		}
		res.Redacted |= 1 << i
	}
	return res, nil
}
