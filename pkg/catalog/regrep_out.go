package catalog

import (
	"errors"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// The catalogue answers the stored queries of the Common Services the way
// the Evidence Broker and the Data Service Directory do: a RegRep
// query:QueryResponse with status Success and the registry objects, or
// status Failure and one rs:Exception with the EB or DSD error code. The
// answers use the EDM v1.0 element structure, so that every one passes the
// embedded EB-REQ / EB-EVI / EB-ERR / DSD-RESP / DSD-ERR rules.

// SpecCSv2 is the SpecificationIdentifier of the oots-cs:v2.0 interface.
const SpecCSv2 = "oots-cs:v2.0"

// ResponseOptions shape the answers of a Responder.
type ResponseOptions struct {
	// SpecificationIdentifier, when set, is written as the
	// SpecificationIdentifier slot of every answer but EB errors (the v2.0
	// interface announces oots-cs:v2.0 there; v1.0 answers have no such
	// slot). With SpecCSv2 the jurisdictions also carry their
	// sdg:AdditionalJurisdictionClassification codes, which the EDM v1.0
	// schema has no room for.
	SpecificationIdentifier string
	// Lang, when set, keeps only the texts in that language and in English
	// (all texts when the object has neither).
	Lang string
}

// Responder writes RegRep query responses from a catalogue. It only reads
// the catalogue, so one Responder may serve concurrent requests once the
// catalogue's index is built (any query builds it) and while nothing is
// imported.
type Responder struct {
	c    *Catalog
	opts ResponseOptions
}

// Responder returns a writer of query responses with the given options.
func (c *Catalog) Responder(opts ResponseOptions) *Responder {
	opts.Lang = strings.ToUpper(opts.Lang)
	return &Responder{c: c, opts: opts}
}

// RequirementsResponse is the Evidence Broker's answer to the
// requirements-by-procedure-and-jurisdiction query: the requirements with a
// reference framework of the procedure in the country (both optional), each
// with only those reference frameworks. No requirement gives EB:ERR:0001,
// a procedure the catalogue does not know EB:ERR:0005 and a country that is
// no two-letter code EB:ERR:0006.
func (c *Catalog) RequirementsResponse(procedure, country, lang string) ([]byte, error) {
	return c.Responder(ResponseOptions{Lang: lang}).Requirements(procedure, country), nil
}

// EvidenceTypesResponse is the Evidence Broker's answer to the
// evidence-types-by-requirement-and-jurisdiction query: the requirement with
// all its reference frameworks and the evidence type lists of the country
// (OR between lists, AND inside one), narrowed to those covering the
// jurisdiction (a NUTS or LAU code) when one is given. An unknown
// requirement gives EB:ERR:0002, no list EB:ERR:0001.
func (c *Catalog) EvidenceTypesResponse(requirementID, country, jurisdiction string) ([]byte, error) {
	return c.Responder(ResponseOptions{}).EvidenceTypes(requirementID, country, jurisdiction), nil
}

// DataServicesResponse is the Data Service Directory's answer to the
// dataservices-by-evidencetype-and-jurisdiction query, resolved with
// Providers: the data services with the access services that serve the
// evidence type in the country for what the user gave (attrs by
// classification concept identifier, jurisdiction as a NUTS or LAU code).
// When the user must first say more, the answer is DSD:ERR:0005 with the
// JurisdictionDetermination and UserRequestedClassificationConcepts slots;
// no provider gives DSD:ERR:0001, an evidence type the catalogue does not
// know at all DSD:ERR:0002, an attribute no provider knows DSD:ERR:0003 and
// a value no provider supports DSD:ERR:0006.
func (c *Catalog) DataServicesResponse(classification, country string, attrs map[string]string, jurisdiction string) ([]byte, error) {
	return c.Responder(ResponseOptions{}).DataServices(classification, country, attrs, jurisdiction), nil
}

// countryCode is the shape of the country-code parameter.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Requirements answers the requirements query; see RequirementsResponse.
func (r *Responder) Requirements(procedure, country string) []byte {
	country = strings.ToUpper(country)
	if country != "" && !countryCode.MatchString(country) {
		return r.Exception(EBErrCountry, "country-code "+country+" is not a two-letter country code")
	}
	matches, err := r.c.RequirementsFor(procedure, country)
	var nf *NotFoundError
	switch {
	case errors.As(err, &nf) && nf.What == "procedure":
		return r.Exception(EBErrProcedure, "procedure-id "+procedure+" is not a procedure of this Evidence Broker")
	case err != nil:
		matches = nil // a country the catalogue does not know has no requirements
	}
	if len(matches) == 0 {
		return r.Exception(EBErrEmpty, describeQuery("no requirement", "procedure", procedure, "country", country))
	}
	objects := make([]*xmlwrite.Node, 0, len(matches))
	for _, m := range matches {
		req := r.requirement(m.Requirement, m.Frameworks, nil)
		objects = append(objects, registryObject("requirement", m.ID, "Requirement", req))
	}
	return r.success(objects)
}

// EvidenceTypes answers the evidence types query; see EvidenceTypesResponse.
func (r *Responder) EvidenceTypes(requirementID, country, jurisdiction string) []byte {
	country = strings.ToUpper(country)
	if country != "" && !countryCode.MatchString(country) {
		return r.Exception(EBErrParameters, "country-code "+country+" is not a two-letter country code")
	}
	req, err := r.c.lookupRequirement(requirementID)
	if err != nil {
		return r.Exception(EBErrRequirement, "requirement-id "+requirementID+" is not a requirement of this Evidence Broker")
	}
	alts := r.c.alternatives(req, country, strings.ToUpper(jurisdiction))
	if len(alts) == 0 {
		return r.Exception(EBErrEmpty, describeQuery("no evidence type list for "+req.ID, "country", country, "jurisdiction", jurisdiction))
	}
	lists := make([]EvidenceTypeList, 0, len(alts))
	for _, a := range alts {
		for _, l := range req.EvidenceTypeLists {
			if l.ID == a.ListID {
				lists = append(lists, l)
				break
			}
		}
	}
	node := r.requirement(req, req.ReferenceFrameworks, func() []*xmlwrite.Node { return r.evidenceTypeLists(lists, country) })
	return r.success([]*xmlwrite.Node{registryObject("evidence-types", req.ID+"|"+country+"|"+jurisdiction, "Requirement", node)})
}

func describeQuery(what string, pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			parts = append(parts, pairs[i]+" "+pairs[i+1])
		}
	}
	if len(parts) == 0 {
		return what
	}
	return what + " for " + strings.Join(parts, ", ")
}

// DataServices answers the DSD query; see DataServicesResponse.
func (r *Responder) DataServices(classification, country string, attrs map[string]string, jurisdiction string) []byte {
	country = strings.ToUpper(country)
	if !countryCode.MatchString(country) {
		return r.Exception(DSDErrParameters, "country-code "+country+" is not a two-letter country code")
	}
	services, err := r.c.servicesFor(classification)
	if err != nil {
		if r.c.EvidenceType(classification) != nil {
			return r.Exception(ErrCodeNoService, "no data service serves "+classification)
		}
		return r.Exception(DSDErrEvidenceType, classification)
	}
	if name, value, code := badAttribute(services, attrs); code != "" {
		return r.Exception(code, name+"="+value)
	}
	res, err := r.c.Providers(ProviderQuery{Classification: classification, Country: country, Jurisdiction: jurisdiction, Attributes: attrs})
	if err != nil {
		return r.Exception(DSDErrParameters, err.Error())
	}
	switch res.Outcome {
	case NeedsInput:
		return r.additionalInput(services, res)
	case NoProvider:
		return r.Exception(ErrCodeNoService, describeQuery("no provider of "+res.Classification, "country", country, "jurisdiction", jurisdiction))
	}
	return r.success(r.dataServiceObjects(services, res.Providers))
}

// badAttribute finds the first user-given attribute (in name order) that no
// provider of the evidence type knows (DSD:ERR:0003) or whose value none
// supports (DSD:ERR:0006).
func badAttribute(services []*DataService, attrs map[string]string) (name, value, code string) {
	known := map[string][]string{}
	for _, d := range services {
		for _, cc := range d.ProviderClassifications {
			known[cc.ID] = append(known[cc.ID], cc.SupportedValues...)
		}
		for _, a := range d.AccessServices {
			for _, cc := range a.Provider.Concepts {
				known[cc.ID] = append(known[cc.ID], cc.SupportedValues...)
			}
		}
	}
	for _, k := range sortedKeys(attrs) {
		values, ok := known[k]
		switch {
		case !ok:
			return k, attrs[k], DSDErrParameters
		case len(values) > 0 && !contains(values, attrs[k]):
			return k, attrs[k], DSDErrValue
		}
	}
	return "", "", ""
}

// dataServiceObjects writes one registry object per data service, with the
// access services the resolution kept, in catalogue order.
func (r *Responder) dataServiceObjects(services []*DataService, matches []ProviderMatch) []*xmlwrite.Node {
	var objects []*xmlwrite.Node
	for _, d := range services {
		var kept []AccessService
		for _, m := range matches {
			if m.DataServiceID == d.ID {
				kept = append(kept, m.AccessService)
			}
		}
		if len(kept) == 0 {
			continue
		}
		objects = append(objects, registryObject("data-service", d.key(), "DataServiceEvidenceType", r.dataService(d, kept, true)))
	}
	return objects
}

// additionalInput is the DSD:ERR:0005 answer: the data service (without
// access services) and what the user must give.
func (r *Responder) additionalInput(services []*DataService, res *Resolution) []byte {
	d := services[0]
	if len(res.Providers) > 0 {
		for _, s := range services {
			if s.ID == res.Providers[0].DataServiceID {
				d = s
				break
			}
		}
	}
	slots := []*xmlwrite.Node{anySlot("DataServiceEvidenceType", r.dataService(d, nil, false))}
	var asked []string
	if res.NeedJurisdiction != nil {
		slots = append(slots, anySlot("JurisdictionDetermination", r.determination(res.NeedJurisdiction)))
		asked = append(asked, "JurisdictionDetermination")
	}
	if len(res.NeedAttributes) > 0 {
		coll := xmlwrite.El("rim:SlotValue").Attr("xsi:type", "rim:CollectionValueType")
		for _, cc := range res.NeedAttributes {
			coll.Add(xmlwrite.El("rim:Element", r.concept("sdg:EvidenceProviderClassification", cc)).Attr("xsi:type", "rim:AnyValueType"))
		}
		slots = append(slots, xmlwrite.El("rim:Slot", coll).Attr("name", "UserRequestedClassificationConcepts"))
		asked = append(asked, "UserRequestedClassificationConcepts")
	}
	return r.failure(ErrCodeAdditionalData, exceptionNode(ErrCodeAdditionalData, strings.Join(asked, " and "), slots...))
}

// Exception is the Failure answer with one rs:Exception of an EB:ERR or
// DSD:ERR code (type and message from the OOTS code lists); detail says
// what was wrong. Codes outside the lists are written as EB:ERR:0003 /
// DSD:ERR:0003 would be, with the code as given.
func (r *Responder) Exception(code, detail string) []byte {
	return r.failure(code, exceptionNode(code, detail))
}

// specSlot tells whether the answer carries the SpecificationIdentifier
// slot: EB error answers may carry no slot at all (R-EB-ERR-017).
func (r *Responder) specSlot(code string) bool {
	return r.opts.SpecificationIdentifier != "" && !strings.HasPrefix(code, "EB:")
}

func (r *Responder) success(objects []*xmlwrite.Node) []byte {
	return r.document(statusSuccess, xmlwrite.El("rim:RegistryObjectList", objects...), r.specSlot(""))
}

func (r *Responder) failure(code string, exception *xmlwrite.Node) []byte {
	return r.document(statusFailure, exception, r.specSlot(code))
}

const (
	statusSuccess = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
	statusFailure = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"
)

var responseNamespaces = []xmlwrite.Attr{
	{Name: "xmlns:query", Value: nsQuery},
	{Name: "xmlns:rim", Value: nsRIM},
	{Name: "xmlns:rs", Value: nsRS},
	{Name: "xmlns:sdg", Value: nsSDG},
	{Name: "xmlns:xsi", Value: "http://www.w3.org/2001/XMLSchema-instance"},
}

func (r *Responder) document(status string, body *xmlwrite.Node, withSpec bool) []byte {
	root := xmlwrite.El("query:QueryResponse").Attr("status", status)
	if withSpec {
		value := xmlwrite.El("rim:SlotValue", xmlwrite.TextEl("rim:Value", r.opts.SpecificationIdentifier)).Attr("xsi:type", "rim:StringValueType")
		root.Add(xmlwrite.El("rim:Slot", value).Attr("name", "SpecificationIdentifier"))
	}
	root.Add(body)
	return xmlwrite.Document(root, responseNamespaces...)
}

// objectNamespace makes the registry object ids: name-based UUIDs, so that
// the same question always gets the same bytes (answers can be cached and
// compared) while ids stay unique per object.
var objectNamespace = uuid.MustParse("6f6f7473-0000-5000-8000-636174616c67")

func registryObject(kind, id, slot string, content *xmlwrite.Node) *xmlwrite.Node {
	oid := "urn:uuid:" + uuid.NewSHA1(objectNamespace, []byte(kind+"\x00"+id)).String()
	return xmlwrite.El("rim:RegistryObject", anySlot(slot, content)).Attr("id", oid)
}

func anySlot(name string, content *xmlwrite.Node) *xmlwrite.Node {
	value := xmlwrite.El("rim:SlotValue", content).Attr("xsi:type", "rim:AnyValueType")
	return xmlwrite.El("rim:Slot", value).Attr("name", name)
}

// texts writes one element per language, in language order; the language
// filter of the options applies.
func (r *Responder) texts(name string, t Texts) []*xmlwrite.Node {
	langs := sortedKeys(t)
	if r.opts.Lang != "" {
		var kept []string
		for _, l := range langs {
			if l == r.opts.Lang || l == "EN" {
				kept = append(kept, l)
			}
		}
		if len(kept) > 0 {
			langs = kept
		}
	}
	out := make([]*xmlwrite.Node, 0, len(langs))
	for _, l := range langs {
		if l == "" {
			out = append(out, xmlwrite.TextEl(name, t[l]))
			continue
		}
		out = append(out, xmlwrite.TextEl(name, t[l], xmlwrite.Attr{Name: "lang", Value: l}))
	}
	return out
}

// requiredTexts is texts with a fallback for elements the schema requires
// at least once (titles, names): the identifier itself.
func (r *Responder) requiredTexts(name string, t Texts, fallback string) []*xmlwrite.Node {
	if out := r.texts(name, t); len(out) > 0 {
		return out
	}
	return []*xmlwrite.Node{xmlwrite.TextEl(name, fallback)}
}

func (r *Responder) requirement(req *Requirement, rfs []ReferenceFramework, lists func() []*xmlwrite.Node) *xmlwrite.Node {
	n := xmlwrite.El("sdg:Requirement", xmlwrite.TextEl("sdg:Identifier", req.ID))
	n.Add(r.requiredTexts("sdg:Name", req.Names, req.ID)...)
	for _, rf := range rfs {
		n.Add(r.referenceFramework(rf))
	}
	if lists != nil {
		n.Add(lists()...)
	}
	return n
}

func (r *Responder) referenceFramework(rf ReferenceFramework) *xmlwrite.Node {
	n := xmlwrite.El("sdg:ReferenceFramework", xmlwrite.TextEl("sdg:Identifier", rf.ID))
	n.Add(r.texts("sdg:Title", rf.Titles)...)
	n.Add(r.texts("sdg:Description", rf.Descriptions)...)
	for _, p := range rf.Procedures {
		n.Add(xmlwrite.El("sdg:RelatedTo", xmlwrite.TextEl("sdg:Identifier", p)))
	}
	if rf.Jurisdiction.Country != "" {
		n.Add(r.jurisdiction("sdg:Jurisdiction", rf.Jurisdiction))
	}
	return n
}

// evidenceTypeLists writes the lists with their evidence types. The EDM
// v1.0 structure puts the jurisdiction on each evidence type: an evidence
// type without its own takes the list's, failing that the list's countries.
func (r *Responder) evidenceTypeLists(lists []EvidenceTypeList, country string) []*xmlwrite.Node {
	idx := r.c.index()
	out := make([]*xmlwrite.Node, 0, len(lists))
	for _, l := range lists {
		n := xmlwrite.El("sdg:EvidenceTypeList", xmlwrite.TextEl("sdg:Identifier", l.ID))
		n.Add(r.texts("sdg:Name", l.Names)...)
		for _, cls := range l.EvidenceTypes {
			et := idx.evidenceTypes[cls]
			if et == nil {
				et = &EvidenceType{Classification: cls}
			}
			n.Add(r.evidenceType(et, listJurisdictions(l, country)))
		}
		out = append(out, n)
	}
	return out
}

func listJurisdictions(l EvidenceTypeList, country string) []Jurisdiction {
	if len(l.Jurisdictions) > 0 {
		return l.Jurisdictions
	}
	var js []Jurisdiction
	for _, c := range l.Countries {
		js = append(js, Jurisdiction{Country: c})
	}
	if len(js) == 0 && country != "" {
		js = append(js, Jurisdiction{Country: country})
	}
	return js
}

func (r *Responder) evidenceType(et *EvidenceType, fallback []Jurisdiction) *xmlwrite.Node {
	n := xmlwrite.El("sdg:EvidenceType", xmlwrite.TextEl("sdg:EvidenceTypeClassification", et.Classification))
	n.Add(r.requiredTexts("sdg:Title", et.Titles, et.Classification)...)
	n.Add(r.texts("sdg:Description", et.Descriptions)...)
	js := et.Jurisdictions
	if len(js) == 0 {
		js = fallback
	}
	for _, j := range js {
		n.Add(r.jurisdiction("sdg:Jurisdiction", j))
	}
	return n
}

// jurisdiction writes the jurisdiction levels and, in the v2.0 form, the
// additional jurisdiction classifications.
func (r *Responder) jurisdiction(name string, j Jurisdiction) *xmlwrite.Node {
	n := xmlwrite.El(name,
		xmlwrite.TextEl("sdg:AdminUnitLevel1", j.Country),
		xmlwrite.TextEl("sdg:AdminUnitLevel2", j.Region),
		xmlwrite.TextEl("sdg:AdminUnitLevel3", j.Local))
	if r.opts.SpecificationIdentifier == SpecCSv2 {
		for _, a := range j.Additional {
			if code := xmlwrite.TextEl("sdg:AdditionalJurisdictionClassification", a.Value); code != nil {
				n.Add(code.Attr("listID", a.List))
			}
		}
	}
	return n
}

// dataService writes an sdg:DataServiceEvidenceType with the given access
// services. In a DSD:ERR:0005 answer (withFilters false) it has neither
// access services nor the discovery filters, which the exception's own
// slots carry instead.
func (r *Responder) dataService(d *DataService, access []AccessService, withFilters bool) *xmlwrite.Node {
	n := xmlwrite.El("sdg:DataServiceEvidenceType",
		xmlwrite.TextEl("sdg:Identifier", d.ID),
		xmlwrite.TextEl("sdg:EvidenceTypeClassification", d.Classification))
	titles := d.Titles
	if len(titles) == 0 {
		if et := r.c.index().evidenceTypes[d.Classification]; et != nil {
			titles = et.Titles
		}
	}
	n.Add(r.requiredTexts("sdg:Title", titles, d.Classification)...)
	n.Add(r.texts("sdg:Description", d.Descriptions)...)
	for _, dist := range d.Distributions {
		n.Add(xmlwrite.El("sdg:DistributedAs",
			xmlwrite.TextEl("sdg:Format", dist.Format),
			xmlwrite.TextEl("sdg:ConformsTo", dist.ConformsTo),
			xmlwrite.TextEl("sdg:Transformation", dist.Transformation)))
	}
	for _, a := range access {
		n.Add(r.accessService(a))
	}
	n.Add(xmlwrite.TextEl("sdg:AuthenticationLevelOfAssurance", d.LevelOfAssurance))
	if !withFilters {
		return n
	}
	if d.JurisdictionDetermination != nil {
		n.Add(r.determination(d.JurisdictionDetermination))
	}
	for _, cc := range d.ProviderClassifications {
		n.Add(r.concept("sdg:EvidenceProviderClassification", cc))
	}
	return n
}

func identifier(id, scheme string) *xmlwrite.Node {
	if scheme == "" {
		return xmlwrite.TextEl("sdg:Identifier", id)
	}
	return xmlwrite.TextEl("sdg:Identifier", id, xmlwrite.Attr{Name: "schemeID", Value: scheme})
}

// accessService writes the access service and its publisher. The
// catalogue keeps the provider's jurisdictions, not its address: the
// address names the country (and region) of the first jurisdiction, and
// the EDM v1.0 publisher has room for that one jurisdiction only.
func (r *Responder) accessService(a AccessService) *xmlwrite.Node {
	p := a.Provider
	var j Jurisdiction
	if len(p.Jurisdictions) > 0 {
		j = p.Jurisdictions[0]
	}
	pub := xmlwrite.El("sdg:Publisher", identifier(p.ID, p.Scheme))
	pub.Add(r.requiredTexts("sdg:Name", p.Names, p.ID)...)
	pub.Add(xmlwrite.El("sdg:Address", xmlwrite.TextEl("sdg:AdminUnitLevel1", j.Country), xmlwrite.TextEl("sdg:AdminUnitLevel2", j.Region)))
	pub.Add(r.jurisdiction("sdg:Jurisdiction", j))
	for _, cc := range p.Concepts {
		pub.Add(r.concept("sdg:ClassificationConcept", cc))
	}
	return xmlwrite.El("sdg:AccessService", identifier(a.ID, a.Scheme), xmlwrite.TextEl("sdg:ConformsTo", a.ConformsTo), pub)
}

// concept writes a classification concept with the values it supports
// (also in a DSD:ERR:0005 answer, so that the user can choose among them).
func (r *Responder) concept(name string, cc Concept) *xmlwrite.Node {
	n := xmlwrite.El(name, xmlwrite.TextEl("sdg:Identifier", cc.ID),
		xmlwrite.TextEl("sdg:Type", cc.Type), xmlwrite.TextEl("sdg:ValueExpression", cc.ValueExpression))
	n.Add(r.texts("sdg:Description", cc.Descriptions)...)
	if len(cc.SupportedValues) > 0 {
		sv := xmlwrite.El("sdg:SupportedValue")
		for _, v := range cc.SupportedValues {
			sv.Add(xmlwrite.TextEl("sdg:StringValue", v))
		}
		n.Add(sv)
	}
	return n
}

// determination writes the jurisdiction determination. Every part is
// required; a resolution that found providers in several places without a
// declared determination asks for the place of the evidence subject.
func (r *Responder) determination(jd *JurisdictionDetermination) *xmlwrite.Node {
	id, ctx, level := jd.ContextID, jd.Context, jd.Level
	if id == "" {
		id = "jurisdiction"
	}
	if len(ctx) == 0 {
		ctx = Texts{"EN": "Place of the evidence subject"}
	}
	if !contains(jurisdictionLevels, level) {
		level = "NUTS1"
	}
	n := xmlwrite.El("sdg:EvidenceProviderJurisdictionDetermination", xmlwrite.TextEl("sdg:JurisdictionContextId", id))
	n.Add(r.texts("sdg:JurisdictionContext", ctx)...)
	return n.Add(xmlwrite.TextEl("sdg:JurisdictionLevel", level))
}

// jurisdictionLevels is the JurisdictionLevel code list.
var jurisdictionLevels = []string{"Country", "NUTS1", "NUTS2", "NUTS3", "LAU"}
