package jades

import (
	"strings"
	"testing"
)

func TestParseHeaderRefusals(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20)
	for in, text := range map[string]string{
		`[]`:                                   "not a JSON object",
		`{"alg":"ES256"} {}`:                   "data after the JSON object",
		`{"alg":null}`:                         "alg: null is not a value",
		`{"alg":1}`:                            "alg: json",
		`{"b64":"false"}`:                      "b64: json",
		`{"sigT":"yesterday"}`:                 "not an RFC 3339 time",
		`{"iat":1.5}`:                          "not a whole number",
		`{"x5c":["not base64!"]}`:              "x5c[0] is not standard base64",
		`{"x5c":["AAAA"]}`:                     "x5c[0]:",
		`{"sigD":{"mId":"a","mId":"b"}}`:       `duplicate name "mId" in /sigD`,
		`{"crit":["b64"],"x":[{"a":1,"a":2}]}`: `duplicate name "a" in /x[]`,
		deep:                                   "nested deeper than 16 levels",
		`{"alg":"ES256"`:                       "ends before the object is closed",
		`{"x":"` + strings.Repeat("a", maxHeaderJSON) + `"}`: "protected header of",
	} {
		_, err := ParseHeader([]byte(in))
		wantErr(t, err, ErrMalformed, text)
	}
}

func TestParseHeaderReadsExactNames(t *testing.T) {
	h, err := ParseHeader([]byte(`{"ALG":"none","alg":"ES256","b64":false,"iat":1785315710,"sigT":"2026-01-02T03:04:05Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	if h.Alg != ES256 || h.Encoded() || h.IssuedAt.Unix() != 1785315710 || h.SigningTime() != h.SigT || !h.Names["ALG"] {
		t.Errorf("header %+v", h)
	}
}

func TestParseCompactRefusals(t *testing.T) {
	for in, text := range map[string]string{
		"a.b":                     "three parts",
		"a.b.c.d":                 "three parts",
		"e30=.e30.AA":             "protected header is not base64url",
		"e30.e30.A":               "signature is not base64url",
		"e30.e3=.AA":              "payload is not base64url",
		"eyJhbGciOiJub25lIn0..AB": "signature is not base64url", // non-canonical trailing bits
	} {
		_, err := Parse(in)
		wantErr(t, err, ErrMalformed, text)
	}
	j, err := Parse(" eyJiNjQiOmZhbHNlfQ.raw payload.AA\n")
	if err != nil || string(j.Payload) != "raw payload" || j.Detached {
		t.Errorf("b64:false payload: %v %q", err, j.Payload)
	}
}
