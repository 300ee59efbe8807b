package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes r as the JSON contract documented in docs/report-json.md: indented by two
// spaces, keys in the order of the struct fields in report.go, one trailing newline.
//
// The model's own json tags are the contract, so json.Marshal(r) and WriteJSON agree; this
// writer only adds what the tags cannot say: "files" and every "findings" are [] rather than
// null when empty (consumers iterate them without a null check), and the summary is
// recounted from the files (see summaryOf). r is not modified.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Messages quote XML ("<rim:Slot>"); \u003c escapes would only make them unreadable.
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonReady(orEmpty(r)))
}

// jsonReady returns a shallow copy of r with nil slices replaced by empty ones and the
// summary recounted.
func jsonReady(r *Report) *Report {
	out := &Report{Files: make([]FileResult, len(r.Files)), Summary: summaryOf(r)}
	for i, f := range r.Files {
		if f.Findings == nil {
			f.Findings = []Finding{}
		}
		out.Files[i] = f
	}
	return out
}
