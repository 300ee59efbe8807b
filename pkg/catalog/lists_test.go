package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/catalog"
)

func TestListsOfTheExampleCatalogue(t *testing.T) {
	c := example(t)
	if got := c.ProcedureCodes(); !slices.IsSorted(got) || !slices.Contains(got, "R1") || !slices.Contains(got, "T2") {
		t.Errorf("procedure codes %v", got)
	}
	birth := c.Requirement("https://sr.oots.tech.europa.eu/requirements/0e000000-0000-4000-8000-000000000001")
	if birth == nil {
		t.Fatal("the example birth requirement is missing")
	}
	if got := birth.Regions("XX"); len(got) != 0 {
		t.Errorf("regions of a country without lists: %v", got)
	}
	r := catalog.Requirement{EvidenceTypeLists: []catalog.EvidenceTypeList{
		{Jurisdictions: []catalog.Jurisdiction{{Country: "DE", Region: "DE6"}, {Country: "AT", Region: "AT13"}}},
		{Jurisdictions: []catalog.Jurisdiction{{Country: "DE", Region: "DE3"}, {Country: "DE", Region: "DE6"}, {Country: "DE"}}},
	}}
	if got := r.Regions("DE"); !slices.Equal(got, []string{"DE3", "DE6"}) {
		t.Errorf("regions in DE: %v, want [DE3 DE6]", got)
	}
	got := c.Classifications()
	if !slices.IsSorted(got) || len(got) != len(slices.Compact(slices.Clone(got))) {
		t.Errorf("classifications not sorted and unique: %v", got)
	}
	found := false
	for _, cls := range got {
		found = found || strings.HasSuffix(cls, "/DE/0e000000-0000-4000-8000-000000000102")
	}
	if !found {
		t.Errorf("the German birth certificate's data service is missing from %v", got)
	}
}

func TestDialogueQueries(t *testing.T) {
	c := example(t)
	qs, err := c.DialogueQueries(etDEBirth, "DE")
	if err != nil {
		t.Fatal(err)
	}
	var places []string
	for _, q := range qs[1:] {
		places = append(places, q.Jurisdiction)
	}
	if len(qs) != 3 || qs[0].Jurisdiction != "" || !slices.Equal(places, []string{"DE3", "DE6"}) {
		t.Errorf("DE birth: %+v", qs)
	}
	qs, err = c.DialogueQueries(etESBirth, "ES")
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, q := range qs[1:] {
		values = append(values, q.Attributes[conceptESReg])
	}
	slices.Sort(values)
	if len(qs) != 3 || !slices.Equal(values, []string{"Consular", "Municipal"}) {
		t.Errorf("ES birth: %+v", qs)
	}
	if qs, err := c.DialogueQueries(etFRBirth, "FR"); err != nil || len(qs) != 1 {
		t.Errorf("FR birth needs no dialogue: %+v %v", qs, err)
	}
}
