package edm

import (
	"context"
	"time"
)

// Request is an evidence request (query:QueryRequest).
type Request struct {
	// ID is the message id, urn:uuid:...; empty makes a fresh one.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// IssueDateTime: the zero time means now.
	IssueDateTime time.Time `yaml:"issueDateTime,omitempty" json:"issueDateTime,omitzero"`
	// Specification is the SpecificationIdentifier (default oots-edm:v1.0).
	Specification string `yaml:"specification,omitempty" json:"specification,omitempty"`
	// Procedure is a code of the Procedures code list (R1, X1, ...).
	Procedure     string `yaml:"procedure" json:"procedure"`
	ProcedureLang string `yaml:"procedureLang,omitempty" json:"procedureLang,omitempty"` // default EN

	PossibilityForPreview bool `yaml:"possibilityForPreview" json:"possibilityForPreview"`
	ExplicitRequestGiven  bool `yaml:"explicitRequestGiven" json:"explicitRequestGiven"`
	// PreviewLocation is set only in the second request, sent after the user
	// previewed the evidence at the provider.
	PreviewLocation string `yaml:"previewLocation,omitempty" json:"previewLocation,omitempty"`

	Requirements            []Requirement            `yaml:"requirements,omitempty" json:"requirements,omitempty"`
	Requester               *Agent                   `yaml:"requester,omitempty" json:"requester,omitempty"`
	Provider                *Agent                   `yaml:"provider,omitempty" json:"provider,omitempty"`
	ProviderClassifications []ProviderClassification `yaml:"providerClassifications,omitempty" json:"providerClassifications,omitempty"`

	// Subject: a natural person, or a legal person.
	NaturalPerson *NaturalPerson `yaml:"naturalPerson,omitempty" json:"naturalPerson,omitempty"`
	LegalPerson   *LegalPerson   `yaml:"legalPerson,omitempty" json:"legalPerson,omitempty"`
	// AuthorizedRepresentative is the natural person acting for the subject.
	AuthorizedRepresentative *NaturalPerson `yaml:"authorizedRepresentative,omitempty" json:"authorizedRepresentative,omitempty"`

	EvidenceType *EvidenceType `yaml:"evidenceType,omitempty" json:"evidenceType,omitempty"`
}

// ProviderClassification is an sdg:EvidenceProviderClassification with the
// value the user chose when the Data Service Directory asked for it.
type ProviderClassification struct {
	Identifier      string   `yaml:"id" json:"id"`
	Type            string   `yaml:"type,omitempty" json:"type,omitempty"`
	ValueExpression string   `yaml:"valueExpression,omitempty" json:"valueExpression,omitempty"`
	Descriptions    []Text   `yaml:"descriptions,omitempty" json:"descriptions,omitempty"`
	Values          []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// XML returns the request as indented XML, without validating it. Missing
// ids and times are filled in on the Request, so a second call repeats them.
func (r *Request) XML() ([]byte, error) {
	r.ID = orURNUUID(r.ID)
	r.IssueDateTime = orNow(r.IssueDateTime)
	root := el("query:QueryRequest").Attr("id", r.ID)
	root.Add(r.headerSlots()...)
	root.Add(el("query:ResponseOption").Attr("returnType", "LeafClassWithRepositoryItem"))
	root.Add(r.query())
	return document(root), nil
}

// Build returns the request as XML after checking it with the embedded rules.
func (r *Request) Build(ctx context.Context) ([]byte, error) {
	return build(ctx, "request", r.XML)
}

func (r *Request) headerSlots() []*node {
	lang := r.ProcedureLang
	if lang == "" {
		lang = "EN"
	}
	var procedure *node
	if r.Procedure != "" {
		procedure = intlSlot("Procedure", []Text{{Lang: lang, Text: r.Procedure}})
	}
	return []*node{
		stringSlot("SpecificationIdentifier", orSpec(r.Specification)),
		dateTimeSlot("IssueDateTime", dateTime(r.IssueDateTime)),
		procedure,
		stringSlot("PreviewLocation", r.PreviewLocation),
		boolSlot("PossibilityForPreview", r.PossibilityForPreview),
		boolSlot("ExplicitRequestGiven", r.ExplicitRequestGiven),
		collectionSlot("Requirements", true, r.requirements()),
		collectionSlot("EvidenceRequester", false, agents(r.Requester)),
		anySlot("EvidenceProvider", agent("sdg:Agent", r.Provider)),
		collectionSlot("EvidenceProviderClassification", false, r.classifications()),
	}
}

// agents is the item list of a collection slot holding at most one agent.
func agents(list ...*Agent) []*node {
	var out []*node
	for _, a := range list {
		if a != nil {
			out = append(out, agent("sdg:Agent", a))
		}
	}
	return out
}

func orSpec(s string) string {
	if s == "" {
		return SpecificationV10
	}
	return s
}

func (r *Request) requirements() []*node {
	var out []*node
	for _, q := range r.Requirements {
		n := el("sdg:Requirement", textEl("sdg:Identifier", q.Identifier))
		out = append(out, n.Add(texts("sdg:Name", q.Names)...))
	}
	return out
}

func (r *Request) classifications() []*node {
	var out []*node
	for _, c := range r.ProviderClassifications {
		n := el("sdg:EvidenceProviderClassification",
			textEl("sdg:Identifier", c.Identifier),
			textEl("sdg:Type", c.Type),
			textEl("sdg:ValueExpression", c.ValueExpression))
		n.Add(texts("sdg:Description", c.Descriptions)...)
		for _, v := range c.Values {
			n.Add(el("sdg:SupportedValue", textEl("sdg:StringValue", v)))
		}
		out = append(out, n)
	}
	return out
}

func (r *Request) query() *node {
	q := el("query:Query").Attr("queryDefinition", "DocumentQuery")
	q.Add(anySlot("NaturalPerson", person("sdg:Person", r.NaturalPerson, true)),
		anySlot("LegalPerson", legalPerson(r.LegalPerson, true)),
		anySlot("AuthorizedRepresentative", person("sdg:Person", r.AuthorizedRepresentative, true)),
		anySlot("EvidenceRequest", evidenceType(r.EvidenceType)))
	return q
}

func evidenceType(t *EvidenceType) *node {
	if t == nil {
		return nil
	}
	n := el("sdg:DataServiceEvidenceType",
		textEl("sdg:Identifier", t.Identifier),
		textEl("sdg:EvidenceTypeClassification", t.Classification))
	n.Add(texts("sdg:Title", t.Titles)...)
	n.Add(texts("sdg:Description", t.Descriptions)...)
	return n.Add(distribution("sdg:DistributedAs", t.DistributedAs))
}
