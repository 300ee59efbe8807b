package provider

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
)

// TestExampleDatasetCoversCatalogue: every evidence type of the example
// catalogue is held for someone, so every scenario works without files, and
// the dataset has each behaviour the scenarios need.
func TestExampleDatasetCoversCatalogue(t *testing.T) {
	d := exampleDataset(t)
	held := map[string]bool{}
	var previews, reauths, errs, delays, structured, legal int
	for _, s := range d.Subjects {
		if s.LegalPerson != nil {
			legal++
		}
		for _, e := range s.Evidences {
			held[e.EvidenceType] = true
			switch {
			case e.Reauth:
				reauths++
			case e.Error != "":
				errs++
			case e.Delay > 0:
				delays++
			}
			if e.Preview {
				previews++
			}
			if e.structured() {
				structured++
			}
		}
	}
	classes := regexp.MustCompile(`https://sr\.oots\.tech\.europa\.eu/evidencetypeclassifications/[A-Z]{2}/[0-9a-f-]+`)
	files, err := catalogexample.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := catalogexample.Files.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range classes.FindAllString(string(data), -1) {
			if !held[c] {
				t.Errorf("evidence type %s of the example catalogue (%s) is held by no subject", c, f.Name())
			}
		}
	}
	for what, n := range map[string]int{"preview": previews, "reauth": reauths, "registry error": errs,
		"delay": delays, "structured evidence": structured, "company": legal} {
		if n == 0 {
			t.Errorf("the example dataset has no %s", what)
		}
	}
}

func TestLoadDatasetFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "birth.pdf", "%PDF-1.4 test\n")
	writeFile(t, dir, "dataset.yaml", `
subjects:
  - naturalPerson: {id: "PT/DE/EX0000001", familyName: Muster, givenName: Erika, dateOfBirth: "1980-01-31"}
    evidences:
      - {evidenceType: `+typeBirthDE+`, file: birth.pdf, preview: true, reauth: true, delay: 2s}
      - {evidenceType: `+typeEducationDE+`, error: EDM:ERR:0008}
`)
	d, err := LoadDataset(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e := d.Subjects[0].Evidences[0]
	if e.MediaType != "application/pdf" || string(e.Data()) != "%PDF-1.4 test\n" || e.Delay != 2*time.Second || !e.Reauth {
		t.Errorf("evidence loaded as %+v", e)
	}
	if d.Subjects[0].Evidences[1].Data() != nil {
		t.Error("an error entry has a document")
	}
}

func TestLoadDatasetErrors(t *testing.T) {
	person := `  - naturalPerson: {id: "PT/DE/EX0000001"}` + "\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"empty", "", "no subjects"},
		{"misspelt key", "subjects:\n" + person + "    evidences: [{evidenceTyp: x}]\n", "evidenceTyp"},
		{"both kinds", "subjects:\n  - naturalPerson: {id: A}\n    legalPerson: {id: B}\n", "not both"},
		{"no kind", "subjects:\n  - evidences: []\n", "give naturalPerson or legalPerson"},
		{"no identifier", "subjects:\n  - legalPerson: {legalName: X}\n", "legalPerson has no id"},
		{"duplicate", "subjects:\n" + person + person, "already used"},
		{"no evidence type", "subjects:\n" + person + "    evidences: [{file: a.pdf}]\n", "evidenceType is missing"},
		{"unknown error code", "subjects:\n" + person + "    evidences: [{evidenceType: x, error: EDM:ERR:0099}]\n", "not an EDM error code"},
		{"preview as an error", "subjects:\n" + person + "    evidences: [{evidenceType: x, error: EDM:ERR:0002}]\n", "preview: true instead"},
		{"reauth without preview", "subjects:\n" + person + "    evidences: [{evidenceType: x, reauth: true}]\n", "needs preview: true"},
		{"negative delay", "subjects:\n" + person + "    evidences: [{evidenceType: x, delay: -1s}]\n", "negative"},
		{"bad delay", "subjects:\n" + person + "    evidences: [{evidenceType: x, delay: soon}]\n", "soon"},
		{"missing file", "subjects:\n" + person + "    evidences: [{evidenceType: x, file: missing.pdf}]\n", "missing.pdf"},
		{"file and xml", "subjects:\n" + person + "    evidences: [{evidenceType: x, file: a.pdf, xml: <a/>}]\n", "not both"},
		{"unknown file type", "subjects:\n" + person + "    evidences: [{evidenceType: x, file: dataset.yaml}]\n", "unsupported evidence file type"},
		{"xml without data model", "subjects:\n" + person + "    evidences: [{evidenceType: x, xml: <a/>}]\n", "needs conformsTo"},
		{"broken xml", "subjects:\n" + person + "    evidences: [{evidenceType: x, conformsTo: y, xml: <a>}]\n", "not well-formed"},
		{"generated document in another format", "subjects:\n" + person + "    evidences: [{evidenceType: x, mediaType: image/png}]\n", "generated PDF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "dataset.yaml")
			writeFile(t, dir, "dataset.yaml", c.yaml)
			_, err := LoadDataset(path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "dataset.yaml") {
				t.Errorf("error %q should name the file and say %q", err, c.want)
			}
		})
	}
	if _, err := LoadDataset(filepath.Join(t.TempDir(), "none.yaml")); err == nil {
		t.Error("a missing dataset file: no error")
	}
}

// TestPlaceholderPDF checks the generated document is a well-formed PDF: the
// cross-reference table points at each object and startxref at the table.
func TestPlaceholderPDF(t *testing.T) {
	pdf := placeholderPDF(typeBirthDE, "María (Ejemplo) \\ Müller", "FR/ES/EX0000003")
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("no PDF header or trailer")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[xref:], -1)
	if len(entries) != 5 {
		t.Fatalf("%d objects in the xref table, want 5", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", i+1, pdf[off:off+10])
		}
	}
	loc := regexp.MustCompile(`/Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
	length, _ := strconv.Atoi(string(pdf[loc[2]:loc[3]]))
	if !bytes.HasPrefix(pdf[loc[1]+length:], []byte("endstream")) {
		t.Error("the content stream's /Length is wrong")
	}
	for _, want := range []string{`Mar\355a \(Ejemplo\) \\ M\374ller`, "FR/ES/EX0000003"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("the PDF does not contain %q", want)
		}
	}
}
