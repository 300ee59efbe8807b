package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fatih/color"
)

func text(t *testing.T, r *Report, opts TextOptions) string {
	return render(t, func(b *bytes.Buffer) error { return WriteText(b, r, opts) })
}

func TestTextPlain(t *testing.T) {
	got := text(t, sample(), TextOptions{})
	// The xsd error comes before the schematron one although it was found later: layer order.
	want := `msgs/req-ok.xml  evidence-request  VALID
  msgs/req-ok.xml  info  X-REQ-001  No matching response in this run.  (cross)
msgs/resp-bad.xml  evidence-response  INVALID
  msgs/resp-bad.xml:12  error  -  Element <rim:Slot>: a & b is not expected.\x01  (xsd)
  msgs/resp-bad.xml:40  error  R-EDM-RESP-C003  The Slot must occur once.  (schematron, EDM-RESP-C.sch)
  msgs/resp-bad.xml:50  warning  R-CL-LANG  Language "xx" is not in the code list.  (codelist, LanguageCode)
msgs/missing.xml  INVALID
  cannot check:  open msgs/missing.xml: no such file or directory
3 files: 1 valid, 2 invalid; 2 errors, 1 warning, 1 info (1234ms)
`
	if got != want {
		t.Errorf("text output:\n%s\nwant:\n%s", got, want)
	}
}

func TestTextQuiet(t *testing.T) {
	got := text(t, sample(), TextOptions{Quiet: true})
	if strings.Contains(got, "req-ok.xml") {
		t.Errorf("quiet output lists a valid file:\n%s", got)
	}
	for _, want := range []string{"msgs/resp-bad.xml  evidence-response  INVALID", "msgs/missing.xml  INVALID", "3 files: 1 valid"} {
		if !strings.Contains(got, want) {
			t.Errorf("quiet output lacks %q:\n%s", want, got)
		}
	}
}

func TestTextVerbose(t *testing.T) {
	plain := text(t, sample(), TextOptions{})
	got := text(t, sample(), TextOptions{Verbose: true})
	for _, want := range []string{
		"      at /query:QueryResponse/rim:Slot[2]\n",
		"      test count(rim:Slot[@name='X']) = 1\n",
		"      role fatal  flag content\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("verbose output lacks %q:\n%s", want, got)
		}
		if strings.Contains(plain, want) {
			t.Errorf("non-verbose output has %q", want)
		}
	}
}

func TestTextColor(t *testing.T) {
	// The writer must not depend on the package-global switch: force it the other way and
	// check both settings still do what the options say.
	saved := color.NoColor
	defer func() { color.NoColor = saved }()

	color.NoColor = true
	got := text(t, sample(), TextOptions{Color: true})
	for name, want := range map[string]string{
		"red error":     "\x1b[31merror\x1b[0m",
		"yellow warn":   "\x1b[33mwarning\x1b[0m",
		"cyan info":     "\x1b[36minfo\x1b[0m",
		"green VALID":   "\x1b[32mVALID\x1b[0m",
		"red INVALID":   "\x1b[31;1mINVALID\x1b[",
		"plain summary": "3 files: 1 valid, 2 invalid; 2 errors, 1 warning, 1 info (1234ms)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("colour output lacks %s %q:\n%q", name, want, got)
		}
	}

	color.NoColor = false
	if got := text(t, sample(), TextOptions{}); strings.Contains(got, "\x1b[") {
		t.Errorf("colour off but output has ANSI codes:\n%q", got)
	}
}

// TestTextEscapesControlCharacters: a crafted document must not reach the terminal with
// escape sequences, and a multi-line message must stay one line.
func TestTextEscapesControlCharacters(t *testing.T) {
	r := &Report{Files: []FileResult{{Path: "evil\x1b[2J.xml", Findings: []Finding{
		{Layer: LayerSchematron, Severity: SeverityError, Message: "value \x1b]0;pwned\x07\r\nend"},
	}}}}
	got := text(t, r, TextOptions{})
	if strings.Contains(got, "\x1b") || strings.Contains(got, "\x07") {
		t.Errorf("control characters reach the output:\n%q", got)
	}
	if want := `  evil\x1b[2J.xml  error  -  value \x1b]0;pwned\x07 end  (schematron)` + "\n"; !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%q", want, got)
	}
}
