package protoimport

import (
	"github.com/bufbuild/protocompile/ast"

	"github.com/scopegen/scopegen/internal/spec"
)

// RPC is a method of a service that a .proto file defines.
type RPC struct {
	Method     string   // the full method name, /package.Service/Method
	Service    string   // the service's full name, package.Service
	Pos        spec.Pos // where the method's name is written
	ServicePos spec.Pos // where the service's name is written
}

// RPCs lists every RPC of the services that files define, in the order of
// the files and of their declarations. The files are read as Import reads
// them: the same parser, the same limits on hostile input (MaxFileBytes,
// MaxNesting, MaxLiteralTokens), positions from protocompile's source
// info, and every problem a spec.Errors at its file:line:col, at most
// spec.MaxErrors of them. Imports are not read: a service belongs to the
// file that declares it. A file given twice (the same Key) is read once; a
// service or method defined twice is an error, as protoc and Import say.
func RPCs(files []Source) ([]RPC, error) {
	var errs spec.Errors
	var parsed []*protoFile
	seen := map[string]bool{}
	for _, src := range files {
		if seen[src.key()] {
			continue
		}
		seen[src.key()] = true
		f, e := parseFile(src)
		errs.Append(e...)
		if f != nil {
			parsed = append(parsed, f)
		}
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	var out []RPC
	services := map[string]spec.Pos{}
	methods := map[string]spec.Pos{}
	for _, f := range parsed {
		f.walk(func(enumDecl) {}, func(sd serviceDecl) {
			at := f.pos(sd.node.Name)
			if prev, dup := services[sd.name]; dup {
				errs.Report(at, "service %s is defined twice (first at %s); protoc refuses this too: pass only one of %s and %s",
					sd.name, prev, prev.File, f.src.Name)
				return
			}
			services[sd.name] = at
			for _, d := range sd.node.Decls {
				n, ok := d.(*ast.RPCNode)
				if !ok {
					continue
				}
				r := RPC{Method: "/" + sd.name + "/" + n.Name.Val, Service: sd.name, Pos: f.pos(n.Name), ServicePos: at}
				if prev, dup := methods[r.Method]; dup {
					errs.Report(r.Pos, "method %s is defined twice (first at %s); protoc refuses this too: rename or remove one", r.Method, prev)
					continue
				}
				methods[r.Method] = r.Pos
				out = append(out, r)
			}
		}, func(string) {})
	}
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	return out, nil
}
