// Package report holds the result model of a validation run and writes it for
// people (text, coloured on a terminal) and for machines (JSON, JUnit, SVRL).
package report

import "time"

// Layers, in the order a document passes through them.
const (
	LayerWellFormed = "wellformed"
	LayerXSD        = "xsd"
	LayerSchematron = "schematron"
	LayerCodelist   = "codelist"
	LayerCross      = "cross"
)

// Severities. Only errors make a document invalid, unless the run is strict.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Finding is one problem found in one document.
type Finding struct {
	Layer    string `json:"layer"`
	Rule     string `json:"rule,omitempty"`
	Source   string `json:"source,omitempty"`
	Severity string `json:"severity"`
	Line     int    `json:"line,omitempty"`
	// Location is an XPath to the node the finding is about, when known.
	Location string `json:"location,omitempty"`
	Message  string `json:"message"`
	// Role and Flag are the Schematron role and flag as written in the rule.
	Role string `json:"role,omitempty"`
	Flag string `json:"flag,omitempty"`
	// Test is the failed Schematron condition (used by the SVRL writer).
	Test string `json:"-"`
}

// FileResult is the outcome for one document.
type FileResult struct {
	Path     string    `json:"path"`
	Kind     string    `json:"kind"`
	Valid    bool      `json:"valid"`
	Findings []Finding `json:"findings"`
	// Signature is set when the document carries an enveloped XML signature,
	// which validation sets aside (the rules apply to the signed content);
	// it says where the signature is. Validation does not verify it.
	Signature string `json:"signature,omitempty"`
	// Error is set when the document could not be checked at all (unreadable file).
	Error string `json:"error,omitempty"`
}

// Summary counts a run.
type Summary struct {
	Files    int           `json:"files"`
	Valid    int           `json:"valid"`
	Invalid  int           `json:"invalid"`
	Errors   int           `json:"errors"`
	Warnings int           `json:"warnings"`
	Infos    int           `json:"infos"`
	Findings int           `json:"findings"`
	Duration time.Duration `json:"-"`
	Millis   int64         `json:"durationMs"`
}

// Report is the whole result of a run: the JSON contract documented in docs/report-json.md.
type Report struct {
	Files   []FileResult `json:"files"`
	Summary Summary      `json:"summary"`
}

// Summarize fills in r.Summary from r.Files.
func (r *Report) Summarize(elapsed time.Duration) {
	s := Summary{Files: len(r.Files), Duration: elapsed, Millis: elapsed.Milliseconds()}
	for _, f := range r.Files {
		if f.Valid {
			s.Valid++
		} else {
			s.Invalid++
		}
		for _, x := range f.Findings {
			s.Findings++
			switch x.Severity {
			case SeverityError:
				s.Errors++
			case SeverityWarning:
				s.Warnings++
			default:
				s.Infos++
			}
		}
	}
	r.Summary = s
}

// Fails reports whether findings make a document invalid: any error, or,
// in a strict run, any finding at all.
func Fails(findings []Finding, strict bool) bool {
	for _, f := range findings {
		if f.Severity == SeverityError || strict {
			return true
		}
	}
	return false
}
