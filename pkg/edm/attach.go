package edm

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Attachment is a document carried with an evidence response: the
// repository item an evidence's rim:RepositoryItemRef points to.
type Attachment struct {
	// Name is where the document came from (a file name), for messages.
	Name string
	// ContentID is the MIME Content-ID without angle brackets; the
	// evidence's reference is "cid:" + ContentID. Empty: Attach sets it.
	ContentID string
	// MediaType is the Content-Type and the evidence's sdg:Format.
	MediaType string
	Data      []byte
}

// Ref is the cid: URI (RFC 2392) of the attachment.
func (a *Attachment) Ref() string { return "cid:" + a.ContentID }

// FileName is the attachment's file name in a package folder: the
// Content-ID and the extension of its media type.
func (a *Attachment) FileName() string { return a.ContentID + extensions[a.MediaType] }

// contentIDForm is a Content-ID safe both for rule R-EDM-RESP-C042
// (lower-case letters and digits before the @) and as a file name.
var contentIDForm = regexp.MustCompile(`^[a-z0-9]+@[a-z0-9]+([.-][a-z0-9]+)*$`)

// Attach makes atts the repository items of the response's evidences. With
// no evidence in r, each attachment becomes one evidence whose metadata
// comes from the response (subject, evidence type, provider); otherwise
// attachment i goes with evidence i, and the counts must be equal.
//
// Each evidence gets the attachment's cid: reference (a ref already given
// is kept as the attachment's Content-ID, otherwise one is generated) and
// its media type as sdg:Format. ConformsTo and Transformation come from
// the evidence's distribution, or from the evidence type's DistributedAs
// when that has the same format; an XML or JSON attachment without a known
// ConformsTo is an error, as is a distribution format other than the
// attachment's. An evidence without issuing date gets the date of the
// response's IssueDateTime (the document is issued with the answer). Call Attach after Answer, which supplies the evidence type.
func (r *Response) Attach(atts []Attachment) error {
	if len(atts) == 0 {
		return nil
	}
	if len(r.Evidences) == 0 {
		r.Evidences = make([]Evidence, len(atts))
	} else if len(r.Evidences) != len(atts) {
		return fmt.Errorf("the description has %d evidences and %d attachments: give one attachment per evidence, or no evidences in the description", len(r.Evidences), len(atts))
	}
	seen := map[string]bool{}
	for i := range atts {
		a, e := &atts[i], &r.Evidences[i]
		if a.MediaType == "" {
			t, err := MediaTypeOf(a.Name)
			if err != nil {
				return err
			}
			a.MediaType = t
		}
		if err := attachRef(i, a, e); err != nil {
			return err
		}
		if seen[a.ContentID] {
			return fmt.Errorf("evidence %d: Content-ID %s is used twice", i+1, a.ContentID)
		}
		seen[a.ContentID] = true
		if err := r.attachDistribution(i, a, e); err != nil {
			return err
		}
		if e.IssuingDate == "" {
			r.IssueDateTime = orNow(r.IssueDateTime)
			e.IssuingDate = r.IssueDateTime.UTC().Format(time.DateOnly)
		}
	}
	return nil
}

func attachRef(i int, a *Attachment, e *Evidence) error {
	switch {
	case a.ContentID != "":
	case e.Ref != "":
		id, ok := strings.CutPrefix(e.Ref, "cid:")
		if !ok || !contentIDForm.MatchString(id) {
			return fmt.Errorf("evidence %d: ref %q cannot name an attachment: use cid:<lower-case letters and digits>@<domain>, or leave ref out for a generated one", i+1, e.Ref)
		}
		a.ContentID = id
	default:
		a.ContentID = NewContentID(i + 1)
	}
	if !contentIDForm.MatchString(a.ContentID) {
		return fmt.Errorf("evidence %d: Content-ID %q is not of the form <lower-case letters and digits>@<domain>", i+1, a.ContentID)
	}
	e.Ref = a.Ref()
	return nil
}

func (r *Response) attachDistribution(i int, a *Attachment, e *Evidence) error {
	var d Distribution
	switch typ := e.EvidenceType; {
	case e.Distribution != nil:
		if e.Distribution.Format != "" && e.Distribution.Format != a.MediaType {
			return fmt.Errorf("evidence %d: the description's distribution format is %s but %s is %s", i+1, e.Distribution.Format, a.Name, a.MediaType)
		}
		d = *e.Distribution
	default:
		if typ == nil {
			typ = r.EvidenceType
		}
		// The requested distribution describes the file only if it has its format.
		if typ != nil && typ.DistributedAs != nil && typ.DistributedAs.Format == a.MediaType {
			d = *typ.DistributedAs
		}
	}
	d.Format = a.MediaType
	if structured(a.MediaType) && d.ConformsTo == "" {
		return &MissingConformsToError{Evidence: i + 1, Name: a.Name, MediaType: a.MediaType}
	}
	e.Distribution = &d
	return nil
}

// MissingConformsToError is an XML or JSON attachment whose data model is
// known neither from the description nor from the request.
type MissingConformsToError struct {
	Evidence  int
	Name      string
	MediaType string
}

func (e *MissingConformsToError) Error() string {
	return fmt.Sprintf("evidence %d: %s is %s, which needs the data model it conforms to (rules R-EDM-RESP-C044a/b): give distribution.conformsTo (https://sr.oots.tech.europa.eu/distributions/...) for this evidence in the description, or answer a request whose DistributedAs has it",
		e.Evidence, e.Name, e.MediaType)
}
