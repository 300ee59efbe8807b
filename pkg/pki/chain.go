package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// Reasons a certificate is refused; VerifyChain wraps one of them.
var (
	ErrExpired     = errors.New("certificate expired")
	ErrNotYetValid = errors.New("certificate not yet valid")
	ErrUntrusted   = errors.New("certificate does not chain to a trust anchor")
	ErrKeyUsage    = errors.New("certificate key usage does not allow signing")
)

// ChainOptions say what a signer's certificate must chain to, and when.
type ChainOptions struct {
	Roots         []*x509.Certificate
	Intermediates []*x509.Certificate
	// At is the time the certificates must be valid at; zero means now.
	At time.Time
}

// VerifyChain checks that leaf may sign (key usage digitalSignature or
// contentCommitment when the extension is present), is valid at opts.At and
// chains to one of opts.Roots. It returns the chain from leaf to root.
func VerifyChain(leaf *x509.Certificate, opts ChainOptions) ([]*x509.Certificate, error) {
	at := opts.At
	if at.IsZero() {
		at = time.Now()
	}
	subject := leaf.Subject.String()
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrKeyUsage, subject)
	}
	if err := checkValidity(leaf, at); err != nil {
		return nil, err
	}
	if len(opts.Roots) == 0 {
		return nil, fmt.Errorf("%w: no trust anchors given (--trust)", ErrUntrusted)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range opts.Roots {
		roots.AddCert(c)
	}
	for _, c := range opts.Intermediates {
		inters.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inters, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		var inval x509.CertificateInvalidError
		if errors.As(err, &inval) && inval.Reason == x509.Expired {
			return nil, chainValidityError(inval.Cert, at)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrUntrusted, subject, err)
	}
	return chains[0], nil
}

func checkValidity(c *x509.Certificate, at time.Time) error {
	if at.Before(c.NotBefore) {
		return fmt.Errorf("%w: %s is valid from %s (checked at %s)", ErrNotYetValid, c.Subject, c.NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	if at.After(c.NotAfter) {
		return fmt.Errorf("%w: %s was valid until %s (checked at %s)", ErrExpired, c.Subject, c.NotAfter.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	return nil
}

// chainValidityError names the chain certificate that is out of its validity period.
func chainValidityError(c *x509.Certificate, at time.Time) error {
	if c == nil {
		return fmt.Errorf("%w: a certificate of the chain is outside its validity period at %s", ErrExpired, at.UTC().Format(time.RFC3339))
	}
	return checkValidity(c, at)
}
