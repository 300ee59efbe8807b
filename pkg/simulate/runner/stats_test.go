package runner

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	values := make([]float64, 100)
	for i := range values {
		values[i] = float64(i + 1) // 1 … 100
	}
	for p, want := range map[float64]float64{50: 50, 95: 95, 99: 99, 100: 100, 0.5: 1} {
		if got := Percentile(values, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if got := Percentile([]float64{3, 7}, 50); got != 3 {
		t.Errorf("p50 of two values = %v, want the lower", got)
	}
	if Percentile(nil, 99) != 0 {
		t.Error("no values, no percentile")
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 10; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(ds)
	want := Latency{Mean: 5.5, P50: 5, P95: 10, P99: 10, Max: 10}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if Summarize(nil) != (Latency{}) {
		t.Error("no durations, zero summary")
	}
}

func TestThroughput(t *testing.T) {
	if got := Throughput(1000, 500*time.Millisecond); got != 2000 {
		t.Errorf("1000 in 0.5 s = %v/s", got)
	}
	if Throughput(5, 0) != 0 {
		t.Error("no time, no throughput")
	}
}

func TestFailureReasonGroupsLikeFailures(t *testing.T) {
	a := failureReason("sending 0b3f6e4c-1111-4222-8333-944455556666@oots.eu to https://127.0.0.1:40001/as4: connection refused")
	b := failureReason("sending 9b3f6e4c-1111-4222-8333-944455556667@oots.eu to https://127.0.0.1:40002/as4:  connection refused")
	if a != b {
		t.Errorf("%q and %q should group", a, b)
	}
	if failureReason("") != "no reason given" {
		t.Error("empty reason")
	}
}

func TestRequesterStatsPending(t *testing.T) {
	before := requesterStats{Requests: 10, Answered: 8, Failed: 2, Duplicates: 1}
	after := requesterStats{Requests: 30, Answered: 25, Failed: 3, Duplicates: 1}
	d := after.minus(before)
	if d.pending() != 2 || d.Duplicates != 0 || d.Requests != 20 {
		t.Errorf("delta %+v pending %d", d, d.pending())
	}
}
