package catalog

// index holds the look-up tables the queries need. It is built on the first
// query and dropped by every import, so a catalogue is cheap to fill and
// fast to question.
type index struct {
	requirements  map[string]*Requirement
	evidenceTypes map[string]*EvidenceType
	dataServices  map[string]*DataService
	// usedIn maps an evidence type classification to the requirements whose
	// lists contain it.
	usedIn map[string][]*Requirement
	// servicesOf maps a classification to the data services that serve it.
	servicesOf map[string][]*DataService
	// countries and procedures known, for checking query arguments quickly.
	countries  map[string]bool
	procedures map[string]bool
}

func (c *Catalog) index() *index {
	if c.idx != nil {
		return c.idx
	}
	idx := &index{
		requirements:  make(map[string]*Requirement, len(c.Requirements)),
		evidenceTypes: make(map[string]*EvidenceType, len(c.EvidenceTypes)),
		dataServices:  make(map[string]*DataService, len(c.DataServices)),
		usedIn:        make(map[string][]*Requirement, len(c.EvidenceTypes)),
		servicesOf:    make(map[string][]*DataService, len(c.DataServices)),
	}
	for _, r := range c.Requirements {
		idx.requirements[r.ID] = r
		seen := map[string]bool{}
		for _, l := range r.EvidenceTypeLists {
			for _, cls := range l.EvidenceTypes {
				if !seen[cls] {
					seen[cls] = true
					idx.usedIn[cls] = append(idx.usedIn[cls], r)
				}
			}
		}
	}
	for _, e := range c.EvidenceTypes {
		idx.evidenceTypes[e.Classification] = e
	}
	for _, d := range c.DataServices {
		idx.dataServices[d.key()] = d
		idx.servicesOf[d.Classification] = append(idx.servicesOf[d.Classification], d)
	}
	idx.countries = map[string]bool{}
	for _, country := range c.Countries() {
		idx.countries[country] = true
	}
	idx.procedures = map[string]bool{}
	for _, r := range c.Requirements {
		for _, rf := range r.ReferenceFrameworks {
			for _, p := range rf.Procedures {
				idx.procedures[p] = true
			}
		}
	}
	c.idx = idx
	return idx
}
