package catalog

import (
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Namespaces of RegRep 4 and the SDG profile. Elements are matched by
// namespace URI and local name, never by prefix: the Projectathon captures
// bind the SDG namespace to "oots", the official examples to "sdg".
const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsQuery = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsLCM   = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
)

func is(e *helium.Element, ns, local string) bool {
	return e != nil && e.LocalName() == local && e.URI() == ns
}

// children lists the child elements of e named {ns}local.
func children(e *helium.Element, ns, local string) []*helium.Element {
	if e == nil {
		return nil
	}
	var out []*helium.Element
	for c := range helium.ChildElements(e) {
		if is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// child is the first child element of e named {ns}local, or nil.
func child(e *helium.Element, ns, local string) *helium.Element {
	if e == nil {
		return nil
	}
	for c := range helium.ChildElements(e) {
		if is(c, ns, local) {
			return c
		}
	}
	return nil
}

// firstElement is the first child element of e, or nil.
func firstElement(e *helium.Element) *helium.Element {
	if e == nil {
		return nil
	}
	for c := range helium.ChildElements(e) {
		return c
	}
	return nil
}

// descendants lists, in document order, the elements below e named {ns}local.
func descendants(e *helium.Element, ns, local string) []*helium.Element {
	var out []*helium.Element
	for n := range helium.Descendants(e) {
		if d, ok := helium.AsNode[*helium.Element](n); ok && is(d, ns, local) {
			out = append(out, d)
		}
	}
	return out
}

// sdgText is the text of the first sdg child named local.
func sdgText(e *helium.Element, local string) string {
	return xmldoc.Text(child(e, nsSDG, local))
}

// sdgTexts reads repeated language-tagged sdg children (Name, Title,
// Description) into Texts; nil when there are none.
func sdgTexts(e *helium.Element, local string) Texts {
	var t Texts
	for _, c := range children(e, nsSDG, local) {
		if t == nil {
			t = Texts{}
		}
		lang, _ := xmldoc.Attr(c, "lang")
		lang = strings.ToUpper(lang)
		if _, dup := t[lang]; !dup {
			t[lang] = collapseSpace(xmldoc.Text(c))
		}
	}
	return t
}

// collapseSpace turns the line breaks and indentation of wrapped texts in
// the official examples into single spaces.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func readJurisdiction(e *helium.Element) Jurisdiction {
	j := Jurisdiction{
		Country: strings.ToUpper(sdgText(e, "AdminUnitLevel1")),
		Region:  strings.ToUpper(sdgText(e, "AdminUnitLevel2")),
		Local:   sdgText(e, "AdminUnitLevel3"),
	}
	for _, a := range children(e, nsSDG, "AdditionalJurisdictionClassification") {
		list, _ := xmldoc.Attr(a, "listID")
		j.Additional = append(j.Additional, Code{List: list, Value: xmldoc.Text(a)})
	}
	return j
}

func readJurisdictions(e *helium.Element) []Jurisdiction {
	var out []Jurisdiction
	for _, j := range children(e, nsSDG, "Jurisdiction") {
		out = append(out, readJurisdiction(j))
	}
	return out
}

func readReferenceFramework(e *helium.Element) ReferenceFramework {
	rf := ReferenceFramework{
		ID:           sdgText(e, "Identifier"),
		Titles:       sdgTexts(e, "Title"),
		Descriptions: sdgTexts(e, "Description"),
		Jurisdiction: readJurisdiction(child(e, nsSDG, "Jurisdiction")),
	}
	for _, rel := range children(e, nsSDG, "RelatedTo") {
		if code := sdgText(rel, "Identifier"); code != "" {
			rf.Procedures = append(rf.Procedures, code)
		}
	}
	return rf
}

func readEvidenceType(e *helium.Element) *EvidenceType {
	return &EvidenceType{
		Classification: sdgText(e, "EvidenceTypeClassification"),
		Titles:         sdgTexts(e, "Title"),
		Descriptions:   sdgTexts(e, "Description"),
		Jurisdictions:  readJurisdictions(e),
	}
}

// readEvidenceTypeList reads a list and the evidence types it contains.
func readEvidenceTypeList(e *helium.Element) (EvidenceTypeList, []*EvidenceType) {
	l := EvidenceTypeList{ID: sdgText(e, "Identifier"), Names: sdgTexts(e, "Name"), Jurisdictions: readJurisdictions(e)}
	var ets []*EvidenceType
	for _, x := range children(e, nsSDG, "EvidenceType") {
		et := readEvidenceType(x)
		ets = append(ets, et)
		l.EvidenceTypes = append(l.EvidenceTypes, et.Classification)
	}
	l.Countries = listCountries(l.Jurisdictions, ets)
	return l, ets
}

// listCountries are the countries of the list's own jurisdictions and of
// its evidence types' jurisdictions; failing both, the countries in the
// evidence types' classification URIs.
func listCountries(own []Jurisdiction, ets []*EvidenceType) []string {
	var out []string
	for _, j := range own {
		if j.Country != "" {
			out = appendUnique(out, j.Country)
		}
	}
	for _, et := range ets {
		for _, j := range et.Jurisdictions {
			if j.Country != "" {
				out = appendUnique(out, j.Country)
			}
		}
	}
	if len(out) == 0 {
		for _, et := range ets {
			for _, c := range et.Countries() {
				out = appendUnique(out, c)
			}
		}
	}
	return out
}

// readRequirement reads an sdg:Requirement with its reference frameworks
// and evidence type lists (query responses nest them; LCM links them).
func readRequirement(e *helium.Element) (*Requirement, []*EvidenceType) {
	r := &Requirement{
		ID:           sdgText(e, "Identifier"),
		Names:        sdgTexts(e, "Name"),
		Descriptions: sdgTexts(e, "Description"),
	}
	for _, x := range children(e, nsSDG, "ReferenceFramework") {
		r.ReferenceFrameworks = append(r.ReferenceFrameworks, readReferenceFramework(x))
	}
	var ets []*EvidenceType
	for _, x := range children(e, nsSDG, "EvidenceTypeList") {
		l, found := readEvidenceTypeList(x)
		r.EvidenceTypeLists = append(r.EvidenceTypeLists, l)
		ets = append(ets, found...)
	}
	return r, ets
}

func readConcept(e *helium.Element) Concept {
	c := Concept{
		ID:              sdgText(e, "Identifier"),
		Type:            sdgText(e, "Type"),
		ValueExpression: sdgText(e, "ValueExpression"),
		Descriptions:    sdgTexts(e, "Description"),
	}
	for _, sv := range children(e, nsSDG, "SupportedValue") {
		for v := range helium.ChildElements(sv) {
			if s := xmldoc.Text(v); s != "" {
				c.SupportedValues = append(c.SupportedValues, s)
			}
		}
	}
	return c
}

func readJurisdictionDetermination(e *helium.Element) *JurisdictionDetermination {
	if e == nil {
		return nil
	}
	return &JurisdictionDetermination{
		ContextID: sdgText(e, "JurisdictionContextId"),
		Context:   sdgTexts(e, "JurisdictionContext"),
		Level:     sdgText(e, "JurisdictionLevel"),
	}
}

func readAccessService(e *helium.Element) AccessService {
	id := child(e, nsSDG, "Identifier")
	scheme, _ := xmldoc.Attr(id, "schemeID")
	a := AccessService{
		ID:         xmldoc.Text(id),
		Scheme:     scheme,
		Names:      sdgTexts(e, "Name"),
		ConformsTo: sdgText(e, "ConformsTo"),
	}
	if pub := child(e, nsSDG, "Publisher"); pub != nil {
		pid := child(pub, nsSDG, "Identifier")
		pscheme, _ := xmldoc.Attr(pid, "schemeID")
		a.Provider = Provider{
			ID:            xmldoc.Text(pid),
			Scheme:        pscheme,
			Names:         sdgTexts(pub, "Name"),
			Jurisdictions: readJurisdictions(pub),
		}
		for _, cc := range children(pub, nsSDG, "ClassificationConcept") {
			a.Provider.Concepts = append(a.Provider.Concepts, readConcept(cc))
		}
	}
	return a
}

func readDataService(e *helium.Element) *DataService {
	d := &DataService{
		ID:                        sdgText(e, "Identifier"),
		Classification:            sdgText(e, "EvidenceTypeClassification"),
		Titles:                    sdgTexts(e, "Title"),
		Descriptions:              sdgTexts(e, "Description"),
		LevelOfAssurance:          sdgText(e, "AuthenticationLevelOfAssurance"),
		JurisdictionDetermination: readJurisdictionDetermination(child(e, nsSDG, "EvidenceProviderJurisdictionDetermination")),
	}
	for _, x := range children(e, nsSDG, "DistributedAs") {
		d.Distributions = append(d.Distributions, Distribution{
			Format:         sdgText(x, "Format"),
			ConformsTo:     sdgText(x, "ConformsTo"),
			Transformation: sdgText(x, "Transformation"),
			Language:       sdgText(x, "Language"),
		})
	}
	for _, x := range children(e, nsSDG, "AccessService") {
		d.AccessServices = append(d.AccessServices, readAccessService(x))
	}
	for _, x := range children(e, nsSDG, "EvidenceProviderClassification") {
		d.ProviderClassifications = append(d.ProviderClassifications, readConcept(x))
	}
	return d
}

// slotContent is the first element inside the named slot of e
// (rim:Slot/rim:SlotValue/*), or nil.
func slotContent(e *helium.Element, name string) *helium.Element {
	for _, s := range children(e, nsRIM, "Slot") {
		if n, _ := xmldoc.Attr(s, "name"); n == name {
			return firstElement(child(s, nsRIM, "SlotValue"))
		}
	}
	return nil
}

// slotElements are the elements of a collection slot
// (rim:Slot/rim:SlotValue/rim:Element/*) or the single value of a plain one.
func slotElements(e *helium.Element, name string) []*helium.Element {
	for _, s := range children(e, nsRIM, "Slot") {
		if n, _ := xmldoc.Attr(s, "name"); n != name {
			continue
		}
		sv := child(s, nsRIM, "SlotValue")
		var out []*helium.Element
		if els := children(sv, nsRIM, "Element"); len(els) > 0 {
			for _, el := range els {
				if c := firstElement(el); c != nil {
					out = append(out, c)
				}
			}
			return out
		}
		if c := firstElement(sv); c != nil {
			out = append(out, c)
		}
		return out
	}
	return nil
}
