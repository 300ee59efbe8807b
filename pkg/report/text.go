package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/fatih/color"
)

// TextOptions tunes the output for people.
type TextOptions struct {
	// Color turns ANSI colours on. The caller decides (terminal, --no-color, NO_COLOR); the
	// writer never looks at the environment or at the global color.NoColor, so two writers
	// with different settings can run side by side (stdout to a terminal, a file, a test).
	Color bool
	// Quiet lists only invalid files. The summary line is always written.
	Quiet bool
	// Verbose adds, under each finding, what a fix needs but a scan does not: the XPath
	// location, the failed Schematron test, and the rule's role and flag.
	Verbose bool
}

// palette holds one color.Color per use, each switched on or off explicitly.
type palette struct {
	err, warn, info, valid, invalid *color.Color
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		err:     mk(color.FgRed),
		warn:    mk(color.FgYellow),
		info:    mk(color.FgCyan),
		valid:   mk(color.FgGreen),
		invalid: mk(color.FgRed, color.Bold),
	}
}

// severity colours a severity word. Unknown severities are counted as info by Summarize,
// so they get the info colour too.
func (p palette) severity(s string) string {
	switch s {
	case SeverityError:
		return p.err.Sprint(s)
	case SeverityWarning:
		return p.warn.Sprint(s)
	}
	return p.info.Sprint(s)
}

// WriteText writes r for people: per file a header line and its findings grouped by layer,
// then one summary line.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	r = orEmpty(r)
	tw := textWriter{ew: &errWriter{w: w}, p: newPalette(opts.Color), opts: opts}
	for i := range r.Files {
		if opts.Quiet && r.Files[i].Valid {
			continue
		}
		tw.file(&r.Files[i])
	}
	tw.summary(summaryOf(r))
	return tw.ew.err
}

type textWriter struct {
	ew   *errWriter
	p    palette
	opts TextOptions
}

// file writes "path  kind  VALID|INVALID", the reason a file could not be checked, and its findings.
func (t textWriter) file(f *FileResult) {
	verdict := t.p.valid.Sprint("VALID")
	if !f.Valid {
		verdict = t.p.invalid.Sprint("INVALID")
	}
	head := []string{clean(f.Path)}
	if f.Kind != "" {
		head = append(head, clean(f.Kind))
	}
	t.ew.printf("%s  %s\n", strings.Join(head, "  "), verdict)
	if f.Error != "" {
		t.ew.printf("  %s  %s\n", t.p.err.Sprint("cannot check:"), clean(f.Error))
	}
	if f.Signature != "" && !t.opts.Quiet {
		t.ew.printf("  note: %s set aside; the rules checked the signed content (verify the signature with 'oots verify xml')\n", clean(f.Signature))
	}
	for _, x := range byLayer(f.Findings) {
		t.finding(f.Path, &x)
	}
}

// finding writes one finding line and, when verbose, its details.
func (t textWriter) finding(path string, x *Finding) {
	t.ew.printf("  %s\n", findingLine(path, x, t.p.severity(x.Severity)))
	if t.opts.Verbose {
		t.details(x)
	}
}

// findingLine renders "path:line  severity  RULE-ID  message  (layer, source)". A missing line
// number drops ":line" and a missing rule id prints "-", so the columns stay countable. sev is
// passed in already rendered so that the JUnit writer can share the layout without colour.
func findingLine(path string, x *Finding, sev string) string {
	at := clean(path)
	if x.Line > 0 {
		at += ":" + strconv.Itoa(x.Line)
	}
	origin := x.Layer
	if x.Source != "" {
		origin += ", " + x.Source
	}
	return strings.Join([]string{at, sev, dash(clean(x.Rule)), clean(x.Message), "(" + clean(origin) + ")"}, "  ")
}

// details writes the verbose-only lines of a finding, skipping what is unknown.
func (t textWriter) details(x *Finding) {
	if x.Location != "" {
		t.ew.printf("      at %s\n", clean(x.Location))
	}
	if x.Test != "" {
		t.ew.printf("      test %s\n", clean(x.Test))
	}
	if x.Role != "" || x.Flag != "" {
		t.ew.printf("      role %s  flag %s\n", dash(clean(x.Role)), dash(clean(x.Flag)))
	}
}

// summary writes "N files: V valid, I invalid; E errors, W warnings, I info (Xms)".
func (t textWriter) summary(s Summary) {
	t.ew.printf("%s: %d valid, %d invalid; %s, %s, %d info (%dms)\n",
		plural(s.Files, "file"), s.Valid, s.Invalid, plural(s.Errors, "error"), plural(s.Warnings, "warning"), s.Infos, s.Millis)
}

// plural writes "1 file" and "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// clean makes untrusted text (messages quote the document; paths come from the file system)
// safe and tidy for a terminal: line breaks are folded so that every finding stays one line
// that grep and editors' "file:line" jumping can use, and other control characters are shown
// escaped, so a crafted document cannot send escape sequences to the reader's terminal.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
