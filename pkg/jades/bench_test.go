package jades

import (
	"crypto/x509"
	"testing"

	"github.com/oots-tools/oots/pkg/pki/pkitest"
)

// BenchmarkSignVerify signs an EDM message as a compact JWS and verifies
// it, chain included; ops/s is signatures made and checked per second.
func BenchmarkSignVerify(b *testing.B) {
	p := pkitest.New(b)
	payload := edmMessage(b)
	opts := VerifyOptions{Roots: []*x509.Certificate{p.Root}}
	for _, tc := range algCases {
		id := p.Identity(b, tc.key)
		sopts := SignOptions{Identity: id, Alg: tc.alg}
		b.Run(tc.alg, func(b *testing.B) {
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				token, err := SignCompact(payload, sopts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Verify(token, nil, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}

// BenchmarkVerifyCSResponse verifies the signed catalogue answer of the
// shared corpus (about 600 KB): header parse, signature, chain and digest.
func BenchmarkVerifyCSResponse(b *testing.B) {
	var v *vector
	for _, c := range loadVectors(b) {
		if c.name == "fr-acc-eb_requirements_catalogue.headers" {
			v = &c
		}
	}
	if v == nil {
		b.Skip("catalogue vector not in the corpus")
	}
	opts := VerifyOptions{Roots: []*x509.Certificate{vectorRoot(b, v.header)}, At: vectorTime}
	b.SetBytes(int64(len(v.body)))
	for b.Loop() {
		if _, err := VerifyCSResponse(v.header, v.body, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
