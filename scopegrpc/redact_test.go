package scopegrpc_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/scopegen/scopegen/internal/testonly/testpb"
	scopes "github.com/scopegen/scopegen/internal/testonly/testscopes"
	"github.com/scopegen/scopegen/scopegrpc"
)

// protoField is a field of a message of stubService: a scalar string, or of
// message type typeName (".pkg.Message"), named name in the proto and
// jsonName in JSON.
func protoField(name, jsonName string, number int32, typeName string) *descriptorpb.FieldDescriptorProto {
	f := &descriptorpb.FieldDescriptorProto{
		Name:     proto.String(name),
		JsonName: proto.String(jsonName),
		Number:   proto.Int32(number),
		Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
	}
	if typeName != "" {
		f.Type = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum()
		f.TypeName = proto.String(typeName)
	}
	return f
}

// stubService returns the service pkg.Items of a proto3 file of its own,
// whose one method, method, takes and returns messages named in and out, among
// messages (name, then fields).
func stubService(t *testing.T, pkg, method, in, out string, messages map[string][]*descriptorpb.FieldDescriptorProto) protoreflect.ServiceDescriptor {
	t.Helper()
	file := &descriptorpb.FileDescriptorProto{
		Name:    proto.String(pkg + "_" + method + ".proto"),
		Package: proto.String(pkg),
		Syntax:  proto.String("proto3"),
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Items"),
			Method: []*descriptorpb.MethodDescriptorProto{{
				Name:       proto.String(method),
				InputType:  proto.String("." + pkg + "." + in),
				OutputType: proto.String("." + pkg + "." + out),
			}},
		}},
	}
	for _, name := range []string{in, out, "Item", "Data", "Concept"} {
		if fields, ok := messages[name]; ok {
			file.MessageType = append(file.MessageType, &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields})
		}
	}
	fd, err := protodesc.NewFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Services().Get(0)
}

// TestCheckRedactionsPaths: CheckRedactions reports a redacted field whose
// path goes through a field that is not a message, takes a field by its JSON
// name as by its proto name, checks only the methods that are endpoints of
// the spec, and reports the errors of every service it is given.
// (TestCheckRedactions covers fields that are missing.)
func TestCheckRedactionsPaths(t *testing.T) {
	check := scopegrpc.CheckRedactions[scopes.Grant, scopes.Decision]
	const test = ".scopegen.test."
	request := []*descriptorpb.FieldDescriptorProto{protoField("id", "id", 1, "")}

	// GetItemResponse.item is a string: neither item.data.concepts nor
	// item.secret is a field of it.
	scalar := stubService(t, "scopegen.test", "GetItem", "GetItemRequest", "GetItemResponse", map[string][]*descriptorpb.FieldDescriptorProto{
		"GetItemRequest":  request,
		"GetItemResponse": {protoField("item", "item", 1, "")},
	})
	// HealthResponse has no featured item.
	featureless := stubService(t, "scopegen.test", "Health", "GetItemRequest", "HealthResponse", map[string][]*descriptorpb.FieldDescriptorProto{
		"GetItemRequest": request,
		"HealthResponse": {protoField("status", "status", 1, "")},
	})
	err := check(scalar, featureless)
	if err == nil {
		t.Fatal("CheckRedactions passed a GetItemResponse whose item is a string and a HealthResponse without featured")
	}
	for _, want := range []string{
		"/scopegen.test.Items/GetItem: cannot redact field item.data.concepts of scopegen.test.GetItemResponse: scopegen.test.GetItemResponse.item is not a message",
		"/scopegen.test.Items/GetItem: cannot redact field item.secret of scopegen.test.GetItemResponse: scopegen.test.GetItemResponse.item is not a message",
		`/scopegen.test.Items/Health: cannot redact field featured.secret of scopegen.test.HealthResponse: scopegen.test.HealthResponse has no field "featured"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRedactions = %v\nwant it to say %s", err, want)
		}
	}
	if n := strings.Count(err.Error(), "cannot redact"); n != 3 {
		t.Errorf("CheckRedactions reported %d fields, want 3:\n%v", n, err)
	}

	// Fields named differently in the proto, whose JSON names are the
	// spec's paths.
	byJSON := stubService(t, "scopegen.test", "GetItem", "GetItemRequest", "GetItemResponse", map[string][]*descriptorpb.FieldDescriptorProto{
		"GetItemRequest":  request,
		"GetItemResponse": {protoField("the_item", "item", 1, test+"Item")},
		"Item":            {protoField("item_data", "data", 1, test+"Data"), protoField("secret_text", "secret", 2, "")},
		"Data":            {protoField("concept_list", "concepts", 1, test+"Concept")},
		"Concept":         {protoField("id", "id", 1, "")},
	})
	if err := check(byJSON); err != nil {
		t.Errorf("fields found by their JSON names: %v", err)
	}

	// The same broken GetItem in a service that is not the spec's.
	other := stubService(t, "other", "GetItem", "GetItemRequest", "GetItemResponse", map[string][]*descriptorpb.FieldDescriptorProto{
		"GetItemRequest":  request,
		"GetItemResponse": {protoField("item", "item", 1, "")},
	})
	if err := check(other, testpb.File_items_proto.Services().Get(0)); err != nil {
		t.Errorf("a service whose methods are not endpoints, and the test service: %v", err)
	}
	if err := check(); err != nil {
		t.Errorf("no services: %v", err)
	}
}

// TestConcurrentRedactors calls one Enforcer's interceptors from many
// goroutines at once, each endpoint first by all of them together, and one
// endpoint alternately with its response type and with another: redactors
// are resolved, cached and replaced under concurrent calls, and each call is
// redacted by the one of its response type. The handlers' messages are
// shared, and must not change. Run it with -race.
func TestConcurrentRedactors(t *testing.T) {
	e := scopegrpc.New[scopes.Grant, scopes.Decision](fixedResolver(mustGrant(t, scopes.AppKey, "Items:Get")))
	items := stored()
	before := proto.Clone(&testpb.ListItemsResponse{Items: items})
	calls := []func() error{
		func() error {
			o := invoke(e, context.Background(), getItem, false, &testpb.GetItemResponse{Item: items[0]})
			if o.err != nil || !proto.Equal(o.sent[0].(*testpb.GetItemResponse).Item, redactedItem(items[0])) {
				return fmt.Errorf("GetItem: %v, %v", o.sent, o.err)
			}
			return nil
		},
		func() error {
			o := invoke(e, context.Background(), getItem, false, &testpb.HealthResponse{Status: "secret", Featured: items[0]})
			if st := status.Convert(o.err); st.Code() != codes.Internal || !strings.Contains(st.Message(), `has no field "item"`) {
				return fmt.Errorf("GetItem answered with a HealthResponse: %v, %v; want Internal", o.sent, o.err)
			}
			return nil
		},
		func() error {
			o := invoke(e, context.Background(), listItems, false, &testpb.ListItemsResponse{Items: items})
			if o.err != nil {
				return fmt.Errorf("ListItems: %v", o.err)
			}
			got := o.sent[0].(*testpb.ListItemsResponse).Items[0]
			if got.Data.Concepts != nil || got.Variants["small"].Concepts != nil || got.Children[0].Secret != "" || got.Secret == "" {
				return fmt.Errorf("ListItems: %v", got)
			}
			return nil
		},
		func() error {
			o := invoke(e, context.Background(), "/scopegen.test.Items/Health", false, &testpb.HealthResponse{Status: "ok", Featured: items[0]})
			if o.err != nil || o.sent[0].(*testpb.HealthResponse).Featured.Secret != "" {
				return fmt.Errorf("Health: %v, %v", o.sent, o.err)
			}
			return nil
		},
		func() error {
			o := invoke(e, context.Background(), watchItems, true, items[0])
			if o.err != nil || len(o.sent) != 1 || o.sent[0].(*testpb.Item).Data.Concepts != nil {
				return fmt.Errorf("WatchItems: %v, %v", o.sent, o.err)
			}
			return nil
		},
	}
	start := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range 40 {
				if err := calls[(g+i)%len(calls)](); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !proto.Equal(before, &testpb.ListItemsResponse{Items: items}) {
		t.Error("redaction changed the handlers' messages")
	}
}
