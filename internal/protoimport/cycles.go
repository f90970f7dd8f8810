package protoimport

import "strings"

// importCycles warns of each file that imports itself, directly or through
// other files, among the files read: the files named, and the imports read
// to find the enum (imports not needed for it are not read, so a cycle
// through them is not seen). protoc refuses both ("File recursively imports
// itself"); the import goes on, since it parses the files without
// compiling them, and the spec does not depend on their imports. Each cycle
// is reported once, at the import statement that closes it.
func (im *importer) importCycles() {
	byKey := make(map[string]*protoFile, len(im.files))
	for _, f := range im.files {
		byKey[f.src.key()] = f
	}
	const (
		onPath = 1
		done   = 2
	)
	state := map[*protoFile]int{}
	var path []*protoFile
	var visit func(f *protoFile)
	visit = func(f *protoFile) {
		state[f] = onPath
		path = append(path, f)
		for _, imp := range f.imports {
			g := byKey[im.importFile[imp.path]]
			switch {
			case g == nil || state[g] == done:
			case g == f:
				im.warnf(imp.pos, "%s imports itself; protoc refuses this (\"File recursively imports itself\"): remove this import", f.canon)
			case state[g] == onPath:
				var names []string
				for i := len(path) - 1; i >= 0 && path[i] != g; i-- {
					names = append([]string{path[i].canon}, names...)
				}
				names = append(append([]string{g.canon}, names...), g.canon)
				im.warnf(imp.pos, "import cycle: %s; protoc refuses this (\"File recursively imports itself\"): remove one of these imports", strings.Join(names, " → "))
			default:
				visit(g)
			}
		}
		path = path[:len(path)-1]
		state[f] = done
	}
	for _, f := range im.files {
		if state[f] == 0 {
			visit(f)
		}
	}
}
