// Package dsig signs and verifies XML signatures for OOTS messages:
// enveloped XML-DSig over a whole EDM message, XAdES baseline B, and
// detached signatures over files.
//
// Signatures use exclusive canonicalisation and RSA-SHA256, ECDSA-SHA256 (or
// SHA-384/512 on larger curves) or Ed25519 (RFC 9231), with the signer's
// certificate in KeyInfo. Verification is deliberately narrow: it accepts
// only what an OOTS signature needs and refuses everything that opens the
// door to signature wrapping — a Reference that covers anything but the whole
// document, the XAdES SignedProperties or a file beside the signature;
// duplicate ID attributes; transforms other than enveloped-signature and
// canonicalisation; and weak or unknown algorithms. Every refusal wraps one
// of the sentinel errors of this package or of pkg/pki, so callers can tell
// the reasons apart.
//
// Documents are parsed with pkg/xmldoc (no DTDs, size and depth limits) and
// canonicalised with helium's c14n package on the same tree.
package dsig
