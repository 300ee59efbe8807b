package catalog_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/pkg/catalog"
)

// Identifiers of the example catalogue (examples/catalog).
const (
	sr           = "https://sr.oots.tech.europa.eu"
	reqBirth     = sr + "/requirements/0e000000-0000-4000-8000-000000000001"
	reqResidence = sr + "/requirements/0e000000-0000-4000-8000-000000000002"
	etFRBirth    = sr + "/evidencetypeclassifications/FR/0e000000-0000-4000-8000-000000000101"
	etDEBirth    = sr + "/evidencetypeclassifications/DE/0e000000-0000-4000-8000-000000000102"
	etDERegister = sr + "/evidencetypeclassifications/DE/0e000000-0000-4000-8000-000000000103"
	etESBirth    = sr + "/evidencetypeclassifications/ES/0e000000-0000-4000-8000-000000000104"
	etESFamily   = sr + "/evidencetypeclassifications/ES/0e000000-0000-4000-8000-000000000105"
	etESID       = sr + "/evidencetypeclassifications/ES/0e000000-0000-4000-8000-000000000106"
	etPTBirth    = sr + "/evidencetypeclassifications/PT/0e000000-0000-4000-8000-000000000107"
	etATVienna   = sr + "/evidencetypeclassifications/AT/0e000000-0000-4000-8000-000000000108"
	etATTyrol    = sr + "/evidencetypeclassifications/AT/0e000000-0000-4000-8000-000000000109"
	conceptESReg = "0e000000-0000-4000-8000-000000000201"
)

func example(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalogexample.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExampleCatalogueContent(t *testing.T) {
	c := example(t)
	s := c.Summarise()
	if s.Requirements != 3 || s.EvidenceTypes != 17 || s.DataServices != 5 || len(s.Sources) != 8 {
		t.Errorf("summary %+v", s)
	}
	if got := c.Countries(); !slices.Equal(got, []string{"AT", "DE", "ES", "FR", "PT"}) {
		t.Errorf("countries %v", got)
	}
	if got := s.Procedures; !slices.Equal(got, []string{"R1", "S1", "T2"}) {
		t.Errorf("procedures %v", got)
	}
	// The LCM submission links lists, requirement and frameworks by association.
	r := c.Requirement(sr + "/requirements/0e000000-0000-4000-8000-000000000003")
	if r == nil || len(r.EvidenceTypeLists) != 4 || len(r.ReferenceFrameworks) != 4 {
		t.Fatalf("secondary education requirement from the LCM submission: %+v", r)
	}
}

func TestRequirementsFor(t *testing.T) {
	c := example(t)
	got, err := c.RequirementsFor("R1", "DE")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != reqBirth || len(got[0].Frameworks) != 1 || got[0].Frameworks[0].Jurisdiction.Country != "DE" {
		t.Errorf("R1 in DE: %+v", got)
	}
	got, _ = c.RequirementsFor("S1", "AT")
	if len(got) != 0 {
		t.Errorf("S1 in AT (not declared): %+v", got)
	}
	all, _ := c.RequirementsFor("", "")
	if len(all) != 3 {
		t.Errorf("all requirements: %d", len(all))
	}
}

func TestEvidenceTypesForAndOr(t *testing.T) {
	c := example(t)
	_, alts, err := c.EvidenceTypesFor(reqBirth, "ES", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(alts) != 2 {
		t.Fatalf("ES birth: %d options, want 2 (OR)", len(alts))
	}
	var shapes [][]string
	for _, a := range alts {
		var ms []string
		for _, et := range a.EvidenceTypes {
			ms = append(ms, et.Classification)
		}
		shapes = append(shapes, ms)
	}
	want := [][]string{{etESBirth}, {etESFamily, etESID}}
	slices.SortFunc(shapes, func(a, b []string) int { return len(a) - len(b) })
	if !slices.EqualFunc(shapes, want, slices.Equal) {
		t.Errorf("ES birth options %v, want %v (the family book needs the identity document: AND)", shapes, want)
	}
	// The requirement by the last segment of its URI, and a NUTS filter.
	_, alts, err = c.EvidenceTypesFor("0e000000-0000-4000-8000-000000000001", "AT", "AT332")
	if err != nil {
		t.Fatal(err)
	}
	if len(alts) != 1 || alts[0].EvidenceTypes[0].Classification != etATTyrol {
		t.Errorf("AT332 (Tyrol): %+v", alts)
	}
	if _, alts, _ = c.EvidenceTypesFor(reqBirth, "AT", ""); len(alts) != 2 {
		t.Errorf("AT without jurisdiction: %d options, want 2", len(alts))
	}
}

func TestEquivalents(t *testing.T) {
	c := example(t)
	eq, err := c.Equivalents(etFRBirth, "de", "R1")
	if err != nil {
		t.Fatal(err)
	}
	if len(eq.Matches) != 1 || eq.Matches[0].RequirementID != reqBirth {
		t.Fatalf("matches %+v", eq.Matches)
	}
	m := eq.Matches[0]
	var got []string
	for _, a := range m.Alternatives {
		got = append(got, a.EvidenceTypes[0].Classification)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{etDEBirth, etDERegister}) {
		t.Errorf("DE alternatives %v", got)
	}
	if !strings.Contains(m.Why, "any one of 2 lists") || !strings.Contains(m.Why, "R1 in DE") {
		t.Errorf("why: %s", m.Why)
	}
	// Another procedure: the birth requirement is not used by S1.
	eq, err = c.Equivalents(etFRBirth, "DE", "S1")
	if err != nil || len(eq.Matches) != 0 {
		t.Errorf("S1: %+v, %v", eq, err)
	}
	// Reverse direction, onto a country without evidence types for it.
	eq, _ = c.Equivalents(etESFamily, "FR", "")
	if len(eq.Matches) != 1 || len(eq.Matches[0].SourceLists) != 1 || len(eq.Matches[0].SourceLists[0].EvidenceTypes) != 2 {
		t.Errorf("the family book is in a list of two (AND): %+v", eq.Matches)
	}
}

func TestNearMatches(t *testing.T) {
	c := example(t)
	cases := []struct {
		run     func() error
		what    string
		suggest string
	}{
		{func() error { _, err := c.Equivalents(etFRBirth[:len(etFRBirth)-1]+"9", "DE", ""); return err }, "evidence type", etFRBirth},
		{func() error { _, _, err := c.EvidenceTypesFor(reqBirth+"x", "DE", ""); return err }, "requirement", reqBirth},
		{func() error { _, err := c.RequirementsFor("R2", ""); return err }, "procedure", "R1"},
		{func() error { _, err := c.RequirementsFor("", "DK"); return err }, "country", "DE"},
		{func() error {
			_, err := c.Providers(catalog.ProviderQuery{Classification: "0e000000-0000-4000-8000-00000000104"})
			return err
		}, "data service for evidence type", etESBirth},
	}
	for _, tc := range cases {
		err := tc.run()
		var nf *catalog.NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("%s: error %v, want a NotFoundError", tc.what, err)
			continue
		}
		if nf.What != tc.what || !slices.Contains(nf.Suggestions, tc.suggest) {
			t.Errorf("%s: %v; want %q among the suggestions", tc.what, err, tc.suggest)
		}
	}
}

func TestProvidersDialogue(t *testing.T) {
	c := example(t)
	// Two German registry offices in two NUTS1 regions: ask for the place.
	res, err := c.Providers(catalog.ProviderQuery{Classification: etDEBirth, Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != catalog.NeedsInput || res.ErrorCode != "DSD:ERR:0005" || res.NeedJurisdiction == nil || res.NeedJurisdiction.Level != "NUTS1" {
		t.Fatalf("DE without place: %+v", res)
	}
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etDEBirth, Country: "DE", Jurisdiction: "DE600"})
	if res.Outcome != catalog.Resolved || res.Providers[0].AccessService.Provider.ID != "DE-EXAMPLE-STA-HAMBURG" {
		t.Errorf("DE600: %+v", res)
	}
	// Two Spanish registries told apart by a classification concept.
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etESBirth, Country: "ES"})
	if res.Outcome != catalog.NeedsInput || res.NeedJurisdiction != nil || len(res.NeedAttributes) != 1 ||
		!slices.Equal(res.NeedAttributes[0].SupportedValues, []string{"Consular", "Municipal"}) {
		t.Fatalf("ES without attribute: %+v", res)
	}
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etESBirth, Country: "ES", Attributes: map[string]string{conceptESReg: "Municipal"}})
	if res.Outcome != catalog.Resolved || res.Providers[0].AccessService.Provider.ID != "ES-EXAMPLE-RC-MUNICIPAL" {
		t.Errorf("ES Municipal: %+v", res)
	}
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etESBirth, Country: "ES", Attributes: map[string]string{conceptESReg: "Military"}})
	if res.Outcome != catalog.NoProvider || res.ErrorCode != "DSD:ERR:0001" || len(res.Notes) != 2 {
		t.Errorf("ES Military: %+v", res)
	}
	// Known only from a DSD:ERR:0005 answer.
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etPTBirth, Country: "PT"})
	if res.Outcome != catalog.NeedsInput || res.NeedJurisdiction == nil || res.NeedJurisdiction.Level != "LAU" {
		t.Errorf("PT: %+v", res)
	}
	// Wrong country.
	res, _ = c.Providers(catalog.ProviderQuery{Classification: etFRBirth, Country: "DE"})
	if res.Outcome != catalog.NoProvider {
		t.Errorf("FR evidence type in DE: %+v", res)
	}
}

func TestSearchAccentsAndCase(t *testing.T) {
	c := example(t)
	cases := map[string]string{
		"NAISSANCE":                            etFRBirth,
		"certidão":                             etPTBirth,
		"certidao":                             etPTBirth,
		"GEBURTSURKUNDE wien":                  etATVienna,
		"libro familia":                        etESFamily,
		"prueba de residencia":                 reqResidence,
		"Prova de Nascimento":                  reqBirth,
		"beglaubigter ausdruck":                etDERegister,
		"0e000000-0000-4000-8000-000000000106": etESID,
	}
	for q, want := range cases {
		hits := c.Search(q, 3)
		if len(hits) == 0 || hits[0].ID != want {
			t.Errorf("search %q: %+v, want %s first", q, hits, want)
			continue
		}
		if hits[0].Why == "" || hits[0].Score <= 0 {
			t.Errorf("search %q: no explanation: %+v", q, hits[0])
		}
	}
	if hits := c.Search("zzzz", 0); len(hits) != 0 {
		t.Errorf("nonsense found %+v", hits)
	}
	if got := catalog.Fold("Ça Straße Øre Ñandú"); got != "ca strasse ore nandu" {
		t.Errorf("Fold: %q", got)
	}
}

func TestStoreRoundTripAndIdempotence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "catalog.json")
	c, err := catalog.Open(path)
	if err != nil || !c.Empty() {
		t.Fatalf("missing store: %v, empty %v", err, c.Empty())
	}
	if _, err := c.ImportFS(catalogexample.Files, "*.xml"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	back, err := catalog.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// Importing everything again changes nothing, not even the sources.
	stats, err := back.ImportFS(catalogexample.Files, "*.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stats {
		if !st.AlreadyImported || st.Added+st.Changed != 0 {
			t.Errorf("%s imported again: %+v", st.Source, st)
		}
	}
	if err := back.Save(path); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if string(first) != string(second) {
		t.Error("saving after a repeated import changed the store")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestMergeOrderIndependent: the same documents imported in the opposite
// order give the same content.
func TestMergeOrderIndependent(t *testing.T) {
	names := []string{}
	entries, _ := catalogexample.Files.ReadDir(".")
	for _, e := range entries {
		names = append(names, e.Name())
	}
	build := func(order []string) string {
		c := catalog.New()
		for _, n := range order {
			data, _ := catalogexample.Files.ReadFile(n)
			if _, err := c.ImportXML(n, data); err != nil {
				t.Fatal(err)
			}
		}
		c.Sources = nil // import times differ
		out, err := c.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	forward := build(names)
	slices.Reverse(names)
	if backward := build(names); forward != backward {
		t.Error("import order changes the catalogue")
	}
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"not-json.json": "<xml/>",
		"other.json":    `{"a": 1}`,
		"newer.json":    `{"format": "oots-catalog", "version": 99}`,
	}
	for name, content := range cases {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := catalog.Open(p); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want an error naming the file", name, err)
		}
	}
}

func TestImportErrors(t *testing.T) {
	c := catalog.New()
	_, err := c.ImportXML("broken.xml", []byte("<query:QueryResponse xmlns:query=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0\">\n<unclosed>"))
	if err == nil || !strings.HasPrefix(err.Error(), "broken.xml:") {
		t.Errorf("malformed: %v", err)
	}
	_, err = c.ImportXML("dtd.xml", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`))
	if err == nil || !strings.Contains(err.Error(), "DTD") {
		t.Errorf("DTD: %v", err)
	}
	var nc *catalog.NotCatalogError
	if _, err = c.ImportXML("other.xml", []byte(`<html/>`)); !errors.As(err, &nc) {
		t.Errorf("other XML: %v", err)
	}
	if !c.Empty() {
		t.Error("failed imports changed the catalogue")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	if p, err := catalog.DefaultPath(); err != nil || p != "/data/oots/catalog.json" {
		t.Errorf("with XDG_DATA_HOME: %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if p, err := catalog.DefaultPath(); err != nil || p != "/home/someone/.local/share/oots/catalog.json" {
		t.Errorf("without: %q, %v", p, err)
	}
}

// FuzzImportXML: no input makes the importer panic, and an imported
// catalogue always survives its JSON round trip.
func FuzzImportXML(f *testing.F) {
	entries, _ := catalogexample.Files.ReadDir(".")
	for _, e := range entries[:3] {
		data, _ := catalogexample.Files.ReadFile(e.Name())
		f.Add(data)
	}
	f.Add([]byte(`<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0"/>`))
	f.Add([]byte(`<x/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := catalog.New()
		if _, err := c.ImportXML("fuzz.xml", data); err != nil {
			return
		}
		out, err := c.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := catalog.Decode("fuzz.json", out); err != nil {
			t.Fatal(err)
		}
	})
}
