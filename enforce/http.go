package enforce

// HTTPGrant is the Grant type of a generated package, for adapters that
// decide HTTP requests by the spec's HTTP bindings.
type HTTPGrant[D any] interface {
	Grant[D]
	// CheckHTTP decides a request of method (GET, POST, …) to the raw,
	// percent-encoded path, e.g. "/v2/inputs".
	CheckHTTP(method, path string) D
}

// DecideHTTP decides an HTTP request of method to the raw path as Decide
// decides a call: a request that no binding matches is denied without
// resolving credentials; otherwise resolve's grant, or its refusal, decides.
func DecideHTTP[G HTTPGrant[D], D Decision[D]](method, path string, resolve func() (G, error)) (g G, d D, err error) {
	var none G
	return settle(none.CheckHTTP(method, path), resolve, func(g G) D { return g.CheckHTTP(method, path) })
}
