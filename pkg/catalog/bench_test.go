package catalog

import (
	"fmt"
	"testing"
)

// BenchmarkImportAcceptanceCatalogue imports the 600 kB acceptance EB
// catalogue into an empty catalogue; MB/s comes from b.SetBytes.
func BenchmarkImportAcceptanceCatalogue(b *testing.B) {
	data := readFile(b, acceptanceCatalogue(b))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New().ImportXML("catalogue", data); err != nil {
			b.Fatal(err)
		}
	}
}

// Size of the synthetic catalogue: every Member State, 2,000 evidence
// types each, one requirement per evidence type "row" satisfied in every
// country by one list, and the number of look-ups per operation.
const (
	synthCountries    = 27
	synthPerCountry   = 2000
	lookupsPerOp      = 10000
	synthProcedureMod = 21
)

var memberStates = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}

// syntheticCatalogue builds 27 countries x 2,000 evidence types.
func syntheticCatalogue() *Catalog {
	c := New()
	for i := range synthPerCountry {
		r := &Requirement{ID: fmt.Sprintf("https://example.oots-tools.eu/requirements/%d", i), Names: Texts{"EN": fmt.Sprintf("Requirement %d", i)}}
		for _, cc := range memberStates[:synthCountries] {
			cls := synthClassification(cc, i)
			c.EvidenceTypes = append(c.EvidenceTypes, &EvidenceType{Classification: cls, Titles: Texts{"EN": "Evidence " + cls}, Jurisdictions: []Jurisdiction{{Country: cc}}})
			r.ReferenceFrameworks = append(r.ReferenceFrameworks, ReferenceFramework{ID: cc + r.ID, Procedures: []string{fmt.Sprintf("P%d", i%synthProcedureMod)}, Jurisdiction: Jurisdiction{Country: cc}})
			r.EvidenceTypeLists = append(r.EvidenceTypeLists, EvidenceTypeList{ID: cc + r.ID, Countries: []string{cc}, EvidenceTypes: []string{cls}})
		}
		c.Requirements = append(c.Requirements, r)
	}
	return c
}

func synthClassification(country string, i int) string {
	return fmt.Sprintf("https://example.oots-tools.eu/evidencetypeclassifications/%s/%d", country, i)
}

// BenchmarkEquivalents maps 10,000 evidence types to another country per
// operation on the synthetic catalogue; µs/lookup is the cost of one.
func BenchmarkEquivalents(b *testing.B) {
	c := syntheticCatalogue()
	type query struct{ cls, to string }
	queries := make([]query, lookupsPerOp)
	for i := range queries {
		from := memberStates[i%synthCountries]
		to := memberStates[(i*7+3)%synthCountries]
		queries[i] = query{synthClassification(from, (i*7919)%synthPerCountry), to}
	}
	c.index() // built once, as after loading a store
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			eq, err := c.Equivalents(q.cls, q.to, "")
			if err != nil || len(eq.Matches) != 1 || len(eq.Matches[0].Alternatives) != 1 {
				b.Fatalf("%v: %+v, %v", q, eq, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*lookupsPerOp), "µs/lookup")
}
