package jades

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// HTTPHeadersMechanism is the sigD mechanism of ETSI TS 119 182-1 whose
// signed data are HTTP header fields; it is the only one supported.
const HTTPHeadersMechanism = "http://uri.etsi.org/19182/HttpHeaders"

// maxHeaderJSON bounds the protected header: three certificates take about
// 8 KiB, so 256 KiB leaves room without letting a hostile header grow unbounded.
const maxHeaderJSON = 256 << 10

// maxJSONDepth bounds nesting in the protected header; real headers nest twice.
const maxJSONDepth = 16

// Header is the protected header of a JWS, as far as this package reads it.
type Header struct {
	Alg string
	Kid string
	Typ string
	Cty string
	// B64 is the RFC 7797 b64 parameter; nil when absent (which means true).
	B64  *bool
	Crit []string
	// X5c is the signer's certificate followed by its chain.
	X5c     []*x509.Certificate
	X5tS256 string
	X5tO    *DigestRef
	// SigT is the JAdES claimed signing time; zero when absent.
	SigT time.Time
	// IssuedAt is the iat parameter; zero when absent.
	IssuedAt time.Time
	SigD     *SigD
	// Names holds every parameter name of the protected header.
	Names map[string]bool
}

// DigestRef is a JAdES x5t#o certificate digest.
type DigestRef struct {
	DigAlg string `json:"digAlg"`
	DigVal string `json:"digVal"`
}

// SigD is the JAdES sigD parameter: what a detached signature covers.
type SigD struct {
	MID  string   `json:"mId"`
	Pars []string `json:"pars"`
}

// Encoded reports whether the payload is base64url-encoded in the signing
// input (RFC 7797: b64 absent or true).
func (h *Header) Encoded() bool { return h.B64 == nil || *h.B64 }

// SigningTime is sigT when present, else iat, else zero.
func (h *Header) SigningTime() time.Time {
	if !h.SigT.IsZero() {
		return h.SigT
	}
	return h.IssuedAt
}

// ParseHeader reads a protected header from its JSON. It refuses duplicate
// names at any depth (RFC 7515 §4: "MUST reject"), parameters of the wrong
// type and certificates that do not parse; it does not judge alg or crit —
// Verify does.
func ParseHeader(data []byte) (*Header, error) {
	if len(data) > maxHeaderJSON {
		return nil, fmt.Errorf("%w: protected header of %d bytes (at most %d)", ErrMalformed, len(data), maxHeaderJSON)
	}
	if err := checkStrictJSON(data); err != nil {
		return nil, fmt.Errorf("%w: protected header: %v", ErrMalformed, err)
	}
	var params map[string]json.RawMessage
	if err := json.Unmarshal(data, &params); err != nil {
		return nil, fmt.Errorf("%w: protected header is not a JSON object: %v", ErrMalformed, err)
	}
	h := &Header{Names: make(map[string]bool, len(params))}
	for name := range params {
		h.Names[name] = true
	}
	if err := h.decodeParams(params); err != nil {
		return nil, fmt.Errorf("%w: protected header: %v", ErrMalformed, err)
	}
	return h, nil
}

// decodeParams reads the known parameters by their exact names:
// encoding/json alone would also fill Alg from "ALG".
func (h *Header) decodeParams(p map[string]json.RawMessage) error {
	fields := []struct {
		name string
		dst  any
	}{
		{"alg", &h.Alg}, {"kid", &h.Kid}, {"typ", &h.Typ}, {"cty", &h.Cty},
		{"b64", &h.B64}, {"crit", &h.Crit}, {"x5t#S256", &h.X5tS256},
		{"x5t#o", &h.X5tO}, {"sigD", &h.SigD},
	}
	for _, f := range fields {
		raw, ok := p[f.name]
		if !ok {
			continue
		}
		if err := decodeExact(raw, f.dst); err != nil {
			return fmt.Errorf("%s: %v", f.name, err)
		}
	}
	if err := h.decodeTimes(p); err != nil {
		return err
	}
	return h.decodeX5c(p["x5c"])
}

// decodeExact unmarshals one parameter; null is refused because a present
// parameter without a value is never meaningful in a JOSE header.
func decodeExact(raw json.RawMessage, dst any) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return errors.New("null is not a value")
	}
	return json.Unmarshal(raw, dst)
}

func (h *Header) decodeTimes(p map[string]json.RawMessage) error {
	if raw, ok := p["sigT"]; ok {
		var s string
		if err := decodeExact(raw, &s); err != nil {
			return fmt.Errorf("sigT: %v", err)
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("sigT %q is not an RFC 3339 time (like 2026-06-01T12:00:00Z)", s)
		}
		h.SigT = t
	}
	if raw, ok := p["iat"]; ok {
		var n json.Number
		if err := decodeExact(raw, &n); err != nil {
			return fmt.Errorf("iat: %v", err)
		}
		secs, err := n.Int64()
		if err != nil {
			return fmt.Errorf("iat %s is not a whole number of seconds", n)
		}
		h.IssuedAt = time.Unix(secs, 0).UTC()
	}
	return nil
}

// decodeX5c reads x5c: standard base64 (not base64url) DER, RFC 7515 §4.1.6.
func (h *Header) decodeX5c(raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	var ders []string
	if err := decodeExact(raw, &ders); err != nil {
		return fmt.Errorf("x5c: %v", err)
	}
	for i, s := range ders {
		der, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return fmt.Errorf("x5c[%d] is not standard base64: %v", i, err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("x5c[%d]: %v", i, err)
		}
		h.X5c = append(h.X5c, c)
	}
	return nil
}

// checkStrictJSON walks data token by token and refuses duplicate object
// keys, nesting deeper than maxJSONDepth, a top level that is not an object,
// and anything after it.
func checkStrictJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	first, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	if err := walkObject(dec, "", 1); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the JSON ends before the object is closed")
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}

func walkObject(dec *json.Decoder, path string, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if seen[key] {
			return fmt.Errorf("duplicate name %q%s", key, inPath(path))
		}
		seen[key] = true
		if err := walkValue(dec, path+"/"+key, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing brace
	return err
}

func walkValue(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= maxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels at %s", maxJSONDepth, path)
	}
	if d == '{' {
		return walkObject(dec, path, depth+1)
	}
	for dec.More() { // an array
		if err := walkValue(dec, path+"[]", depth+1); err != nil {
			return err
		}
	}
	_, err = dec.Token() // the closing bracket
	return err
}

func inPath(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}
