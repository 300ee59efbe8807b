package dsig

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/lestrrat-go/helium"
)

// xadesProperties are the signed properties of XAdES baseline B that oots
// reads: the signing time and the digests of the signing certificate.
type xadesProperties struct {
	el          *helium.Element // xades:SignedProperties
	id          string
	signingTime time.Time
	certs       []certID
}

// certID is one xades:Cert of SigningCertificateV2 (or the older SigningCertificate).
type certID struct {
	el           *helium.Element
	digestMethod string
	digest       []byte
	// issuerSerial is the DER of IssuerSerialV2, nil when absent.
	issuerSerial []byte
}

// parseXAdES reads xades:QualifyingProperties/SignedProperties. Target must
// name the signature, so properties cannot be moved from one signature to another.
func parseXAdES(sig *signature) (*xadesProperties, error) {
	qp := sig.qualifying
	if target, _ := attr(qp, "Target"); sig.id == "" || target != "#"+sig.id {
		return nil, malformed(qp, "Target %q does not name this signature (Id %q)", target, sig.id)
	}
	sp := childrenNamed(qp, NamespaceXAdES, "SignedProperties")
	if len(sp) != 1 {
		return nil, malformed(qp, "must hold exactly one xades:SignedProperties")
	}
	p := &xadesProperties{el: sp[0]}
	p.id, _ = attr(sp[0], "Id")
	ssp := firstChildNamed(sp[0], NamespaceXAdES, "SignedSignatureProperties")
	if ssp == nil {
		return nil, malformed(sp[0], "has no xades:SignedSignatureProperties")
	}
	if st := firstChildNamed(ssp, NamespaceXAdES, "SigningTime"); st != nil {
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(text(st)))
		if err != nil {
			return nil, malformed(st, "SigningTime %q is not a date and time with a time zone", text(st))
		}
		p.signingTime = t
	}
	sc := firstChildNamed(ssp, NamespaceXAdES, "SigningCertificateV2")
	if sc == nil {
		sc = firstChildNamed(ssp, NamespaceXAdES, "SigningCertificate")
	}
	if sc == nil {
		return nil, malformed(ssp, "has no xades:SigningCertificateV2")
	}
	for _, c := range childrenNamed(sc, NamespaceXAdES, "Cert") {
		id, err := parseCertID(c)
		if err != nil {
			return nil, err
		}
		p.certs = append(p.certs, id)
	}
	if len(p.certs) == 0 {
		return nil, malformed(sc, "names no certificate (xades:Cert)")
	}
	return p, nil
}

func parseCertID(c *helium.Element) (certID, error) {
	id := certID{el: c}
	cd := firstChildNamed(c, NamespaceXAdES, "CertDigest")
	if cd == nil {
		return id, malformed(c, "has no xades:CertDigest")
	}
	dm := firstChildNamed(cd, NamespaceDSig, "DigestMethod")
	dv := firstChildNamed(cd, NamespaceDSig, "DigestValue")
	if dm == nil || dv == nil {
		return id, malformed(cd, "must hold ds:DigestMethod and ds:DigestValue")
	}
	var err error
	if id.digestMethod, err = algorithmAttr(dm); err != nil {
		return id, err
	}
	if id.digest, err = decodeBase64(text(dv)); err != nil {
		return id, malformed(dv, "DigestValue is not base64")
	}
	if is := firstChildNamed(c, NamespaceXAdES, "IssuerSerialV2"); is != nil {
		if id.issuerSerial, err = decodeBase64(text(is)); err != nil {
			return id, malformed(is, "IssuerSerialV2 is not base64")
		}
	}
	return id, nil
}

// matchSigningCertificate checks that cert is the first certificate named by
// SigningCertificateV2 — the signer's, by ETSI EN 319 132-1.
func (p *xadesProperties) matchSigningCertificate(cert *x509.Certificate, allowSHA1 bool) error {
	id := p.certs[0]
	alg, err := lookupDigestAlgorithm(id.digestMethod, allowSHA1, "xades:CertDigest")
	if err != nil {
		return err
	}
	h := alg.hash.New()
	h.Write(cert.Raw)
	if !bytes.Equal(h.Sum(nil), id.digest) {
		return fmt.Errorf("%w: the %s digest in %s is not that of the KeyInfo certificate %q",
			ErrCertMismatch, alg.name, describe(id.el), cert.Subject.String())
	}
	if id.issuerSerial != nil && !issuerSerialMatches(id.issuerSerial, cert) {
		return fmt.Errorf("%w: xades:IssuerSerialV2 in %s does not name the issuer and serial number of %q",
			ErrCertMismatch, describe(id.el), cert.Subject.String())
	}
	return nil
}

// issuerSerial is IssuerSerial of RFC 5035: the issuer as GeneralNames and
// the serial number.
type issuerSerial struct {
	Issuer []asn1.RawValue
	Serial *big.Int
}

// issuerSerialV2 is the base64 DER of cert's IssuerSerial, with the issuer
// as a directoryName ([4], explicitly tagged since Name is a CHOICE).
func issuerSerialV2(cert *x509.Certificate) (string, error) {
	der, err := asn1.Marshal(issuerSerial{
		Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}},
		Serial: cert.SerialNumber,
	})
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

func issuerSerialMatches(der []byte, cert *x509.Certificate) bool {
	var is issuerSerial
	if rest, err := asn1.Unmarshal(der, &is); err != nil || len(rest) > 0 || is.Serial == nil {
		return false
	}
	if is.Serial.Cmp(cert.SerialNumber) != 0 {
		return false
	}
	for _, name := range is.Issuer {
		if name.Class == asn1.ClassContextSpecific && name.Tag == 4 && bytes.Equal(name.Bytes, cert.RawIssuer) {
			return true
		}
	}
	return false
}
