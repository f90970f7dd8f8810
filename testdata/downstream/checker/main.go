// Command checker uses the package that scopegen generates in a downstream
// module by the README's steps (from the shipped spec, copied there as
// api/scopes.yaml). cmd/scopegen's TestDownstream copies it into that module
// and runs it; the README's example of the generated package is quoted from
// run, and what it prints is checked against the example's comments.
package main

import (
	"fmt"
	"os"
	"slices"

	"example.com/svc/internal/scopes"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the README's example: a key made from names, and one made from
// typed values.
func run() error {
	key, err := scopes.NewGrant(scopes.AppKey, []string{"Inputs:Get"}, nil)
	if err != nil {
		return err // an unknown scope or endpoint name
	}
	d := key.Check("/clarifai.api.V2/ListInputs")
	fmt.Println(d.Allowed(), slices.Collect(d.Redacted())) // true [inputs.data.concepts]
	d = key.Check("/clarifai.api.V2/PostInputs")
	fmt.Println(d.Allowed(), d.Code(), d.Missing()) // false 11007 Inputs:Add

	// The seed's search-only key: a Set of scopes, restricted to one endpoint.
	search := scopes.MakeGrant(scopes.AppKey, scopes.NewSet(scopes.Predict, scopes.Search), scopes.PostSearches)
	fmt.Println(search.Check("/clarifai.api.V2/PostSearches").Allowed())    // true
	fmt.Println(search.Check("/clarifai.api.V2/PostModelOutputs").Reason()) // endpoint_not_granted
	return nil
}
