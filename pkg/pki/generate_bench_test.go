package pki

import "testing"

// BenchmarkGenerateAndIssue measures what `oots pki issue` does per
// algorithm: a new key and a certificate signed by a P-256 CA.
func BenchmarkGenerateAndIssue(b *testing.B) {
	ca := mustCA(b)
	for _, alg := range Algorithms() {
		b.Run(string(alg), func(b *testing.B) {
			for b.Loop() {
				key, err := GenerateKey(alg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ca.Issue("bench", key, Period{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
