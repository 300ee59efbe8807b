package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"go.yaml.in/yaml/v3"
)

// ExampleDataset is the name LoadDataset gives the built-in example dataset.
const ExampleDataset = "example"

// Dataset is what the simulated provider holds: persons and companies, each
// with the evidences a registry would return about them. It is read once
// (LoadDataset) and never changes afterwards, so one Dataset may serve many
// requests at once.
type Dataset struct {
	Subjects []Subject `yaml:"subjects"`

	// index finds a subject by kind and identifier (see subjectKey).
	index map[string]*Subject
	// name is where the dataset came from, for messages.
	name string
}

// Subject is a natural or a legal person (exactly one) and its evidences.
type Subject struct {
	NaturalPerson *NaturalPerson `yaml:"naturalPerson,omitempty"`
	LegalPerson   *LegalPerson   `yaml:"legalPerson,omitempty"`
	Evidences     []Evidence     `yaml:"evidences"`
}

// NaturalPerson is a person as the registry knows them. A request naming
// the same identifier with another name or date of birth is an identity
// mismatch.
type NaturalPerson struct {
	Identifier  string `yaml:"id"`
	FamilyName  string `yaml:"familyName"`
	GivenName   string `yaml:"givenName"`
	DateOfBirth string `yaml:"dateOfBirth"`
}

// LegalPerson is a company as the registry knows it.
type LegalPerson struct {
	Identifier string `yaml:"id"`
	LegalName  string `yaml:"legalName"`
}

// Evidence is one evidence held about a subject, and how the simulated
// registry behaves when it is asked for.
type Evidence struct {
	// EvidenceType is the evidence type classification the request names
	// (https://sr.oots.tech.europa.eu/evidencetypeclassifications/...).
	EvidenceType string `yaml:"evidenceType"`
	// File is the document, relative to the dataset file. XML is an inline
	// structured evidence instead. With neither, the provider generates a
	// one-page PDF naming the evidence type and the subject.
	File string `yaml:"file,omitempty"`
	XML  string `yaml:"xml,omitempty"`
	// MediaType defaults from the file name (application/xml for XML,
	// application/pdf for a generated document).
	MediaType string `yaml:"mediaType,omitempty"`
	// ConformsTo is the data model of a structured (XML or JSON) evidence,
	// required for those: the response must name it (R-EDM-RESP-C044a/b).
	ConformsTo string `yaml:"conformsTo,omitempty"`
	// Preview makes the user preview the evidence at the provider first.
	Preview bool `yaml:"preview,omitempty"`
	// Reauth makes the preview page ask for the subject's identifier first.
	Reauth bool `yaml:"reauth,omitempty"`
	// Error is an EDM error code the registry answers with instead of the
	// evidence (EDM:ERR:0008 base registry error, EDM:ERR:0005 timeout...).
	Error string `yaml:"error,omitempty"`
	// Delay is how long the registry takes before it answers.
	Delay time.Duration `yaml:"delay,omitempty"`

	// data is the document, read once at load time.
	data []byte
}

// Data is the evidence document as loaded (nil for error entries).
func (e *Evidence) Data() []byte { return e.data }

// structured reports whether the evidence is XML or JSON, which needs a data
// model (ConformsTo) and, for XML, can be rendered for people.
func (e *Evidence) structured() bool {
	return strings.Contains(e.MediaType, "xml") || strings.Contains(e.MediaType, "json")
}

// LoadDataset reads a dataset YAML file; evidence files are read now, so
// answering never touches the disk. ExampleDataset ("example") is the
// built-in example dataset.
func LoadDataset(path string) (*Dataset, error) {
	if path == ExampleDataset {
		return loadExample()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the dataset: %w", err)
	}
	dir := filepath.Dir(path)
	return parseDataset(path, data, func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	})
}

// parseDataset decodes a dataset and loads its documents with readFile.
func parseDataset(name string, data []byte, readFile func(string) ([]byte, error)) (*Dataset, error) {
	d := &Dataset{name: name, index: map[string]*Subject{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key would silently change the behaviour
	if err := dec.Decode(d); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(d.Subjects) == 0 {
		return nil, fmt.Errorf("%s: the dataset has no subjects: list persons or companies under subjects", name)
	}
	for i := range d.Subjects {
		s := &d.Subjects[i]
		where := fmt.Sprintf("%s: subjects[%d]", name, i)
		if err := d.addSubject(where, s); err != nil {
			return nil, err
		}
		for j := range s.Evidences {
			if err := loadEvidence(fmt.Sprintf("%s.evidences[%d]", where, j), s, &s.Evidences[j], readFile); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// addSubject checks a subject and indexes it by identifier.
func (d *Dataset) addSubject(where string, s *Subject) error {
	switch {
	case s.NaturalPerson != nil && s.LegalPerson != nil:
		return fmt.Errorf("%s: give naturalPerson or legalPerson, not both", where)
	case s.NaturalPerson == nil && s.LegalPerson == nil:
		return fmt.Errorf("%s: give naturalPerson or legalPerson", where)
	case s.NaturalPerson != nil && s.NaturalPerson.Identifier == "":
		return fmt.Errorf("%s: naturalPerson has no id (its identifier)", where)
	case s.LegalPerson != nil && s.LegalPerson.Identifier == "":
		return fmt.Errorf("%s: legalPerson has no id (its identifier)", where)
	}
	key := s.key()
	if _, dup := d.index[key]; dup {
		return fmt.Errorf("%s: identifier %s is already used by another subject", where, s.identifier())
	}
	d.index[key] = s
	return nil
}

// loadEvidence checks one evidence entry and reads its document.
func loadEvidence(where string, s *Subject, e *Evidence, readFile func(string) ([]byte, error)) error {
	if e.EvidenceType == "" {
		return fmt.Errorf("%s: evidenceType is missing (the evidence type classification requests name)", where)
	}
	if e.Delay < 0 {
		return fmt.Errorf("%s: delay %s is negative", where, e.Delay)
	}
	if e.Reauth && !e.Preview {
		return fmt.Errorf("%s: reauth asks for the identifier on the preview page: it needs preview: true", where)
	}
	if e.Error != "" {
		return checkErrorCode(where, e.Error)
	}
	if e.File != "" && e.XML != "" {
		return fmt.Errorf("%s: give file or xml, not both", where)
	}
	if err := loadDocument(where, s, e, readFile); err != nil {
		return err
	}
	if e.structured() && e.ConformsTo == "" {
		return fmt.Errorf("%s: a %s evidence needs conformsTo, the data model it follows (https://sr.oots.tech.europa.eu/distributions/...)", where, e.MediaType)
	}
	if strings.Contains(e.MediaType, "xml") {
		if _, err := xmldoc.Parse(context.Background(), e.data, xmldoc.DefaultLimits); err != nil {
			return fmt.Errorf("%s: the evidence is not well-formed XML: %w", where, err)
		}
	}
	return nil
}

// checkErrorCode accepts the EDM error codes a registry can answer with.
// EDM:ERR:0002 is not one of them: a preview is asked for with preview: true,
// which also serves the page.
func checkErrorCode(where, code string) error {
	if code == edm.CodePreview {
		return fmt.Errorf("%s: error %s asks for a preview: write preview: true instead", where, code)
	}
	for _, c := range edm.ErrorCodes {
		if c.Code == code {
			return nil
		}
	}
	return fmt.Errorf("%s: error %q is not an EDM error code (EDM:ERR:0001 … EDM:ERR:0008)", where, code)
}

// loadDocument reads the evidence document and settles its media type.
func loadDocument(where string, s *Subject, e *Evidence, readFile func(string) ([]byte, error)) error {
	switch {
	case e.File != "":
		data, err := readFile(e.File)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		e.data = data
		if e.MediaType == "" {
			t, err := edm.MediaTypeOf(e.File)
			if err != nil {
				return fmt.Errorf("%s: %w (or give mediaType)", where, err)
			}
			e.MediaType = t
		}
	case e.XML != "":
		e.data = []byte(strings.TrimSpace(e.XML) + "\n")
		if e.MediaType == "" {
			e.MediaType = "application/xml"
		}
	default:
		if e.MediaType != "" && e.MediaType != mediaPDF {
			return fmt.Errorf("%s: without file or xml the evidence is a generated PDF, so mediaType must be %s", where, mediaPDF)
		}
		e.MediaType = mediaPDF
		e.data = placeholderPDF(e.EvidenceType, s.displayName(), s.identifier())
	}
	return nil
}

// key indexes subjects: natural and legal persons are separate namespaces.
func (s *Subject) key() string {
	if s.LegalPerson != nil {
		return subjectKey(true, s.LegalPerson.Identifier)
	}
	return subjectKey(false, s.NaturalPerson.Identifier)
}

func subjectKey(legal bool, id string) string {
	if legal {
		return "legal\x00" + id
	}
	return "natural\x00" + id
}

func (s *Subject) identifier() string {
	if s.LegalPerson != nil {
		return s.LegalPerson.Identifier
	}
	return s.NaturalPerson.Identifier
}

// displayName is how pages and generated documents name the subject.
func (s *Subject) displayName() string {
	if s.LegalPerson != nil {
		return s.LegalPerson.LegalName
	}
	return strings.TrimSpace(s.NaturalPerson.GivenName + " " + s.NaturalPerson.FamilyName)
}

// lookup finds the subject of a request, or nil.
func (d *Dataset) lookup(subject *edm.Subject) *Subject {
	switch {
	case subject == nil:
		return nil
	case subject.NaturalPerson != nil:
		return d.index[subjectKey(false, subject.NaturalPerson.Identifier)]
	case subject.LegalPerson != nil:
		return d.index[subjectKey(true, subject.LegalPerson.Identifier)]
	}
	return nil
}

// mismatch names the first identity attribute of the request that differs
// from the registry's record ("" when they agree). Attributes the request
// leaves out are not compared; names are compared without regard to case
// and spacing, as registries match names.
func (s *Subject) mismatch(subject *edm.Subject) string {
	if p := subject.NaturalPerson; p != nil && s.NaturalPerson != nil {
		mine := s.NaturalPerson
		switch {
		case differ(p.FamilyName, mine.FamilyName):
			return "family name"
		case differ(p.GivenName, mine.GivenName):
			return "given name"
		case p.DateOfBirth != "" && mine.DateOfBirth != "" && p.DateOfBirth != mine.DateOfBirth:
			return "date of birth"
		}
	}
	if p := subject.LegalPerson; p != nil && s.LegalPerson != nil && differ(p.LegalName, s.LegalPerson.LegalName) {
		return "legal name"
	}
	return ""
}

func differ(asked, held string) bool {
	if asked == "" || held == "" {
		return false
	}
	return !strings.EqualFold(strings.Join(strings.Fields(asked), " "), strings.Join(strings.Fields(held), " "))
}

// evidence picks the entry answering a request for evidence type class:
// the one in the requested format when the subject has several, else the
// first of that type; nil when the subject has none.
func (s *Subject) evidence(class, format string) *Evidence {
	var first *Evidence
	for i := range s.Evidences {
		e := &s.Evidences[i]
		if e.EvidenceType != class {
			continue
		}
		if format == "" || e.MediaType == format || e.Error != "" {
			return e
		}
		if first == nil {
			first = e
		}
	}
	return first
}

// needsPreviewPage reports whether any evidence of the dataset is previewed.
func (d *Dataset) needsPreviewPage() bool {
	for _, s := range d.Subjects {
		for _, e := range s.Evidences {
			if e.Preview {
				return true
			}
		}
	}
	return false
}
