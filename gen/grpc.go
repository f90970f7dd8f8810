package gen

import (
	"bytes"
	"fmt"
	"go/token"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/scopegen/scopegen/internal/model"
)

// The packages the gRPC adapter imports. The generator only prints these
// paths: the scopegen module itself never depends on gRPC or protobuf.
const (
	grpcPath         = "google.golang.org/grpc"
	grpcCodesPath    = "google.golang.org/grpc/codes"
	grpcStatusPath   = "google.golang.org/grpc/status"
	grpcMetadataPath = "google.golang.org/grpc/metadata"
	protoPath        = "google.golang.org/protobuf/proto"
	protoreflectPath = "google.golang.org/protobuf/reflect/protoreflect"
	errdetailsPath   = "google.golang.org/genproto/googleapis/rpc/errdetails"
)

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
// m: interceptors that enforce the spec on a grpc.Server, and the redaction of
// responses through protoreflect. It is a package of its own, apart from the
// checker, so that only services that serve gRPC import gRPC and protobuf.
// The same model and options always give the same bytes.
func GenerateGRPC(m *model.Model, opts GRPCOptions) ([]File, error) {
	if !token.IsIdentifier(opts.Package) || token.IsKeyword(opts.Package) {
		return nil, fmt.Errorf("gRPC adapter package name %q is not a Go identifier", opts.Package)
	}
	if opts.Core == "" || strings.ContainsAny(opts.Core, " \t\n\"\\") {
		return nil, fmt.Errorf("import path %q of the checker package is not valid; pass -import-path", opts.Core)
	}
	if opts.CorePackage == "" {
		opts.CorePackage = opts.Core[strings.LastIndex(opts.Core, "/")+1:]
	}
	if !token.IsIdentifier(opts.CorePackage) || token.IsKeyword(opts.CorePackage) {
		return nil, fmt.Errorf("checker package name %q is not a Go identifier", opts.CorePackage)
	}
	if opts.CorePackage == opts.Package {
		return nil, fmt.Errorf("the gRPC adapter and the checker are both package %s; name the adapter differently", opts.Package)
	}
	g := &grpcGenerator{m: m, opts: opts}
	parts := []struct {
		name  string
		build func(f *jen.File)
	}{
		{"enforce.go", g.enforceFile},
		{"redact.go", g.redactFile},
	}
	var files []File
	for _, p := range parts {
		f := jen.NewFile(opts.Package)
		f.HeaderComment(Header)
		f.HeaderComment(fmt.Sprintf("Source: %s. Edit the spec and run go generate.", g.source()))
		if grpcLocals[opts.CorePackage] {
			f.ImportAlias(opts.Core, opts.CorePackage+"pkg")
		} else {
			f.ImportName(opts.Core, opts.CorePackage)
		}
		for _, p := range []string{grpcPath, grpcCodesPath, grpcStatusPath, grpcMetadataPath, protoPath, protoreflectPath, errdetailsPath} {
			f.ImportName(p, p[strings.LastIndex(p, "/")+1:])
		}
		p.build(f)
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			return nil, fmt.Errorf("generating the gRPC adapter's %s: %w (this is a scopegen bug; please report it with the spec)", p.name, err)
		}
		files = append(files, File{Name: p.name, Content: buf.Bytes()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// grpcLocals are the names the adapter's code declares in functions: a
// checker package of one of these names is imported under another, so that
// no local hides it. TestGRPCLocals keeps the list complete.
var grpcLocals = map[string]bool{}

func init() {
	for _, name := range strings.Fields(`
		bit code ctx d desc detailed domain e ep err errs f fd field found fullMethod g handler i id info keep
		l m mask md methods missing msg name next ok opts o p pass path pm r reason req resolve resp s scheme sd slot
		services srv ss st steps v values x`) {
		grpcLocals[name] = true
	}
}

// grpcGenerator prints the gRPC adapter.
type grpcGenerator struct {
	m    *model.Model
	opts GRPCOptions
}

func (g *grpcGenerator) source() string {
	if g.opts.Source != "" {
		return g.opts.Source
	}
	return g.m.Source
}

// core refers to an identifier of the checker package.
func (g *grpcGenerator) core(name string) *jen.Statement {
	return jen.Qual(g.opts.Core, name)
}

// outcome refers to the checker's constant of the outcome of role r.
func (g *grpcGenerator) outcome(r model.Role) *jen.Statement {
	return g.core(g.m.Outcome(r).GoName)
}

// outcomeDoc describes the outcome of role r, e.g. "11009 CONN_KEY_NOT_FOUND
// (UNAUTHENTICATED)".
func (g *grpcGenerator) outcomeDoc(r model.Role) string {
	o := g.m.Outcome(r)
	return fmt.Sprintf("%d %s (%s)", o.Code, o.Status, o.GRPCName)
}

// example returns a full method, its service and required scopes for the
// comments of the generated code.
func (g *grpcGenerator) example() (method, service, missing string) {
	method, missing = "/pkg.Service/Method", "Scope:A,Scope:B"
	for _, e := range g.m.Endpoints {
		if len(e.Requires) > 0 {
			method = e.Method
			n := min(2, len(e.Requires))
			missing = strings.Join(model.Names(e.Requires[:n]), ",")
			break
		}
	}
	return method, serviceOf(method), missing
}

// serviceOf returns "pkg.Service" of "/pkg.Service/Method".
func serviceOf(method string) string {
	s := strings.TrimPrefix(method, "/")
	if i := strings.LastIndexByte(s, '/'); i > 0 {
		return s[:i]
	}
	return s
}

// requestScoped lists the endpoints whose handlers check request-dependent
// scopes.
func (g *grpcGenerator) requestScoped() []*model.Endpoint {
	var out []*model.Endpoint
	for _, e := range g.m.Endpoints {
		if len(e.RequestScopes) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// requestScopedDoc names the endpoints with request-dependent scopes, for
// comments.
func (g *grpcGenerator) requestScopedDoc() string {
	eps := g.requestScoped()
	if len(eps) == 0 {
		return "none in this spec"
	}
	var names []string
	for _, e := range eps {
		names = append(names, e.Method)
	}
	return strings.Join(names, ", ")
}

// ctxType is context.Context.
func ctxType() *jen.Statement { return jen.Qual("context", "Context") }

func grpcCode(name string) *jen.Statement { return jen.Qual(grpcCodesPath, name) }

// enforceFile declares the Enforcer, its options and interceptors, the
// resolver and its errors, and the denial statuses.
func (g *grpcGenerator) enforceFile(f *jen.File) {
	pkg, corePkg := g.opts.Package, g.opts.CorePackage
	method, service, missing := g.example()
	f.PackageComment(fmt.Sprintf(`// Package %[1]s enforces the spec of package %[2]s on a gRPC
// server: interceptors check every call against the spec before its handler
// runs, and remove from responses the fields the caller may not see.
//
//	enforcer := %[1]s.New(resolve)
//	server := grpc.NewServer(enforcer.ServerOptions()...)
//
// resolve is the service's own Resolver: it finds the key a call carries
// (KeyFromContext reads "authorization: Key <id>") and returns its grant.
//
// A denied call ends with a status whose code and message are the spec's
// outcome's, and whose details hold one errdetails.ErrorInfo: its Reason is
// the outcome's status name, its Domain the called service, and its Metadata
// the keys MetadataCode, MetadataStatus, MetadataEndpoint, MetadataReason and
// MetadataMissingScopes.`, pkg, corePkg))

	f.Add(doc("The metadata keys of the errdetails.ErrorInfo of a denied call."))
	f.Const().Defs(
		doc(fmt.Sprintf("MetadataCode is the outcome's numeric code, e.g. %q.", fmt.Sprint(g.m.Outcome(model.InsufficientScopes).Code))),
		jen.Id("MetadataCode").Op("=").Lit("code"),
		doc(fmt.Sprintf("MetadataStatus is the outcome's status name, e.g. %q;\nErrorInfo.Reason holds it too.", g.m.Outcome(model.InsufficientScopes).Status)),
		jen.Id("MetadataStatus").Op("=").Lit("status"),
		doc(fmt.Sprintf("MetadataEndpoint is the full method called, e.g. %q.", method)),
		jen.Id("MetadataEndpoint").Op("=").Lit("endpoint"),
		doc(fmt.Sprintf(`MetadataReason says why the call was denied: the name of a
%s.Reason ("missing_scopes", "principal", "endpoint_not_granted",
"no_credentials", "unknown_endpoint"), or "key_not_found" or "key_invalid"
when the Resolver refused the key.`, corePkg)),
		jen.Id("MetadataReason").Op("=").Lit("reason"),
		doc(fmt.Sprintf(`MetadataMissingScopes lists the scopes the endpoint requires that the
caller lacks, comma-separated, e.g. %q; it is absent
when none are missing or the key was refused.`, missing)),
		jen.Id("MetadataMissingScopes").Op("=").Lit("missing_scopes"),
	)

	f.Add(doc("AuthorizationKey is the metadata key of the credentials of a call:\n\"authorization: Key <id>\"."))
	f.Const().Id("AuthorizationKey").Op("=").Lit("authorization")

	f.Add(doc(`The errors a Resolver returns for a call whose credentials give no grant.
Wrap them to say more in your logs (fmt.Errorf("%w: expired", ErrKeyInvalid)):
the client sees only the outcome.`))
	f.Var().Defs(
		doc(fmt.Sprintf(`ErrNoCredentials: the call carries no credentials. Public endpoints are
called with the zero Grant; any other is refused with
codes.Unauthenticated and %d %s.`, g.m.Outcome(model.KeyNotFound).Code, g.m.Outcome(model.KeyNotFound).Status)),
		jen.Id("ErrNoCredentials").Op("=").Qual("errors", "New").Call(jen.Lit("no credentials")),
		doc(fmt.Sprintf("ErrKeyNotFound: there is no such key. The call is refused with\n%s.", g.outcomeDoc(model.KeyNotFound))),
		jen.Id("ErrKeyNotFound").Op("=").Qual("errors", "New").Call(jen.Lit("key not found")),
		doc(fmt.Sprintf("ErrKeyInvalid: the key is malformed, disabled or expired. The call is\nrefused with %s.", g.outcomeDoc(model.KeyInvalid))),
		jen.Id("ErrKeyInvalid").Op("=").Qual("errors", "New").Call(jen.Lit("key invalid")),
	)

	f.Add(doc(`Resolver returns the grant of the caller of a call, from the call's context
(KeyFromContext reads its key). It returns ErrNoCredentials when the call
carries none, and ErrKeyNotFound or ErrKeyInvalid, or an error wrapping
them, for a key it refuses. An error with a gRPC status (status.Error) ends
the call with that status; any other error ends it with codes.Internal,
without the error's text.

For a collaborator, a key used on an app its owner was invited to, return
what both allow: key.Intersect(invite).

The Resolver runs before the handler of every call of an endpoint of the
spec, public ones included: a key sent to a public endpoint must be valid,
and its scopes may keep fields that would be redacted.`))
	f.Type().Id("Resolver").Func().Params(jen.Id("ctx").Add(ctxType())).Params(g.core("Grant"), jen.Error())

	g.keyFuncs(f)
	g.enforcerType(f)
	g.interceptors(f)
	g.authorize(f, service)
	g.grantContext(f)
	g.serverStream(f)
}

// keyFuncs declares KeyFromContext and WithKey.
func (g *grpcGenerator) keyFuncs(f *jen.File) {
	f.Add(doc(`KeyFromContext returns the key of a call: the <id> of the incoming metadata
"authorization: Key <id>" (the scheme is case-insensitive). It returns
ErrNoCredentials when the call has no authorization metadata, and
ErrKeyInvalid when it is not one Key credential.`))
	f.Func().Id("KeyFromContext").Params(jen.Id("ctx").Add(ctxType())).Params(jen.String(), jen.Error()).Block(
		jen.Id("values").Op(":=").Qual(grpcMetadataPath, "ValueFromIncomingContext").Call(jen.Id("ctx"), jen.Id("AuthorizationKey")),
		jen.If(jen.Len(jen.Id("values")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(""), jen.Id("ErrNoCredentials"))),
		jen.If(jen.Len(jen.Id("values")).Op(">").Lit(1)).Block(jen.Return(jen.Lit(""), jen.Id("ErrKeyInvalid"))),
		jen.List(jen.Id("scheme"), jen.Id("id"), jen.Id("ok")).Op(":=").Qual("strings", "Cut").Call(
			jen.Qual("strings", "TrimSpace").Call(jen.Id("values").Index(jen.Lit(0))), jen.Lit(" ")),
		jen.Id("id").Op("=").Qual("strings", "TrimSpace").Call(jen.Id("id")),
		jen.If(jen.Op("!").Id("ok").
			Op("||").Op("!").Qual("strings", "EqualFold").Call(jen.Id("scheme"), jen.Lit("Key")).
			Op("||").Id("id").Op("==").Lit("").
			Op("||").Qual("strings", "ContainsAny").Call(jen.Id("id"), jen.Lit(" \t"))).Block(
			jen.Return(jen.Lit(""), jen.Id("ErrKeyInvalid")),
		),
		jen.Return(jen.Id("id"), jen.Nil()),
	)

	f.Add(doc("WithKey returns ctx with the outgoing metadata \"authorization: Key <id>\",\nfor clients."))
	f.Func().Id("WithKey").Params(jen.Id("ctx").Add(ctxType()), jen.Id("id").String()).Add(ctxType()).Block(
		jen.Return(jen.Qual(grpcMetadataPath, "AppendToOutgoingContext").Call(jen.Id("ctx"), jen.Id("AuthorizationKey"), jen.Lit("Key ").Op("+").Id("id"))),
	)
}

// enforcerType declares the Enforcer, its options and New.
func (g *grpcGenerator) enforcerType(f *jen.File) {
	e := func() *jen.Statement { return jen.Id("e").Op("*").Id("Enforcer") }
	f.Add(doc("Enforcer checks calls against the spec. Make one with New; it is safe for\nconcurrent use."))
	f.Type().Id("Enforcer").Struct(
		jen.Id("resolve").Id("Resolver"),
		jen.Id("unlisted").Func().Params(jen.Id("fullMethod").String()).Bool(),
		jen.Id("domain").String(),
		jen.Id("grantInContext").Bool(),
		jen.Id("inPlace").Bool(),
		doc("redactors caches, per endpoint, its redacted fields resolved on the\ntype of its responses."),
		jen.Id("redactors").Index(g.core("NumEndpoints").Op("+").Lit(1)).Qual("sync/atomic", "Pointer").Types(jen.Id("redactor")),
	)

	f.Add(doc("Option configures an Enforcer."))
	f.Type().Id("Option").Func().Params(jen.Op("*").Id("Enforcer"))

	option := func(comment, name string, params []jen.Code, body ...jen.Code) {
		f.Add(doc(comment))
		f.Func().Id(name).Params(params...).Id("Option").Block(
			jen.Return(jen.Func().Params(e()).Block(body...)),
		)
	}
	option(fmt.Sprintf(`WithGrantInContext stores the caller's grant in the context of every call
of an endpoint, for GrantFromContext, at the cost of one allocation per
call. Without it, the grant is stored only for the endpoints whose handlers
check request-dependent scopes: %s.`, g.requestScopedDoc()),
		"WithGrantInContext", nil, jen.Id("e").Dot("grantInContext").Op("=").True())
	option(fmt.Sprintf(`PassUnlisted lets the calls of methods that are not endpoints of the spec
go through unchecked when pass returns true for them, e.g. for
"/grpc.health.v1.Health/Check". Every other such call is refused as an
unknown endpoint (%d %s).`, g.m.Outcome(model.UnknownEndpoint).Code, g.m.Outcome(model.UnknownEndpoint).Status),
		"PassUnlisted", []jen.Code{jen.Id("pass").Func().Params(jen.Id("fullMethod").String()).Bool()},
		jen.Id("e").Dot("unlisted").Op("=").Id("pass"))
	_, service, _ := g.example()
	option(fmt.Sprintf(`WithDomain sets the Domain of the ErrorInfo of denied calls; by default it
is the name of the called service, e.g. %q.`, service),
		"WithDomain", []jen.Code{jen.Id("domain").String()},
		jen.Id("e").Dot("domain").Op("=").Id("domain"))
	option(`RedactInPlace removes fields from the response messages the handlers return
instead of from copies of them. Use it only when handlers return messages
they made for the call, never ones they keep or share.`,
		"RedactInPlace", nil, jen.Id("e").Dot("inPlace").Op("=").True())

	f.Add(doc("New returns an Enforcer that finds the grant of each call with resolve."))
	f.Func().Id("New").Params(jen.Id("resolve").Id("Resolver"), jen.Id("opts").Op("...").Id("Option")).Op("*").Id("Enforcer").Block(
		jen.If(jen.Id("resolve").Op("==").Nil()).Block(
			jen.Panic(jen.Lit(g.opts.Package+".New: nil Resolver")),
		),
		jen.Id("e").Op(":=").Op("&").Id("Enforcer").Values(jen.Dict{jen.Id("resolve"): jen.Id("resolve")}),
		jen.For(jen.List(jen.Id("_"), jen.Id("o")).Op(":=").Range().Id("opts")).Block(
			jen.Id("o").Call(jen.Id("e")),
		),
		jen.Return(jen.Id("e")),
	)

	f.Add(doc("ServerOptions returns the options that install the interceptors on a\ngrpc.Server: grpc.NewServer(e.ServerOptions()...)."))
	f.Func().Params(e()).Id("ServerOptions").Params().Index().Qual(grpcPath, "ServerOption").Block(
		jen.Return(jen.Index().Qual(grpcPath, "ServerOption").Values(
			jen.Line().Qual(grpcPath, "ChainUnaryInterceptor").Call(jen.Id("e").Dot("UnaryServerInterceptor").Call()),
			jen.Line().Qual(grpcPath, "ChainStreamInterceptor").Call(jen.Id("e").Dot("StreamServerInterceptor").Call()),
			jen.Line(),
		)),
	)

	f.Add(doc(`UnaryServerInterceptor returns the interceptor of unary calls: it refuses
a call the spec denies, and redacts the response of one it allows. It
allocates nothing of its own for an allowed call whose caller may see the
whole response, or whose response lacks the fields to remove along singular
fields; walking a repeated or map field allocates protoreflect's view of it,
and removing fields allocates a copy of the response (unless RedactInPlace).`))
	f.Func().Params(e()).Id("UnaryServerInterceptor").Params().Qual(grpcPath, "UnaryServerInterceptor").Block(
		jen.Return(jen.Id("e").Dot("unary")),
	)
	f.Add(doc("StreamServerInterceptor returns the interceptor of streaming calls: it\nrefuses a call the spec denies, and redacts every message the server sends\non a stream it allows."))
	f.Func().Params(e()).Id("StreamServerInterceptor").Params().Qual(grpcPath, "StreamServerInterceptor").Block(
		jen.Return(jen.Id("e").Dot("stream")),
	)
}

// interceptors declares the unary and stream interceptors.
func (g *grpcGenerator) interceptors(f *jen.File) {
	e := func() *jen.Statement { return jen.Id("e").Op("*").Id("Enforcer") }
	withGrant := func() *jen.Statement {
		return jen.Qual("context", "WithValue").Call(jen.Id("ctx"), jen.Id("grantKey").Values(), jen.Id("g"))
	}
	f.Func().Params(e()).Id("unary").Params(
		jen.Id("ctx").Add(ctxType()), jen.Id("req").Any(), jen.Id("info").Op("*").Qual(grpcPath, "UnaryServerInfo"), jen.Id("handler").Qual(grpcPath, "UnaryHandler"),
	).Params(jen.Any(), jen.Error()).Block(
		jen.List(jen.Id("g"), jen.Id("d"), jen.Err()).Op(":=").Id("e").Dot("authorize").Call(jen.Id("ctx"), jen.Id("info").Dot("FullMethod")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Id("e").Dot("keepGrant").Call(jen.Id("d").Dot("Endpoint").Call())).Block(
			jen.Id("ctx").Op("=").Add(withGrant()),
		),
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("handler").Call(jen.Id("ctx"), jen.Id("req")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Op("!").Id("d").Dot("Redacts").Call()).Block(
			jen.Return(jen.Id("resp"), jen.Err()),
		),
		jen.Return(jen.Id("e").Dot("redact").Call(jen.Id("d"), jen.Id("resp"))),
	)

	f.Func().Params(e()).Id("stream").Params(
		jen.Id("srv").Any(), jen.Id("ss").Qual(grpcPath, "ServerStream"), jen.Id("info").Op("*").Qual(grpcPath, "StreamServerInfo"), jen.Id("handler").Qual(grpcPath, "StreamHandler"),
	).Error().Block(
		jen.Id("ctx").Op(":=").Id("ss").Dot("Context").Call(),
		jen.List(jen.Id("g"), jen.Id("d"), jen.Err()).Op(":=").Id("e").Dot("authorize").Call(jen.Id("ctx"), jen.Id("info").Dot("FullMethod")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("keep").Op(":=").Id("e").Dot("keepGrant").Call(jen.Id("d").Dot("Endpoint").Call()),
		jen.If(jen.Op("!").Id("keep").Op("&&").Op("!").Id("d").Dot("Redacts").Call()).Block(
			jen.Return(jen.Id("handler").Call(jen.Id("srv"), jen.Id("ss"))),
		),
		jen.If(jen.Id("keep")).Block(
			jen.Id("ctx").Op("=").Add(withGrant()),
		),
		jen.Return(jen.Id("handler").Call(jen.Id("srv"), jen.Op("&").Id("serverStream").Values(jen.Dict{
			jen.Id("ServerStream"): jen.Id("ss"),
			jen.Id("ctx"):          jen.Id("ctx"),
			jen.Id("e"):            jen.Id("e"),
			jen.Id("d"):            jen.Id("d"),
		}))),
	)
}

// authorize declares the decision of a call and the denial statuses.
func (g *grpcGenerator) authorize(f *jen.File, service string) {
	e := func() *jen.Statement { return jen.Id("e").Op("*").Id("Enforcer") }
	zero := func(name string) *jen.Statement { return g.core(name).Values() }
	grpcCodeOf := func(o jen.Code) *jen.Statement {
		return grpcCode("Code").Call(jen.Add(o).Dot("GRPCCode").Call())
	}
	keyErr := func(sentinel string, role model.Role, reason string) (jen.Code, []jen.Code) {
		return jen.Qual("errors", "Is").Call(jen.Err(), jen.Id(sentinel)), []jen.Code{
			jen.Id("o").Op(":=").Add(g.outcome(role)),
			jen.Return(zero("Grant"), zero("Decision"), jen.Id("e").Dot("deny").Call(
				jen.Id("fullMethod"), jen.Id("o"), grpcCodeOf(jen.Id("o")), jen.Lit(reason), zero("Set"))),
		}
	}
	notFoundCond, notFoundBody := keyErr("ErrKeyNotFound", model.KeyNotFound, "key_not_found")
	invalidCond, invalidBody := keyErr("ErrKeyInvalid", model.KeyInvalid, "key_invalid")

	f.Add(doc("authorize decides a call of fullMethod: the caller's grant and the decision,\nor the status error that ends a denied call. An unlisted method let through\ngives the zero Decision."))
	f.Func().Params(e()).Id("authorize").Params(jen.Id("ctx").Add(ctxType()), jen.Id("fullMethod").String()).Params(
		g.core("Grant"), g.core("Decision"), jen.Error(),
	).Block(
		jen.List(jen.Id("ep"), jen.Id("ok")).Op(":=").Add(g.core("LookupEndpoint")).Call(jen.Id("fullMethod")),
		jen.If(jen.Op("!").Id("ok")).Block(
			jen.If(jen.Id("e").Dot("unlisted").Op("!=").Nil().Op("&&").Id("e").Dot("unlisted").Call(jen.Id("fullMethod"))).Block(
				jen.Return(zero("Grant"), zero("Decision"), jen.Nil()),
			),
			jen.Id("d").Op(":=").Add(zero("Grant")).Dot("Check").Call(jen.Id("fullMethod")),
			jen.Return(zero("Grant"), jen.Id("d"), jen.Id("e").Dot("deny").Call(
				jen.Id("fullMethod"), jen.Id("d").Dot("Outcome").Call(), grpcCodeOf(jen.Id("d").Dot("Outcome").Call()),
				jen.Id("d").Dot("Reason").Call().Dot("String").Call(), zero("Set"))),
		),
		jen.List(jen.Id("g"), jen.Err()).Op(":=").Id("e").Dot("resolve").Call(jen.Id("ctx")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Switch().Block(
				jen.Case(jen.Qual("errors", "Is").Call(jen.Err(), jen.Id("ErrNoCredentials"))).Block(
					jen.Id("g").Op("=").Add(zero("Grant")),
				),
				jen.Case(notFoundCond).Block(notFoundBody...),
				jen.Case(invalidCond).Block(invalidBody...),
				jen.Default().Block(
					jen.If(
						jen.List(jen.Id("st"), jen.Id("ok")).Op(":=").Qual(grpcStatusPath, "FromError").Call(jen.Err()),
						jen.Id("ok").Op("&&").Id("st").Dot("Code").Call().Op("!=").Add(grpcCode("OK")),
					).Block(
						jen.Return(zero("Grant"), zero("Decision"), jen.Id("st").Dot("Err").Call()),
					),
					jen.Return(zero("Grant"), zero("Decision"), jen.Qual(grpcStatusPath, "Error").Call(grpcCode("Internal"), jen.Lit("the credentials could not be checked"))),
				),
			),
		),
		jen.Id("d").Op(":=").Id("g").Dot("CheckEndpoint").Call(jen.Id("ep")),
		jen.If(jen.Op("!").Id("d").Dot("Allowed").Call()).Block(
			jen.Id("o").Op(":=").Id("d").Dot("Outcome").Call(),
			jen.Id("code").Op(":=").Add(grpcCodeOf(jen.Id("o"))),
			jen.If(jen.Id("d").Dot("Reason").Call().Op("==").Add(g.core("ReasonNoCredentials"))).Block(
				jen.Id("code").Op("=").Add(grpcCode("Unauthenticated")),
			),
			jen.Return(jen.Id("g"), jen.Id("d"), jen.Id("e").Dot("deny").Call(
				jen.Id("fullMethod"), jen.Id("o"), jen.Id("code"), jen.Id("d").Dot("Reason").Call().Dot("String").Call(), jen.Id("d").Dot("Missing").Call())),
		),
		jen.Return(jen.Id("g"), jen.Id("d"), jen.Nil()),
	)

	f.Add(doc("deny returns the status error of a denied call."))
	f.Func().Params(e()).Id("deny").Params(
		jen.Id("fullMethod").String(), jen.Id("o").Add(g.core("Outcome")), jen.Id("code").Qual(grpcCodesPath, "Code"),
		jen.Id("reason").String(), jen.Id("missing").Add(g.core("Set")),
	).Error().Block(
		jen.Id("md").Op(":=").Map(jen.String()).String().Values(jen.DictFunc(func(d jen.Dict) {
			d[jen.Id("MetadataCode")] = jen.Qual("strconv", "Itoa").Call(jen.Id("o").Dot("Code").Call())
			d[jen.Id("MetadataStatus")] = jen.Id("o").Dot("Status").Call()
			d[jen.Id("MetadataEndpoint")] = jen.Id("fullMethod")
			d[jen.Id("MetadataReason")] = jen.Id("reason")
		})),
		jen.If(jen.Op("!").Id("missing").Dot("IsEmpty").Call()).Block(
			jen.Id("md").Index(jen.Id("MetadataMissingScopes")).Op("=").Id("missing").Dot("String").Call(),
		),
		jen.Id("domain").Op(":=").Id("e").Dot("domain"),
		jen.If(jen.Id("domain").Op("==").Lit("")).Block(
			jen.Id("domain").Op("=").Id("serviceOf").Call(jen.Id("fullMethod")),
		),
		jen.Id("st").Op(":=").Qual(grpcStatusPath, "New").Call(jen.Id("code"), jen.Id("o").Dot("Message").Call()),
		jen.If(
			jen.List(jen.Id("detailed"), jen.Err()).Op(":=").Id("st").Dot("WithDetails").Call(jen.Op("&").Qual(errdetailsPath, "ErrorInfo").Values(jen.Dict{
				jen.Id("Domain"):   jen.Id("domain"),
				jen.Id("Metadata"): jen.Id("md"),
				jen.Id("Reason"):   jen.Id("o").Dot("Status").Call(),
			})),
			jen.Err().Op("==").Nil(),
		).Block(
			jen.Id("st").Op("=").Id("detailed"),
		),
		jen.Return(jen.Id("st").Dot("Err").Call()),
	)

	f.Add(doc("serviceOf returns the service of a full method name: \"pkg.Service\" of\n\"/pkg.Service/Method\"."))
	f.Func().Id("serviceOf").Params(jen.Id("fullMethod").String()).String().Block(
		jen.Id("s").Op(":=").Qual("strings", "TrimPrefix").Call(jen.Id("fullMethod"), jen.Lit("/")),
		jen.If(jen.Id("i").Op(":=").Qual("strings", "LastIndexByte").Call(jen.Id("s"), jen.LitRune('/')), jen.Id("i").Op(">").Lit(0)).Block(
			jen.Return(jen.Id("s").Index(jen.Empty(), jen.Id("i"))),
		),
		jen.Return(jen.Lit(g.opts.CorePackage)),
	)

	f.Add(doc("keepGrant reports whether the grant of a call of ep goes in its context."))
	f.Func().Params(e()).Id("keepGrant").Params(jen.Id("ep").Add(g.core("Endpoint"))).Bool().Block(
		jen.Return(jen.Id("ep").Dot("Valid").Call().Op("&&").Parens(jen.Id("e").Dot("grantInContext").Op("||").Id("requestScoped").Call(jen.Id("ep")))),
	)

	f.Add(doc("requestScoped reports whether the handler of ep checks request-dependent\nscopes, and so needs the caller's grant."))
	eps := g.requestScoped()
	f.Func().Id("requestScoped").Params(jen.Id("ep").Add(g.core("Endpoint"))).Bool().BlockFunc(func(b *jen.Group) {
		if len(eps) == 0 {
			b.Return(jen.False())
			return
		}
		b.Switch(jen.Id("ep")).Block(
			jen.CaseFunc(func(c *jen.Group) {
				for _, ep := range eps {
					c.Add(g.core(ep.GoName))
				}
			}).Block(jen.Return(jen.True())),
		)
		b.Return(jen.False())
	})
}

// grantContext declares GrantFromContext.
func (g *grpcGenerator) grantContext(f *jen.File) {
	f.Add(doc("grantKey is the context key of the caller's grant."))
	f.Type().Id("grantKey").Struct()
	f.Add(doc(fmt.Sprintf(`GrantFromContext returns the caller's grant in a handler of an endpoint
with request-dependent scopes (%s), whose
handler checks them with Grant.Has, or of any endpoint with
WithGrantInContext.`, g.requestScopedDoc())))
	f.Func().Id("GrantFromContext").Params(jen.Id("ctx").Add(ctxType())).Params(g.core("Grant"), jen.Bool()).Block(
		jen.List(jen.Id("g"), jen.Id("ok")).Op(":=").Id("ctx").Dot("Value").Call(jen.Id("grantKey").Values()).Assert(g.core("Grant")),
		jen.Return(jen.Id("g"), jen.Id("ok")),
	)
}

// serverStream declares the stream wrapper of redacted streams.
func (g *grpcGenerator) serverStream(f *jen.File) {
	s := func() *jen.Statement { return jen.Id("s").Op("*").Id("serverStream") }
	f.Add(doc("serverStream is a stream whose context holds the caller's grant and whose\nmessages are redacted."))
	f.Type().Id("serverStream").Struct(
		jen.Qual(grpcPath, "ServerStream"),
		jen.Id("ctx").Add(ctxType()),
		jen.Id("e").Op("*").Id("Enforcer"),
		jen.Id("d").Add(g.core("Decision")),
	)
	f.Func().Params(s()).Id("Context").Params().Add(ctxType()).Block(jen.Return(jen.Id("s").Dot("ctx")))
	f.Func().Params(s()).Id("SendMsg").Params(jen.Id("m").Any()).Error().Block(
		jen.If(jen.Id("s").Dot("d").Dot("Redacts").Call()).Block(
			jen.List(jen.Id("r"), jen.Err()).Op(":=").Id("s").Dot("e").Dot("redact").Call(jen.Id("s").Dot("d"), jen.Id("m")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("m").Op("=").Id("r"),
		),
		jen.Return(jen.Id("s").Dot("ServerStream").Dot("SendMsg").Call(jen.Id("m"))),
	)
}
