package model

import (
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// fullMethod is a gRPC full method name: /package.Service/Method.
	fullMethod = regexp.MustCompile(`^/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/[A-Za-z_][A-Za-z0-9_]*$`)
	// fieldPath is a dotted path of protobuf field names.
	fieldPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	// presetName is a short lower-case name.
	presetName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	// statusName is an upper-case status constant name.
	statusName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)

// GoIdent turns a spec name into an exported Go identifier: every run of
// letters and digits becomes a word with an upper-case first letter
// ("Inputs:Get" and "inputs_get" both become "InputsGet").
func GoIdent(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidGoName reports whether s is usable as an exported Go identifier: the
// rule Build applies to every scope's and endpoint's Go name, for tools that
// choose go_name values before building.
func ValidGoName(s string) bool {
	return token.IsIdentifier(s) && token.IsExported(s)
}

// ValidScopeName reports whether s is a well-formed scope name: one or more
// printable characters without spaces or commas, at most MaxNameLength
// bytes, as APIs write their scopes: Inputs:Get, Predict, read:jira-work,
// https://www.googleapis.com/auth/compute.readonly. Commas separate scopes
// in lists (the CLI's -scopes, Missing's text), so no name holds one. It is
// the rule Build applies to every scope's name.
func ValidScopeName(s string) bool {
	return s != "" && len(s) <= MaxNameLength && !strings.ContainsRune(s, ',') && printableWord(s)
}

// printableWord reports whether s is valid UTF-8 of printable characters
// without spaces.
func printableWord(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// ScopeGoName is the Go identifier a scope takes when it sets no go_name:
// GoIdent of its name (https://www.googleapis.com/auth/compute.readonly is
// HttpsWwwGoogleapisComAuthComputeReadonly), after "Scope" when that would
// not start with a letter (1password:read is Scope1passwordRead).
func ScopeGoName(name string) string {
	id := GoIdent(name)
	if id == "" || id[0] < 'A' || id[0] > 'Z' {
		return "Scope" + id
	}
	return id
}

// ValidOperationName reports whether s is a well-formed operation name, the
// name of an HTTP-only endpoint: at most MaxNameLength bytes of printable
// characters without spaces, not starting with '/' (which starts a gRPC
// method). It is the rule Build applies to every operation name.
func ValidOperationName(s string) bool {
	return s != "" && len(s) <= MaxNameLength && s[0] != '/' && printableWord(s)
}

// ReservedGoNames are the identifiers the generated package declares itself;
// no scope, endpoint or preset may take them.
var ReservedGoNames = map[string]bool{
	"Scope": true, "Set": true, "Endpoint": true, "Principal": true, "Grant": true,
	"Decision": true, "Reason": true, "Outcome": true, "Preset": true, "Prerequisite": true,
	"ParseScope": true, "ParsePrincipal": true, "ParsePreset": true, "NewSet": true, "NewGrant": true,
	"LookupEndpoint": true, "LookupRoute": true, "Endpoints": true, "Scopes": true, "Presets": true, "AllScopes": true, "AllPrincipals": true,
	"NumScopes": true, "NumEndpoints": true,
	"MaxScopeID": true, "DeniedError": true, "SetWords": true, "SpecHash": true,
	"ReasonAllowed": true, "ReasonPublic": true, "ReasonUnknownEndpoint": true, "ReasonPrincipal": true,
	"ReasonEndpointNotGranted": true, "ReasonMissingScopes": true, "OutcomeAllowed": true,
	"MakeGrant": true, "ReasonNoCredentials": true, "ReasonKeyNotFound": true, "ReasonKeyInvalid": true,
	"OutcomeInsufficientScopes": true, "OutcomeKeyInvalid": true, "OutcomeKeyNotFound": true, "OutcomeUnknownEndpoint": true,
}

// grpcCodes maps canonical gRPC code names to their numbers.
var grpcCodes = map[string]int{
	"OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4,
	"NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
	"FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12,
	"INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
}

// GoNames hands out Go identifiers a spec's build accepts for go_name:
// exported, not one the generated package declares, not handed out before.
// The importers use it to write go_name where a default would not build.
// The zero GoNames is ready to use.
type GoNames struct {
	taken map[string]bool
}

// Claim takes and returns the first of candidates that is free; when none
// is, the last candidate (after "X" when it is no Go name) followed by the
// first number from 2 that makes it free.
func (n *GoNames) Claim(candidates ...string) string {
	if n.taken == nil {
		n.taken = map[string]bool{}
	}
	free := func(id string) bool {
		return ValidGoName(id) && !ReservedGoNames[id] && !n.taken[id]
	}
	for _, c := range candidates {
		if free(c) {
			n.taken[c] = true
			return c
		}
	}
	base := candidates[len(candidates)-1]
	if !ValidGoName(base) {
		base = "X" + base
	}
	for i := 2; ; i++ {
		if c := base + strconv.Itoa(i); free(c) {
			n.taken[c] = true
			return c
		}
	}
}
