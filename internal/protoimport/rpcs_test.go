package protoimport_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scopegen/scopegen/internal/protoimport"
)

// TestRPCs: every RPC of the services the files define, nested messages and
// enums aside, at the position of its name; imports are not followed.
func TestRPCs(t *testing.T) {
	a := `syntax = "proto3";
package shop.api;
import "not/at/hand.proto";

message Order { message Line {} }

service Orders {
  rpc GetOrder (Order) returns (Order);
	rpc ListOrders (Order) returns (stream Order) {
    option deprecated = true;
  }
}

service Admin { rpc Reindex (Order) returns (Order); }
`
	b := "syntax = \"proto3\";\nservice Health { rpc Check (A) returns (A); }\n"
	got, err := protoimport.RPCs([]protoimport.Source{
		{Name: "shop/api/orders.proto", Data: []byte(a)},
		{Name: "health.proto", Data: []byte(b)},
		{Name: "again/orders.proto", Key: "shop/api/orders.proto", Data: []byte(a)}, // the same file: read once
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s %s", r.Pos, r.Method, r.Service, r.ServicePos))
	}
	want := []string{
		"shop/api/orders.proto:8:7 /shop.api.Orders/GetOrder shop.api.Orders shop/api/orders.proto:7:9",
		"shop/api/orders.proto:9:13 /shop.api.Orders/ListOrders shop.api.Orders shop/api/orders.proto:7:9", // the tab moves to column 9, as protoc counts
		"shop/api/orders.proto:14:21 /shop.api.Admin/Reindex shop.api.Admin shop/api/orders.proto:14:9",
		"health.proto:2:22 /Health/Check Health health.proto:2:9",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("RPCs:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestRPCsErrors: syntax errors, a service or method defined twice and the
// limits on hostile input are errors at their file:line:col, as Import
// reports them.
func TestRPCsErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		files []string // name, contents, ...
		want  []string
	}{
		{"syntax", []string{"a.proto", "syntax = \"proto3\";\nservice S { rpc M (A) returns (A) }\n"},
			[]string{"a.proto:2:"}},
		{"service twice", []string{
			"a.proto", "package p; service S { rpc M (A) returns (A); }",
			"b.proto", "package p;\nservice S { rpc N (A) returns (A); }"},
			[]string{"b.proto:2:9: service p.S is defined twice (first at a.proto:1:20); protoc refuses this too: pass only one of a.proto and b.proto"}},
		{"method twice", []string{"a.proto", "service S {\n rpc M (A) returns (A);\n rpc M (A) returns (A);\n}"},
			[]string{"a.proto:3:6: method /S/M is defined twice (first at a.proto:2:6); protoc refuses this too: rename or remove one"}},
		{"nesting", []string{"a.proto", "service S " + strings.Repeat("{", protoimport.MaxNesting+1)},
			[]string{fmt.Sprintf("a.proto:1:%d: brackets ({, [, ( and <) nest more than %d deep here", 11+protoimport.MaxNesting, protoimport.MaxNesting)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var srcs []protoimport.Source
			for i := 0; i+1 < len(c.files); i += 2 {
				srcs = append(srcs, protoimport.Source{Name: c.files[i], Data: []byte(c.files[i+1])})
			}
			rpcs, err := protoimport.RPCs(srcs)
			if err == nil {
				t.Fatalf("no error; RPCs %v", rpcs)
			}
			diags := diagnostics(t, err)
			if len(diags) != len(c.want) {
				t.Fatalf("errors:\n%v\nwant %d", err, len(c.want))
			}
			for i, d := range diags {
				if !strings.HasPrefix(d.String(), c.want[i]) {
					t.Errorf("error %q; want it to start with %q", d, c.want[i])
				}
			}
		})
	}
}
