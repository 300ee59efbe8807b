package report

import (
	"bytes"
	"strings"
	"testing"
)

func junitOf(t *testing.T, r *Report) node {
	out := render(t, func(b *bytes.Buffer) error { return WriteJUnit(b, r) })
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.HasSuffix(out, ">\n") {
		t.Errorf("JUnit output lacks the XML declaration or the trailing newline:\n%s", out)
	}
	return parseXML(t, out)
}

// wantAttrs fails for every attribute of n that differs from want.
func wantAttrs(t *testing.T, what string, n node, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, _ := n.attr("", k); got != v {
			t.Errorf("%s %s = %q, want %q", what, k, got, v)
		}
	}
}

func TestJUnitStructure(t *testing.T) {
	root := junitOf(t, sample())
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("root is <%s>, want <testsuites>", root.XMLName.Local)
	}
	counts := map[string]string{"name": "oots validate", "tests": "3", "failures": "1", "errors": "1", "time": "1.234"}
	wantAttrs(t, "testsuites", root, counts)
	suites := root.children("testsuite")
	if len(suites) != 1 {
		t.Fatalf("%d testsuites, want 1", len(suites))
	}
	wantAttrs(t, "testsuite", suites[0], counts)
	cases := suites[0].children("testcase")
	if len(cases) != 3 {
		t.Fatalf("%d testcases, want 3", len(cases))
	}
	for i, want := range []map[string]string{
		{"name": "msgs/req-ok.xml", "classname": "evidence-request"},
		{"name": "msgs/resp-bad.xml", "classname": "evidence-response"},
		{"name": "msgs/missing.xml", "classname": "unknown"},
	} {
		wantAttrs(t, "testcase", cases[i], want)
	}
}

func TestJUnitCases(t *testing.T) {
	cases := junitOf(t, sample()).all("testcase")
	ok, bad, missing := cases[0], cases[1], cases[2]

	if len(ok.children("failure"))+len(ok.children("error")) != 0 {
		t.Error("valid file has a failure or error")
	}
	if out := ok.children("system-out"); len(out) != 1 || !strings.Contains(out[0].Text, "info  X-REQ-001") {
		t.Errorf("valid file's info finding not in system-out: %+v", out)
	}

	failures := bad.children("failure")
	if len(failures) != 1 {
		t.Fatalf("invalid file: %d failures, want 1", len(failures))
	}
	// Escaping must round-trip: the parsed text is the original message.
	wantAttrs(t, "failure", failures[0], map[string]string{
		"type": "invalid", "message": `2 errors: Element <rim:Slot>: a & b is not expected.\x01`})
	body := failures[0].Text
	for _, want := range []string{
		"msgs/resp-bad.xml:12  error  -  Element <rim:Slot>: a & b is not expected.\\x01  (xsd)\n",
		"msgs/resp-bad.xml:40  error  R-EDM-RESP-C003  The Slot must occur once.  (schematron, EDM-RESP-C.sch)\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("failure body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "warning") {
		t.Errorf("failure body lists a warning:\n%s", body)
	}
	if out := bad.children("system-out"); len(out) != 1 || !strings.Contains(out[0].Text, `warning  R-CL-LANG  Language "xx"`) {
		t.Errorf("warning not in system-out: %+v", out)
	}

	errs := missing.children("error")
	if len(errs) != 1 || len(missing.children("failure")) != 0 {
		t.Fatalf("unreadable file: %d errors, %d failures; want 1, 0", len(errs), len(missing.children("failure")))
	}
	wantAttrs(t, "error", errs[0], map[string]string{"type": "unreadable"})
}

// TestJUnitStrictFailure: a file made invalid by warnings alone (strict run) must still say why.
func TestJUnitStrictFailure(t *testing.T) {
	r := &Report{Files: []FileResult{{Path: "s.xml", Kind: "k", Findings: []Finding{
		{Layer: LayerSchematron, Rule: "W1", Severity: SeverityWarning, Message: "soft"},
	}}}}
	failures := junitOf(t, r).all("failure")
	if len(failures) != 1 || !strings.Contains(failures[0].Text, "warning  W1  soft") {
		t.Fatalf("strict failure does not list the warning: %+v", failures)
	}
	wantAttrs(t, "failure", failures[0], map[string]string{"message": "1 finding: W1 soft"})
}

// TestJUnitErrorKeepsFindings: findings of a file that errored are still shown.
func TestJUnitErrorKeepsFindings(t *testing.T) {
	r := &Report{Files: []FileResult{{Path: "e.xml", Error: "truncated", Findings: []Finding{
		{Layer: LayerWellFormed, Severity: SeverityError, Line: 3, Message: "unexpected EOF"},
	}}}}
	c := junitOf(t, r).all("testcase")[0]
	if out := c.children("system-out"); len(out) != 1 || !strings.Contains(out[0].Text, "e.xml:3  error  -  unexpected EOF") {
		t.Errorf("errored file's findings lost: %+v", c)
	}
}
