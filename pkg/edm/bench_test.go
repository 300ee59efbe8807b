package edm

import (
	"context"
	"testing"
)

// BenchmarkBuild builds and validates (embedded rules) one message of each
// kind per iteration, with fresh ids; msgs/s is messages built and checked
// per second on one goroutine.
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	var req Request
	var resp Response
	var errResp ErrorResponse
	fromExample(b, "request.yaml", &req)
	fromExample(b, "response.yaml", &resp)
	fromExample(b, "error-preview.yaml", &errResp)
	msgs := []builder{&req, &resp, &errResp}
	for _, m := range msgs { // warm up: compile each kind's rules once
		if _, err := m.Build(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req.ID, resp.ResponseID, errResp.ResponseID = "", "", ""
		for _, m := range msgs {
			if _, err := m.Build(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkBuildParallel is BenchmarkBuild on all cores.
func BenchmarkBuildParallel(b *testing.B) {
	ctx := context.Background()
	var warm Response
	if _, err := fromExample(b, "response.yaml", &warm).Build(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var r Response
		fromExample(b, "response.yaml", &r)
		for pb.Next() {
			r.ResponseID = ""
			if _, err := r.Build(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkXML is the serialisation alone, without validation: what Build
// costs beyond the rules.
func BenchmarkXML(b *testing.B) {
	var r Response
	fromExample(b, "response.yaml", &r)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.XML(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
