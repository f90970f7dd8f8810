package core

// noScopes is the scope set of the zero Grant.
var noScopes Set

// CheckEndpoint decides a call of endpoint e by g: public endpoints are allowed;
// otherwise the grant needs a principal kind the endpoint accepts, the endpoint
// itself if the grant is restricted to endpoints, and every op scope the
// endpoint requires (for an endpoint with alternatives, every op scope of
// one alternative its kind may use). It never allocates.
func (g Grant) CheckEndpoint(e Endpoint) Decision {
	if e-1 >= NumEndpoints {
		return Decision{reason: ReasonUnknownEndpoint}
	}
	if g.fastAllows(e) {
		return Decision{endpoint: e, reason: ReasonAllowed}
	}
	return g.check(e)
}

// fastAllows reports whether g may call the valid endpoint e by
// endpointFastTable alone: the common case of a key that holds a principal
// kind the endpoint accepts and its required scopes, all in one word of a
// Set. When it reports false, check decides. It is small enough for the
// compiler to inline into CheckEndpoint and the generated Check, whose tail
// is the same two statements.
func (g Grant) fastAllows(e Endpoint) bool {
	f, d := &endpointFastTable[e], g.g
	return d != nil && d.kinds&f.principals != 0 && (!d.restricted || d.endpoints[e/64]&(1<<(e%64)) != 0) && d.scopes[f.word]&f.mask == f.mask
}

// check decides a call of a valid endpoint the long way, from endpointTable.
func (g Grant) check(e Endpoint) Decision {
	info := &endpointTable[e]
	d := g.g
	if info.public {
		scopes := &noScopes
		if d != nil {
			scopes = &d.scopes
		}
		return Decision{
			endpoint: e,
			reason:   ReasonPublic,
			redacted: redactions(info, scopes),
		}
	}
	if info.alternatives != nil {
		return checkAlternatives(d, e, info)
	}
	if d == nil || d.kinds&info.principals == 0 || d.endpoints[e/64]&(1<<(e%64)) == 0 {
		return deny(d, e, info)
	}
	for _, m := range info.required {
		if d.scopes[m.word]&m.mask != m.mask {
			return deny(d, e, info)
		}
	}
	return Decision{
		endpoint: e,
		reason:   ReasonAllowed,
		redacted: redactions(info, &d.scopes),
	}
}

// deny builds the decision for a call that is refused: the first reason that
// applies, and every required scope the grant lacks.
func deny(d *grant, e Endpoint, info *endpointInfo) Decision {
	dec := Decision{
		endpoint: e,
		reason:   ReasonMissingScopes,
	}
	scopes := &noScopes
	switch {
	case d == nil:
		dec.reason = ReasonNoCredentials
	case d.kinds&info.principals == 0:
		dec.reason = ReasonPrincipal
		scopes = &d.scopes
	case d.endpoints[e/64]&(1<<(e%64)) == 0:
		dec.reason = ReasonEndpointNotGranted
		scopes = &d.scopes
	default:
		scopes = &d.scopes
	}
	dec.missing, _ = missing(info.required, scopes)
	return dec
}

// checkAlternatives decides a call of an endpoint with alternatives: allowed
// when the grant satisfies one in full that its kind may use. A denial has
// the first reason that applies, and the scopes the closest alternative
// lacks: the one with the fewest missing, the first on a tie, among those
// the grant's kind may use (all of them when there are no credentials or the
// kind is not accepted).
func checkAlternatives(d *grant, e Endpoint, info *endpointInfo) Decision {
	dec := Decision{endpoint: e, reason: ReasonMissingScopes}
	scopes, kinds := &noScopes, AllPrincipals
	switch {
	case d == nil:
		dec.reason = ReasonNoCredentials
	case d.kinds&info.principals == 0:
		dec.reason = ReasonPrincipal
		scopes = &d.scopes
	case d.endpoints[e/64]&(1<<(e%64)) == 0:
		dec.reason = ReasonEndpointNotGranted
		scopes, kinds = &d.scopes, d.kinds
	default:
		scopes, kinds = &d.scopes, d.kinds
	}
	fewest, closest := -1, 0
	for i := range info.alternatives {
		a := &info.alternatives[i]
		if a.principals&kinds == 0 {
			continue
		}
		bits, n := missing(a.required, scopes)
		if n == 0 && dec.reason == ReasonMissingScopes {
			return Decision{endpoint: e, reason: ReasonAllowed, redacted: redactions(info, scopes)}
		}
		if fewest < 0 || n < fewest {
			fewest, closest, dec.missing = n, i, bits
		}
	}
	dec.reason |= Reason(closest) << reasonBits
	return dec
}

// missing returns the scopes of required that scopes lacks, as bits (bit i
// for the i-th scope of required), and how many they are.
func missing(required []wordMask, scopes *Set) (bits uint64, n int) {
	bit := 0
	for _, m := range required {
		for w := m.mask; w != 0; w &= w - 1 {
			if scopes[m.word]&(w&-w) == 0 {
				bits |= 1 << bit
				n++
			}
			bit++
		}
	}
	return bits, n
}

// redactions returns the mask of info's redactions that apply to a caller
// holding scopes.
func redactions(info *endpointInfo, scopes *Set) uint64 {
	var r uint64
	for i, red := range info.redactions {
		for _, m := range red.unless {
			if scopes[m.word]&m.mask != m.mask {
				r |= 1 << i
				break
			}
		}
	}
	return r
}

// load64 reads the first 8 bytes of s, little-endian; the compiler makes it
// one load. The generated lookup hashes and compares method names with it.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 | uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
