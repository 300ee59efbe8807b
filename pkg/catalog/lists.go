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
