package report

import (
	"bytes"
	"strings"
	"testing"
)

func svrlOf(t *testing.T, r *Report) node {
	out := render(t, func(b *bytes.Buffer) error { return WriteSVRL(b, r) })
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.HasSuffix(out, ">\n") {
		t.Errorf("SVRL output lacks the XML declaration or the trailing newline:\n%s", out)
	}
	return parseXML(t, out)
}

// checkSVRLContent checks a schematron-output against SVRL's content model:
// text*, (active-pattern, (fired-rule, (failed-assert | successful-report)*)+)+
func checkSVRLContent(t *testing.T, out node) {
	t.Helper()
	state := "start"
	for _, c := range out.Nodes {
		if c.XMLName.Space != svrlNS {
			t.Errorf("element %v outside the SVRL namespace", c.XMLName)
		}
		next := map[string]map[string]string{
			"start":   {"text": "start", "active-pattern": "pattern"},
			"pattern": {"fired-rule": "rule"},
			"rule":    {"failed-assert": "rule", "fired-rule": "rule", "active-pattern": "pattern"},
		}[state][c.XMLName.Local]
		if next == "" {
			t.Fatalf("svrl:%s not allowed after state %s", c.XMLName.Local, state)
		}
		state = next
	}
	if state != "rule" {
		t.Errorf("schematron-output ends in state %s", state)
	}
}

func TestSVRLSingleFile(t *testing.T) {
	root := svrlOf(t, single())
	if root.XMLName.Space != svrlNS || root.XMLName.Local != "schematron-output" {
		t.Fatalf("root is %v, want svrl:schematron-output", root.XMLName)
	}
	checkSVRLContent(t, root)
	if doc, _ := root.attr(ootsNS, "document"); doc != "msgs/resp-bad.xml" {
		t.Errorf("oots:document = %q", doc)
	}
	if v, _ := root.attr(ootsNS, "valid"); v != "false" {
		t.Errorf("oots:valid = %q", v)
	}
	asserts := root.children("failed-assert")
	if len(asserts) != 3 {
		t.Fatalf("%d failed-asserts, want 3", len(asserts))
	}
	// In layer order: xsd, schematron, codelist.
	for i, want := range []map[string]string{
		{"location": "/", "test": "", "role": "error", "layer": "xsd", "line": "12"},
		{"id": "R-EDM-RESP-C003", "location": "/query:QueryResponse/rim:Slot[2]", "test": "count(rim:Slot[@name='X']) = 1",
			"role": "fatal", "flag": "content", "layer": "schematron", "severity": "error", "line": "40", "source": "EDM-RESP-C.sch"},
		{"id": "R-CL-LANG", "role": "warning", "layer": "codelist", "severity": "warning"},
	} {
		for k, v := range want {
			space := ""
			if k == "layer" || k == "severity" || k == "line" || k == "source" {
				space = ootsNS
			}
			if got, ok := asserts[i].attr(space, k); !ok || got != v {
				t.Errorf("failed-assert %d %s = %q (present %v), want %q", i, k, got, ok, v)
			}
		}
	}
	if _, ok := asserts[0].attr("", "id"); ok {
		t.Error("finding without rule got an id")
	}
	texts := asserts[1].children("text")
	if len(texts) != 1 || texts[0].Text != "The Slot must occur once." {
		t.Errorf("svrl:text = %+v", texts)
	}
	// Characters XML 1.0 cannot carry are replaced, markup is escaped and parses back.
	if got := asserts[0].children("text")[0].Text; got != "Element <rim:Slot>: a & b\nis not expected.\uFFFD" {
		t.Errorf("escaped message = %q", got)
	}
}

func TestSVRLSeveralFiles(t *testing.T) {
	root := svrlOf(t, sample())
	if root.XMLName.Space != ootsNS || root.XMLName.Local != "svrl-reports" {
		t.Fatalf("root is %v, want oots:svrl-reports", root.XMLName)
	}
	outs := root.children("schematron-output")
	if len(outs) != 3 || len(root.Nodes) != 3 {
		t.Fatalf("%d schematron-outputs (%d children), want 3", len(outs), len(root.Nodes))
	}
	for i, want := range []string{"msgs/req-ok.xml", "msgs/resp-bad.xml", "msgs/missing.xml"} {
		checkSVRLContent(t, outs[i])
		if doc, _ := outs[i].attr(ootsNS, "document"); doc != want {
			t.Errorf("output %d oots:document = %q, want %q", i, doc, want)
		}
	}
	if n := len(root.all("failed-assert")); n != 4 {
		t.Errorf("%d failed-asserts in all, want 4", n)
	}
	missing := outs[2]
	if txt := missing.children("text"); len(txt) != 1 || !strings.Contains(txt[0].Text, "no such file") {
		t.Errorf("unreadable file's error not reported: %+v", txt)
	}
	if n := len(missing.children("failed-assert")); n != 0 {
		t.Errorf("unreadable file has %d failed-asserts", n)
	}
}

// TestSVRLGroups: one active-pattern per (layer, source), even when sources interleave.
func TestSVRLGroups(t *testing.T) {
	fs := []Finding{
		{Layer: LayerSchematron, Source: "B.sch", Rule: "b1"},
		{Layer: LayerSchematron, Source: "A.sch", Rule: "a1"},
		{Layer: LayerXSD, Rule: "x1"},
		{Layer: LayerSchematron, Source: "B.sch", Rule: "b2"},
	}
	var got []string
	for _, g := range svrlGroups(fs) {
		names := g.name + ":"
		for _, x := range g.findings {
			names += " " + x.Rule
		}
		got = append(got, names)
	}
	want := "xsd: x1|B.sch: b1 b2|A.sch: a1"
	if strings.Join(got, "|") != want {
		t.Errorf("groups = %q, want %q", strings.Join(got, "|"), want)
	}
}
