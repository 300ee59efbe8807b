package catalog

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
)

// corpusSamples lists the EB, DSD and LCM samples of the shared corpus, or
// skips the test when the corpus is absent.
func corpusSamples(t testing.TB) []string {
	t.Helper()
	dir, ok := conformance.SpecDir()
	if !ok {
		t.Skip("the shared OOTS corpus (../shared/oots-spec or $OOTS_SPEC) is absent")
	}
	var files []string
	for _, sub := range []string{"eb", "dsd", "lcm"} {
		m, err := filepath.Glob(filepath.Join(dir, "samples", sub, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no samples under %s", dir)
	}
	return files
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Independent counts: open tags by local name, whatever the prefix,
// comments removed. Nothing of the importer is used.
var (
	commentRE = regexp.MustCompile(`(?s)<!--.*?-->`)
	tagRE     = map[string]*regexp.Regexp{}
)

func countTags(doc, local string) int {
	re, ok := tagRE[local]
	if !ok {
		re = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?` + local + `[\s/>]`)
		tagRE[local] = re
	}
	return len(re.FindAllString(doc, -1))
}

type expectedCounts struct {
	requirements, frameworks, lists, evidenceTypes, dataServices, accessServices int
}

func independentCounts(data []byte) expectedCounts {
	doc := commentRE.ReplaceAllString(string(data), "")
	e := expectedCounts{
		requirements:  countTags(doc, "Requirement"),
		frameworks:    countTags(doc, "ReferenceFramework"),
		lists:         countTags(doc, "EvidenceTypeList"),
		evidenceTypes: countTags(doc, "EvidenceType"),
		dataServices:  countTags(doc, "DataServiceEvidenceType"),
	}
	if strings.Contains(doc, "SubmitObjectsRequest") {
		// In an LCM submission providers are linked to data services by
		// associations: one access service per ServesEvidenceType link.
		e.accessServices = strings.Count(doc, "AssociationType:ServesEvidenceType")
	} else {
		e.accessServices = countTags(doc, "AccessService")
	}
	return e
}

// TestImportCorpusSamples imports every EB, DSD and LCM sample and checks
// what the importer counted against counts taken from the raw XML.
func TestImportCorpusSamples(t *testing.T) {
	c := New()
	imported, skipped := 0, 0
	for _, path := range corpusSamples(t) {
		data := readFile(t, path)
		name := filepath.Base(path)
		st, err := c.ImportXML(name, data)
		var nc *NotCatalogError
		if errors.As(err, &nc) {
			skipped++
			want := independentCounts(data)
			if want.requirements+want.dataServices > 0 {
				t.Errorf("%s skipped (%v) but holds %+v", name, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		imported++
		want := independentCounts(data)
		got := expectedCounts{st.Requirements, st.ReferenceFrameworks, st.EvidenceTypeLists, st.EvidenceTypes, st.DataServices, st.AccessServices}
		if got != want {
			t.Errorf("%s: imported %+v, the file holds %+v", name, got, want)
		}
		t.Logf("%-100s %-20s req %d rf %d lists %d et %d ds %d as %d", name, st.Kind, got.requirements, got.frameworks, got.lists, got.evidenceTypes, got.dataServices, got.accessServices)
	}
	t.Logf("%d samples imported, %d with nothing to import", imported, skipped)
	if imported < 30 {
		t.Errorf("only %d samples imported", imported)
	}
}

// TestImportAcceptanceCatalogue checks the 600 kB acceptance catalogue on
// its own: 53 requirements and their reference frameworks.
func TestImportAcceptanceCatalogue(t *testing.T) {
	path := acceptanceCatalogue(t)
	data := readFile(t, path)
	c := New()
	st, err := c.ImportXML("catalogue", data)
	if err != nil {
		t.Fatal(err)
	}
	want := independentCounts(data)
	if st.Requirements != want.requirements || st.ReferenceFrameworks != want.frameworks {
		t.Errorf("imported %d requirements, %d frameworks; the file holds %d, %d", st.Requirements, st.ReferenceFrameworks, want.requirements, want.frameworks)
	}
	ids := map[string]bool{}
	for _, r := range independentParse(t, data).requirements {
		ids[r.ID] = true
	}
	if len(c.Requirements) != len(ids) {
		t.Errorf("catalogue has %d requirements, the file %d distinct ids", len(c.Requirements), len(ids))
	}
	again, err := c.ImportXML("catalogue-copy", data)
	if err != nil || !again.AlreadyImported {
		t.Errorf("second import of the same content: %+v, %v; want AlreadyImported", again, err)
	}
}

func acceptanceCatalogue(t testing.TB) string {
	t.Helper()
	dir, ok := conformance.SpecDir()
	if !ok {
		t.Skip("the shared OOTS corpus (../shared/oots-spec or $OOTS_SPEC) is absent")
	}
	return filepath.Join(dir, "samples", "eb", "fr-acc-eb_requirements_catalogue.xml")
}

// The independent reading of EB answers: encoding/xml by local names only.
type xRequirement struct {
	ID         string `xml:"Identifier"`
	Frameworks []struct {
		Procedures []string `xml:"RelatedTo>Identifier"`
		Country    string   `xml:"Jurisdiction>AdminUnitLevel1"`
	} `xml:"ReferenceFramework"`
	Lists []struct {
		ID            string   `xml:"Identifier"`
		Countries     []string `xml:"Jurisdiction>AdminUnitLevel1"` // newer EDM: on the list
		EvidenceTypes []struct {
			Classification string   `xml:"EvidenceTypeClassification"`
			Countries      []string `xml:"Jurisdiction>AdminUnitLevel1"`
		} `xml:"EvidenceType"`
	} `xml:"EvidenceTypeList"`
}

type xQueryResponse struct {
	requirements []xRequirement
	Objects      []struct {
		Requirements []xRequirement `xml:"Slot>SlotValue>Requirement"`
	} `xml:"RegistryObjectList>RegistryObject"`
}

func independentParse(t testing.TB, data []byte) xQueryResponse {
	t.Helper()
	var q xQueryResponse
	if err := xml.Unmarshal(data, &q); err != nil {
		t.Fatal(err)
	}
	for _, o := range q.Objects {
		q.requirements = append(q.requirements, o.Requirements...)
	}
	return q
}

// ebAnswers reads the EB query responses of the corpus (requirements with
// their frameworks and lists), the acceptance catalogue among them.
func ebAnswers(t testing.TB) (files []string, reqs []xRequirement) {
	t.Helper()
	for _, path := range corpusSamples(t) {
		if filepath.Base(filepath.Dir(path)) != "eb" {
			continue
		}
		data := readFile(t, path)
		parsed := independentParse(t, data)
		if len(parsed.requirements) == 0 {
			continue
		}
		files = append(files, path)
		reqs = append(reqs, parsed.requirements...)
	}
	return files, reqs
}

func importFiles(t testing.TB, files []string) *Catalog {
	t.Helper()
	c := New()
	for _, f := range files {
		if _, err := c.ImportXML(filepath.Base(f), readFile(t, f)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return c
}

// TestAcceptanceRequirementsPerCountry: for every procedure and country of
// the acceptance catalogue, `map requirements` equals the set recomputed
// from the XML.
func TestAcceptanceRequirementsPerCountry(t *testing.T) {
	data := readFile(t, acceptanceCatalogue(t))
	c := New()
	if _, err := c.ImportXML("catalogue", data); err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]map[string]bool{} // {procedure, country} -> requirement ids
	perCountry := map[string]map[string]bool{}
	for _, r := range independentParse(t, data).requirements {
		for _, rf := range r.Frameworks {
			for _, p := range rf.Procedures {
				addTo(want, [2]string{p, rf.Country}, r.ID)
			}
			addTo(perCountry, rf.Country, r.ID)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d procedure/country pairs in the catalogue", len(want))
	}
	for key, ids := range want {
		got, err := c.RequirementsFor(key[0], key[1])
		if err != nil {
			t.Fatalf("%v: %v", key, err)
		}
		if g, w := matchIDs(got), sortedKeys(ids); !slices.Equal(g, w) {
			t.Errorf("procedure %s in %s: got %v, want %v", key[0], key[1], g, w)
		}
	}
	for country, ids := range perCountry {
		got, err := c.RequirementsFor("", country)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := matchIDs(got), sortedKeys(ids); !slices.Equal(g, w) {
			t.Errorf("country %s: got %v, want %v", country, g, w)
		}
	}
	t.Logf("%d procedure/country pairs and %d countries checked", len(want), len(perCountry))
}

func addTo[K comparable](m map[K]map[string]bool, k K, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func matchIDs(ms []RequirementMatch) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	sort.Strings(out)
	return out
}

// TestAcceptanceEquivalents: with the acceptance catalogue and the EB
// evidence type answers of the corpus, `map equivalents` for every evidence
// type and every country equals the answer recomputed from the XML: for each
// requirement whose lists contain the evidence type, the target country's
// lists and their members.
func TestAcceptanceEquivalents(t *testing.T) {
	files, reqs := ebAnswers(t)
	c := importFiles(t, files)

	type listKey struct{ req, list string }
	members := map[listKey]map[string]bool{}
	countries := map[listKey]map[string]bool{}
	usedIn := map[string]map[string]bool{} // classification -> requirement ids
	allCountries := map[string]bool{}
	for _, r := range reqs {
		for _, rf := range r.Frameworks {
			allCountries[rf.Country] = true
		}
		for _, l := range r.Lists {
			k := listKey{r.ID, l.ID}
			for _, country := range l.Countries {
				addTo(countries, k, country)
			}
			for _, et := range l.EvidenceTypes {
				addTo(members, k, et.Classification)
				addTo(usedIn, et.Classification, r.ID)
				for _, country := range et.Countries {
					addTo(countries, k, country)
					allCountries[country] = true
				}
			}
		}
	}
	if len(usedIn) == 0 {
		t.Fatal("no evidence types in the EB answers")
	}
	pairs, nonEmpty := 0, 0
	for cls, reqIDs := range usedIn {
		for target := range allCountries {
			want := map[string][]string{} // requirement -> "list: members" of target
			for req := range reqIDs {
				want[req] = []string{}
				for k, ms := range members {
					if k.req == req && countries[k][target] {
						want[req] = append(want[req], k.list+": "+strings.Join(sortedKeys(ms), " "))
					}
				}
				sort.Strings(want[req])
			}
			eq, err := c.Equivalents(cls, target, "")
			if err != nil {
				t.Fatalf("%s -> %s: %v", cls, target, err)
			}
			got := map[string][]string{}
			for _, m := range eq.Matches {
				got[m.RequirementID] = []string{}
				for _, alt := range m.Alternatives {
					var ms []string
					for _, et := range alt.EvidenceTypes {
						ms = append(ms, et.Classification)
					}
					sort.Strings(ms)
					got[m.RequirementID] = append(got[m.RequirementID], alt.ListID+": "+strings.Join(ms, " "))
				}
				sort.Strings(got[m.RequirementID])
				if len(m.Alternatives) > 0 {
					nonEmpty++
				}
			}
			if !equalMaps(got, want) {
				t.Errorf("%s -> %s:\n got %v\nwant %v", cls, target, got, want)
			}
			pairs++
		}
	}
	if nonEmpty == 0 {
		t.Error("no evidence type has an equivalent in another country: the test checks nothing")
	}
	t.Logf("%d evidence type / country pairs checked, %d mappings with options", pairs, nonEmpty)
}

func equalMaps(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

// TestDSDErr0005Dialogue: the DSD:ERR:0005 samples become the dialogue:
// the jurisdiction and attributes they ask for.
func TestDSDErr0005Dialogue(t *testing.T) {
	var files []string
	for _, f := range corpusSamples(t) {
		if strings.Contains(f, "DSD-ERR005") {
			files = append(files, f)
		}
	}
	if len(files) < 4 {
		t.Fatalf("found %d DSD:ERR:0005 samples, want 4", len(files))
	}
	for _, f := range files {
		c := importFiles(t, []string{f})
		doc := commentRE.ReplaceAllString(string(readFile(t, f)), "")
		for _, d := range c.DataServices {
			res, err := c.Providers(ProviderQuery{Classification: d.Classification})
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(f), err)
			}
			if res.Outcome != NeedsInput || res.ErrorCode != ErrCodeAdditionalData {
				t.Errorf("%s: outcome %s %s, want %s %s", filepath.Base(f), res.Outcome, res.ErrorCode, NeedsInput, ErrCodeAdditionalData)
			}
			if wantJD := countTags(doc, "EvidenceProviderJurisdictionDetermination") > 0; wantJD != (res.NeedJurisdiction != nil) {
				t.Errorf("%s: asks for a jurisdiction: %v, the answer does: %v", filepath.Base(f), res.NeedJurisdiction != nil, wantJD)
			}
			wantConcepts := countTags(doc, "EvidenceProviderClassification") > 0
			if wantConcepts != (len(res.NeedAttributes) > 0) {
				t.Errorf("%s: asks for attributes %v; the answer has classification concepts: %v", filepath.Base(f), res.NeedAttributes, wantConcepts)
			}
			// Given everything asked for, nothing is asked any more.
			q := ProviderQuery{Classification: d.Classification, Jurisdiction: "X1", Attributes: map[string]string{}}
			for _, cc := range res.NeedAttributes {
				q.Attributes[cc.ID] = "some value"
			}
			again, err := c.Providers(q)
			if err != nil {
				t.Fatal(err)
			}
			if again.NeedJurisdiction != nil || len(again.NeedAttributes) > 0 {
				t.Errorf("%s: everything given, still asks %+v", filepath.Base(f), again)
			}
		}
	}
}

// TestDSDErr0005WithProviders: the secondary education DSD answer (two
// providers in two NUTS regions) with its DSD:ERR:0005 answer asks for the
// jurisdiction and the classification concept, and the jurisdiction picks
// one provider.
func TestDSDErr0005WithProviders(t *testing.T) {
	var files []string
	for _, f := range corpusSamples(t) {
		b := filepath.Base(f)
		if strings.Contains(b, "Secondary-Education") && strings.Contains(b, "4.3.Query-Response") ||
			strings.Contains(b, "Secondary-Education-DSD-ERR005") {
			files = append(files, f)
		}
	}
	if len(files) != 2 {
		t.Fatalf("found %v", files)
	}
	c := importFiles(t, files)
	const cls = "https://sr.oots.tech.europa.eu/evidencetypeclassifications/DE/edf717b7-b373-40b1-b51b-cbb7c9d64de5"
	res, err := c.Providers(ProviderQuery{Classification: cls, Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != NeedsInput || res.NeedJurisdiction == nil || res.NeedJurisdiction.Level != "NUTS1" || len(res.NeedAttributes) != 1 || len(res.Providers) != 2 {
		t.Fatalf("got %+v", res)
	}
	if got := res.JurisdictionsSeen; !slices.Equal(got, []string{"DE3", "DE6"}) {
		t.Errorf("candidate jurisdictions %v", got)
	}
	res, err = c.Providers(ProviderQuery{Classification: cls, Country: "DE", Jurisdiction: "DE300",
		Attributes: map[string]string{"12c58ee8-f40a-42ac-b056-938499d55a1a": "HigherEducationEntranceQualification"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != Resolved || res.Providers[0].AccessService.Provider.ID != "11-SchoolAuthority-67" {
		t.Fatalf("got %+v", res)
	}
}
