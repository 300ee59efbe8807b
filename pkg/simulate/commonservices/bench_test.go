package commonservices_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/pki/pkitest"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/simulate/commonservices"
)

// benchmarkSearch measures signed answers per second through the handler.
// "steady" is a load run (the same questions within a second share one
// signature); "resign" moves the clock a second per answer, so every
// answer is signed afresh.
func benchmarkSearch(b *testing.B, dsd bool, q regrep.Query) {
	for _, alg := range []pki.Algorithm{pki.P256, pki.RSA3072} {
		for _, mode := range []string{"steady", "resign"} {
			b.Run(string(alg)+"/"+mode, func(b *testing.B) {
				ca := pkitest.New(b)
				var tick atomic.Int64
				start := time.Now()
				cfg := commonservices.Config{Catalog: example(b), Identity: ca.Identity(b, alg)}
				if mode == "resign" {
					cfg.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
				}
				h := commonservices.NewEB(cfg)
				if dsd {
					h = commonservices.NewDSD(cfg)
				}
				target := "/rest/search?" + q.Encode()
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						rec := httptest.NewRecorder()
						req := httptest.NewRequest(http.MethodGet, target, nil)
						req.Header.Set("Accept-Version", regrep.DefaultAcceptVersion)
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK || rec.Header().Get("Oots-Response-Sig") == "" {
							b.Fatalf("HTTP %d", rec.Code)
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
			})
		}
	}
}

func BenchmarkEBRequirements(b *testing.B) {
	benchmarkSearch(b, false, regrep.RequirementsQuery("R1", "DE"))
}

func BenchmarkDSDDataServices(b *testing.B) {
	benchmarkSearch(b, true, regrep.DataServicesQuery(etDEBirth, "DE", regrep.Param{Name: regrep.ParamJurisdictionAdminL2, Value: "DE3"}))
}

// BenchmarkUncachedAnswer is the cost of writing an answer from the
// catalogue (what the first question of its kind pays).
func BenchmarkUncachedAnswer(b *testing.B) {
	c := example(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Responder(catalog.ResponseOptions{}).DataServices(etESBirth, "ES", map[string]string{conceptES: "Consular"}, "")) == 0 {
			b.Fatal("empty")
		}
	}
}
