package catalog

import (
	"encoding/json"
	"sort"
)

// merge adds what a document holds to the catalogue, object by object,
// matched by identifier. A newer statement wins field by field: texts per
// language, reference frameworks and lists by id, the members of a list and
// the distributions of a data service as a whole when the newer document
// states them; providers accumulate (a DSD answer for one region lists only
// that region's providers). It returns how many objects were new and how
// many existing ones changed.
func (c *Catalog) merge(in content) (added, changed int) {
	defer func() { c.idx = nil }()
	idx := c.index()
	for _, r := range in.requirements {
		if r.ID == "" {
			continue
		}
		old := idx.requirements[r.ID]
		if old == nil {
			cp := *r
			c.Requirements = append(c.Requirements, &cp)
			idx.requirements[r.ID] = &cp
			added++
			continue
		}
		if mutate(old, func() { mergeRequirement(old, r) }) {
			changed++
		}
	}
	for _, e := range in.evidenceTypes {
		if e.Classification == "" {
			continue
		}
		old := idx.evidenceTypes[e.Classification]
		if old == nil {
			cp := *e
			c.EvidenceTypes = append(c.EvidenceTypes, &cp)
			idx.evidenceTypes[e.Classification] = &cp
			added++
			continue
		}
		if mutate(old, func() { mergeEvidenceType(old, e) }) {
			changed++
		}
	}
	for _, d := range in.dataServices {
		key := d.key()
		old := idx.dataServices[key]
		if old == nil {
			cp := *d
			c.DataServices = append(c.DataServices, &cp)
			idx.dataServices[key] = &cp
			added++
			continue
		}
		if mutate(old, func() { mergeDataService(old, d) }) {
			changed++
		}
	}
	c.normalise()
	return added, changed
}

// key identifies a data service: its classification and its identifier.
// The identifier alone is not enough: the official examples give the same
// identifier to data services of different evidence types.
func (d *DataService) key() string {
	return d.Classification + "|" + d.ID
}

// mutate applies f to v and tells whether v's JSON form changed.
func mutate(v any, f func()) bool {
	before, _ := json.Marshal(v)
	f()
	after, _ := json.Marshal(v)
	return string(before) != string(after)
}

func mergeTexts(old, in Texts) Texts {
	if len(in) == 0 {
		return old
	}
	if old == nil {
		old = Texts{}
	}
	for l, s := range in {
		old[l] = s
	}
	return old
}

func mergeRequirement(old, in *Requirement) {
	old.Names = mergeTexts(old.Names, in.Names)
	old.Descriptions = mergeTexts(old.Descriptions, in.Descriptions)
	old.ReferenceFrameworks = mergeFrameworks(old.ReferenceFrameworks, in.ReferenceFrameworks)
	old.EvidenceTypeLists = mergeLists(old.EvidenceTypeLists, in.EvidenceTypeLists)
}

func mergeFrameworks(old, in []ReferenceFramework) []ReferenceFramework {
	for _, rf := range in {
		i := indexOf(old, func(x ReferenceFramework) bool { return x.ID == rf.ID })
		if i < 0 {
			old = append(old, rf)
			continue
		}
		o := &old[i]
		o.Titles = mergeTexts(o.Titles, rf.Titles)
		o.Descriptions = mergeTexts(o.Descriptions, rf.Descriptions)
		if len(rf.Procedures) > 0 {
			o.Procedures = rf.Procedures
		}
		if rf.Jurisdiction.Country != "" {
			o.Jurisdiction = rf.Jurisdiction
		}
	}
	return old
}

func mergeLists(old, in []EvidenceTypeList) []EvidenceTypeList {
	for _, l := range in {
		i := indexOf(old, func(x EvidenceTypeList) bool { return x.ID == l.ID })
		if i < 0 {
			old = append(old, l)
			continue
		}
		o := &old[i]
		o.Names = mergeTexts(o.Names, l.Names)
		if len(l.EvidenceTypes) > 0 {
			o.EvidenceTypes = l.EvidenceTypes
		}
		for _, c := range l.Countries {
			o.Countries = appendUnique(o.Countries, c)
		}
		o.Jurisdictions = mergeJurisdictions(o.Jurisdictions, l.Jurisdictions)
	}
	return old
}

func mergeEvidenceType(old, in *EvidenceType) {
	old.Titles = mergeTexts(old.Titles, in.Titles)
	old.Descriptions = mergeTexts(old.Descriptions, in.Descriptions)
	old.Jurisdictions = mergeJurisdictions(old.Jurisdictions, in.Jurisdictions)
}

// mergeJurisdictions keeps every jurisdiction stated for an evidence type:
// an EU-wide evidence type is declared by each country that accepts it.
func mergeJurisdictions(old, in []Jurisdiction) []Jurisdiction {
	for _, j := range in {
		key := jurisdictionKey(j)
		if indexOf(old, func(x Jurisdiction) bool { return jurisdictionKey(x) == key }) < 0 {
			old = append(old, j)
		}
	}
	return old
}

func jurisdictionKey(j Jurisdiction) string {
	k := j.Country + "|" + j.Region + "|" + j.Local
	for _, a := range j.Additional {
		k += "|" + a.List + "=" + a.Value
	}
	return k
}

func mergeDataService(old, in *DataService) {
	old.Titles = mergeTexts(old.Titles, in.Titles)
	old.Descriptions = mergeTexts(old.Descriptions, in.Descriptions)
	if len(in.Distributions) > 0 {
		old.Distributions = in.Distributions
	}
	old.AccessServices = mergeAccessServices(old.AccessServices, in.AccessServices)
	if in.LevelOfAssurance != "" {
		old.LevelOfAssurance = in.LevelOfAssurance
	}
	if in.JurisdictionDetermination != nil {
		old.JurisdictionDetermination = in.JurisdictionDetermination
	}
	old.ProviderClassifications = mergeConcepts(old.ProviderClassifications, in.ProviderClassifications)
}

// mergeAccessServices matches access services by their own and their
// provider's identifier: one access service may serve several providers.
func mergeAccessServices(old, in []AccessService) []AccessService {
	for _, a := range in {
		i := indexOf(old, func(x AccessService) bool { return x.ID == a.ID && x.Provider.ID == a.Provider.ID })
		if i < 0 {
			old = append(old, a)
		} else {
			old[i] = a
		}
	}
	return old
}

func mergeConcepts(old, in []Concept) []Concept {
	for _, cc := range in {
		i := indexOf(old, func(x Concept) bool { return x.ID == cc.ID })
		if i < 0 {
			old = append(old, cc)
			continue
		}
		o := &old[i]
		o.Descriptions = mergeTexts(o.Descriptions, cc.Descriptions)
		if cc.Type != "" {
			o.Type = cc.Type
		}
		if cc.ValueExpression != "" {
			o.ValueExpression = cc.ValueExpression
		}
		for _, v := range cc.SupportedValues {
			o.SupportedValues = appendUnique(o.SupportedValues, v)
		}
	}
	return old
}

func indexOf[T any](s []T, match func(T) bool) int {
	for i, x := range s {
		if match(x) {
			return i
		}
	}
	return -1
}

// normalise puts objects in a stable order, so that the store is the same
// whatever order the documents were imported in.
func (c *Catalog) normalise() {
	sort.SliceStable(c.Requirements, func(i, j int) bool { return c.Requirements[i].ID < c.Requirements[j].ID })
	sort.SliceStable(c.EvidenceTypes, func(i, j int) bool {
		return c.EvidenceTypes[i].Classification < c.EvidenceTypes[j].Classification
	})
	sort.SliceStable(c.DataServices, func(i, j int) bool { return c.DataServices[i].key() < c.DataServices[j].key() })
	for _, r := range c.Requirements {
		sort.SliceStable(r.ReferenceFrameworks, func(i, j int) bool {
			return r.ReferenceFrameworks[i].ID < r.ReferenceFrameworks[j].ID
		})
		sort.SliceStable(r.EvidenceTypeLists, func(i, j int) bool {
			return r.EvidenceTypeLists[i].ID < r.EvidenceTypeLists[j].ID
		})
	}
	for _, d := range c.DataServices {
		sort.SliceStable(d.AccessServices, func(i, j int) bool {
			a, b := d.AccessServices[i], d.AccessServices[j]
			return a.ID+"\x00"+a.Provider.ID < b.ID+"\x00"+b.Provider.ID
		})
	}
	sort.SliceStable(c.Sources, func(i, j int) bool { return c.Sources[i].Name < c.Sources[j].Name })
}
