package requester

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/edm"
	"go.yaml.in/yaml/v3"
)

// What the simulated user does at a preview page.
const (
	PreviewConfirm = "confirm"
	PreviewRefuse  = "refuse"
	PreviewIgnore  = "ignore"
)

// DefaultPreviewWait is how long a user who ignores a preview stays away
// before the portal sends the second request anyway.
const DefaultPreviewWait = time.Second

// Journey is one user's errand at the procedure portal.
type Journey struct {
	// Name labels the journey in reports (optional).
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Procedure is a code of the Procedures code list (R1, S1, T2 ...).
	Procedure string `json:"procedure" yaml:"procedure"`
	// Requirement is the requirement id (or the last segment of its URI);
	// empty takes the first requirement the EB lists for the procedure in
	// the country.
	Requirement string `json:"requirement,omitempty" yaml:"requirement,omitempty"`
	// Country is the country of the evidence providers (ISO 3166 alpha-2).
	Country string `json:"country" yaml:"country"`
	// Jurisdiction is the user's place as a NUTS or LAU code: it narrows the
	// EB's evidence types and answers a DSD asking for a jurisdiction.
	Jurisdiction string `json:"jurisdiction,omitempty" yaml:"jurisdiction,omitempty"`
	// EvidenceTypes are the classifications (or their last segments) to
	// request; empty takes the first AND-list the EB gives for the country.
	EvidenceTypes []string `json:"evidenceTypes,omitempty" yaml:"evidenceTypes,omitempty"`
	// Subject is whom the evidence is about.
	Subject edm.Subject `json:"subject" yaml:"subject"`
	// Attributes answer a DSD:ERR:0005 dialogue: classification concept id
	// → value (a jurisdiction context id may stand for Jurisdiction too).
	Attributes map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	// Preview is what the user does at a preview page: confirm (default),
	// refuse or ignore.
	Preview string `json:"preview,omitempty" yaml:"preview,omitempty"`
	// Identifier is what the user types when a preview page asks to
	// authenticate again; empty types the subject's identifier.
	Identifier string `json:"identifier,omitempty" yaml:"identifier,omitempty"`
	// PossibilityForPreview is the request flag; nil means true.
	PossibilityForPreview *bool `json:"possibilityForPreview,omitempty" yaml:"possibilityForPreview,omitempty"`
	// Timeout bounds the wait for each answer; 0 takes the Config's.
	Timeout Duration `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	// PreviewWait is how long the user stays at a preview page before
	// deciding (or, with preview: ignore, before the second request is
	// sent); 0 means at once, or DefaultPreviewWait for ignore.
	PreviewWait Duration `json:"previewWait,omitempty" yaml:"previewWait,omitempty"`
}

// check refuses a journey that cannot start, naming the field to fix.
func (j *Journey) check() error {
	var missing []string
	if j.Procedure == "" {
		missing = append(missing, "procedure")
	}
	if j.Country == "" {
		missing = append(missing, "country")
	}
	if len(missing) > 0 {
		return fmt.Errorf("journey: give %s", strings.Join(missing, " and "))
	}
	if (j.Subject.NaturalPerson == nil) == (j.Subject.LegalPerson == nil) {
		return errors.New("journey: give the subject as exactly one of subject.naturalPerson or subject.legalPerson")
	}
	switch j.Preview {
	case "", PreviewConfirm, PreviewRefuse, PreviewIgnore:
	default:
		return fmt.Errorf("journey: preview %q is none of confirm, refuse, ignore", j.Preview)
	}
	if j.Timeout < 0 || j.PreviewWait < 0 {
		return errors.New("journey: timeout and previewWait cannot be negative")
	}
	return nil
}

func (j *Journey) previewAction() string {
	if j.Preview == "" {
		return PreviewConfirm
	}
	return j.Preview
}

func (j *Journey) previewWait() time.Duration {
	if j.PreviewWait == 0 && j.previewAction() == PreviewIgnore {
		return DefaultPreviewWait
	}
	return time.Duration(j.PreviewWait)
}

func (j *Journey) possibilityForPreview() bool {
	return j.PossibilityForPreview == nil || *j.PossibilityForPreview
}

// reauthIdentifier is what the user types when asked to authenticate again.
func (j *Journey) reauthIdentifier() string {
	switch {
	case j.Identifier != "":
		return j.Identifier
	case j.Subject.NaturalPerson != nil:
		return j.Subject.NaturalPerson.Identifier
	case j.Subject.LegalPerson != nil:
		return j.Subject.LegalPerson.Identifier
	}
	return ""
}

// Duration is a time.Duration written as text ("2s", "150ms") in JSON and
// YAML; a bare JSON number is read as nanoseconds, as time.Duration is.
type Duration time.Duration

// String is the duration in Go notation.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "2s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var n int64
	if err := json.Unmarshal(b, &n); err == nil {
		*d = Duration(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want text such as \"2s\", got %s", b)
	}
	return d.parse(s)
}

// MarshalYAML writes the duration as text.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads "2s".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	return d.parse(n.Value)
}

func (d *Duration) parse(s string) error {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, such as 2s or 150ms", s)
	}
	*d = Duration(v)
	return nil
}
