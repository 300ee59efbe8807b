package jades

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// Header names of the Common Services response signature.
const (
	SignatureHeader = "Oots-Response-Sig"
	DigestHeader    = "Digest"
)

// CSResult describes a verified Common Services response signature.
type CSResult struct {
	Signer *x509.Certificate
	// Chain runs from the signer to the trust anchor.
	Chain     []*x509.Certificate
	SignedAt  time.Time
	Algorithm string
	// Header is the protected header of the signature.
	Header *Header
	// Covered lists the HTTP headers the signature covers, lower-case.
	Covered []string
	// Digest is the digest header value, which matched the body.
	Digest string
	// BodySize is the number of body bytes the digest covers.
	BodySize int
}

// VerifyCSResponse verifies the oots-response-sig header of an EB or DSD
// answer over its digest header and the digest over body. The signature
// is a detached JAdES JWS whose sigD (HttpHeaders) lists the headers it
// covers; its signing input is BASE64URL(protected) "." followed by the
// lines "name: value" (lower-case name) of those headers joined by "\n".
func VerifyCSResponse(header http.Header, body []byte, opts VerifyOptions) (*CSResult, error) {
	value, err := singleHeader(header, SignatureHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignedData, err)
	}
	j, err := Parse(value)
	if err != nil {
		return nil, fmt.Errorf("oots-response-sig: %w", err)
	}
	if !j.Detached {
		return nil, fmt.Errorf("%w: oots-response-sig carries a payload; it must be a detached JWS", ErrMalformed)
	}
	if err := checkCoversDigest(j.Header); err != nil {
		return nil, err
	}
	digest, err := singleHeader(header, DigestHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDigest, err)
	}
	signed, err := HTTPHeadersSignedData(j.Header.SigD.Pars, header)
	if err != nil {
		return nil, err
	}
	res, err := j.verifyOver(signed, opts)
	if err != nil {
		return nil, err
	}
	if err := CheckDigest(digest, body); err != nil {
		return nil, err
	}
	covered := make([]string, len(j.Header.SigD.Pars))
	for i, p := range j.Header.SigD.Pars {
		covered[i] = strings.ToLower(p)
	}
	return &CSResult{
		Signer: res.Signer, Chain: res.Chain, SignedAt: res.SignedAt, Algorithm: res.Algorithm,
		Header: j.Header, Covered: covered, Digest: digest, BodySize: len(body),
	}, nil
}

// checkCoversDigest refuses a response signature that does not reach the
// body: without the digest header among its sigD pars it signs nothing of it.
func checkCoversDigest(h *Header) error {
	if h.SigD == nil {
		return fmt.Errorf("%w: oots-response-sig has no sigD, so it does not say which headers it covers", ErrSignedData)
	}
	if err := checkSigD(h.SigD); err != nil {
		return err
	}
	if !slices.ContainsFunc(h.SigD.Pars, func(p string) bool { return strings.EqualFold(p, DigestHeader) }) {
		return fmt.Errorf("%w: sigD covers %q but not the digest header, so the body is not signed", ErrSignedData, h.SigD.Pars)
	}
	return nil
}

// HTTPHeadersSignedData builds the data a sigD HttpHeaders signature
// covers: for each name, "name: value" with the name in lower case and the
// value exactly as received, joined by "\n" without a final newline.
func HTTPHeadersSignedData(names []string, header http.Header) ([]byte, error) {
	var b bytes.Buffer
	for i, name := range names {
		value, err := singleHeader(header, name)
		if err != nil {
			return nil, fmt.Errorf("%w: sigD covers %q: %v", ErrSignedData, name, err)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.ToLower(name))
		b.WriteString(": ")
		b.WriteString(value)
	}
	return b.Bytes(), nil
}

// singleHeader returns the one value of a header; names match whatever
// their case, and a header given twice is refused as ambiguous.
func singleHeader(header http.Header, name string) (string, error) {
	values := header.Values(name)
	switch len(values) {
	case 0:
		return "", fmt.Errorf("the %s header is missing", strings.ToLower(name))
	case 1:
		return values[0], nil
	}
	return "", fmt.Errorf("the %s header appears %d times; it must appear once", strings.ToLower(name), len(values))
}

// CheckDigest checks a digest header value (RFC 3230: "SHA-256=<base64>",
// several separated by commas) against body. Only SHA-256 and SHA-512 are
// accepted, and every digest listed must match.
func CheckDigest(value string, body []byte) error {
	items := strings.Split(value, ",")
	for _, item := range items {
		alg, encoded, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return fmt.Errorf("%w: digest %q is not ALGORITHM=BASE64", ErrDigest, item)
		}
		h, err := digestHash(alg)
		if err != nil {
			return err
		}
		want, err := base64.StdEncoding.Strict().DecodeString(encoded)
		if err != nil {
			return fmt.Errorf("%w: digest %s value is not base64: %v", ErrDigest, alg, err)
		}
		h.Write(body)
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			return fmt.Errorf("%w: the body (%d bytes) does not match the digest header: expected %s=%s, the body has %s=%s",
				ErrDigest, len(body), alg, encoded, alg, base64.StdEncoding.EncodeToString(got))
		}
	}
	return nil
}

func digestHash(alg string) (hash.Hash, error) {
	switch strings.ToUpper(alg) {
	case "SHA-256":
		return sha256.New(), nil
	case "SHA-512":
		return sha512.New(), nil
	case "SHA", "SHA-1", "SHA1":
		return nil, fmt.Errorf("%w: digest algorithm %s is SHA-1, which is refused (use SHA-256 or SHA-512)", ErrDigest, alg)
	}
	return nil, fmt.Errorf("%w: digest algorithm %q is not accepted (use SHA-256 or SHA-512)", ErrDigest, alg)
}

// maxHeadersFile bounds a .headers file; real ones are under 10 KiB.
const maxHeadersFile = 1 << 20

// ReadHeaders reads "name: value" lines as stored next to captured
// responses. Blank lines and a first "HTTP/..." status line are skipped;
// whitespace around the value is dropped, the value is otherwise kept as
// it is. Folded (continued) lines are refused.
func ReadHeaders(r io.Reader) (http.Header, error) {
	sc := bufio.NewScanner(io.LimitReader(r, maxHeadersFile+1))
	sc.Buffer(make([]byte, 0, 64<<10), maxHeadersFile+1)
	header := http.Header{}
	total := 0
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		total += len(sc.Bytes()) + 1
		if total > maxHeadersFile {
			return nil, fmt.Errorf("headers larger than %d bytes", maxHeadersFile)
		}
		if strings.TrimSpace(line) == "" || (n == 1 && strings.HasPrefix(line, "HTTP/")) {
			continue
		}
		name, value, err := parseHeaderLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		header.Add(name, value)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("headers larger than %d bytes", maxHeadersFile)
		}
		return nil, err
	}
	return header, nil
}

func parseHeaderLine(line string) (string, string, error) {
	if line[0] == ' ' || line[0] == '\t' {
		return "", "", errors.New("folded header lines (starting with a space) are not accepted")
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return "", "", fmt.Errorf("%q is not a header line (want name: value)", truncate(line, 40))
	}
	if !validHeaderName(name) {
		return "", "", fmt.Errorf("%q is not a valid header name", name)
	}
	return textproto.CanonicalMIMEHeaderKey(name), strings.Trim(value, " \t"), nil
}

// validHeaderName says whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
