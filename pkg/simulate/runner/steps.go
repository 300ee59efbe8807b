package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// maxResultBody bounds a journey result read from a requester.
const maxResultBody = 16 << 20

// runStep runs one step and reports on it.
func (ru *run) runStep(ctx context.Context, s *StepSpec) *StepReport {
	start := time.Now()
	rep := &StepReport{Name: s.Title(), Kind: s.Kind(), Line: s.Line, Passed: true}
	switch s.Kind() {
	case "journey":
		ru.journeyStep(ctx, s, rep)
	case "kill":
		ru.children[s.Kill].kill()
		rep.Details = append(rep.Details, "node "+s.Kill+" killed (SIGKILL)")
	case "restart":
		ru.restart(ctx, s.Restart, rep)
	case "wait":
		sleep(ctx, time.Duration(s.Wait))
	case "parallel":
		rep.Steps = ru.runParallel(ctx, s.Parallel)
		if !allPassed(rep.Steps) {
			rep.Passed = false
		}
	case "load":
		ru.loadStep(ctx, s.Load, rep)
	}
	rep.DurationMS = msSince(start)
	return rep
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// restart starts a node again on its port (killing it first if it still runs).
func (ru *run) restart(ctx context.Context, name string, rep *StepReport) {
	c := ru.children[name]
	if c.running() {
		c.kill()
	}
	if err := c.start(ctx, ru.r.opts.Command, ru.r.opts.ReadyTimeout); err != nil {
		rep.fail("%v", err)
		return
	}
	rep.Details = append(rep.Details, "node "+name+" restarted at "+ru.urls[name])
}

func (ru *run) runParallel(ctx context.Context, steps []StepSpec) []*StepReport {
	reports := make([]*StepReport, len(steps))
	var wg sync.WaitGroup
	for i := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = ru.runStep(ctx, &steps[i])
		}()
	}
	wg.Wait()
	return reports
}

func (ru *run) journeyStep(ctx context.Context, s *StepSpec, rep *StepReport) {
	res, err := ru.journey(ctx, ru.sc.requesterFor(s.Requester), s.Journey, false)
	if err != nil {
		rep.fail("%v", err)
		return
	}
	rep.Result = res
	rep.Details = append(rep.Details, describeResult(res)...)
	for _, f := range s.Expect.check(res) {
		rep.fail("%s", f)
	}
}

// journey runs one journey on a requester node and returns its result; a
// minimal result carries the outcome and failure only (what a load run
// counts), which spares both sides the JSON of every step and message.
func (ru *run) journey(ctx context.Context, requesterName string, journey map[string]any, minimal bool) (*requester.Result, error) {
	body, err := json.Marshal(journey)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, ru.r.opts.JourneyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ru.urls[requesterName]+"/journeys", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if minimal {
		req.Header.Set("Prefer", "return=minimal")
	}
	resp, err := ru.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("requester %s: %w", requesterName, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResultBody))
	if err != nil {
		return nil, fmt.Errorf("requester %s: reading the result: %w", requesterName, err)
	}
	var res requester.Result
	if err := json.Unmarshal(data, &res); err != nil || res.Outcome == "" {
		return nil, fmt.Errorf("requester %s answered HTTP %d, not a journey result: %s", requesterName, resp.StatusCode, firstLine(strings.TrimSpace(string(data))))
	}
	return &res, nil
}

// stats reads a requester's counters.
func (ru *run) stats(ctx context.Context, requesterName string) (requesterStats, error) {
	var st requesterStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.urls[requesterName]+"/stats", nil)
	if err != nil {
		return st, err
	}
	resp, err := ru.client.Do(req)
	if err != nil {
		return st, fmt.Errorf("requester %s: /stats: %w", requesterName, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("requester %s: /stats answered HTTP %d", requesterName, resp.StatusCode)
	}
	return st, json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&st)
}

// describeResult summarises a journey result in a few lines.
func describeResult(res *requester.Result) []string {
	var steps []string
	for _, st := range res.Steps {
		steps = append(steps, st.Step+":"+st.Status)
	}
	lines := []string{fmt.Sprintf("outcome %s; steps %s", res.Outcome, strings.Join(steps, " "))}
	for _, e := range res.Evidences {
		lines = append(lines, fmt.Sprintf("evidence from %s: %s, %d bytes", e.Provider, e.MediaType, e.Bytes))
	}
	for _, e := range res.Errors {
		lines = append(lines, fmt.Sprintf("error from %s: %s %s", e.Provider, e.Code, e.Message))
	}
	for _, p := range res.Previews {
		lines = append(lines, describePreview(p))
	}
	if res.Failure != "" {
		lines = append(lines, "failure: "+res.Failure)
	}
	return lines
}

func describePreview(p requester.Preview) string {
	line := fmt.Sprintf("preview at %s: %s, ended %s", p.Provider, orDefault(p.Decision, "no decision"), orDefault(p.Ended, "unknown"))
	if p.Reauth {
		line += ", re-authentication asked"
	}
	if p.Rendering {
		line += ", evidence rendered"
	}
	return line + " (" + p.Location + ")"
}

// check lists the expectations a journey result does not meet.
func (e *Expect) check(res *requester.Result) []string {
	if e == nil {
		return nil
	}
	var failures []string
	if e.Outcome != "" && res.Outcome != e.Outcome {
		failures = append(failures, fmt.Sprintf("outcome %s, expected %s", res.Outcome, e.Outcome))
	}
	if e.Evidences != nil && len(res.Evidences) != *e.Evidences {
		failures = append(failures, fmt.Sprintf("%d evidence(s), expected %d", len(res.Evidences), *e.Evidences))
	}
	codes := make([]string, 0, len(res.Errors))
	for _, er := range res.Errors {
		codes = append(codes, er.Code)
	}
	for _, want := range e.ErrorCodes {
		if !slices.Contains(codes, want) {
			failures = append(failures, fmt.Sprintf("no error %s among the errors received (%s)", want, listOrNone(codes)))
		}
	}
	steps := make([]string, 0, len(res.Steps))
	for _, st := range res.Steps {
		steps = append(steps, st.Step)
	}
	for _, want := range e.Steps {
		if !slices.Contains(steps, want) {
			failures = append(failures, fmt.Sprintf("no %s step in the journey (%s)", want, listOrNone(steps)))
		}
	}
	for _, unwanted := range e.NoSteps {
		if slices.Contains(steps, unwanted) {
			failures = append(failures, fmt.Sprintf("the journey has a %s step; expected none", unwanted))
		}
	}
	if e.Failure != "" && !strings.Contains(res.Failure, e.Failure) {
		failures = append(failures, fmt.Sprintf("failure %q does not mention %q", res.Failure, e.Failure))
	}
	media := make([]string, 0, len(res.Evidences))
	for _, ev := range res.Evidences {
		media = append(media, ev.MediaType)
	}
	for _, want := range e.MediaTypes {
		if !slices.Contains(media, want) {
			failures = append(failures, fmt.Sprintf("no evidence of media type %s (%s)", want, listOrNone(media)))
		}
	}
	return append(failures, e.Preview.check(res.Previews)...)
}

// check lists the preview expectations the journey's previews do not meet.
// Count is checked on the whole; the other assertions hold for every
// preview, and need at least one.
func (e *PreviewExpect) check(previews []requester.Preview) []string {
	if e == nil {
		return nil
	}
	var failures []string
	if e.Count != nil && len(previews) != *e.Count {
		failures = append(failures, fmt.Sprintf("preview count %d, expected %d", len(previews), *e.Count))
	}
	if !e.perPreview() {
		return failures
	}
	if len(previews) == 0 {
		if e.Count == nil || *e.Count != 0 {
			failures = append(failures, "preview: the journey went through no preview; expected one to check "+strings.Join(e.assertions(), ", "))
		}
		return failures
	}
	var location *regexp.Regexp
	if e.Location != "" {
		location, _ = regexp.Compile(e.Location) // checked when the scenario was read
	}
	for _, p := range previews {
		at := "preview at " + orDefault(p.Provider, "an unnamed provider")
		if location != nil && !location.MatchString(p.Location) {
			failures = append(failures, fmt.Sprintf("%s: location %q, expected a match of %s", at, p.Location, e.Location))
		}
		if e.Reauthentication != nil && p.Reauth != *e.Reauthentication {
			failures = append(failures, fmt.Sprintf("%s: reauthentication %t, expected %t", at, p.Reauth, *e.Reauthentication))
		}
		if e.Decision != "" && p.Ended != e.Decision {
			failures = append(failures, fmt.Sprintf("%s: decision %s, expected %s", at, orDefault(p.Ended, "unknown"), e.Decision))
		}
		if e.Rendering != nil && p.Rendering != *e.Rendering {
			failures = append(failures, fmt.Sprintf("%s: rendering %t, expected %t", at, p.Rendering, *e.Rendering))
		}
	}
	return failures
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
