package report

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func jsonOf(t *testing.T, r *Report) string {
	return render(t, func(b *bytes.Buffer) error { return WriteJSON(b, r) })
}

// TestJSONGolden pins the exact bytes: key names, key order, indentation, [] for empty
// findings, no HTML escaping, trailing newline. A change here is a change of the documented
// contract (docs/report-json.md) and must be deliberate.
func TestJSONGolden(t *testing.T) {
	want := `{
  "files": [
    {
      "path": "msgs/req-ok.xml",
      "kind": "evidence-request",
      "valid": true,
      "findings": [
        {
          "layer": "cross",
          "rule": "X-REQ-001",
          "severity": "info",
          "message": "No matching response in this run."
        }
      ]
    },
    {
      "path": "msgs/resp-bad.xml",
      "kind": "evidence-response",
      "valid": false,
      "findings": [
        {
          "layer": "schematron",
          "rule": "R-EDM-RESP-C003",
          "source": "EDM-RESP-C.sch",
          "severity": "error",
          "line": 40,
          "location": "/query:QueryResponse/rim:Slot[2]",
          "message": "The Slot must occur once.",
          "role": "fatal",
          "flag": "content"
        },
        {
          "layer": "codelist",
          "rule": "R-CL-LANG",
          "source": "LanguageCode",
          "severity": "warning",
          "line": 50,
          "message": "Language \"xx\" is not in the code list."
        },
        {
          "layer": "xsd",
          "severity": "error",
          "line": 12,
          "message": "Element <rim:Slot>: a & b\nis not expected.\u0001"
        }
      ]
    },
    {
      "path": "msgs/missing.xml",
      "kind": "",
      "valid": false,
      "findings": [],
      "error": "open msgs/missing.xml: no such file or directory"
    }
  ],
  "summary": {
    "files": 3,
    "valid": 1,
    "invalid": 2,
    "errors": 2,
    "warnings": 1,
    "infos": 1,
    "findings": 4,
    "durationMs": 1234
  }
}
`
	if got := jsonOf(t, sample()); got != want {
		t.Errorf("JSON output:\n%s\nwant:\n%s", got, want)
	}
}

// TestJSONRoundTrip: what WriteJSON writes decodes back into the same report, minus what
// the contract leaves out (the Schematron test, the Duration; nil findings become empty).
func TestJSONRoundTrip(t *testing.T) {
	in := sample()
	var back Report
	if err := json.Unmarshal([]byte(jsonOf(t, in)), &back); err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	want := sample()
	want.Summary.Duration = 0
	want.Files[1].Findings[0].Test = ""
	want.Files[2].Findings = []Finding{}
	if !reflect.DeepEqual(&back, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, *want)
	}
	if in.Files[2].Findings != nil {
		t.Error("WriteJSON modified the caller's report")
	}
}

// TestJSONEmptyListsAreArrays: consumers iterate files and findings without null checks.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	got := jsonOf(t, &Report{})
	if !strings.Contains(got, `"files": []`) {
		t.Errorf("empty report: files is not []:\n%s", got)
	}
	got = jsonOf(t, &Report{Files: []FileResult{{Path: "a.xml", Valid: true}}})
	if !strings.Contains(got, `"findings": []`) || strings.Contains(got, "null") {
		t.Errorf("file without findings: findings is not []:\n%s", got)
	}
	if !strings.Contains(got, `"files": 1`) || !strings.Contains(got, `"valid": 1`) {
		t.Errorf("summary not counted for an unsummarized report:\n%s", got)
	}
}

// TestJSONDocExample keeps docs/report-json.md honest: its example must decode without unknown
// keys and be exactly what WriteJSON writes for the report it describes.
func TestJSONDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/report-json.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## Example\n\n```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no JSON example under \"## Example\"")
	}
	dec := json.NewDecoder(strings.NewReader(example))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("example does not decode into Report: %v", err)
	}
	if got := jsonOf(t, &r); got != example {
		t.Errorf("example is not what WriteJSON writes:\n%s", got)
	}
}
