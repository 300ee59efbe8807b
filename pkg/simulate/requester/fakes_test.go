package requester

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/oots-tools/oots/pkg/validate"
)

// Evidence type classifications of the example catalogue (examples/catalog).
const (
	clsBase = "https://sr.oots.tech.europa.eu/evidencetypeclassifications/"
	clsDE   = clsBase + "DE/0e000000-0000-4000-8000-000000000102"
	clsES   = clsBase + "ES/0e000000-0000-4000-8000-000000000104"
	clsPT   = clsBase + "PT/0e000000-0000-4000-8000-000000000107"
	clsFR   = clsBase + "FR/0e000000-0000-4000-8000-000000000101"
	clsAT   = clsBase + "AT/0e000000-0000-4000-8000-000000000108"

	conceptRegistryType = "0e000000-0000-4000-8000-000000000201"
	requirementBirth    = "https://sr.oots.tech.europa.eu/requirements/0e000000-0000-4000-8000-000000000001"
)

var (
	sharedValidatorOnce sync.Once
	sharedValidator     *validate.Validator
)

// testValidator loads the embedded rules once for all tests.
func testValidator(t testing.TB) *validate.Validator {
	t.Helper()
	sharedValidatorOnce.Do(func() {
		rules, err := validate.Embedded(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sharedValidator = validate.New(rules, validate.Options{})
	})
	return sharedValidator
}

// commonServices is a fake EB and DSD: the EB answers with the example
// catalogue's documents, the DSD with what the test's function says.
type commonServices struct {
	srv *httptest.Server
	mu  sync.Mutex
	dsd []url.Values // DSD queries received
	eb  []url.Values // EB queries received
}

func newCommonServices(t testing.TB, dsd func(q url.Values) string) *commonServices {
	t.Helper()
	cs := &commonServices{}
	cs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if strings.HasPrefix(q.Get(regrep.ParamQueryID), "urn:fdc:oots:eb:") {
			cs.mu.Lock()
			cs.eb = append(cs.eb, q)
			cs.mu.Unlock()
		}
		var body string
		switch q.Get(regrep.ParamQueryID) {
		case regrep.QueryRequirements:
			body = ebAnswer(t, q, "eb-requirements.xml")
		case regrep.QueryEvidenceTypes:
			body = ebAnswer(t, q, "eb-evidence-types-birth.xml")
		case regrep.QueryDataServices:
			cs.mu.Lock()
			cs.dsd = append(cs.dsd, q)
			cs.mu.Unlock()
			body = dsd(q)
		default:
			http.Error(w, "unknown query", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", regrep.ContentType)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(cs.srv.Close)
	return cs
}

func (cs *commonServices) dsdQueries() []url.Values {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]url.Values(nil), cs.dsd...)
}

func (cs *commonServices) ebQueries() []url.Values {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]url.Values(nil), cs.eb...)
}

func (cs *commonServices) ebC() *regrep.Client  { return &regrep.Client{BaseURL: cs.srv.URL + "/eb"} }
func (cs *commonServices) dsdC() *regrep.Client { return &regrep.Client{BaseURL: cs.srv.URL + "/dsd"} }

// ebAnswer is an example catalogue document, or the EB's "unknown
// procedure" error for procedure X9.
func ebAnswer(t testing.TB, q url.Values, file string) string {
	if q.Get(regrep.ParamProcedureID) == "X9" {
		return csFailure("EB:ERR:0001", "rs:ObjectNotFoundExceptionType", "The result set is empty", "no requirement for procedure X9")
	}
	data, err := catalogexample.Files.ReadFile(file)
	if err != nil {
		t.Error(err)
	}
	return string(data)
}

// provider is an evidence provider of a generated DSD answer.
type provider struct{ accessService, id, name, country string }

var (
	vienna  = provider{"AT-EXAMPLE-AP-1", "AT-EXAMPLE-STA-WIEN", "Example Civil Registry Office Vienna", "AT"}
	lisboa  = provider{"PT-EXAMPLE-AP-1", "PT-EXAMPLE-CR-LISBOA", "Example Civil Registry Lisboa", "PT"}
	central = provider{"ES-EXAMPLE-AP-1", "ES-EXAMPLE-RC-CENTRAL", "Example Central Civil Registry", "ES"}
)

const csHeader = `<?xml version="1.0" encoding="UTF-8"?>
<query:QueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
    xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
    xmlns:sdg="http://data.europa.eu/p4s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:%s">
`

// dataServiceType is the sdg:DataServiceEvidenceType of a generated answer.
func dataServiceType(cls string, inner string) string {
	return fmt.Sprintf(`<sdg:DataServiceEvidenceType>
  <sdg:Identifier>5d1c2f4e-0000-4000-8000-00000000d001</sdg:Identifier>
  <sdg:EvidenceTypeClassification>%s</sdg:EvidenceTypeClassification>
  <sdg:Title lang="EN">Birth certificate (test)</sdg:Title>
  <sdg:DistributedAs><sdg:Format>application/pdf</sdg:Format></sdg:DistributedAs>
  %s
</sdg:DataServiceEvidenceType>`, cls, inner)
}

// dsdAnswer is a DSD answer naming the providers of an evidence type.
func dsdAnswer(cls string, provs ...provider) string {
	var access strings.Builder
	for _, p := range provs {
		fmt.Fprintf(&access, `<sdg:AccessService>
  <sdg:Identifier schemeID="urn:cef.eu:names:identifier:EAS:0204">%s</sdg:Identifier>
  <sdg:ConformsTo>oots-edm:v1.0</sdg:ConformsTo>
  <sdg:Publisher>
    <sdg:Identifier schemeID="urn:cef.eu:names:identifier:EAS:0204">%s</sdg:Identifier>
    <sdg:Name lang="EN">%s</sdg:Name>
    <sdg:Address><sdg:AdminUnitLevel1>%s</sdg:AdminUnitLevel1></sdg:Address>
    <sdg:Jurisdiction><sdg:AdminUnitLevel1>%s</sdg:AdminUnitLevel1></sdg:Jurisdiction>
  </sdg:Publisher>
</sdg:AccessService>`, p.accessService, p.id, p.name, p.country, p.country)
	}
	access.WriteString(`<sdg:AuthenticationLevelOfAssurance>Substantial</sdg:AuthenticationLevelOfAssurance>`)
	return fmt.Sprintf(csHeader, "Success") + `<rim:RegistryObjectList>
<rim:RegistryObject id="urn:uuid:5d1c2f4e-0000-4000-8000-00000000d0a1">
<rim:Slot name="DataServiceEvidenceType"><rim:SlotValue xsi:type="rim:AnyValueType">
` + dataServiceType(cls, access.String()) + `
</rim:SlotValue></rim:Slot>
</rim:RegistryObject>
</rim:RegistryObjectList>
</query:QueryResponse>`
}

// dsdAskConcept is a DSD:ERR:0005 answer asking for a classification concept.
func dsdAskConcept(cls, concept string) string {
	return fmt.Sprintf(csHeader, "Failure") + `<rs:Exception xsi:type="rs:ObjectNotFoundExceptionType"
    severity="urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput"
    message="The query requires the included extra attributes to be provided by the user." code="DSD:ERR:0005">
<rim:Slot name="DataServiceEvidenceType"><rim:SlotValue xsi:type="rim:AnyValueType">
` + dataServiceType(cls, "") + `
</rim:SlotValue></rim:Slot>
<rim:Slot name="UserRequestedClassificationConcepts"><rim:SlotValue xsi:type="rim:CollectionValueType">
<rim:Element xsi:type="rim:AnyValueType">
<sdg:EvidenceProviderClassification>
  <sdg:Identifier>` + concept + `</sdg:Identifier>
  <sdg:Type>Codelist</sdg:Type>
  <sdg:ValueExpression>https://example.oots-tools.eu/codelists/registry-type</sdg:ValueExpression>
  <sdg:Description lang="EN">Type of civil registry where the birth was recorded</sdg:Description>
</sdg:EvidenceProviderClassification>
</rim:Element>
</rim:SlotValue></rim:Slot>
</rs:Exception>
</query:QueryResponse>`
}

// csFailure is an EB or DSD error answer.
func csFailure(code, typ, message, detail string) string {
	return fmt.Sprintf(csHeader, "Failure") + fmt.Sprintf(`<rs:Exception xsi:type="%s"
    severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error" message="%s" detail="%s" code="%s"/>
</query:QueryResponse>`, typ, message, detail, code)
}

// exampleDSD answers like a directory holding the example catalogue and
// the generated answers: AT lists one provider, DE two,
// PT and ES start a DSD:ERR:0005 dialogue, FR has no provider.
func exampleDSD(t testing.TB) func(q url.Values) string {
	return func(q url.Values) string {
		read := func(name string) string {
			data, err := catalogexample.Files.ReadFile(name)
			if err != nil {
				t.Error(err)
			}
			return string(data)
		}
		switch cls := q.Get(regrep.ParamEvidenceTypeClassification); {
		case cls == clsAT:
			return dsdAnswer(clsAT, vienna)
		case cls == clsDE:
			return read("dsd-birth-de.xml")
		case cls == clsPT && q.Get(regrep.ParamJurisdictionAdminL3) != "":
			return dsdAnswer(clsPT, lisboa)
		case cls == clsPT:
			return read("dsd-error-birth-pt.xml")
		case cls == clsES && q.Get(conceptRegistryType) != "":
			return dsdAnswer(clsES, central)
		case cls == clsES:
			return dsdAskConcept(clsES, conceptRegistryType)
		}
		return csFailure("DSD:ERR:0001", "rs:ObjectNotFoundExceptionType", "No Data Services were found based on the given parameters", q.Get(regrep.ParamEvidenceTypeClassification))
	}
}

// subject is the person of the test journeys.
func subject() edm.Subject {
	return edm.Subject{NaturalPerson: &edm.NaturalPerson{Identifier: "PT/DE/EX4711042", FamilyName: "Exemplar",
		GivenName: "Ana Maria", DateOfBirth: "1991-07-23"}}
}

// portal is the requester agent of the tests.
var portal = edm.Agent{Identifier: "PT999000011", Scheme: "9946", Names: []edm.Text{{Lang: "EN", Text: "Example Procedure Portal"}}}
