package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Output formats understood by Write.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatJUnit = "junit"
	FormatSVRL  = "svrl"
)

// Formats lists the formats Write accepts, in the order a help text should show them.
// It returns a fresh slice so callers may modify it.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatJUnit, FormatSVRL}
}

// Write writes r to w in the named format. opts only matters for "text"; the machine formats
// always carry everything, because a consumer cannot ask for what was filtered away.
func Write(w io.Writer, format string, r *Report, opts TextOptions) error {
	switch format {
	case FormatText:
		return WriteText(w, r, opts)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatJUnit:
		return WriteJUnit(w, r)
	case FormatSVRL:
		return WriteSVRL(w, r)
	}
	return fmt.Errorf("report: unknown format %q (valid formats: %s)", format, strings.Join(Formats(), ", "))
}

// layerOrder is the order a document passes through the layers; writers group findings by it.
var layerOrder = []string{LayerWellFormed, LayerXSD, LayerSchematron, LayerCodelist, LayerCross}

// layerRank places a layer in layerOrder. Layers the model does not know (yet) sort after
// the known ones rather than being dropped, so a new layer never hides findings.
func layerRank(layer string) int {
	if i := slices.Index(layerOrder, layer); i >= 0 {
		return i
	}
	return len(layerOrder)
}

// byLayer returns the findings grouped by layer in layer order. The sort is stable, so within
// a layer the validator's own order (usually document order) is kept. fs is not modified.
func byLayer(fs []Finding) []Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b Finding) int { return layerRank(a.Layer) - layerRank(b.Layer) })
	return out
}

// orEmpty lets the writers accept a nil report as an empty run instead of panicking.
func orEmpty(r *Report) *Report {
	if r == nil {
		return &Report{}
	}
	return r
}

// summaryOf recounts the summary from the files so that every writer's totals agree with the
// files it lists, even when the caller forgot Summarize or changed files after it. Only the
// elapsed time cannot be recomputed; it is taken from r.Summary (Millis alone survives a JSON
// round trip, Duration does not).
func summaryOf(r *Report) Summary {
	tmp := Report{Files: r.Files}
	tmp.Summarize(r.Summary.Duration)
	if r.Summary.Duration == 0 {
		tmp.Summary.Millis = r.Summary.Millis
	}
	return tmp.Summary
}

// seconds renders milliseconds as the decimal seconds JUnit's time attributes expect.
func seconds(ms int64) string {
	return fmt.Sprintf("%.3f", time.Duration(ms*int64(time.Millisecond)).Seconds())
}

// errWriter remembers the first write error so that writers can print line after line and
// check once at the end instead of after every Fprintf.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}
