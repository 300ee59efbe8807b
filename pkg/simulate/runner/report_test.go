package runner

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func sampleReport() *Report {
	r := &Report{DurationMS: 1500}
	r.Add(&ScenarioReport{ID: "TC01", Title: "ok", Passed: true, DurationMS: 800, Steps: []*StepReport{
		{Name: "journey", Kind: "journey", Passed: true, DurationMS: 20, Details: []string{"outcome evidence"}},
	}})
	r.Add(&ScenarioReport{ID: "TC02", Title: "bad", DurationMS: 600, Logs: map[string]string{"provider": "panic: x"},
		Steps: []*StepReport{{Name: "par", Kind: "parallel", Steps: []*StepReport{
			{Name: "sub", Failures: []string{"outcome error, expected evidence"}},
		}}}})
	r.Add(&ScenarioReport{ID: "TC03", Error: "node provider ended before it was ready:\n  boom"})
	return r
}

func TestReportCounts(t *testing.T) {
	r := sampleReport()
	if r.Passed != 1 || r.Failed != 1 || r.Errors != 1 {
		t.Errorf("counts %d/%d/%d", r.Passed, r.Failed, r.Errors)
	}
}

func TestReportText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"PASS  TC01  ok  (800ms)",
		"FAIL  TC02  bad",
		"\n    FAIL sub (0ms)\n",
		"failed: outcome error, expected evidence",
		"log of provider (last lines):\n    panic: x",
		"ERROR  TC03",
		"  error: node provider ended before it was ready:\n    boom",
		"3 scenario(s): 1 passed, 1 failed, 1 errors (1.50s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

func TestReportJSON(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Scenarios) != 3 || back.Scenarios[1].Steps[0].Steps[0].Failures[0] != "outcome error, expected evidence" || back.Errors != 1 {
		t.Errorf("round trip lost data: %s", b.String())
	}
}

func TestReportJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var back junitSuites
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if back.Tests != 3 || back.Fails != 1 || back.Errors != 1 || len(back.Suites) != 3 {
		t.Errorf("totals %+v", back)
	}
	fail := back.Suites[1].Cases[0].Failure
	if fail == nil || fail.Message != "sub: outcome error, expected evidence" || !strings.Contains(back.Suites[1].Out, "panic: x") {
		t.Errorf("failure %+v out %q", fail, back.Suites[1].Out)
	}
	if back.Suites[2].Cases[0].Error == nil || back.Suites[2].Cases[0].Error.Message != "node provider ended before it was ready:" {
		t.Errorf("tool error case %+v", back.Suites[2].Cases[0])
	}
}
