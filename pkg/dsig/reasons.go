package dsig

import (
	"errors"

	"github.com/oots-tools/oots/pkg/pki"
)

// reasons maps every refusal sentinel to a stable, machine-readable code.
var reasons = []struct {
	err  error
	code string
}{
	{ErrDocument, "document"},
	{ErrNoSignature, "no-signature"},
	{ErrAmbiguousSignature, "ambiguous-signature"},
	{ErrMalformed, "malformed"},
	{ErrAlgorithm, "algorithm"},
	{ErrTransform, "transform"},
	{ErrWrapped, "wrapped"},
	{ErrDuplicateID, "duplicate-id"},
	{ErrReference, "reference"},
	{ErrSignatureInvalid, "signature-invalid"},
	{ErrDigestMismatch, "digest-mismatch"},
	{ErrNoCertificate, "no-certificate"},
	{ErrCertMismatch, "certificate-mismatch"},
	{pki.ErrExpired, "certificate-expired"},
	{pki.ErrNotYetValid, "certificate-not-yet-valid"},
	{pki.ErrUntrusted, "untrusted"},
	{pki.ErrKeyUsage, "key-usage"},
}

// Reason is the stable code of a Verify error ("digest-mismatch",
// "wrapped", "certificate-expired", …), or "error" for any other error.
func Reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.code
		}
	}
	return "error"
}

// IsRefusal reports whether err is a verdict on the signature (exit code 2)
// rather than a failure to run.
func IsRefusal(err error) bool {
	return Reason(err) != "error"
}
