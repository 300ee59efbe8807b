package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The JUnit layout follows what GitLab's and Jenkins' JUnit readers render well: a
// <testsuites> root holding a single <testsuite name="oots validate">, one <testcase> per file
// (name = path, classname = message kind, so tools group the files by kind), and per failing
// file one <failure> whose body lists the findings that made it invalid. A file that could
// not be checked at all is an <error>, which JUnit reserves for "the test could not run".
// Remaining findings (warnings, info) go to <system-out>, which both tools show with the case.

const junitSuiteName = "oots validate"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut xmlText       `xml:"system-out,omitempty"`
}

// junitProblem is a <failure> or <error>: a one-line message for lists, a body for details.
type junitProblem struct {
	Message string
	Type    string
	Body    xmlText
}

func (p *junitProblem) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr,
		xml.Attr{Name: xml.Name{Local: "message"}, Value: p.Message},
		xml.Attr{Name: xml.Name{Local: "type"}, Value: p.Type})
	return p.Body.MarshalXML(e, start)
}

// xmlText is element content written with real line breaks. A plain ",chardata" string
// would be escaped by encoding/xml's Marshal as "&#xA;" line by line, which parsers read back
// the same but which makes the file unreadable for the person opening it from a CI job.
// EncodeToken still escapes markup and replaces characters XML cannot carry.
type xmlText string

func (t xmlText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if t != "" {
		if err := e.EncodeToken(xml.CharData(t)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// WriteJUnit writes r as JUnit XML for CI test reports. encoding/xml does the escaping,
// including replacing characters XML 1.0 cannot carry, so any message is safe.
func WriteJUnit(w io.Writer, r *Report) error {
	doc := junitDocument(orEmpty(r))
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitDocument(r *Report) junitSuites {
	s := junitSuite{Name: junitSuiteName, Time: seconds(summaryOf(r).Millis), Cases: []junitCase{}}
	for i := range r.Files {
		c := junitTestcase(&r.Files[i])
		s.Tests++
		if c.Failure != nil {
			s.Failures++
		}
		if c.Error != nil {
			s.Errors++
		}
		s.Cases = append(s.Cases, c)
	}
	return junitSuites{Name: junitSuiteName, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors,
		Time: s.Time, Suites: []junitSuite{s}}
}

// junitTestcase turns one file into a test case: passed, failed (invalid) or errored (not checkable).
func junitTestcase(f *FileResult) junitCase {
	c := junitCase{Name: f.Path, Classname: f.Kind}
	if c.Classname == "" {
		// Jenkins files an empty classname under "(root)"; a named bucket is clearer.
		c.Classname = "unknown"
	}
	switch {
	case f.Error != "":
		c.Error = &junitProblem{Message: "cannot check: " + clean(f.Error), Type: "unreadable", Body: xmlText(f.Error)}
		c.SystemOut = junitLines(f.Path, byLayer(f.Findings))
	case !f.Valid:
		failing, rest := splitFailing(f.Findings)
		c.Failure = junitFailure(f.Path, failing)
		c.SystemOut = junitLines(f.Path, rest)
	default:
		c.SystemOut = junitLines(f.Path, byLayer(f.Findings))
	}
	return c
}

// splitFailing separates the findings that made an invalid file invalid from the rest.
// Normally those are the errors; in a strict run a file can be invalid with warnings only,
// and then every finding is what failed it.
func splitFailing(fs []Finding) (failing, rest []Finding) {
	for _, x := range byLayer(fs) {
		if x.Severity == SeverityError {
			failing = append(failing, x)
		} else {
			rest = append(rest, x)
		}
	}
	if len(failing) == 0 {
		return rest, nil
	}
	return failing, rest
}

// junitFailure builds the <failure>: the message is what CI shows in a list (count and the
// first finding), the body lists every failing finding, one per line.
func junitFailure(path string, failing []Finding) *junitProblem {
	p := &junitProblem{Message: "invalid", Type: "invalid", Body: junitLines(path, failing)}
	if len(failing) > 0 {
		first := failing[0]
		noun := "error" // failing holds only errors, or (strict run) whatever there was
		if first.Severity != SeverityError {
			noun = "finding"
		}
		p.Message = countOf(len(failing), noun) + ": " + clean(first.Message)
		if first.Rule != "" {
			p.Message = countOf(len(failing), noun) + ": " + clean(first.Rule) + " " + clean(first.Message)
		}
	}
	return p
}

// junitLines lists findings in the text writer's layout, without colour.
func junitLines(path string, fs []Finding) xmlText {
	var b strings.Builder
	for i := range fs {
		b.WriteString(findingLine(path, &fs[i], fs[i].Severity))
		b.WriteByte('\n')
	}
	return xmlText(b.String())
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
