package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"testing"
	"time"
)

// sample is a small run covering what the writers treat specially: a valid file with an info
// finding, an invalid file whose findings arrive out of layer order (and with characters that
// need escaping), and a file that could not be read at all.
func sample() *Report {
	r := &Report{Files: []FileResult{
		{
			Path: "msgs/req-ok.xml", Kind: "evidence-request", Valid: true,
			Findings: []Finding{
				{Layer: LayerCross, Rule: "X-REQ-001", Severity: SeverityInfo, Message: "No matching response in this run."},
			},
		},
		{
			Path: "msgs/resp-bad.xml", Kind: "evidence-response", Valid: false,
			Findings: []Finding{
				{Layer: LayerSchematron, Rule: "R-EDM-RESP-C003", Source: "EDM-RESP-C.sch", Severity: SeverityError,
					Line: 40, Location: "/query:QueryResponse/rim:Slot[2]", Message: "The Slot must occur once.",
					Role: "fatal", Flag: "content", Test: "count(rim:Slot[@name='X']) = 1"},
				{Layer: LayerCodelist, Rule: "R-CL-LANG", Source: "LanguageCode", Severity: SeverityWarning, Line: 50,
					Message: `Language "xx" is not in the code list.`},
				{Layer: LayerXSD, Severity: SeverityError, Line: 12,
					Message: "Element <rim:Slot>: a & b\nis not expected.\x01"},
			},
		},
		{Path: "msgs/missing.xml", Valid: false, Error: "open msgs/missing.xml: no such file or directory"},
	}}
	r.Summarize(1234 * time.Millisecond)
	return r
}

// single is a report of one invalid file, for the SVRL single-document layout.
func single() *Report {
	r := sample()
	r.Files = r.Files[1:2]
	r.Summarize(5 * time.Millisecond)
	return r
}

// render runs one writer and fails the test on a write error.
func render(t *testing.T, write func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatalf("write: %v", err)
	}
	return b.String()
}

// failingWriter fails every write, to check that writers report I/O errors.
type failingWriter struct{}

var errBroken = errors.New("broken pipe")

func (failingWriter) Write([]byte) (int, error) { return 0, errBroken }

// node is a generic XML tree for checking JUnit and SVRL output namespace-aware.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func parseXML(t *testing.T, s string) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, s)
	}
	return n
}

// attr returns the attribute with the given namespace and local name, and whether it exists.
func (n node) attr(space, local string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (n node) children(local string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == local {
			out = append(out, c)
		}
	}
	return out
}

func (n node) all(local string) []node {
	out := n.children(local)
	for _, c := range n.Nodes {
		out = append(out, c.all(local)...)
	}
	return out
}
