package catalog

import "time"

// Summary counts what a catalogue holds, in total and per country.
type Summary struct {
	Countries           []CountrySummary `json:"countries"`
	Procedures          []string         `json:"procedures"`
	Requirements        int              `json:"requirements"`
	ReferenceFrameworks int              `json:"referenceFrameworks"`
	EvidenceTypeLists   int              `json:"evidenceTypeLists"`
	EvidenceTypes       int              `json:"evidenceTypes"`
	DataServices        int              `json:"dataServices"`
	AccessServices      int              `json:"accessServices"`
	Sources             []Source         `json:"sources"`
	LastImport          time.Time        `json:"lastImport"`
}

// CountrySummary counts what a catalogue knows about one country.
type CountrySummary struct {
	Country       string `json:"country"`
	Requirements  int    `json:"requirements"`  // used by a reference framework of the country
	EvidenceTypes int    `json:"evidenceTypes"` // of the country
	Providers     int    `json:"providers"`     // evidence providers in the country
}

// Summarise counts the catalogue's content.
func (c *Catalog) Summarise() Summary {
	s := Summary{
		Requirements:  len(c.Requirements),
		EvidenceTypes: len(c.EvidenceTypes),
		DataServices:  len(c.DataServices),
		Sources:       c.Sources,
		LastImport:    c.LastImport(),
	}
	per := map[string]*CountrySummary{}
	get := func(country string) *CountrySummary {
		if per[country] == nil {
			per[country] = &CountrySummary{Country: country}
		}
		return per[country]
	}
	for _, r := range c.Requirements {
		s.ReferenceFrameworks += len(r.ReferenceFrameworks)
		s.EvidenceTypeLists += len(r.EvidenceTypeLists)
		seen := map[string]bool{}
		for _, rf := range r.ReferenceFrameworks {
			if country := rf.Jurisdiction.Country; country != "" && !seen[country] {
				seen[country] = true
				get(country).Requirements++
			}
		}
	}
	for _, e := range c.EvidenceTypes {
		for _, country := range e.Countries() {
			get(country).EvidenceTypes++
		}
	}
	providers := map[string]bool{}
	for _, d := range c.DataServices {
		s.AccessServices += len(d.AccessServices)
		for _, a := range d.AccessServices {
			if len(a.Provider.Jurisdictions) == 0 || a.Provider.Jurisdictions[0].Country == "" {
				continue
			}
			country := a.Provider.Jurisdictions[0].Country
			if key := country + "\x00" + a.Provider.ID; !providers[key] {
				providers[key] = true
				get(country).Providers++
			}
		}
	}
	for _, country := range sortedKeys(per) {
		s.Countries = append(s.Countries, *per[country])
	}
	for _, p := range c.Procedures() {
		s.Procedures = append(s.Procedures, p.Code)
	}
	return s
}
