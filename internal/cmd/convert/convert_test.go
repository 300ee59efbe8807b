package convert

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
)

// execute runs `oots convert args...` on test streams.
func execute(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	streams, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	cmd := NewCmdConvert(&cmdutil.Factory{IOStreams: streams})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

const request = "../../../examples/messages/evidence-request.xml"

func TestXMLToJSONAndBack(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "request.json")
	if _, _, err := execute(t, "", request, "-o", js); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(js)
	if err != nil || !bytes.Contains(data, []byte(`"kind": "evidence-request"`)) {
		t.Fatalf("JSON output: %v\n%s", err, data)
	}
	out, _, err := execute(t, string(data), "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "<?xml") || !strings.Contains(out, `<rim:Slot name="Procedure">`) {
		t.Fatalf("XML output:\n%s", out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestInvalidXMLFromJSONIsNotWritten(t *testing.T) {
	out, _, err := execute(t, "", request)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(out, `"SpecificationIdentifier": "oots-edm:v1.0"`, `"SpecificationIdentifier": "oots-edm:v9"`, 1)
	dest := filepath.Join(t.TempDir(), "bad.xml")
	_, stderr, err := execute(t, bad, "-", "-o", dest)
	if !errors.Is(err, cmdutil.ErrInvalid) || !strings.Contains(stderr, "R-EDM-REQ-C001") {
		t.Fatalf("want exit 2 with the rule id, got %v\n%s", err, stderr)
	}
	if _, statErr := os.Stat(dest); statErr == nil {
		t.Error("invalid XML was written")
	}
	if _, _, err := execute(t, bad, "-", "-o", dest, "--no-validate"); err != nil {
		t.Fatalf("--no-validate: %v", err)
	}
	if _, statErr := os.Stat(dest); statErr != nil {
		t.Error("--no-validate did not write the XML")
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"{\n  \"a\": tru\n}", []string{"-"}, "<stdin>:2:11:"},
		{"<a>\n<b>\n</a>", []string{"-"}, "<stdin>:3:"},
		{"hello", []string{"-"}, "neither XML nor JSON"},
		{"", []string{"missing.xml"}, "missing.xml: no such file"},
		{"<a/>", []string{"-", "--to", "xml"}, "already XML"},
	}
	for _, tt := range tests {
		_, _, err := execute(t, tt.stdin, tt.args...)
		if err == nil || errors.Is(err, cmdutil.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %q: got %v, want %q", tt.args, tt.stdin, err, tt.want)
		}
	}
	var fe *cmdutil.FlagError
	if _, _, err := execute(t, "", "--to", "yaml", request); !errors.As(err, &fe) {
		t.Errorf("--to yaml: want a usage error, got %v", err)
	}
}

const genericode = `<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <ColumnSet>
    <Column Id="code"/><Column Id="name"/><Column Id="note"/>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="code"><SimpleValue>A</SimpleValue></Value><Value><SimpleValue>Alpha, "first"</SimpleValue></Value></Row>
    <Row><Value ColumnRef="code"><SimpleValue>B</SimpleValue></Value><Value ColumnRef="note"><SimpleValue>n</SimpleValue></Value></Row>
  </SimpleCodeList>
</gc:CodeList>`

func TestCodelist(t *testing.T) {
	out, _, err := execute(t, genericode, "codelist", "-", "--to", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if want := "code,name,note\nA,\"Alpha, \"\"first\"\"\",\nB,,n\n"; out != want {
		t.Errorf("CSV:\n%s\nwant\n%s", out, want)
	}
	out, _, err = execute(t, genericode, "codelist", "-", "--to", "json")
	if err != nil {
		t.Fatal(err)
	}
	if want := "[\n  {\"code\": \"A\", \"name\": \"Alpha, \\\"first\\\"\"},\n  {\"code\": \"B\", \"note\": \"n\"}\n]\n"; out != want {
		t.Errorf("JSON:\n%s\nwant\n%s", out, want)
	}
	if _, _, err := execute(t, "<x/>", "codelist", "-"); err == nil || !strings.Contains(err.Error(), "not a genericode") {
		t.Errorf("not a code list: got %v", err)
	}
}
