package gen

// IsData reports whether a generated file holds the spec's data rather than
// fixed code, for tests.
func IsData(name string) bool { return dataFiles[name] }

// GlueNames returns the names the gRPC adapter's glue declares, for tests.
func GlueNames() map[string]bool { return glueNames }
