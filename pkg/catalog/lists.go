package catalog

// ProcedureCodes lists the codes of Procedures, sorted.
func (c *Catalog) ProcedureCodes() []string {
	procs := c.Procedures()
	out := make([]string, len(procs))
	for i, p := range procs {
		out[i] = p.Code
	}
	return out
}

// Regions lists the regions (NUTS codes) the evidence type lists of r name
// in country, sorted: the regions a user may narrow an evidence types query
// to.
func (r *Requirement) Regions(country string) []string {
	seen := map[string]bool{}
	for _, l := range r.EvidenceTypeLists {
		for _, j := range l.Jurisdictions {
			if j.Country == country && j.Region != "" {
				seen[j.Region] = true
			}
		}
	}
	return sortedKeys(seen)
}

// Classifications lists the evidence type classifications the data
// services serve, sorted.
func (c *Catalog) Classifications() []string {
	seen := map[string]bool{}
	for _, d := range c.DataServices {
		seen[d.Classification] = true
	}
	return sortedKeys(seen)
}

// DialogueQueries are the provider queries of a DSD:ERR:0005 dialogue for
// classification in country: the first query without answers and, when the
// DSD asks for more, one query per candidate provider with the jurisdiction
// and attribute values that pick it (the first supported value of each
// concept asked for).
func (c *Catalog) DialogueQueries(classification, country string) ([]ProviderQuery, error) {
	first := ProviderQuery{Classification: classification, Country: country}
	res, err := c.Providers(first)
	if err != nil {
		return nil, err
	}
	out := []ProviderQuery{first}
	if res.Outcome != NeedsInput {
		return out, nil
	}
	for _, m := range res.Providers {
		q := ProviderQuery{Classification: classification, Country: country, Attributes: map[string]string{}}
		if js := m.AccessService.Provider.Jurisdictions; res.NeedJurisdiction != nil && len(js) > 0 {
			q.Jurisdiction = js[0].Country
			if js[0].Region != "" {
				q.Jurisdiction = js[0].Region
			}
		}
		for _, need := range res.NeedAttributes {
			for _, cc := range m.AccessService.Provider.Concepts {
				if cc.ID == need.ID && len(cc.SupportedValues) > 0 {
					q.Attributes[cc.ID] = cc.SupportedValues[0]
				}
			}
		}
		out = append(out, q)
	}
	return out, nil
}
