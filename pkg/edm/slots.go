package edm

import "strconv"

// The rim:Slot shapes of EDM v1.0. Each returns nil when there is nothing to
// write, so an absent optional value leaves no empty slot behind.

func slot(name, valueType string, value ...*node) *node {
	sv := el("rim:SlotValue", value...).Attr("xsi:type", valueType)
	return el("rim:Slot", sv).Attr("name", name)
}

func stringSlot(name, v string) *node {
	if v == "" {
		return nil
	}
	return slot(name, "rim:StringValueType", textEl("rim:Value", v))
}

func dateTimeSlot(name, v string) *node {
	return slot(name, "rim:DateTimeValueType", textEl("rim:Value", v))
}

func boolSlot(name string, v bool) *node {
	return slot(name, "rim:BooleanValueType", textEl("rim:Value", strconv.FormatBool(v)))
}

func intlSlot(name string, texts []Text) *node {
	if len(texts) == 0 {
		return nil
	}
	value := el("rim:Value")
	for _, t := range texts {
		value.Add(el("rim:LocalizedString").Attr("xml:lang", t.Lang).Attr("value", t.Text))
	}
	return slot(name, "rim:InternationalStringValueType", value)
}

func anySlot(name string, content *node) *node {
	if content == nil {
		return nil
	}
	return slot(name, "rim:AnyValueType", content)
}

// collectionSlot wraps each item in rim:Element (xsi:type AnyValueType);
// setType adds collectionType Set where the EDM asks for it.
func collectionSlot(name string, setType bool, items []*node) *node {
	if len(items) == 0 {
		return nil
	}
	sv := el("rim:SlotValue").Attr("xsi:type", "rim:CollectionValueType")
	if setType {
		sv.Attr("collectionType", "urn:oasis:names:tc:ebxml-regrep:CollectionType:Set")
	}
	for _, it := range items {
		sv.Add(el("rim:Element", it).Attr("xsi:type", "rim:AnyValueType"))
	}
	return el("rim:Slot", sv).Attr("name", name)
}

func texts(name string, list []Text) []*node {
	var out []*node
	for _, t := range list {
		out = append(out, textEl(name, t.Text).Attr("lang", t.Lang))
	}
	return out
}

func address(name string, a *Address) *node {
	if a == nil {
		return nil
	}
	return el(name,
		textEl("sdg:FullAddress", a.FullAddress),
		textEl("sdg:LocatorDesignator", a.LocatorDesignator),
		textEl("sdg:PostCode", a.PostCode),
		textEl("sdg:PostCityName", a.PostCityName),
		textEl("sdg:Thoroughfare", a.Thoroughfare),
		textEl("sdg:AdminUnitLevel1", a.AdminUnitLevel1),
		textEl("sdg:AdminUnitLevel2", a.AdminUnitLevel2),
	)
}

// agent writes an sdg:Agent, or the element given as name with the same
// content (sdg:IssuingAuthority).
func agent(name string, a *Agent) *node {
	if a == nil {
		return nil
	}
	n := el(name, identifier("sdg:Identifier", a.Identifier, a.SchemeID()))
	n.Add(texts("sdg:Name", a.Names)...)
	return n.Add(address("sdg:Address", a.Address), textEl("sdg:Classification", a.Classification))
}

func identifier(name, value, scheme string) *node {
	n := textEl(name, value)
	if n != nil {
		n.Attr("schemeID", scheme)
	}
	return n
}

func orEIDAS(scheme string) string {
	if scheme == "" {
		return "eidas"
	}
	return scheme
}

// person writes the request's sdg:Person (name "sdg:Person") or the
// evidence subject (name "sdg:NaturalPerson", without the request-only parts).
func person(name string, p *NaturalPerson, full bool) *node {
	if p == nil {
		return nil
	}
	n := el(name)
	if full {
		n.Add(textEl("sdg:LevelOfAssurance", p.LevelOfAssurance))
	}
	n.Add(identifier("sdg:Identifier", p.Identifier, orEIDAS(p.Scheme)),
		textEl("sdg:FamilyName", p.FamilyName),
		textEl("sdg:GivenName", p.GivenName),
		textEl("sdg:DateOfBirth", p.DateOfBirth))
	if full {
		n.Add(textEl("sdg:PlaceOfBirth", p.PlaceOfBirth),
			address("sdg:CurrentAddress", p.CurrentAddress),
			textEl("sdg:Gender", p.Gender))
	}
	return n
}

func legalPerson(p *LegalPerson, full bool) *node {
	if p == nil {
		return nil
	}
	n := el("sdg:LegalPerson")
	if full {
		n.Add(textEl("sdg:LevelOfAssurance", p.LevelOfAssurance))
	}
	n.Add(identifier("sdg:LegalPersonIdentifier", p.Identifier, orEIDAS(p.Scheme)),
		textEl("sdg:LegalName", p.LegalName))
	if full {
		n.Add(address("sdg:RegisteredAddress", p.RegisteredAddress))
	}
	return n
}

func distribution(name string, d *Distribution) *node {
	if d == nil {
		return nil
	}
	return el(name,
		textEl("sdg:Format", d.Format),
		textEl("sdg:ConformsTo", d.ConformsTo),
		textEl("sdg:Transformation", d.Transformation))
}
