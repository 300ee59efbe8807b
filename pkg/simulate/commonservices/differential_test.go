package commonservices_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	catalogcmd "github.com/oots-tools/oots/internal/cmd/catalog"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/oots-tools/oots/pkg/regrep"
)

// The differential tests pull a catalogue from the simulated EB and DSD
// (verifying every signature), import the answers into an empty catalogue
// and check that it answers every question as the source does.

// question is one EB or DSD question of a pull.
type question struct {
	client *regrep.Client
	q      regrep.Query
}

// pullAll asks every question, imports every answer (Failure answers too:
// a DSD:ERR:0005 answer carries the attributes to ask for) and returns the
// catalogue it built.
func pullAll(t *testing.T, questions []question) *catalog.Catalog {
	t.Helper()
	pulled := catalog.New()
	for i, qu := range questions {
		resp, _ := search(t, qu.client, qu.q)
		if _, err := pulled.ImportXML(fmt.Sprintf("answer-%d.xml", i), resp.Body); err != nil {
			var nc *catalog.NotCatalogError
			if !errors.As(err, &nc) {
				t.Fatalf("%s: %v", qu.q, err)
			}
		}
	}
	return pulled
}

// ebQuestions are the requirements of every procedure in every country
// (and of the whole catalogue) and the evidence types of every
// requirement in every country, with the regions its lists name.
func ebQuestions(e *env, c *catalog.Catalog) []question {
	var out []question
	for _, p := range append([]string{""}, c.ProcedureCodes()...) {
		for _, cc := range append([]string{""}, c.Countries()...) {
			out = append(out, question{e.eb, regrep.RequirementsQuery(p, cc)})
		}
	}
	for _, r := range c.Requirements {
		for _, cc := range c.Countries() {
			for _, region := range append([]string{""}, r.Regions(cc)...) {
				q := regrep.EvidenceTypesQuery(r.ID, cc)
				if region != "" {
					q = withParam(q, regrep.ParamJurisdictionAdminL2, region)
				}
				out = append(out, question{e.eb, q})
			}
		}
	}
	return out
}

// dsdQuestions follow the DSD:ERR:0005 dialogue of every evidence type in
// every country to each provider, as a user giving the place or the
// attribute value of that provider would.
func dsdQuestions(t *testing.T, e *env, c *catalog.Catalog) ([]question, []catalog.ProviderQuery) {
	t.Helper()
	var out []question
	var asked []catalog.ProviderQuery
	for _, cls := range c.Classifications() {
		for _, cc := range c.Countries() {
			for _, pq := range dialogueQueries(t, c, cls, cc) {
				var extra []regrep.Param
				if pq.Jurisdiction != "" {
					extra = append(extra, regrep.Param{Name: regrep.ParamJurisdictionAdminL2, Value: pq.Jurisdiction})
				}
				for _, k := range sortedKeys(pq.Attributes) {
					extra = append(extra, regrep.Param{Name: k, Value: pq.Attributes[k]})
				}
				out = append(out, question{e.dsd, regrep.DataServicesQuery(cls, cc, extra...)})
				asked = append(asked, pq)
			}
		}
	}
	return out, asked
}

func TestPulledCatalogueAnswersTheSame(t *testing.T) {
	src := example(t)
	e := newEnv(t, src, pki.P256, true)
	dsdQs, asked := dsdQuestions(t, e, src)
	pulled := pullAll(t, append(ebQuestions(e, src), dsdQs...))
	compareEB(t, src, pulled)
	if len(asked) < 8 {
		t.Fatalf("only %d DSD questions", len(asked))
	}
	for _, pq := range asked {
		if got, want := describeProviders(pulled, pq), describeProviders(src, pq); got != want {
			t.Errorf("Providers(%+v):\n got %s\nwant %s", pq, got, want)
		}
	}
}

// The acceptance environment's requirements catalogue, served and pulled
// back, gives the same requirements for every procedure and country.
func TestPulledAcceptanceCatalogueAnswersTheSame(t *testing.T) {
	spec, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared corpus not found (set OOTS_SPEC)")
	}
	data, err := os.ReadFile(filepath.Join(spec, "samples", "eb", "fr-acc-eb_requirements_catalogue.xml"))
	if err != nil {
		t.Skip(err)
	}
	src := catalog.New()
	if _, err := src.ImportXML("fr-acc-eb_requirements_catalogue.xml", data); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, src, pki.P256, false)
	qs := ebQuestions(e, src)
	if len(qs) < 500 {
		t.Fatalf("only %d questions", len(qs))
	}
	compareEB(t, src, pullAll(t, qs))
}

// `oots catalog pull` against the simulated services builds a catalogue
// that answers the same; the questions it cannot follow (the DSD:ERR:0005
// dialogue) are reported, not imported.
func TestCatalogPullCommandAgainstTheSimulator(t *testing.T) {
	src := example(t)
	e := newEnv(t, src, pki.P256, false)
	dir := t.TempDir()
	trust := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(trust, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.roots[0].Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "catalog.json")
	args := []string{"--eb", e.srv.URL + "/eb", "--dsd", e.srv.URL + "/dsd", "--trust", trust, "--catalog", store}
	for _, cc := range src.Countries() {
		args = append(args, "--country", cc)
	}
	ios, _, out, errOut := iostreams.Test()
	cmd := catalogcmd.NewCmdCatalogPull(&cmdutil.Factory{IOStreams: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("pull: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut.String(), catalog.ErrCodeAdditionalData) {
		t.Errorf("the DSD:ERR:0005 answers are not reported:\n%s", errOut)
	}
	pulled, err := catalog.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	compareEB(t, src, pulled)
	compared := 0
	for _, cls := range src.Classifications() {
		for _, cc := range src.Countries() {
			pq := catalog.ProviderQuery{Classification: cls, Country: cc}
			res, err := src.Providers(pq)
			if err != nil || (res.Outcome != catalog.Resolved && res.Outcome != catalog.Several) {
				continue
			}
			compared++
			if got, want := describeProviders(pulled, pq), describeProviders(src, pq); got != want {
				t.Errorf("Providers(%+v):\n got %s\nwant %s", pq, got, want)
			}
		}
	}
	if compared == 0 {
		t.Error("no provider question compared")
	}
}

// compareEB checks RequirementsFor for every procedure and country and
// EvidenceTypesFor for every requirement, country and region.
func compareEB(t *testing.T, src, pulled *catalog.Catalog) {
	t.Helper()
	for _, p := range append([]string{""}, src.ProcedureCodes()...) {
		for _, cc := range append([]string{""}, src.Countries()...) {
			if got, want := describeRequirements(pulled, p, cc), describeRequirements(src, p, cc); got != want {
				t.Errorf("RequirementsFor(%q, %q):\n got %s\nwant %s", p, cc, got, want)
			}
		}
	}
	for _, r := range src.Requirements {
		for _, cc := range src.Countries() {
			for _, region := range append([]string{""}, r.Regions(cc)...) {
				if got, want := describeEvidenceTypes(pulled, r.ID, cc, region), describeEvidenceTypes(src, r.ID, cc, region); got != want {
					t.Errorf("EvidenceTypesFor(%s, %s, %q):\n got %s\nwant %s", r.ID, cc, region, got, want)
				}
			}
		}
	}
}

func describeRequirements(c *catalog.Catalog, procedure, country string) string {
	ms, err := c.RequirementsFor(procedure, country)
	if err != nil {
		return "error"
	}
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s %v [", m.ID, m.Requirement.Names)
		for _, rf := range m.Frameworks {
			fmt.Fprintf(&b, "%s %v %v %v %s; ", rf.ID, rf.Titles, rf.Descriptions, rf.Procedures, rf.Jurisdiction)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// describeEvidenceTypes writes the alternatives with each evidence type's
// jurisdictions as they apply (its own, else its list's): the EDM v1.0
// answers carry them on the evidence type.
func describeEvidenceTypes(c *catalog.Catalog, reqID, country, jurisdiction string) string {
	r, alts, err := c.EvidenceTypesFor(reqID, country, jurisdiction)
	if err != nil {
		return "error"
	}
	var b strings.Builder
	for _, a := range alts {
		var list catalog.EvidenceTypeList
		for _, l := range r.EvidenceTypeLists {
			if l.ID == a.ListID {
				list = l
			}
		}
		fmt.Fprintf(&b, "%s %v: ", a.ListID, list.Names)
		for _, et := range a.EvidenceTypes {
			js := et.Jurisdictions
			if len(js) == 0 {
				js = list.Jurisdictions
			}
			fmt.Fprintf(&b, "%s %v %v %s; ", et.Classification, et.Titles, et.Descriptions, jurisdictionsOf(js, list.Countries))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func jurisdictionsOf(js []catalog.Jurisdiction, countries []string) string {
	var parts []string
	for _, j := range js {
		parts = append(parts, j.Country+"/"+j.Region+"/"+j.Local)
	}
	if len(parts) == 0 {
		for _, c := range countries {
			parts = append(parts, c+"//")
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func describeProviders(c *catalog.Catalog, q catalog.ProviderQuery) string {
	res, err := c.Providers(q)
	if err != nil {
		return "error"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s seen=%v", res.Outcome, res.ErrorCode, res.JurisdictionsSeen)
	if jd := res.NeedJurisdiction; jd != nil {
		fmt.Fprintf(&b, " place=%s/%s/%v", jd.ContextID, jd.Level, jd.Context)
	}
	for _, cc := range res.NeedAttributes {
		fmt.Fprintf(&b, " attribute=%s%v", cc.ID, cc.SupportedValues)
	}
	var providers []string
	for _, m := range res.Providers {
		a := m.AccessService
		var concepts []string
		for _, cc := range a.Provider.Concepts {
			concepts = append(concepts, fmt.Sprintf("%s%v", cc.ID, cc.SupportedValues))
		}
		providers = append(providers, fmt.Sprintf("%s %s %s %s %s %v %s %v %v %s", m.DataServiceID, m.Title, a.ID, a.Scheme, a.Provider.ID,
			a.Provider.Names, jurisdictionsOf(a.Provider.Jurisdictions, nil), concepts, m.Distributions, m.LevelOfAssurance))
	}
	sort.Strings(providers)
	return b.String() + "\n" + strings.Join(providers, "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func dialogueQueries(t testing.TB, c *catalog.Catalog, cls, country string) []catalog.ProviderQuery {
	t.Helper()
	qs, err := c.DialogueQueries(cls, country)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}
