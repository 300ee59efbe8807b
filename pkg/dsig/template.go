package dsig

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"strings"
	"time"
)

// sigTemplate holds the parts of a ds:Signature being written. The text is
// written by hand, one element a line, so that what is canonicalised and
// signed is exactly what goes into the document.
type sigTemplate struct {
	id         string
	alg        signatureAlgorithm
	digestURI  string
	certs      []*x509.Certificate
	signedInfo string
	object     string
}

func (t *sigTemplate) signedInfoXML(refs []refSpec) string {
	var b strings.Builder
	b.WriteString("<ds:SignedInfo>\n")
	b.WriteString(`<ds:CanonicalizationMethod Algorithm="` + AlgExcC14N + `"/>` + "\n")
	b.WriteString(`<ds:SignatureMethod Algorithm="` + t.alg.uri + `"/>` + "\n")
	for _, r := range refs {
		b.WriteString("<ds:Reference")
		if r.typ != "" {
			b.WriteString(` Type="` + escapeAttr(r.typ) + `"`)
		}
		b.WriteString(` URI="` + escapeAttr(r.uri) + `">` + "\n")
		if len(r.transforms) > 0 {
			b.WriteString("<ds:Transforms>\n")
			for _, tr := range r.transforms {
				b.WriteString(`<ds:Transform Algorithm="` + tr + `"/>` + "\n")
			}
			b.WriteString("</ds:Transforms>\n")
		}
		b.WriteString(`<ds:DigestMethod Algorithm="` + t.digestURI + `"/>` + "\n")
		b.WriteString("<ds:DigestValue>" + base64.StdEncoding.EncodeToString(r.digest) + "</ds:DigestValue>\n")
		b.WriteString("</ds:Reference>\n")
	}
	b.WriteString("</ds:SignedInfo>")
	return b.String()
}

func (t *sigTemplate) signatureXML(value []byte) string {
	var b strings.Builder
	b.WriteString(`<ds:Signature xmlns:ds="` + NamespaceDSig + `" Id="` + escapeAttr(t.id) + `">` + "\n")
	b.WriteString(t.signedInfo + "\n")
	b.WriteString("<ds:SignatureValue>" + base64.StdEncoding.EncodeToString(value) + "</ds:SignatureValue>\n")
	b.WriteString("<ds:KeyInfo>\n<ds:X509Data>\n")
	for _, c := range t.certs {
		b.WriteString("<ds:X509Certificate>" + wrapBase64(c.Raw) + "</ds:X509Certificate>\n")
	}
	b.WriteString("</ds:X509Data>\n</ds:KeyInfo>\n")
	if t.object != "" {
		b.WriteString(t.object + "\n")
	}
	b.WriteString("</ds:Signature>")
	return b.String()
}

// xadesObjectXML is ds:Object with the XAdES baseline B qualifying
// properties: SigningTime and SigningCertificateV2 (digest, issuer and
// serial number of the signer's certificate).
func xadesObjectXML(sigID, propsID string, at time.Time, cert *x509.Certificate, dig digester) (string, error) {
	issuerSerial, err := issuerSerialV2(cert)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("<ds:Object>\n")
	b.WriteString(`<xades:QualifyingProperties xmlns:xades="` + NamespaceXAdES + `" Target="#` + escapeAttr(sigID) + `">` + "\n")
	b.WriteString(`<xades:SignedProperties Id="` + escapeAttr(propsID) + `">` + "\n")
	b.WriteString("<xades:SignedSignatureProperties>\n")
	b.WriteString("<xades:SigningTime>" + at.UTC().Format(time.RFC3339) + "</xades:SigningTime>\n")
	b.WriteString("<xades:SigningCertificateV2>\n<xades:Cert>\n<xades:CertDigest>\n")
	b.WriteString(`<ds:DigestMethod Algorithm="` + dig.uri + `"/>` + "\n")
	b.WriteString("<ds:DigestValue>" + base64.StdEncoding.EncodeToString(dig.sum(cert.Raw)) + "</ds:DigestValue>\n")
	b.WriteString("</xades:CertDigest>\n")
	b.WriteString("<xades:IssuerSerialV2>" + issuerSerial + "</xades:IssuerSerialV2>\n")
	b.WriteString("</xades:Cert>\n</xades:SigningCertificateV2>\n")
	b.WriteString("</xades:SignedSignatureProperties>\n")
	b.WriteString("</xades:SignedProperties>\n")
	b.WriteString("</xades:QualifyingProperties>\n")
	b.WriteString("</ds:Object>")
	return b.String(), nil
}

// wrapBase64 encodes data in lines of 76 characters, as certificates
// usually appear in signatures.
func wrapBase64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writing to a strings.Builder cannot fail
	return b.String()
}
