// Package jades signs and verifies JWS (RFC 7515, RFC 7797) with JAdES
// baseline B headers, and the OOTS Common Services response signature.
package jades

import (
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"time"
)

// VerifyOptions say which trust anchors a signer must chain to, and when.
type VerifyOptions struct {
	Roots []*x509.Certificate
	// At is the time the signer's certificate must be valid at; zero means now.
	At time.Time
}

// CSResult describes a verified Common Services response signature.
type CSResult struct {
	Signer    *x509.Certificate
	Chain     []*x509.Certificate
	SignedAt  time.Time
	Algorithm string
}

// VerifyCSResponse verifies the oots-response-sig header of an EB or DSD
// answer over its digest header and the digest over body.
func VerifyCSResponse(header http.Header, body []byte, opts VerifyOptions) (*CSResult, error) {
	return nil, errors.New("not implemented")
}

// ReadHeaders reads "name: value" lines as stored next to captured responses.
func ReadHeaders(r io.Reader) (http.Header, error) {
	return nil, errors.New("not implemented")
}
