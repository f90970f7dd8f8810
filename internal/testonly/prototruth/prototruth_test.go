package prototruth_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/scopegen/scopegen/internal/model"
	"github.com/scopegen/scopegen/internal/protoimport"
	"github.com/scopegen/scopegen/internal/testonly/prototruth"
)

// store has its rules in fields of message-typed options, set as message
// literals and field by field, and HTTP bindings of every form; it imports
// google/api/annotations.proto, which only the stand-in provides.
const store = `syntax = "proto3";
package r.v1;
import "google/protobuf/descriptor.proto";
import "google/api/annotations.proto";

enum Perm {
  UNSET = 0;
  // Read.
  READ = 1 [(perm) = { exposed: true }];
  WRITE = 2 [(perm).needs = READ, (r.v1.perm).needs = READ, deprecated = true];
  reserved 5 to 7;
  reserved "OLD";
}
enum Auth { A_UNSET = 0; KEY = 1; NONE = 2; }
message PermOptions { bool exposed = 1; repeated Perm needs = 2; }
message Rule { Auth auth = 1; repeated Perm requires = 2; }
extend google.protobuf.EnumValueOptions { PermOptions perm = 51001; }
extend google.protobuf.MethodOptions { Rule rule = 51002; }
message M {}

service S {
  // Reads
  //   a value.
  rpc Get (M) returns (M) {
    option (rule) = { auth: KEY requires: [READ, WRITE] };
    option (google.api.http) = {
      get: "/v1/x"
      additional_bindings { custom { kind: "HEAD" path: "/v1/x" } }
      additional_bindings { post: "/v1/x:get" body: "*" response_body: "value" }
    };
  }

  rpc Put (M) returns (M) {
    option deprecated = true;
    option (rule).auth = KEY;
    option (.r.v1.rule).requires = WRITE;
    option (google.api.http).put = "/v1/x";
  }
  rpc Ping (M) returns (M) { option (rule).auth = NONE; }
}
`

func TestCompile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "r", "v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r", "v1", "store.proto"), []byte(store), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &protoimport.Config{
		Enum: "r.v1.Perm", Names: protoimport.NamesKeep,
		Depends: []string{"(r.v1.perm).needs"}, Exposed: []string{"(r.v1.perm).exposed"},
		Requires: []string{"(r.v1.rule).requires"}, Auth: []string{"(r.v1.rule).auth"},
		AuthMap: map[string]protoimport.Target{"KEY": {Kinds: []string{"pat"}}, "NONE": {Public: true}},
	}
	api, err := prototruth.Compile(cfg, []string{dir}, []string{"r/v1/store.proto"})
	if err != nil {
		t.Fatal(err)
	}
	want := &prototruth.API{
		Enum: "r.v1.Perm",
		Scopes: []prototruth.Scope{
			{Value: "UNSET"},
			{Value: "READ", Number: 1, Exposed: true, Comment: " Read.\n"},
			{Value: "WRITE", Number: 2, Depends: []string{"READ", "READ"}, Deprecated: true},
		},
		ReservedRanges: [][2]int32{{5, 7}},
		ReservedNames:  []string{"OLD"},
		RPCs: []prototruth.RPC{
			{Method: "/r.v1.S/Get", Requires: []string{"READ", "WRITE"}, Auth: "KEY", Comment: " Reads\n   a value.\n",
				HTTP: []string{"GET /v1/x", "HEAD /v1/x", "POST /v1/x:get"}},
			{Method: "/r.v1.S/Put", Requires: []string{"WRITE"}, Auth: "KEY", HTTP: []string{"PUT /v1/x"}, Deprecated: true},
			{Method: "/r.v1.S/Ping", Auth: "NONE"},
		},
	}
	if !reflect.DeepEqual(api, want) {
		t.Errorf("Compile:\n got %+v\nwant %+v", api, want)
	}

	exp, err := api.Expect(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantExp := prototruth.Expect{
		RPCs: []prototruth.ExpectRPC{
			{Method: "/r.v1.S/Get", Kinds: int(model.PersonalAccessToken), Requires: []string{"READ", "WRITE"}},
			{Method: "/r.v1.S/Put", Kinds: int(model.PersonalAccessToken), Requires: []string{"WRITE"}},
			{Method: "/r.v1.S/Ping", Public: true, Requires: []string{}},
		},
		Scopes: []prototruth.ExpectScope{
			{Name: "READ", ID: 1, Requires: []string{}},
			{Name: "WRITE", ID: 2, Requires: []string{"READ"}, Deprecated: true},
		},
	}
	if !reflect.DeepEqual(exp, wantExp) {
		t.Errorf("Expect:\n got %+v\nwant %+v", exp, wantExp)
	}

	// An auth type the config does not map is an error, as in the import.
	delete(cfg.AuthMap, "NONE")
	if _, err := api.Expect(cfg); err == nil {
		t.Error("Expect with NONE unmapped: no error")
	}
	// Files that do not compile say why.
	if _, err := prototruth.Compile(cfg, []string{dir}, []string{"r/v1/missing.proto"}); err == nil {
		t.Error("Compile of a missing file: no error")
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "package", "proto", "clarifai", "api", "service.proto")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	root, rel, err := prototruth.Find(dir, "clarifai/api/service.proto")
	if err != nil || root != filepath.Join(dir, "package") || rel != "proto/clarifai/api/service.proto" {
		t.Errorf("Find = %q, %q, %v", root, rel, err)
	}
	if _, _, err := prototruth.Find(dir, "clarifai/api/other.proto"); err == nil {
		t.Error("Find of a missing file: no error")
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		" Read the\n   store.\n":         "Read the store.",
		" ////\n Rule.\n ----\n":         "Rule.",
		" A block\n * comment.\n":        "A block comment.",
		"":                               "",
		" tab\tand  spaces\n":            "tab and spaces",
		" Raw text\n Optionally, more\n": "Raw text. Optionally, more",
		" added via\n PostInputs and\n done (ok)\n Experimental.\n": "added via PostInputs and done (ok). Experimental.",
		" a list,\n Then\n": "a list, Then",
	} {
		if got := prototruth.OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
