package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// loadTally collects the journeys of a load run as they end.
type loadTally struct {
	mu        sync.Mutex
	stats     *LoadStats
	latencies []time.Duration
	started   int
	ended     int
}

func (t *loadTally) start() {
	t.mu.Lock()
	t.started++
	t.mu.Unlock()
}

// record counts one journey's end: a result, or an error reaching the requester.
func (t *loadTally) record(res *requester.Result, err error, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err != nil:
		t.ended++
		t.stats.Failed++
		t.stats.FailedBy[failureReason(err.Error())]++
		t.stats.Outcomes[requester.OutcomeFailed]++
	case res.Outcome == requester.OutcomeFailed:
		t.ended++
		t.stats.Failed++
		t.stats.FailedBy[failureReason(res.Failure)]++
		t.stats.Outcomes[requester.OutcomeFailed]++
	default:
		t.ended++
		t.stats.Answered++
		t.stats.Outcomes[res.Outcome]++
		t.latencies = append(t.latencies, took)
	}
}

// loadStep runs a load: Exchanges journeys over Concurrency workers, with
// the during steps (kill, restart, wait) alongside.
func (ru *run) loadStep(ctx context.Context, l *LoadSpec, rep *StepReport) {
	name := ru.sc.requesterFor(l.Requester)
	before, err := ru.stats(ctx, name)
	if err != nil {
		rep.fail("%v", err)
		return
	}
	tally := &loadTally{stats: &LoadStats{
		Exchanges: l.Exchanges, Concurrency: l.Concurrency, FailedBy: map[string]int{}, Outcomes: map[string]int{},
	}}
	start := time.Now()
	during := ru.runDuring(ctx, l.During)
	ru.drive(ctx, name, l, tally)
	elapsed := time.Since(start)
	rep.Steps = <-during

	st := tally.stats
	st.DurationMS = round3(float64(elapsed) / float64(time.Millisecond))
	st.Throughput = Throughput(tally.ended, elapsed)
	st.Latency = Summarize(tally.latencies)
	st.Lost = tally.started - tally.ended
	if after, err := ru.stats(ctx, name); err != nil {
		rep.fail("%v", err)
	} else {
		delta := after.minus(before)
		st.Requests = delta.Requests
		st.AnsweredTwice = delta.Duplicates
		st.Lost += delta.pending()
	}
	rep.Load = st
	rep.Details = append(rep.Details, describeLoad(st)...)
	checkLoadStats(l, st, rep)
	if !allPassed(rep.Steps) {
		rep.Passed = false
	}
}

// drive feeds the journeys to the workers and waits for all of them.
func (ru *run) drive(ctx context.Context, name string, l *LoadSpec, tally *loadTally) {
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range l.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				tally.start()
				t0 := time.Now()
				res, err := ru.journey(ctx, name, l.Journey, true)
				if err != nil && ctx.Err() != nil {
					continue // interrupted: neither answered nor failed, so counted lost
				}
				tally.record(res, err, time.Since(t0))
			}
		}()
	}
feed:
	for range l.Exchanges {
		select {
		case <-ctx.Done():
			break feed
		case jobs <- struct{}{}:
		}
	}
	close(jobs)
	wg.Wait()
}

// runDuring runs the during steps in order while the load runs; the
// channel gives their reports when they are done.
func (ru *run) runDuring(ctx context.Context, steps []StepSpec) <-chan []*StepReport {
	out := make(chan []*StepReport, 1)
	go func() {
		var reports []*StepReport
		for i := range steps {
			reports = append(reports, ru.runStep(ctx, &steps[i]))
		}
		out <- reports
	}()
	return out
}

// answersExpected is how many of n repeats of a journey must end answered:
// all of them, unless the journey is expected to fail (as in TC04) — a load
// run in which every exchange failed must not pass.
func answersExpected(e *Expect, n int) int {
	if e != nil && e.Outcome == requester.OutcomeFailed {
		return 0
	}
	return n
}

func checkLoadStats(l *LoadSpec, st *LoadStats, rep *StepReport) {
	if st.Lost != 0 {
		rep.fail("%d exchange(s) lost: sent but neither answered nor failed", st.Lost)
	}
	if st.AnsweredTwice != 0 {
		rep.fail("%d answer(s) received twice", st.AnsweredTwice)
	}
	if st.Answered < l.MinAnswered {
		rep.fail("%d exchange(s) answered, expected at least %d", st.Answered, l.MinAnswered)
	}
}

func describeLoad(st *LoadStats) []string {
	lines := []string{
		fmt.Sprintf("%d exchanges, concurrency %d: %d answered, %d failed, %d lost, %d answered twice",
			st.Exchanges, st.Concurrency, st.Answered, st.Failed, st.Lost, st.AnsweredTwice),
		fmt.Sprintf("throughput %.1f exchanges/s; latency ms p50 %.1f, p95 %.1f, p99 %.1f, max %.1f",
			st.Throughput, st.Latency.P50, st.Latency.P95, st.Latency.P99, st.Latency.Max),
	}
	for _, reason := range sortedKeys(st.FailedBy) {
		lines = append(lines, fmt.Sprintf("failed %d× %s", st.FailedBy[reason], reason))
	}
	return lines
}
