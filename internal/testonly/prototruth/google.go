package prototruth

import (
	"context"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// OAuthScopesField is the field number of google.api.oauth_scopes, an
// extension of google.protobuf.ServiceOptions (google/api/client.proto).
const OAuthScopesField = 1050

// ServiceScopes compiles files (import paths, relative to one of roots,
// which must hold every import but the standard google/protobuf ones) and
// returns for each method, by full name (/pkg.Service/Method), the scopes
// its service's google.api.oauth_scopes lists, split at its commas, in
// order: what Google's protos say, as protoc reads them. The methods of a
// service without the option have none (an empty, non-nil list).
func ServiceScopes(roots, files []string) (map[string][]string, error) {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: roots})}
	compiled, err := c.Compile(context.Background(), files...)
	if err != nil {
		return nil, fmt.Errorf("the files do not compile: %v", err)
	}
	out := map[string][]string{}
	for _, f := range compiled {
		for i := 0; i < f.Services().Len(); i++ {
			sd := f.Services().Get(i)
			scopes := []string{}
			sd.Options().ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
				if fd.IsExtension() && fd.Number() == OAuthScopesField && fd.ContainingMessage().FullName() == "google.protobuf.ServiceOptions" {
					scopes = strings.Split(v.String(), ",")
				}
				return true
			})
			for j := 0; j < sd.Methods().Len(); j++ {
				out["/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name())] = scopes
			}
		}
	}
	return out, nil
}
