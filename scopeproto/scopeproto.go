// Package scopeproto is what the adapters of the transports that carry
// protobuf messages share: package scopegrpc for gRPC, and the module
// github.com/scopegen/scopegen/scopeconnect for Connect. It removes from a
// response message the fields a decision redacts (Redactor), and makes the
// errdetails.ErrorInfo of a denied call (ErrorInfo), so that a client reads
// the same detail, and never a redacted field, whichever transport it uses.
//
// It imports protobuf, genproto's errdetails and package enforce, and not
// gRPC: an adapter for another transport of protobuf messages is written with
// it and enforce.
package scopeproto

import (
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/scopegen/scopegen/enforce"
)

// The metadata keys of the ErrorInfo of a denied call.
const (
	// MetadataCode is the outcome's numeric code, e.g. "11007".
	MetadataCode = "code"
	// MetadataStatus is the outcome's status name, e.g.
	// "CONN_INSUFFICIENT_SCOPES"; ErrorInfo.Reason holds it too.
	MetadataStatus = "status"
	// MetadataEndpoint is the full method called, e.g. "/pkg.Service/Method".
	MetadataEndpoint = "endpoint"
	// MetadataReason says why the call was denied: the name of the checker's
	// Reason ("missing_scopes", "principal", "endpoint_not_granted",
	// "no_credentials", "unknown_endpoint"), or "key_not_found" or
	// "key_invalid" when the Resolver refused the key.
	MetadataReason = "reason"
	// MetadataMissingScopes lists the scopes the endpoint requires that the
	// caller lacks, comma-separated, e.g. "Inputs:Get,Concepts:Get"; it is
	// absent when none are missing or the key was refused.
	MetadataMissingScopes = "missing_scopes"
)

// Unauthenticated is the gRPC code, and the Connect code, of a call without
// credentials that the spec denies (codes.Unauthenticated,
// connect.CodeUnauthenticated).
const Unauthenticated = 16

// Code returns the gRPC code of denial d, which is also its Connect code:
// the outcome's, except Unauthenticated for a call without credentials,
// whatever the spec's key_not_found outcome says.
func Code[D enforce.Decision[D]](d D) int {
	if d.ReasonName() == enforce.ReasonNoCredentials {
		return Unauthenticated
	}
	return d.GRPCCode()
}

// ErrorInfo returns the detail of denial d of a call of fullMethod: its
// Reason is the outcome's status name, its Domain is domain, or the called
// service ("pkg.Service") when domain is "", and its Metadata holds the keys
// MetadataCode, MetadataStatus, MetadataEndpoint, MetadataReason and, when
// scopes are missing, MetadataMissingScopes.
func ErrorInfo[D enforce.Decision[D]](d D, fullMethod, domain string) *errdetails.ErrorInfo {
	md := map[string]string{
		MetadataCode:     strconv.Itoa(d.Code()),
		MetadataEndpoint: fullMethod,
		MetadataReason:   d.ReasonName(),
		MetadataStatus:   d.Status(),
	}
	var missing []string
	for s := range d.MissingNames() {
		missing = append(missing, s)
	}
	if len(missing) > 0 {
		md[MetadataMissingScopes] = strings.Join(missing, ",")
	}
	if domain == "" {
		domain = Service(fullMethod)
	}
	return &errdetails.ErrorInfo{Domain: domain, Metadata: md, Reason: d.Status()}
}

// Service returns the service of a full method name: "pkg.Service" of
// "/pkg.Service/Method".
func Service(fullMethod string) string {
	s := strings.TrimPrefix(fullMethod, "/")
	if i := strings.LastIndexByte(s, '/'); i > 0 {
		return s[:i]
	}
	return s
}
