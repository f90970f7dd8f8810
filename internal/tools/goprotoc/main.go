// Command goprotoc runs protoc plugins on .proto files without protoc: it
// compiles them with protocompile, as import-proto does, and hands the
// plugins what protoc would (a CodeGeneratorRequest on stdin), so that
// regenerating the repository's test protos needs only the go command.
//
// It takes protoc's flags, the few this repository uses:
//
//	go run ./internal/tools/goprotoc -I ../testdata \
//		--plugin=protoc-gen-go='go run google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12' \
//		--go_out=. --go_opt=paths=source_relative items.proto
//
// The plugin of --NAME_out is the command protoc-gen-NAME, found on PATH as
// protoc finds it, unless --plugin=protoc-gen-NAME=COMMAND names another
// command (its words split at spaces): "go run MODULE/cmd@VERSION" pins a
// plugin's version without installing it or adding it to go.mod. The files
// are compiled with the standard imports (google/protobuf/*.proto)
// available. Unlike protoc, it tells the plugins no compiler version, so the
// generated headers say "protoc (unknown)".
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/options"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

const usage = `usage: goprotoc [-I DIR]... --NAME_out=DIR [--NAME_opt=PARAM] [--plugin=protoc-gen-NAME=COMMAND]... FILE.proto...

Compiles the .proto files (paths relative to an -I directory) with
protocompile and runs the plugin of each --NAME_out on them, writing its
files under DIR. The plugin is the command protoc-gen-NAME on PATH unless
--plugin names another command, e.g.
  --plugin=protoc-gen-go='go run google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12'
`

// plugin is one --NAME_out: the plugin to run and where its files go.
type plugin struct {
	name    string   // NAME of --NAME_out
	out     string   // the directory of its files
	params  []string // the --NAME_opt values, joined with commas
	command []string // the command to run, or nil for protoc-gen-NAME
}

// invocation is what the command line asks for.
type invocation struct {
	imports []string
	plugins []*plugin
	files   []string
}

func main() {
	inv, err := parseArgs(os.Args[1:])
	if errors.Is(err, errHelp) {
		fmt.Print(usage)
		return
	}
	if err == nil {
		err = run(inv)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "goprotoc: %v\n", err)
		os.Exit(1)
	}
}

var errHelp = errors.New("help")

// parseArgs reads protoc's flags: -I DIR, -IDIR, --proto_path=DIR,
// --NAME_out=DIR, --NAME_opt=PARAM and --plugin=protoc-gen-NAME=COMMAND.
func parseArgs(args []string) (*invocation, error) {
	inv := &invocation{}
	byName := map[string]*plugin{}
	get := func(name string) *plugin {
		p := byName[name]
		if p == nil {
			p = &plugin{name: name}
			byName[name] = p
			inv.plugins = append(inv.plugins, p)
		}
		return p
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "-help" || a == "--help":
			return nil, errHelp
		case a == "-I":
			if i+1 == len(args) {
				return nil, errors.New("-I needs a directory")
			}
			i++
			inv.imports = append(inv.imports, args[i])
		case strings.HasPrefix(a, "-I"):
			inv.imports = append(inv.imports, a[2:])
		case strings.HasPrefix(a, "--proto_path="):
			inv.imports = append(inv.imports, strings.TrimPrefix(a, "--proto_path="))
		case strings.HasPrefix(a, "--plugin="):
			name, command, ok := strings.Cut(strings.TrimPrefix(a, "--plugin="), "=")
			if !ok || !strings.HasPrefix(name, "protoc-gen-") || strings.TrimSpace(command) == "" {
				return nil, fmt.Errorf("%s: want --plugin=protoc-gen-NAME=COMMAND", a)
			}
			get(strings.TrimPrefix(name, "protoc-gen-")).command = strings.Fields(command)
		case strings.HasPrefix(a, "--"):
			flag, value, ok := strings.Cut(a[2:], "=")
			name, isOut := strings.CutSuffix(flag, "_out")
			isOpt := false
			if !isOut {
				name, isOpt = strings.CutSuffix(flag, "_opt")
			}
			switch {
			case !ok || name == "" || !isOut && !isOpt:
				return nil, fmt.Errorf("unknown flag %s (run goprotoc -h)", a)
			case isOut:
				p := get(name)
				// --NAME_out=PARAMS:DIR, as protoc takes it (but not a
				// Windows drive, C:\dir).
				if i := strings.LastIndexByte(value, ':'); i > 1 {
					p.params = append(p.params, value[:i])
					value = value[i+1:]
				}
				p.out = value
			default:
				p := get(name)
				p.params = append(p.params, value)
			}
		case strings.HasPrefix(a, "-"):
			return nil, fmt.Errorf("unknown flag %s (run goprotoc -h)", a)
		default:
			inv.files = append(inv.files, a)
		}
	}
	if len(inv.files) == 0 {
		return nil, errors.New("no .proto files (run goprotoc -h)")
	}
	for _, p := range inv.plugins {
		if p.out == "" {
			return nil, fmt.Errorf("--%s_opt or --plugin=protoc-gen-%s without --%s_out", p.name, p.name, p.name)
		}
	}
	if len(inv.plugins) == 0 {
		return nil, errors.New("no --NAME_out flag: nothing to generate")
	}
	if len(inv.imports) == 0 {
		inv.imports = []string{"."}
	}
	return inv, nil
}

// run compiles the files and runs each plugin on them.
func run(inv *invocation) error {
	req, err := request(inv)
	if err != nil {
		return err
	}
	for _, p := range inv.plugins {
		if err := p.run(req); err != nil {
			return err
		}
	}
	return nil
}

// request compiles the files and returns the request protoc would give a
// plugin for them, without its parameter.
func request(inv *invocation) (*pluginpb.CodeGeneratorRequest, error) {
	compiler := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: inv.imports}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := compiler.Compile(context.Background(), inv.files...)
	if err != nil {
		return nil, err
	}
	req := &pluginpb.CodeGeneratorRequest{FileToGenerate: inv.files}
	seen := map[string]bool{}
	for _, f := range files {
		req.ProtoFile = appendWithImports(req.ProtoFile, f, seen)
	}
	// As protoc does: the files to generate lose their source-retention
	// options in proto_file, and come whole in source_file_descriptors.
	for i, fd := range req.ProtoFile {
		if !slices.Contains(inv.files, fd.GetName()) {
			continue
		}
		stripped, err := options.StripSourceRetentionOptionsFromFile(fd)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", fd.GetName(), err)
		}
		req.SourceFileDescriptors = append(req.SourceFileDescriptors, fd)
		req.ProtoFile[i] = stripped
	}
	return req, nil
}

// appendWithImports appends f to list after the files it imports, each file
// once, as protoc orders CodeGeneratorRequest.proto_file.
func appendWithImports(list []*descriptorpb.FileDescriptorProto, f protoreflect.FileDescriptor, seen map[string]bool) []*descriptorpb.FileDescriptorProto {
	if seen[f.Path()] {
		return list
	}
	seen[f.Path()] = true
	imports := f.Imports()
	for i := range imports.Len() {
		list = appendWithImports(list, imports.Get(i).FileDescriptor, seen)
	}
	return append(list, protodesc.ToFileDescriptorProto(f))
}

// run runs the plugin on req and writes the files it returns.
func (p *plugin) run(req *pluginpb.CodeGeneratorRequest) error {
	req = proto.CloneOf(req)
	if len(p.params) > 0 {
		req.Parameter = proto.String(strings.Join(p.params, ","))
	}
	in, err := proto.Marshal(req)
	if err != nil {
		return err
	}
	command := p.command
	if command == nil {
		command = []string{"protoc-gen-" + p.name}
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("plugin %s (%s): %v", p.name, strings.Join(command, " "), err)
	}
	resp := &pluginpb.CodeGeneratorResponse{}
	if err := proto.Unmarshal(out, resp); err != nil {
		return fmt.Errorf("plugin %s: cannot read its response: %v", p.name, err)
	}
	if resp.Error != nil {
		return fmt.Errorf("plugin %s: %s", p.name, resp.GetError())
	}
	if err := p.supports(req, resp); err != nil {
		return err
	}
	for _, f := range resp.File {
		name := filepath.FromSlash(f.GetName())
		if f.GetInsertionPoint() != "" || !filepath.IsLocal(name) {
			return fmt.Errorf("plugin %s: cannot write %q (insertion points and paths outside --%s_out are not supported)", p.name, f.GetName(), p.name)
		}
		path := filepath.Join(p.out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if old, err := os.ReadFile(path); err == nil && slices.Equal(old, []byte(f.GetContent())) {
			continue
		}
		if err := os.WriteFile(path, []byte(f.GetContent()), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "goprotoc: wrote %s\n", path)
	}
	return nil
}

// supports returns an error, as protoc does, when a file to generate uses a
// feature that the plugin's response does not declare it supports: proto3
// optional fields, or editions.
func (p *plugin) supports(req *pluginpb.CodeGeneratorRequest, resp *pluginpb.CodeGeneratorResponse) error {
	features := resp.GetSupportedFeatures()
	for _, fd := range req.SourceFileDescriptors {
		if fd.GetSyntax() == "editions" && features&uint64(pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS) == 0 {
			return fmt.Errorf("plugin %s does not support editions, which %s uses", p.name, fd.GetName())
		}
		if features&uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL) == 0 && hasProto3Optional(fd.GetMessageType()) {
			return fmt.Errorf("plugin %s does not support proto3 optional fields, which %s has", p.name, fd.GetName())
		}
	}
	return nil
}

// hasProto3Optional reports whether a message of msgs, or one nested in
// them, has a proto3 optional field.
func hasProto3Optional(msgs []*descriptorpb.DescriptorProto) bool {
	for _, m := range msgs {
		for _, f := range m.GetField() {
			if f.GetProto3Optional() {
				return true
			}
		}
		if hasProto3Optional(m.GetNestedType()) {
			return true
		}
	}
	return false
}
