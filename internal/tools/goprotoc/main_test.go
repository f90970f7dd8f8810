package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/pluginpb"
)

// TestMain makes the test binary a protoc plugin when GOPROTOC_TEST_PLUGIN
// is set: it answers with one file, NAME.txt, that lists what the request
// held, so that the tests see what goprotoc hands a plugin.
func TestMain(m *testing.M) {
	if name := os.Getenv("GOPROTOC_TEST_PLUGIN"); name != "" {
		in, _ := io.ReadAll(os.Stdin)
		req := &pluginpb.CodeGeneratorRequest{}
		if err := proto.Unmarshal(in, req); err != nil {
			panic(err)
		}
		var b strings.Builder
		b.WriteString("generate: " + strings.Join(req.FileToGenerate, " ") + "\n")
		b.WriteString("parameter: " + req.GetParameter() + "\n")
		for _, f := range req.ProtoFile {
			b.WriteString("file: " + f.GetName() + "\n")
		}
		resp := &pluginpb.CodeGeneratorResponse{File: []*pluginpb.CodeGeneratorResponse_File{
			{Name: proto.String("out/" + name + ".txt"), Content: proto.String(b.String())},
		}}
		if name == "fails" {
			resp = &pluginpb.CodeGeneratorResponse{Error: proto.String("this plugin always fails")}
		}
		out, _ := proto.Marshal(resp)
		os.Stdout.Write(out)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRun: the plugin gets the files to generate, its parameters joined
// with commas, and every file they import before them (the standard imports
// too), each once; its files are written under its --NAME_out directory.
func TestRun(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	t.Setenv("GOPROTOC_TEST_PLUGIN", "echo")
	inv, err := parseArgs([]string{
		"-I", "testdata/protos",
		"--plugin=protoc-gen-echo=" + self,
		"--echo_out=" + out, "--echo_opt=paths=source_relative", "--echo_opt=simple=true",
		"main.proto",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(inv); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "out", "echo.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := `generate: main.proto
parameter: paths=source_relative,simple=true
file: dep/dep.proto
file: google/protobuf/timestamp.proto
file: main.proto
`
	if string(got) != want {
		t.Errorf("the plugin saw\n%s\nwant\n%s", got, want)
	}
}

// TestPluginError: a plugin's error ends goprotoc with it, and writes
// nothing.
func TestPluginError(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	t.Setenv("GOPROTOC_TEST_PLUGIN", "fails")
	inv, err := parseArgs([]string{"-Itestdata/protos", "--plugin=protoc-gen-x=" + self, "--x_out=" + out, "main.proto"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(inv); err == nil || !strings.Contains(err.Error(), "plugin x: this plugin always fails") {
		t.Errorf("run: %v, want the plugin's error", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("wrote %d files after an error", len(entries))
	}
}

// TestBadProto: a proto that does not compile gets protocompile's error,
// with its position.
func TestBadProto(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.proto"), []byte("syntax = \"proto3\";\nmessage M { strin x = 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := parseArgs([]string{"-I", dir, "--go_out=.", "bad.proto"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(inv); err == nil || !strings.Contains(err.Error(), "bad.proto:2:") {
		t.Errorf("run: %v, want an error at bad.proto:2", err)
	}
}

// TestParseArgs: protoc's flags, and errors for what goprotoc does not take.
func TestParseArgs(t *testing.T) {
	inv, err := parseArgs([]string{"-I", "a", "-Ib", "--proto_path=c", "--go_out=x", "--go_opt=p=1", "--plugin=protoc-gen-go=go run example.com/gen@v1", "f.proto"})
	if err != nil {
		t.Fatal(err)
	}
	p := inv.plugins[0]
	if strings.Join(inv.imports, " ") != "a b c" || len(inv.plugins) != 1 || p.name != "go" || p.out != "x" ||
		strings.Join(p.params, ",") != "p=1" || strings.Join(p.command, "|") != "go|run|example.com/gen@v1" || strings.Join(inv.files, " ") != "f.proto" {
		t.Errorf("parseArgs = %+v, plugin %+v", inv, p)
	}
	// protoc's --NAME_out=PARAMS:DIR, and a plugin whose name ends in _opt.
	inv, err = parseArgs([]string{"--go_out=paths=source_relative:out", "--foo_opt_out=d", "f.proto"})
	if err != nil {
		t.Fatal(err)
	}
	if go_, foo := inv.plugins[0], inv.plugins[1]; go_.out != "out" || strings.Join(go_.params, ",") != "paths=source_relative" || foo.name != "foo_opt" || foo.out != "d" {
		t.Errorf("parseArgs: plugins %+v, %+v", go_, foo)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--go_out=x"}, "no .proto files"},
		{[]string{"f.proto"}, "no --NAME_out flag"},
		{[]string{"--go_opt=a", "f.proto"}, "--go_opt or --plugin=protoc-gen-go without --go_out"},
		{[]string{"--include_imports", "--go_out=.", "f.proto"}, "unknown flag --include_imports"},
		{[]string{"--plugin=gen=x", "f.proto"}, "want --plugin=protoc-gen-NAME=COMMAND"},
		{[]string{"-v", "f.proto"}, "unknown flag -v"},
		{[]string{"-I"}, "-I needs a directory"},
	} {
		if _, err := parseArgs(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseArgs(%q): %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestHelp: -h prints the usage and exits 0.
func TestHelp(t *testing.T) {
	cmd := exec.Command("go", "run", ".", "-h")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "usage: goprotoc") {
		t.Errorf("goprotoc -h: %v\n%s", err, out)
	}
}

// TestSourceRetention: as protoc does, a file to generate comes without its
// source-retention options in proto_file and whole in
// source_file_descriptors.
func TestSourceRetention(t *testing.T) {
	inv, err := parseArgs([]string{"-I", "testdata/protos", "--x_out=.", "retention.proto"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := request(inv)
	if err != nil {
		t.Fatal(err)
	}
	last := req.ProtoFile[len(req.ProtoFile)-1]
	if last.GetName() != "retention.proto" || len(req.SourceFileDescriptors) != 1 {
		t.Fatalf("proto_file ends with %s, %d source_file_descriptors", last.GetName(), len(req.SourceFileDescriptors))
	}
	if b, _ := proto.Marshal(last.GetMessageType()[0].GetOptions()); len(b) != 0 {
		t.Errorf("proto_file keeps the source-retention option: %v", last.GetMessageType()[0].GetOptions())
	}
	if b, _ := proto.Marshal(req.SourceFileDescriptors[0].GetMessageType()[0].GetOptions()); len(b) == 0 {
		t.Error("source_file_descriptors lost the source-retention option")
	}
}

// TestUnsupportedFeature: a plugin that does not declare proto3 optional
// support is refused on a file that has such a field, as protoc refuses it.
func TestUnsupportedFeature(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROTOC_TEST_PLUGIN", "echo")
	inv, err := parseArgs([]string{"-I", "testdata/protos", "--plugin=protoc-gen-echo=" + self, "--echo_out=" + t.TempDir(), "retention.proto"})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(inv); err == nil || !strings.Contains(err.Error(), "plugin echo does not support proto3 optional fields, which retention.proto has") {
		t.Errorf("run: %v, want a refusal", err)
	}
}
