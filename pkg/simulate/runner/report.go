package runner

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/oots-tools/oots/pkg/simulate/requester"
)

// Report is the outcome of one or more scenarios.
type Report struct {
	Scenarios  []*ScenarioReport `json:"scenarios"`
	Passed     int               `json:"passed"`
	Failed     int               `json:"failed"`
	Errors     int               `json:"errors"`
	DurationMS float64           `json:"durationMs"`
}

// Add counts a scenario's report in.
func (r *Report) Add(s *ScenarioReport) {
	r.Scenarios = append(r.Scenarios, s)
	switch s.Status() {
	case StatusPass:
		r.Passed++
	case StatusFail:
		r.Failed++
	default:
		r.Errors++
	}
}

// Scenario and step statuses.
const (
	StatusPass  = "pass"
	StatusFail  = "fail"
	StatusError = "error" // the tool could not run the scenario (a node did not start, ...)
)

// ScenarioReport is the outcome of one scenario.
type ScenarioReport struct {
	ID         string        `json:"id"`
	Title      string        `json:"title,omitempty"`
	File       string        `json:"file"`
	Passed     bool          `json:"passed"`
	Error      string        `json:"error,omitempty"`
	DurationMS float64       `json:"durationMs"`
	Steps      []*StepReport `json:"steps"`
	// Links count what each fault proxy did ("from->to").
	Links map[string]ProxyCounts `json:"links,omitempty"`
	// Logs are the last lines of each node's log, when the scenario failed.
	Logs map[string]string `json:"logs,omitempty"`
	// WorkDir is kept with --keep.
	WorkDir string `json:"workDir,omitempty"`
}

// Status is pass, fail or error.
func (s *ScenarioReport) Status() string {
	switch {
	case s.Error != "":
		return StatusError
	case s.Passed:
		return StatusPass
	}
	return StatusFail
}

// StepReport is the outcome of one step.
type StepReport struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Line       int      `json:"line,omitempty"`
	Passed     bool     `json:"passed"`
	DurationMS float64  `json:"durationMs"`
	Details    []string `json:"details,omitempty"`
	// Failures are the expectations not met, one sentence each.
	Failures []string `json:"failures,omitempty"`
	// Result is the requester's journey result (journey steps).
	Result *requester.Result `json:"result,omitempty"`
	// Load are the statistics of a load step.
	Load *LoadStats `json:"load,omitempty"`
	// Steps are the steps run in parallel or during a load.
	Steps []*StepReport `json:"steps,omitempty"`
}

func (s *StepReport) fail(format string, args ...any) {
	s.Passed = false
	s.Failures = append(s.Failures, fmt.Sprintf(format, args...))
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: one line per scenario and step,
// the failures under them and the nodes' logs of a failed scenario.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, s := range r.Scenarios {
		fmt.Fprintf(&b, "%s  %s  %s  (%s)\n", strings.ToUpper(s.Status()), s.ID, s.Title, millis(s.DurationMS))
		if s.Error != "" {
			fmt.Fprintf(&b, "  error: %s\n", strings.ReplaceAll(s.Error, "\n", "\n  "))
		}
		for _, st := range s.Steps {
			writeStepText(&b, st, "  ")
		}
		for link, c := range s.Links {
			fmt.Fprintf(&b, "  link %s: %d forwarded, %d dropped, %d corrupted", link, c.Forwarded, c.Dropped, c.Corrupted)
			if c.ExpiredCertificate > 0 {
				fmt.Fprintf(&b, ", %d TLS handshake(s) with the expired certificate", c.ExpiredCertificate)
			}
			b.WriteString("\n")
		}
		for _, name := range sortedKeys(s.Logs) {
			fmt.Fprintf(&b, "  log of %s (last lines):\n%s\n", name, indent4(s.Logs[name]))
		}
		if s.WorkDir != "" {
			fmt.Fprintf(&b, "  work dir: %s\n", s.WorkDir)
		}
	}
	fmt.Fprintf(&b, "%d scenario(s): %d passed, %d failed, %d errors (%s)\n",
		len(r.Scenarios), r.Passed, r.Failed, r.Errors, millis(r.DurationMS))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStepText(b *strings.Builder, st *StepReport, pad string) {
	status := "ok  "
	if !st.Passed {
		status = "FAIL"
	}
	fmt.Fprintf(b, "%s%s %s (%s)\n", pad, status, st.Name, millis(st.DurationMS))
	for _, d := range st.Details {
		fmt.Fprintf(b, "%s     %s\n", pad, d)
	}
	for _, f := range st.Failures {
		fmt.Fprintf(b, "%s     failed: %s\n", pad, f)
	}
	for _, sub := range st.Steps {
		writeStepText(b, sub, pad+"  ")
	}
}

func indent4(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

func millis(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return fmt.Sprintf("%.0fms", ms)
}

// JUnit XML: one test suite per scenario, one test case per step.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Time    string       `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name   string      `xml:"name,attr"`
	Tests  int         `xml:"tests,attr"`
	Fails  int         `xml:"failures,attr"`
	Errors int         `xml:"errors,attr"`
	Time   string      `xml:"time,attr"`
	Cases  []junitCase `xml:"testcase"`
	Out    string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Out       string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Time: seconds(r.DurationMS)}
	for _, s := range r.Scenarios {
		suite := junitSuite{Name: s.ID, Time: seconds(s.DurationMS)}
		if s.Error != "" {
			suite.Cases = append(suite.Cases, junitCase{Name: "start", Classname: s.ID, Time: "0",
				Error: &junitProblem{Message: firstLine(s.Error), Text: s.Error}})
			suite.Errors++
		}
		for _, st := range s.Steps {
			c := junitCase{Name: st.Name, Classname: s.ID, Time: seconds(st.DurationMS), Out: strings.Join(st.Details, "\n")}
			if !st.Passed {
				all := collectFailures(st)
				c.Failure = &junitProblem{Message: firstLine(strings.Join(all, "; ")), Text: strings.Join(all, "\n")}
				suite.Fails++
			}
			suite.Cases = append(suite.Cases, c)
		}
		suite.Tests = len(suite.Cases)
		var logs strings.Builder
		for _, name := range sortedKeys(s.Logs) {
			fmt.Fprintf(&logs, "== %s ==\n%s\n", name, s.Logs[name])
		}
		suite.Out = logs.String()
		out.Tests += suite.Tests
		out.Fails += suite.Fails
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// collectFailures lists a step's failures with those of its sub-steps.
func collectFailures(st *StepReport) []string {
	all := append([]string(nil), st.Failures...)
	for _, sub := range st.Steps {
		for _, f := range collectFailures(sub) {
			all = append(all, sub.Name+": "+f)
		}
	}
	return all
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }
