package node

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// BenchmarkJourney runs whole no-preview journeys through four in-process
// nodes on loopback — EB and DSD answers signed and verified, the evidence
// request and its answer over signed AS4 with signed receipts, every EDM
// message validated by its receiver — and reports journeys per second and
// latency percentiles. EB and DSD answers are cached by the requester, as
// by a node's default configuration.
func BenchmarkJourney(b *testing.B) {
	// As `oots simulate node` runs its nodes (see nodeGCPercent there).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	for _, alg := range []pki.Algorithm{pki.Ed25519, pki.P256, pki.RSA3072} {
		b.Run(string(alg), func(b *testing.B) { benchJourney(b, alg) })
	}
}

func benchJourney(b *testing.B, alg pki.Algorithm) {
	n, requesterURL := exampleNetworkTB(b, alg)
	c := n.client()
	body, err := json.Marshal(requester.Journey{Procedure: "R1", Country: "DE", Jurisdiction: "DE3", Subject: erika()})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			req, err := http.NewRequest(http.MethodPost, requesterURL+"/journeys", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Prefer", "return=minimal") // as a load run asks
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			data, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			var res requester.Result
			if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &res) != nil || res.Outcome != "evidence" {
				b.Errorf("journey: %d %s", resp.StatusCode, data)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "journeys/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
