package runner

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// LoadStats are the numbers of a load run.
type LoadStats struct {
	Exchanges   int `json:"exchanges"`
	Concurrency int `json:"concurrency"`
	// Answered journeys ended with an evidence or an error response.
	Answered int `json:"answered"`
	// Failed journeys ended without an answer, for the reasons in FailedBy.
	Failed   int            `json:"failed"`
	FailedBy map[string]int `json:"failedBy,omitempty"`
	// Outcomes count the journeys by outcome (evidence, error, failed).
	Outcomes map[string]int `json:"outcomes"`
	// Lost exchanges were sent but neither answered nor failed: journeys
	// that never came back, and evidence requests the requester still had
	// pending at the end. Must be 0.
	Lost int `json:"lost"`
	// AnsweredTwice counts answers the requester received a second time for
	// the same request (its duplicates). Must be 0.
	AnsweredTwice int `json:"answeredTwice"`
	// Requests is how many evidence requests the requester sent.
	Requests int `json:"requests"`

	DurationMS float64 `json:"durationMs"`
	// Throughput is journeys completed per second of wall time.
	Throughput float64 `json:"throughput"`
	Latency    Latency `json:"latencyMs"`
}

// Latency summarises journey durations in milliseconds.
type Latency struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// Summarize computes latency percentiles (nearest rank) from durations.
func Summarize(durations []time.Duration) Latency {
	if len(durations) == 0 {
		return Latency{}
	}
	ms := make([]float64, len(durations))
	sum := 0.0
	for i, d := range durations {
		ms[i] = float64(d) / float64(time.Millisecond)
		sum += ms[i]
	}
	sort.Float64s(ms)
	return Latency{
		Mean: round3(sum / float64(len(ms))),
		P50:  round3(Percentile(ms, 50)),
		P95:  round3(Percentile(ms, 95)),
		P99:  round3(Percentile(ms, 99)),
		Max:  round3(ms[len(ms)-1]),
	}
}

// Percentile is the nearest-rank percentile p (0 < p <= 100) of sorted
// values: the smallest value with at least p% of the values at or below it.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// Throughput is completed operations per second.
func Throughput(completed int, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return math.Round(float64(completed)/elapsed.Seconds()*10) / 10
}

var (
	uuidLike = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(@[A-Za-z0-9.-]+)?`)
	portLike = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	spaces   = regexp.MustCompile(`\s+`)
)

// failureReason groups failure messages that differ only by message ids,
// ports or trailing detail, so that a report can count them by reason.
func failureReason(msg string) string {
	r := uuidLike.ReplaceAllString(msg, "…")
	r = portLike.ReplaceAllString(r, "127.0.0.1:…")
	r = strings.TrimSpace(spaces.ReplaceAllString(r, " "))
	if r == "" {
		return "no reason given"
	}
	const maxReason = 120
	if len(r) > maxReason {
		r = r[:maxReason] + "…"
	}
	return r
}

// requesterStats mirror a requester's GET /stats.
type requesterStats struct {
	Requests   int `json:"requests"`
	Answered   int `json:"answered"`
	Failed     int `json:"failed"`
	Duplicates int `json:"duplicates"`
	Invalid    int `json:"invalid"`
}

func (s requesterStats) minus(o requesterStats) requesterStats {
	return requesterStats{
		Requests: s.Requests - o.Requests, Answered: s.Answered - o.Answered, Failed: s.Failed - o.Failed,
		Duplicates: s.Duplicates - o.Duplicates, Invalid: s.Invalid - o.Invalid,
	}
}

// pending are evidence requests neither answered nor failed.
func (s requesterStats) pending() int { return max(0, s.Requests-s.Answered-s.Failed) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
