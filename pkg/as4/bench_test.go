package as4

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oots-tools/oots/pkg/pki"
)

// benchPayloads is an EDM message of 10 kB, the size of an evidence request.
func benchPayloads(b *testing.B) []Payload {
	data := make([]byte, 10<<10)
	if _, err := rand.Read(data); err != nil {
		b.Fatal(err)
	}
	return []Payload{{ContentID: "msg@oots.eu", MediaType: MediaTypeEbRS, Data: data}}
}

// BenchmarkSignedExchange: a client sends a signed 10 kB message over
// loopback HTTP to a Server that verifies it and answers a signed receipt,
// which the client verifies; msgs/s counts complete exchanges, with as many
// senders in parallel as GOMAXPROCS.
func BenchmarkSignedExchange(b *testing.B) {
	for _, alg := range pki.Algorithms() {
		b.Run(string(alg), func(b *testing.B) {
			srv := httptest.NewServer(&Server{Security: security(b, alg)})
			defer srv.Close()
			transport := &http.Transport{MaxIdleConnsPerHost: 64}
			defer transport.CloseIdleConnections()
			c := &Client{HTTP: &http.Client{Transport: transport}, Security: security(b, alg)}
			ps := benchPayloads(b)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Send(context.Background(), srv.URL, NewRequest(route(), "", now), ps); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkSign and BenchmarkVerify split one side of the exchange into
// its two halves, in one goroutine, to show where the time goes.
func BenchmarkSign(b *testing.B) {
	for _, alg := range pki.Algorithms() {
		b.Run(string(alg), func(b *testing.B) {
			sec, ps := security(b, alg), benchPayloads(b)
			req := NewRequest(route(), "", now)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := sec.Encode(&buf, req, ps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, alg := range pki.Algorithms() {
		b.Run(string(alg), func(b *testing.B) {
			sec, ps := security(b, alg), benchPayloads(b)
			var buf bytes.Buffer
			ct, err := sec.Encode(&buf, NewRequest(route(), "", now), ps)
			if err != nil {
				b.Fatal(err)
			}
			body := buf.Bytes()
			b.ReportAllocs()
			for b.Loop() {
				msg, err := decodeAndVerify(b, sec, ct, body)
				if err != nil {
					b.Fatal(err)
				}
				msg.release()
			}
		})
	}
}
