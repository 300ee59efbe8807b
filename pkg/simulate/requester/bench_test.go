package requester

import (
	"context"
	"net/url"
	"testing"
	"time"
)

// BenchmarkRun drives whole journeys — EB, DSD, request, answer — against
// instant in-process fakes: what the requester itself costs per journey
// (building and checking the request, checking the answer and the
// cross-document rules). It reports journeys/s.
func BenchmarkRun(b *testing.B) {
	cs := newCommonServices(b, func(url.Values) string { return dsdAnswer(clsAT, vienna) })
	n := &network{t: b, behave: answersWithEvidence(b)}
	n.r = New(Config{EB: cs.ebC(), DSD: cs.dsdC(), Agent: portal, Send: n.send, Validator: testValidator(b), Timeout: 10 * time.Second})
	j := birthJourney("AT")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := n.r.Run(ctx, j)
			if err != nil || res.Outcome != OutcomeEvidence {
				b.Errorf("journey: %v %+v", err, res)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "journeys/s")
}
