package provider

import (
	"context"
	"testing"
)

// BenchmarkAnswer answers the no-preview request (validate the request,
// find the evidence, build and validate the response) on one goroutine;
// answers/s is the rate.
func BenchmarkAnswer(b *testing.B) {
	p := newProvider(b, Config{})
	req := build(b, request(erika(), typeBirthDE))
	ctx := context.Background()
	if _, err := p.Answer(ctx, req); err != nil { // warm up: compile the rules
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		reply, err := p.Answer(ctx, req)
		if err != nil || reply.ErrorCode != "" {
			b.Fatalf("reply %v, err %v", reply, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

// BenchmarkAnswerParallel is BenchmarkAnswer on all cores, as a node
// answers concurrent requests.
func BenchmarkAnswerParallel(b *testing.B) {
	p := newProvider(b, Config{})
	req := build(b, request(erika(), typeBirthDE))
	ctx := context.Background()
	if _, err := p.Answer(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if reply, err := p.Answer(ctx, req); err != nil || reply.ErrorCode != "" {
				b.Errorf("reply %v, err %v", reply, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}
