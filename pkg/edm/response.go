package edm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Response is an evidence response (query:QueryResponse, status Success).
type Response struct {
	// RequestID is the id of the request answered (urn:uuid:...).
	RequestID string `yaml:"requestId" json:"requestId"`
	// ResponseID is the EvidenceResponseIdentifier, a plain UUID; empty makes one.
	ResponseID    string    `yaml:"responseId,omitempty" json:"responseId,omitempty"`
	IssueDateTime time.Time `yaml:"issueDateTime,omitempty" json:"issueDateTime,omitzero"`
	Specification string    `yaml:"specification,omitempty" json:"specification,omitempty"`
	Requester     *Agent    `yaml:"requester,omitempty" json:"requester,omitempty"`
	// Provider is the evidence provider; also the issuing authority of an
	// evidence that names none.
	Provider *Agent `yaml:"provider,omitempty" json:"provider,omitempty"`
	// Subject and EvidenceType apply to every evidence that gives none of its
	// own; ResponseFor takes them from the request.
	Subject      *Subject      `yaml:"subject,omitempty" json:"subject,omitempty"`
	EvidenceType *EvidenceType `yaml:"evidenceType,omitempty" json:"evidenceType,omitempty"`
	Evidences    []Evidence    `yaml:"evidences" json:"evidences"`
}

// Evidence is one returned evidence: its metadata and the reference to the
// document itself, an AS4 attachment named by a cid: URI.
type Evidence struct {
	// ObjectID is the rim:RegistryObject id (urn:uuid:...); empty makes one.
	ObjectID string `yaml:"objectId,omitempty" json:"objectId,omitempty"`
	// Identifier is the sdg:Evidence identifier (a UUID); empty makes one.
	Identifier       string        `yaml:"id,omitempty" json:"id,omitempty"`
	Subject          *Subject      `yaml:"subject,omitempty" json:"subject,omitempty"`
	IssuingAuthority *Agent        `yaml:"issuingAuthority,omitempty" json:"issuingAuthority,omitempty"`
	EvidenceType     *EvidenceType `yaml:"evidenceType,omitempty" json:"evidenceType,omitempty"`
	IssuingDate      string        `yaml:"issuingDate,omitempty" json:"issuingDate,omitempty"`
	// Distribution is the media type (Format), and for structured formats
	// the data model (ConformsTo). Empty takes the evidence type's DistributedAs.
	Distribution *Distribution `yaml:"distribution,omitempty" json:"distribution,omitempty"`
	Languages    []string      `yaml:"languages,omitempty" json:"languages,omitempty"`
	// ValidityPeriod is when the evidence is valid (dates, both required).
	ValidityPeriod *Period `yaml:"validityPeriod,omitempty" json:"validityPeriod,omitempty"`
	// Ref is the cid: URI of the attachment; Title is its xlink:title.
	Ref   string `yaml:"ref" json:"ref"`
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
}

// Period is an sdg:ValidityPeriod.
type Period struct {
	StartDate string `yaml:"startDate" json:"startDate"`
	EndDate   string `yaml:"endDate" json:"endDate"`
}

const (
	statusSuccess = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
	statusFailure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"
)

// XML returns the response as indented XML, without validating it. Missing
// ids and times are filled in on the Response.
func (r *Response) XML() ([]byte, error) {
	if err := r.checkEvidences(); err != nil {
		return nil, err
	}
	r.ResponseID = orUUID(r.ResponseID)
	r.IssueDateTime = orNow(r.IssueDateTime)
	root := el("query:QueryResponse").Attr("status", statusSuccess).Attr("requestId", r.RequestID)
	root.Add(stringSlot("SpecificationIdentifier", orSpec(r.Specification)),
		stringSlot("EvidenceResponseIdentifier", r.ResponseID),
		dateTimeSlot("IssueDateTime", dateTime(r.IssueDateTime)),
		collectionSlot("EvidenceProvider", false, agents(r.Provider)),
		anySlot("EvidenceRequester", agent("sdg:Agent", r.Requester)))
	list := el("rim:RegistryObjectList")
	for i := range r.Evidences {
		list.Add(r.evidence(&r.Evidences[i]))
	}
	root.Add(list)
	return document(root), nil
}

// checkEvidences refuses what the rules cannot see in one document: a
// Success response without evidence leaves the requester with nothing to act
// on (the provider answers with an error response, EDM:ERR:0004), and an
// evidence without its attachment reference has no document.
func (r *Response) checkEvidences() error {
	if len(r.Evidences) == 0 {
		return errors.New("the response has no evidence: give at least one under evidences (a provider that finds none answers with an error response, EDM:ERR:0004)")
	}
	for i, e := range r.Evidences {
		if e.Ref == "" {
			return fmt.Errorf("evidence %d has no ref: the cid: URI of the attachment that holds the document", i+1)
		}
	}
	return nil
}

// Build returns the response as XML after checking it with the embedded rules.
func (r *Response) Build(ctx context.Context) ([]byte, error) {
	return build(ctx, "response", r.XML)
}

func (r *Response) evidence(e *Evidence) *node {
	e.ObjectID = orURNUUID(e.ObjectID)
	e.Identifier = orUUID(e.Identifier)
	subject, typ, issuer, dist := e.Subject, e.EvidenceType, e.IssuingAuthority, e.Distribution
	if subject.empty() {
		subject = r.Subject
	}
	if typ == nil {
		typ = r.EvidenceType
	}
	if issuer == nil && r.Provider != nil {
		issuer = &Agent{Identifier: r.Provider.Identifier, Scheme: r.Provider.Scheme, Names: r.Provider.Names}
	}
	if dist == nil && typ != nil {
		dist = typ.DistributedAs
	}
	meta := el("sdg:Evidence", textEl("sdg:Identifier", e.Identifier), isAbout(subject),
		agent("sdg:IssuingAuthority", issuer), conformantTo(typ),
		textEl("sdg:IssuingDate", e.IssuingDate), evidenceDistribution(dist, e.Languages), validity(e.ValidityPeriod))
	ref := el("rim:RepositoryItemRef").Attr("xlink:href", e.Ref).Attr("xlink:title", e.Title)
	obj := el("rim:RegistryObject", anySlot("EvidenceMetadata", meta), ref)
	return obj.Attr("xsi:type", "rim:ExtrinsicObjectType").Attr("id", e.ObjectID)
}

func isAbout(s *Subject) *node {
	if s.empty() {
		return nil
	}
	return el("sdg:IsAbout", person("sdg:NaturalPerson", s.NaturalPerson, false), legalPerson(s.LegalPerson, false))
}

func conformantTo(t *EvidenceType) *node {
	if t == nil {
		return nil
	}
	n := el("sdg:IsConformantTo", textEl("sdg:EvidenceTypeClassification", t.Classification))
	n.Add(texts("sdg:Title", t.Titles)...)
	return n.Add(texts("sdg:Description", t.Descriptions)...)
}

// evidenceDistribution is an sdg:Distribution, where the languages come
// between Format and ConformsTo (sdg:DistributionType).
func evidenceDistribution(d *Distribution, langs []string) *node {
	if d == nil {
		return nil
	}
	n := el("sdg:Distribution", textEl("sdg:Format", d.Format))
	for _, l := range langs {
		n.Add(textEl("sdg:Language", l))
	}
	return n.Add(textEl("sdg:ConformsTo", d.ConformsTo), textEl("sdg:Transformation", d.Transformation))
}

func validity(p *Period) *node {
	if p == nil {
		return nil
	}
	return el("sdg:ValidityPeriod", textEl("sdg:StartDate", p.StartDate), textEl("sdg:EndDate", p.EndDate))
}
