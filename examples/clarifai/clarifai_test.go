package clarifai_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopegen/scopegen/examples/clarifai"
	"github.com/scopegen/scopegen/examples/clarifai/api"
	"github.com/scopegen/scopegen/internal/testonly/grpctest"
)

// client serves the example server with the demo keys in memory and returns
// a client of it.
func client(t *testing.T) api.V2Client {
	t.Helper()
	store, err := clarifai.NewStore(clarifai.DemoKeys(time.Now()), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := clarifai.NewServer(clarifai.NewService(), store)
	if err != nil {
		t.Fatal(err)
	}
	return api.NewV2Client(grpctest.Serve(t, srv.Server))
}

// TestTour runs the tour of go run ./clarifai/server -tour.
func TestTour(t *testing.T) {
	var out bytes.Buffer
	if err := clarifai.Tour(context.Background(), client(t), &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != tour {
		t.Errorf("the tour gave\n%s\nwant\n%s", got, tour)
	}
}

// TestEveryMethod calls every method of the client with a key that may call
// it, as go run ./clarifai/client does.
func TestEveryMethod(t *testing.T) {
	c := client(t)
	args := map[string]string{"GetInput": "dog-1", "GetModel": "pets", "PostInputs": "https://x/y.jpg", "PostModelOutputs": "https://x/y.jpg"}
	for m := range clarifai.Methods {
		resp, err := clarifai.Invoke(context.Background(), c, "pat-admin", m, args[m])
		if err != nil {
			t.Errorf("%s: %v", m, err)
			continue
		}
		if s := clarifai.Summary(resp); !strings.HasPrefix(s, "OK: ") {
			t.Errorf("%s: %s", m, s)
		}
	}
}

const tour = `KEY           CALL              RESULT
app-full      ListInputs        OK: dog-1 concepts [dog grass]; cat-1 concepts [cat]
app-reader    ListInputs        OK: dog-1 concepts []; cat-1 concepts []
app-reader    GetModel pets     OK: model pets concepts []
app-reader    ListConcepts      PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Concepts:Get]
app-reader    PostInputs        PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Inputs:Add]
predict-only  PostModelOutputs  OK: predicted concepts [dog cat]
predict-only  ListInputs        PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=endpoint_not_granted]
collaborator  GetInput dog-1    OK: dog-1 concepts []
collaborator  ListConcepts      PermissionDenied: the key lacks the scopes this call needs [11007 CONN_INSUFFICIENT_SCOPES reason=missing_scopes missing=Concepts:Get]
pat-admin     GetModel pets     OK: model pets concepts [cat dog grass]
expired       ListInputs        Unauthenticated: the key is invalid, disabled or expired [11008 CONN_KEY_INVALID reason=key_invalid]
disabled      ListInputs        Unauthenticated: the key is invalid, disabled or expired [11008 CONN_KEY_INVALID reason=key_invalid]
nobody        ListInputs        Unauthenticated: the key was not found [11009 CONN_KEY_NOT_FOUND reason=key_not_found]
(none)        ListInputs        Unauthenticated: the key was not found [11009 CONN_KEY_NOT_FOUND reason=no_credentials missing=Inputs:Get]
`

// TestREADME: the lines of the tour that the README's section "Enforcing on a
// gRPC server" quotes are lines the tour prints. It is skipped while the
// README has no such section.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("no README.md above the examples module:", err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Enforcing on a gRPC server\n")
	if !ok {
		t.Skip("README.md has no section \"Enforcing on a gRPC server\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```text\n")
	if !ok {
		t.Fatal("the README's section \"Enforcing on a gRPC server\" has no ```text block of the tour")
	}
	block, _, _ = strings.Cut(block, "```")
	printed := map[string]bool{}
	for _, line := range strings.Split(tour, "\n") {
		printed[line] = true
	}
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if !printed[line] {
			t.Errorf("the README quotes a line the tour does not print:\n%s", line)
		}
	}
}
