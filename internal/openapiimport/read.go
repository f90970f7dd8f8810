package openapiimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/scopegen/scopegen/internal/spec"
)

// Limits on a description. A description is read whole and every $ref in
// it resolved, so its size and nesting bound the time and memory an import
// takes; each is checked before the parser sees the bytes.
const (
	// MaxBytes is the largest description read: 64 MiB, several times
	// the largest public ones (GitHub's REST description is about 12 MiB).
	MaxBytes = 64 << 20
	// MaxDepth is the deepest nesting of objects and arrays a description
	// may have. Real descriptions nest schemas a few dozen levels deep.
	MaxDepth = 256
	// MaxOperations is the most operations imported: a spec holds at most
	// model.MaxEndpoints endpoints.
	MaxOperations = 65535
)

// document is what the importer reads from a description, whatever its
// version: the security schemes, the document's requirements and the
// operations.
type document struct {
	version    string // "2.0", "3.0.3", "3.1.0", ...
	title      string
	apiVersion string
	schemes    []*scheme // by key
	security   []requirement
	ops        []*operation // by path, then verb (methodOrder)
	serverPath string       // the path of the first server's URL (basePath in 2.0), "" or "/..." without a trailing "/"
	servers    int          // how many servers (with distinct paths) the description lists
}

// scheme is a security scheme: its key and type, and for oauth2 the scopes
// its flows declare.
type scheme struct {
	key         string
	typ         string // apiKey, http, oauth2, openIdConnect, mutualTLS; basic (2.0)
	description string
	detail      string            // "in header X-API-Key", "bearer", "authorizationCode, clientCredentials"
	scopes      map[string]string // declared scopes and their descriptions (first flow that describes one)
	pos         spec.Pos
}

// requirement is one Security Requirement Object: scheme key → scopes, with
// the keys in sorted order.
type requirement struct {
	keys   []string
	scopes map[string][]string
}

// operation is one operation of the description.
type operation struct {
	verb, path  string
	id          string
	summary     string
	description string
	deprecated  bool
	security    *[]requirement // nil: the document's
	pos         spec.Pos
}

// methodOrder is the order of the operations of one path item, as the
// specification lists its fields.
var methodOrder = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"}

func methodRank(m string) int {
	for i, x := range methodOrder {
		if x == m {
			return i
		}
	}
	return len(methodOrder)
}

// ErrTooLarge is returned for a description larger than MaxBytes.
var ErrTooLarge = fmt.Errorf("the description is larger than %d MiB", MaxBytes>>20)

// read parses a description, OpenAPI 2.0 or 3.x, JSON or YAML.
func read(name string, data []byte) (doc *document, pos *positions, err error) {
	if len(data) > MaxBytes {
		return nil, nil, fmt.Errorf("%s: %w; import a smaller one", name, ErrTooLarge)
	}
	if isJSON(data) {
		// JSON: one linear scan for the nesting and the positions, then
		// only what the import reads goes to the parser (schemas,
		// parameters and responses of a large description take most of
		// its time, and say nothing about authorization).
		keys, err := scanJSON(name, data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
		pos = &positions{name: name, json: keys}
		if pruned, err := pruneJSON(data); err == nil {
			data = pruned
		}
	} else {
		pos = newPositions(name, data)
		if err := checkDepth(pos.root, data); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
		if pruned, err := pruneYAML(pos.root); err == nil {
			data = pruned
		}
	}
	var head struct {
		Swagger any `json:"swagger" yaml:"swagger"`
		OpenAPI any `json:"openapi" yaml:"openapi"`
	}
	if pos.json == nil && pos.root != nil && pos.root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s: not an OpenAPI description: its top level is not an object (line %d)", name, pos.root.Line)
	}
	if pos.json == nil && pos.root != nil {
		err = pos.root.Decode(&head)
	} else {
		err = json.Unmarshal(data, &head)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not an OpenAPI description (neither JSON nor YAML of an object): %v", name, oneLine(err))
	}
	// The parsers are not written for hostile input; a panic in one is this
	// description's error, not the command's crash.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: the OpenAPI parser failed on this description (%v); check that it is valid", name, r)
		}
	}()
	sw, oa := fmt.Sprint(head.Swagger), fmt.Sprint(head.OpenAPI)
	switch {
	case head.Swagger != nil && head.OpenAPI != nil:
		return nil, nil, fmt.Errorf("%s: the description has both swagger: %s and openapi: %s; keep one", name, sw, oa)
	case head.Swagger != nil:
		if sw != "2.0" {
			return nil, nil, fmt.Errorf("%s: swagger: %q is not a version this command reads; it reads Swagger 2.0 and OpenAPI 3.0 and 3.1", name, sw)
		}
		doc, err = read2(data)
	case head.OpenAPI != nil:
		if !strings.HasPrefix(oa, "3.0") && !strings.HasPrefix(oa, "3.1") {
			return nil, nil, fmt.Errorf("%s: openapi: %q is not a version this command reads; it reads Swagger 2.0 and OpenAPI 3.0 and 3.1", name, oa)
		}
		doc, err = read3(data)
	default:
		return nil, nil, fmt.Errorf("%s: not an OpenAPI description: it has neither an openapi nor a swagger key at the top", name)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the OpenAPI description: %v", name, oneLine(err))
	}
	if len(doc.ops) > MaxOperations {
		return nil, nil, fmt.Errorf("%s: the description has %d operations; a spec holds at most %d", name, len(doc.ops), MaxOperations)
	}
	for _, s := range doc.schemes {
		s.pos = pos.at("components", "securitySchemes", s.key)
		if doc.version == "2.0" {
			s.pos = pos.at("securityDefinitions", s.key)
		}
	}
	for _, o := range doc.ops {
		o.pos = pos.at("paths", o.path, strings.ToLower(o.verb))
	}
	return doc, pos, nil
}

// read3 reads an OpenAPI 3.0 or 3.1 description with kin-openapi's loader,
// which resolves every $ref within the document and refuses the others
// (other files and URLs are never read).
func read3(data []byte) (*document, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	var t *openapi3.T
	// JSON is read as JSON: the loader reads every document as YAML first,
	// which takes seconds on a large one-line JSON file.
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		var doc openapi3.T
		if json.Unmarshal(data, &doc) == nil {
			if err := loader.ResolveRefsIn(&doc, nil); err != nil {
				return nil, err
			}
			t = &doc
		}
	}
	if t == nil {
		var err error
		if t, err = loader.LoadFromData(data); err != nil {
			return nil, err
		}
	}
	doc := &document{version: t.OpenAPI}
	if t.Info != nil {
		doc.title, doc.apiVersion = t.Info.Title, t.Info.Version
	}
	if t.Components != nil {
		for key, ref := range t.Components.SecuritySchemes {
			if ref == nil || ref.Value == nil {
				return nil, fmt.Errorf("security scheme %q is empty", key)
			}
			v := ref.Value
			s := &scheme{key: key, typ: v.Type, description: v.Description}
			switch v.Type {
			case "apiKey":
				s.detail = fmt.Sprintf("An API key in the %s %s", v.In, v.Name)
			case "http":
				s.detail = "HTTP " + v.Scheme + " authentication"
			case "openIdConnect":
				s.detail = "OpenID Connect, " + v.OpenIdConnectUrl
			case "mutualTLS":
				s.detail = "Mutual TLS"
			case "oauth2":
				s.scopes = map[string]string{}
				var flows []string
				if f := v.Flows; f != nil {
					for _, x := range []struct {
						name string
						flow *openapi3.OAuthFlow
					}{{"implicit", f.Implicit}, {"password", f.Password}, {"clientCredentials", f.ClientCredentials}, {"authorizationCode", f.AuthorizationCode}} {
						if x.flow == nil {
							continue
						}
						flows = append(flows, x.name)
						addScopes(s.scopes, x.flow.Scopes)
					}
				}
				s.detail = "OAuth 2.0"
				if len(flows) > 0 {
					s.detail += ": " + strings.Join(flows, ", ")
				}
			}
			doc.schemes = append(doc.schemes, s)
		}
	}
	doc.security = requirements3(t.Security)
	if len(t.Servers) > 0 {
		doc.serverPath, doc.servers = serverPaths(t.Servers)
	}
	if t.Paths != nil {
		for path, item := range t.Paths.Map() {
			if item == nil {
				continue
			}
			for verb, op := range item.Operations() {
				if op == nil {
					continue
				}
				o := &operation{verb: strings.ToUpper(verb), path: path, id: op.OperationID, summary: op.Summary,
					description: op.Description, deprecated: op.Deprecated}
				if op.Security != nil {
					r := requirements3(*op.Security)
					if r == nil {
						r = []requirement{}
					}
					o.security = &r
				}
				doc.ops = append(doc.ops, o)
			}
		}
	}
	doc.sort()
	return doc, nil
}

// serverPaths returns the path of the first server's URL, its variables
// replaced by their defaults, and how many distinct such paths the servers
// have.
func serverPaths(servers openapi3.Servers) (string, int) {
	var first string
	seen := map[string]bool{}
	for i, s := range servers {
		if s == nil {
			continue
		}
		u := s.URL
		for name, v := range s.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		p := urlPath(u)
		seen[p] = true
		if i == 0 {
			first = p
		}
	}
	return first, len(seen)
}

// urlPath is the path of a server URL ("https://api.example.com/v1/" →
// "/v1"; "/v1" → "/v1"), without a trailing "/".
func urlPath(u string) string {
	if parsed, err := url.Parse(u); err == nil && (parsed.Scheme != "" || parsed.Host != "") {
		u = parsed.EscapedPath()
	} else if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			u = rest[j:]
		} else {
			u = ""
		}
	}
	return strings.TrimRight(u, "/")
}

func addScopes(dst, src map[string]string) {
	for name, d := range src {
		if dst[name] == "" {
			dst[name] = d
		}
	}
}

func requirements3(rs openapi3.SecurityRequirements) []requirement {
	var out []requirement
	for _, r := range rs {
		out = append(out, newRequirement(r))
	}
	return out
}

func newRequirement(m map[string][]string) requirement {
	r := requirement{scopes: map[string][]string{}}
	for k, v := range m {
		r.keys = append(r.keys, k)
		r.scopes[k] = v
	}
	sort.Strings(r.keys)
	return r
}

// read2 reads a Swagger 2.0 description with kin-openapi's openapi2
// package. Its security schemes and requirements are read as written; a
// security definition or path item given as a $ref is resolved within the
// document.
func read2(data []byte) (*document, error) {
	var t openapi2.T
	if err := openapi2.UnmarshalFromData(data, &t); err != nil {
		return nil, err
	}
	doc := &document{version: "2.0", title: t.Info.Title, apiVersion: t.Info.Version}
	for key, v := range t.SecurityDefinitions {
		seen := map[string]bool{key: true}
		for v != nil && v.Ref != "" {
			target, ok := strings.CutPrefix(v.Ref, "#/securityDefinitions/")
			if !ok || seen[target] {
				return nil, fmt.Errorf("security definition %q: $ref %q does not resolve to another security definition", key, v.Ref)
			}
			seen[target] = true
			v = t.SecurityDefinitions[target]
		}
		if v == nil {
			return nil, fmt.Errorf("security definition %q is empty", key)
		}
		s := &scheme{key: key, typ: v.Type, description: v.Description}
		switch v.Type {
		case "apiKey":
			s.detail = fmt.Sprintf("An API key in the %s %s", v.In, v.Name)
		case "basic":
			s.detail = "HTTP basic authentication"
		case "oauth2":
			s.scopes = map[string]string{}
			addScopes(s.scopes, v.Scopes)
			s.detail = "OAuth 2.0: " + v.Flow
		}
		doc.schemes = append(doc.schemes, s)
	}
	for _, r := range t.Security {
		doc.security = append(doc.security, newRequirement(r))
	}
	doc.serverPath, doc.servers = strings.TrimRight(t.BasePath, "/"), 1
	for path, item := range t.Paths {
		if item == nil {
			continue
		}
		if item.Ref != "" {
			return nil, fmt.Errorf("path %q is a $ref (%s), which this command does not follow in Swagger 2.0; write the path item in place", path, item.Ref)
		}
		for verb, op := range item.Operations() {
			if op == nil {
				continue
			}
			o := &operation{verb: strings.ToUpper(verb), path: path, id: op.OperationID, summary: op.Summary,
				description: op.Description, deprecated: op.Deprecated}
			if op.Security != nil {
				r := []requirement{}
				for _, x := range *op.Security {
					r = append(r, newRequirement(x))
				}
				o.security = &r
			}
			doc.ops = append(doc.ops, o)
		}
	}
	doc.sort()
	return doc, nil
}

// sort puts the schemes in key order and the operations in path order, then
// in methodOrder: the output never depends on the order of a map.
func (doc *document) sort() {
	sort.Slice(doc.schemes, func(i, j int) bool { return doc.schemes[i].key < doc.schemes[j].key })
	sort.Slice(doc.ops, func(i, j int) bool {
		a, b := doc.ops[i], doc.ops[j]
		if a.path != b.path {
			return a.path < b.path
		}
		if ra, rb := methodRank(a.verb), methodRank(b.verb); ra != rb {
			return ra < rb
		}
		return a.verb < b.verb
	})
}

// checkDepth refuses a description nested deeper than MaxDepth: by its
// YAML tree when yaml.v3 reads it (JSON is YAML), else by counting the
// brackets outside strings, as JSON nests.
func checkDepth(root *yaml.Node, data []byte) error {
	if root != nil {
		if line, ok := depthOK(root, 1); !ok {
			return fmt.Errorf("line %d: nested more than %d levels deep; a description this deep is refused", line, MaxDepth)
		}
		return nil
	}
	depth, line := 0, 1
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > MaxDepth {
				return fmt.Errorf("line %d: nested more than %d levels deep; a description this deep is refused", line, MaxDepth)
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}

// depthOK walks n to MaxDepth levels: false, and the line, when it is
// deeper. Aliases are not followed (they are not nesting as written).
func depthOK(n *yaml.Node, depth int) (int, bool) {
	if depth > MaxDepth {
		return n.Line, false
	}
	for _, c := range n.Content {
		if line, ok := depthOK(c, depth+1); !ok {
			return line, false
		}
	}
	return 0, true
}

// positions finds where a key of a YAML (or JSON) description is written,
// for warnings. It is best effort: a description yaml.v3 cannot read
// (JSON indented with tabs, say) gets line 1 for everything.
type positions struct {
	name string
	root *yaml.Node          // the top-level mapping; nil when unreadable
	json map[string]spec.Pos // for JSON: the keys of the first three levels (scanJSON)
}

func newPositions(name string, data []byte) *positions {
	p := &positions{name: name}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err == nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		p.root = n.Content[0]
	}
	return p
}

// at returns the position of the key at the end of path, or of the deepest
// key of path found.
func (p *positions) at(path ...string) spec.Pos {
	pos := spec.Pos{File: p.name, Line: 1, Col: 1}
	if p.json != nil {
		for n := len(path); n > 0; n-- {
			if at, ok := p.json[strings.Join(path[:n], "\x00")]; ok {
				return at
			}
		}
		return pos
	}
	n := p.root
	for _, k := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				pos.Line, pos.Col = n.Content[i].Line, n.Content[i].Column
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return pos
}

func oneLine(err error) string {
	var s string
	if err != nil {
		s = err.Error()
	}
	return strings.Join(strings.Fields(s), " ")
}
