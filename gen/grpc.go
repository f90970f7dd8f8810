package gen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/model"
)

// ScopeGRPC is the import path of the gRPC library the adapter's glue
// instantiates: a module of its own, so that the scopegen module never
// depends on gRPC or protobuf.
const ScopeGRPC = "github.com/scopegen/scopegen/scopegrpc"

// protoreflect is the import path of protobuf's reflection, in CheckRedactions.
const protoreflect = "google.golang.org/protobuf/reflect/protoreflect"

// enforcePath is the import path of package enforce, whose Hook WithHook takes.
const enforcePath = "github.com/scopegen/scopegen/enforce"

// GRPCOptions control the generation of the gRPC adapter of a checker
// package.
type GRPCOptions struct {
	// Package is the Go package name of the adapter, e.g. "generatedgrpc".
	Package string
	// Core is the import path of the checker package the adapter enforces,
	// e.g. "github.com/scopegen/scopegen/generated".
	Core string
	// CorePackage is the checker package's name (Options.Package). Empty: the
	// last element of Core.
	CorePackage string
	// Source names the spec in the generated header, as Options.Source.
	Source string
}

// GenerateGRPC renders the gRPC adapter of the checker package generated from
// m: a few lines of glue that instantiate package scopegrpc (interceptors
// that enforce the spec on a grpc.Server, and the redaction of responses
// through protoreflect) for the checker's Grant and Decision types, under the
// names earlier versions generated (New, Enforcer, Resolver, …). It is a
// package of its own, apart from the checker, so that only services that serve
// gRPC import gRPC and protobuf. The same model and options always give the
// same bytes.
func GenerateGRPC(m *model.Model, opts GRPCOptions) ([]File, error) {
	if err := checkPackageName(opts.Package, "-grpc-out"); err != nil {
		return nil, fmt.Errorf("gRPC adapter: %w", err)
	}
	if opts.Core == "" || strings.ContainsAny(opts.Core, " \t\n\"\\") {
		return nil, fmt.Errorf("import path %q of the checker package is not valid; pass -import-path", opts.Core)
	}
	if opts.CorePackage == "" {
		opts.CorePackage = opts.Core[strings.LastIndex(opts.Core, "/")+1:]
	}
	if err := checkPackageName(opts.CorePackage, "-pkg"); err != nil {
		return nil, fmt.Errorf("checker package name: %w", err)
	}
	switch opts.CorePackage {
	case "main":
		return nil, fmt.Errorf("the checker is package main, which the gRPC adapter cannot import; generate it into a package of its own (-out DIR -pkg NAME)")
	case opts.Package:
		return nil, fmt.Errorf("the gRPC adapter and the checker are both package %s; name the adapter differently", opts.Package)
	}
	source := opts.Source
	if source == "" {
		source = m.Source
	}
	g := glue{opts: opts}
	var files []File
	for _, p := range []struct {
		name  string
		build func(f *jen.File)
	}{
		{"enforce.go", g.enforceFile},
		{"redact.go", g.redactFile},
	} {
		f := jen.NewFile(opts.Package)
		f.HeaderComment(Header)
		f.HeaderComment(fmt.Sprintf("Source: %s. Edit the spec and run go generate.", source))
		if glueNames[opts.CorePackage] {
			f.ImportAlias(opts.Core, opts.CorePackage+"pkg")
		} else {
			f.ImportName(opts.Core, opts.CorePackage)
		}
		f.ImportName(ScopeGRPC, "scopegrpc")
		f.ImportName(enforcePath, "enforce")
		f.ImportName(protoreflect, "protoreflect")
		p.build(f)
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			return nil, fmt.Errorf("generating the gRPC adapter's %s: %w (this is a scopegen bug; please report it with the spec)", p.name, err)
		}
		files = append(files, File{Name: p.name, Content: buf.Bytes()})
	}
	return files, nil
}

// glueNames are the names the glue declares in functions or imports besides
// the checker: a checker package of one of these names is imported as
// NAMEpkg, so that none hides it. TestGRPCGlueNames keeps the list complete.
var glueNames = map[string]bool{
	"ctx": true, "id": true, "resolve": true, "opts": true, "pass": true, "domain": true, "services": true,
	"hook": true, "context": true, "scopegrpc": true, "protoreflect": true, "enforce": true,
}

// glue prints the gRPC adapter's glue.
type glue struct {
	opts GRPCOptions
}

// core refers to a name of the checker package.
func (g glue) core(name string) *jen.Statement { return jen.Qual(g.opts.Core, name) }

// lib refers to a name of package scopegrpc.
func lib(name string) *jen.Statement { return jen.Qual(ScopeGRPC, name) }

// types are the checker's Grant and Decision, the library's type arguments.
func (g glue) types() *jen.Statement { return jen.Types(g.core("Grant"), g.core("Decision")) }

// enforceFile declares the adapter's names as the library's, instantiated.
func (g glue) enforceFile(f *jen.File) {
	pkg, corePkg := g.opts.Package, g.opts.CorePackage
	f.PackageComment(fmt.Sprintf(`// Package %[1]s enforces the spec of package %[2]s on a gRPC
// server: interceptors check every call against the spec before its handler
// runs, and remove from responses the fields the caller may not see. It is
// package scopegrpc instantiated for package %[2]s's Grant and Decision types;
// see that package for what each name does.
//
//	enforcer := %[1]s.New(resolve)
//	server := grpc.NewServer(enforcer.ServerOptions()...)
//
// resolve is the service's own Resolver: it finds the key a call carries
// (KeyFromContext reads "authorization: Key <id>") and returns its grant.`, pkg, corePkg))

	f.Add(doc(fmt.Sprintf("Enforcer checks calls against the spec of package %s (scopegrpc.Enforcer).", corePkg)))
	f.Type().Id("Enforcer").Op("=").Add(lib("Enforcer")).Add(g.types())
	f.Add(doc("Resolver returns the grant of the caller of a call (scopegrpc.Resolver)."))
	f.Type().Id("Resolver").Op("=").Add(lib("Resolver")).Types(g.core("Grant"))
	f.Add(doc("Option configures an Enforcer (scopegrpc.Option)."))
	f.Type().Id("Option").Op("=").Add(lib("Option"))

	f.Add(doc("The metadata keys of the errdetails.ErrorInfo of a denied call, of the\ncredentials of a call, and of the header listing the fields withheld from\nthe caller (scopegrpc's constants)."))
	f.Const().DefsFunc(func(d *jen.Group) {
		for _, name := range []string{"MetadataCode", "MetadataStatus", "MetadataEndpoint", "MetadataReason", "MetadataMissingScopes", "AuthorizationKey", "RedactedFieldsKey"} {
			d.Id(name).Op("=").Add(lib(name))
		}
	})
	f.Add(doc("The errors a Resolver returns for a call whose credentials give no grant\n(scopegrpc's, which are package enforce's)."))
	f.Var().DefsFunc(func(d *jen.Group) {
		for _, name := range []string{"ErrNoCredentials", "ErrKeyNotFound", "ErrKeyInvalid"} {
			d.Id(name).Op("=").Add(lib(name))
		}
	})

	ctx := func() *jen.Statement { return jen.Id("ctx").Qual("context", "Context") }
	f.Add(doc("New returns an Enforcer that finds the grant of each call with resolve."))
	f.Func().Id("New").Params(jen.Id("resolve").Id("Resolver"), jen.Id("opts").Op("...").Id("Option")).Op("*").Id("Enforcer").Block(
		jen.Return(lib("New").Add(g.types()).Call(jen.Id("resolve"), jen.Id("opts").Op("..."))),
	)
	f.Add(doc("KeyFromContext returns the key of a call: the <id> of the incoming metadata\n\"authorization: Key <id>\" (scopegrpc.KeyFromContext)."))
	f.Func().Id("KeyFromContext").Params(ctx()).Params(jen.String(), jen.Error()).Block(
		jen.Return(lib("KeyFromContext").Call(jen.Id("ctx"))),
	)
	f.Add(doc("WithKey returns ctx with the outgoing metadata \"authorization: Key <id>\",\nfor clients."))
	f.Func().Id("WithKey").Params(ctx(), jen.Id("id").String()).Qual("context", "Context").Block(
		jen.Return(lib("WithKey").Call(jen.Id("ctx"), jen.Id("id"))),
	)
	f.Add(doc("BearerFromContext returns the bearer token of a call: the <token> of the\nincoming metadata \"authorization: Bearer <token>\" (scopegrpc.BearerFromContext)."))
	f.Func().Id("BearerFromContext").Params(ctx()).Params(jen.String(), jen.Error()).Block(
		jen.Return(lib("BearerFromContext").Call(jen.Id("ctx"))),
	)
	f.Add(doc("GrantFromContext returns the caller's grant in a handler of an endpoint\nwith request-dependent scopes, or of any endpoint with WithGrantInContext."))
	f.Func().Id("GrantFromContext").Params(ctx()).Params(g.core("Grant"), jen.Bool()).Block(
		jen.Return(lib("GrantFromContext").Types(g.core("Grant")).Call(jen.Id("ctx"))),
	)
	// option declares an Option constructor that passes its parameter, if
	// any, to the library's.
	option := func(name, comment string, param string, typ jen.Code) {
		f.Add(doc(comment))
		if param == "" {
			f.Func().Id(name).Params().Id("Option").Block(jen.Return(lib(name).Call()))
			return
		}
		f.Func().Id(name).Params(jen.Id(param).Add(typ)).Id("Option").Block(jen.Return(lib(name).Call(jen.Id(param))))
	}
	option("WithGrantInContext", "WithGrantInContext stores the caller's grant in the context of every call\nof an endpoint, for GrantFromContext, at the cost of one allocation per call.", "", nil)
	option("PassUnlisted", "PassUnlisted lets the calls of methods that are not endpoints of the spec\ngo through unchecked when pass returns true for them.",
		"pass", jen.Func().Params(jen.Id("fullMethod").String()).Bool())
	option("WithDomain", "WithDomain sets the Domain of the ErrorInfo of denied calls.", "domain", jen.String())
	option("RedactInPlace", "RedactInPlace removes fields from the response messages the handlers return\ninstead of from copies of them; see scopegrpc.RedactInPlace.", "", nil)
	option("WithHook", "WithHook reports the decision on every call to hook, as an enforce.Event\n(scopegrpc.WithHook).", "hook", jen.Qual(enforcePath, "Hook"))
}

// redactFile declares CheckRedactions.
func (g glue) redactFile(f *jen.File) {
	f.Add(doc("CheckRedactions returns an error for each redacted field of an endpoint\nthat services serve which is not a field of its response type; call it when\nthe server starts (scopegrpc.CheckRedactions)."))
	f.Func().Id("CheckRedactions").Params(jen.Id("services").Op("...").Qual("google.golang.org/protobuf/reflect/protoreflect", "ServiceDescriptor")).Error().Block(
		jen.Return(lib("CheckRedactions").Add(g.types()).Call(jen.Id("services").Op("..."))),
	)
}
