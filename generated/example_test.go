package generated_test

import (
	"fmt"

	scopes "github.com/scopegen/scopegen/generated"
)

// A key made with Inputs:Get but not Concepts:Get may list inputs, without
// their concepts, and may not add any.
func ExampleGrant_Check() {
	key, err := scopes.NewGrant(scopes.AppKey, []string{"Inputs:Get"}, nil)
	if err != nil {
		panic(err) // an unknown scope or endpoint name
	}
	d := key.Check("/clarifai.api.V2/ListInputs")
	fmt.Println(d.Allowed(), d.Reason())
	for field := range d.Redacted() {
		fmt.Println("redact", field)
	}
	d = key.Check("/clarifai.api.V2/PostInputs")
	fmt.Println(d.Allowed(), d.Code(), d.Status(), d.Missing())
	// Output:
	// true allowed
	// redact inputs.data.concepts
	// false 11007 CONN_INSUFFICIENT_SCOPES Inputs:Add
}

// A collaborator may do only what both the invite and their own key allow.
func ExampleGrant_Intersect() {
	invite, _ := scopes.NewGrant(scopes.AppKey|scopes.PersonalAccessToken, []string{"Inputs:Get", "Concepts:Get"}, nil)
	key, _ := scopes.NewGrant(scopes.PersonalAccessToken, []string{"All"}, nil)
	collaborator := key.Intersect(invite)
	fmt.Println(collaborator.Check("/clarifai.api.V2/ListInputs").Allowed())
	fmt.Println(collaborator.Check("/clarifai.api.V2/DeleteInputs").Missing())
	// Output:
	// true
	// Inputs:Delete
}

// A key's prerequisites are checked when it is made; Closure is what a portal
// selects by itself.
func ExampleGrant_MissingPrerequisites() {
	key, _ := scopes.NewGrant(scopes.AppKey, []string{"Models:Patch"}, nil)
	for _, p := range key.MissingPrerequisites() {
		fmt.Println(p.Scope, "needs", p.Missing)
	}
	fmt.Println(key.Closure().Scopes())
	// Output:
	// Models:Patch needs Models:Get,Models:Train
	// Models:Get,Models:Patch,Models:Train
}
