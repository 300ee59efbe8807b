package jades

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// understoodCrit are the parameters this package processes and so may be
// critical (RFC 7515 §4.1.11): every other name in crit is refused.
var understoodCrit = []string{"b64", "sigT", "sigD", "x5t#o"}

// mustBeCritical are parameters that change what the signature means, so a
// verifier that ignores them would be fooled (RFC 7797 §6 for b64, ETSI TS
// 119 182-1 for sigD): they are refused outside crit.
var mustBeCritical = []string{"b64", "sigD"}

// registeredNames are the JWS parameters of RFC 7515 and RFC 7518, which
// crit must never list (RFC 7515 §4.1.11).
var registeredNames = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}

// checkHeader applies the rules on alg, crit, b64, sigD and the SHA-1
// thumbprint that do not depend on the certificate.
func checkHeader(h *Header) error {
	if err := checkAlgorithm(h.Alg); err != nil {
		return err
	}
	if err := checkCrit(h); err != nil {
		return err
	}
	if h.Names["x5t"] {
		return fmt.Errorf("%w: x5t is a SHA-1 certificate thumbprint; SHA-1 is refused (use x5t#S256 or x5t#o)", ErrAlgorithm)
	}
	return checkSigD(h.SigD)
}

func checkCrit(h *Header) error {
	if h.Names["crit"] && len(h.Crit) == 0 {
		return fmt.Errorf("%w: crit is an empty list (RFC 7515 §4.1.11)", ErrCritical)
	}
	seen := map[string]bool{}
	for _, name := range h.Crit {
		switch {
		case seen[name]:
			return fmt.Errorf("%w: crit lists %q twice", ErrCritical, name)
		case slices.Contains(registeredNames, name):
			return fmt.Errorf("%w: crit lists %q, a standard JWS parameter that must not be listed", ErrCritical, name)
		case !slices.Contains(understoodCrit, name):
			return fmt.Errorf("%w: crit lists %q, a parameter this verifier does not process (it processes %s)", ErrCritical, name, strings.Join(understoodCrit, ", "))
		case !h.Names[name]:
			return fmt.Errorf("%w: crit lists %q but the protected header has no %q", ErrCritical, name, name)
		}
		seen[name] = true
	}
	for _, name := range mustBeCritical {
		if h.Names[name] && !seen[name] {
			return fmt.Errorf("%w: %q is present but not listed in crit", ErrCritical, name)
		}
	}
	return nil
}

func checkSigD(d *SigD) error {
	if d == nil {
		return nil
	}
	if d.MID != HTTPHeadersMechanism {
		return fmt.Errorf("%w: sigD mechanism %q is not supported (only %s)", ErrSignedData, d.MID, HTTPHeadersMechanism)
	}
	if len(d.Pars) == 0 {
		return fmt.Errorf("%w: sigD names no HTTP header (pars is empty)", ErrSignedData)
	}
	seen := map[string]bool{}
	for _, p := range d.Pars {
		name := strings.ToLower(p)
		if p == "" || seen[name] {
			return fmt.Errorf("%w: sigD pars has an empty or repeated header name %q", ErrSignedData, p)
		}
		seen[name] = true
	}
	return nil
}

// signerCertificate returns x5c[0] after checking it against x5t#S256 and
// x5t#o when they are present.
func signerCertificate(h *Header) (*x509.Certificate, error) {
	if len(h.X5c) == 0 {
		return nil, fmt.Errorf("%w: the protected header has no x5c, so the signer cannot be identified", ErrCertificate)
	}
	leaf := h.X5c[0]
	if h.Names["x5t#S256"] {
		if err := matchThumbprint(leaf, "x5t#S256", "S256", h.X5tS256); err != nil {
			return nil, err
		}
	}
	if h.X5tO != nil {
		if err := matchThumbprint(leaf, "x5t#o", h.X5tO.DigAlg, h.X5tO.DigVal); err != nil {
			return nil, err
		}
	}
	return leaf, nil
}

func matchThumbprint(leaf *x509.Certificate, param, digAlg, digVal string) error {
	h, err := thumbprintHash(digAlg)
	if err != nil {
		return fmt.Errorf("%s: %w", param, err)
	}
	want, err := b64url.DecodeString(digVal)
	if err != nil {
		return fmt.Errorf("%w: %s is not base64url: %v", ErrMalformed, param, err)
	}
	h.Write(leaf.Raw)
	if !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("%w: x5c[0] (%q) does not match the %s thumbprint", ErrCertificate, leaf.Subject.String(), param)
	}
	return nil
}

// thumbprintHash maps the JAdES digest names to hashes; SHA-1 is refused.
func thumbprintHash(digAlg string) (hash.Hash, error) {
	switch digAlg {
	case "S256":
		return sha256.New(), nil
	case "S384":
		return sha512.New384(), nil
	case "S512":
		return sha512.New(), nil
	}
	if strings.Contains(strings.ToLower(digAlg), "sha1") || digAlg == "S1" {
		return nil, fmt.Errorf("%w: digest algorithm %q is SHA-1, which is refused", ErrAlgorithm, digAlg)
	}
	return nil, fmt.Errorf("%w: digest algorithm %q is not supported (S256, S384, S512)", ErrAlgorithm, digAlg)
}
