package crosscheck

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Sample files of the shared corpus (read-only, never copied into the repo).
const (
	birthReq   = "samples/evidence-request/edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml"
	birthResp  = "samples/evidence-response/edm10-2.2-Step-2-Evidence-Response-Birth-full-example.xml"
	tc05Req    = "samples/evidence-request/pa-oct2023-ms-TC05-sk-cz-sk-req-TC05_Request.xml"
	tc05Resp   = "samples/evidence-response/pa-oct2023-ms-TC05-sk-cz-cz-resp-response.xml"
	tc03Req    = "samples/evidence-request/pa-oct2023-ms-TC03-sk-cz-sk-req-TC03_Request.xml"
	tc03Err    = "samples/evidence-error/pa-oct2023-ms-TC03-sk-cz-cz-resp-response.xml"
	edm12Req   = "samples/evidence-request/edm12-EDM_Ferst_Request.xml"
	edm12Err   = "samples/evidence-error/edm12-EDM_Ferst_Response.xml"
	birthReqID = "urn:uuid:4ffb5281-179d-4578-adf2-39fd13ccc797"
)

func specDir(t *testing.T) string {
	t.Helper()
	dir, ok := conformance.SpecDir()
	if !ok {
		t.Skip("shared OOTS corpus not found: set OOTS_SPEC or place it at shared/oots-spec")
	}
	return dir
}

func load(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(specDir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parse(t *testing.T, data []byte) *helium.Document {
	t.Helper()
	doc, err := xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// edit is an in-memory change to a copy of a sample: the first occurrence of
// old (every one with all) becomes new. A test fails when old is absent, so an
// edit that silently no longer applies cannot make a test pass.
type edit struct {
	resp     bool // edit the response (else the request)
	old, new string
	all      bool
}

func apply(t *testing.T, data []byte, edits []edit, resp bool) []byte {
	t.Helper()
	for _, e := range edits {
		if e.resp != resp {
			continue
		}
		if !bytes.Contains(data, []byte(e.old)) {
			t.Fatalf("edit: %q not found", e.old)
		}
		n := 1
		if e.all {
			n = -1
		}
		data = bytes.Replace(data, []byte(e.old), []byte(e.new), n)
	}
	return data
}

func ids(fs []report.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Rule
	}
	slices.Sort(out)
	return out
}

// lineOf is the 1-based line of the first occurrence of s in data.
func lineOf(t *testing.T, data []byte, s string) int {
	t.Helper()
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		t.Fatalf("lineOf: %q not found", s)
	}
	return 1 + bytes.Count(data[:i], []byte("\n"))
}

func checkFindings(t *testing.T, fs []report.Finding, want []string) {
	t.Helper()
	if got := ids(fs); !slices.Equal(got, want) {
		t.Errorf("rules = %v, want %v", got, want)
		for _, f := range fs {
			t.Logf("  %s %s line %d: %s", f.Rule, f.Severity, f.Line, f.Message)
		}
	}
	for _, f := range fs {
		if f.Layer != report.LayerCross || f.Line <= 0 || f.Location == "" || f.Message == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
}

// TestSamplePairs runs request/response pairs of the corpus that belong to one
// exchange (same example, same test case and Member State pair).
func TestSamplePairs(t *testing.T) {
	specDir(t) // skip once, not in every subtest
	cases := []struct {
		req, resp string
		want      []string
		why       string
	}{
		{birthReq, birthResp, nil, "official v1.0 Birth example, steps 1 and 2: consistent"},
		{"samples/evidence-request/edm10-old-4.1-Step-1-Evidence-Request-Tax.xml",
			"samples/evidence-response/edm10-old-4.2-Step-2-Evidence-Response-Tax.xml", nil,
			"superseded v1.0 Tax example: consistent"},
		{tc05Req, tc05Resp, nil, "Projectathon TC05 SK->CZ as exchanged: consistent"},
		{tc03Req, tc03Err, nil, "Projectathon TC03 SK->CZ error response (EDM:ERR:0008): consistent"},
		{"samples/evidence-request/pa-oct2023-ms-TC02-sk-cz-sk-req-TC02_Request.xml",
			"samples/evidence-response/pa-oct2023-ms-TC02-sk-cz-cz-resp-response.xml",
			[]string{RuleNoEvidence},
			"CZ answered with status Success and an empty rim:RegistryObjectList"},
		{edm12Req, edm12Err,
			[]string{RuleRequester, RuleIssueDateTime, RuleErrorProvider},
			"official v1.2 Education example, steps 1 and 2: the error response kept the v1.0 " +
				"requester NL22233223 (request: NL222332239) and error provider DE765758700 (request's " +
				"provider: 02-SchoolAuthority-34), and its Timestamp says 2020 for a 2022 request"},
		{"samples/evidence-request/pa-oct2023-ec-TC01_Request.xml",
			"samples/evidence-response/pa-oct2023-ec-TC01_Response.xml",
			[]string{RuleIssueDateTime},
			"Projectathon sample data TC01: the response is dated 2023-03-10, the request 2023-03-30"},
		{"samples/evidence-request/pa-oct2023-ec-TC07_Request_1_EP2.xml",
			"samples/evidence-error/pa-oct2023-ec-TC07_Response_1_EP2.xml",
			[]string{RuleRequester, RuleErrorProvider},
			"Projectathon sample data TC07 preview error: same stale requester and provider as the v1.2 example"},
		{"samples/evidence-request/edm10-connectathon-oots_request2_after_preview.xml",
			"samples/evidence-response/edm10-connectathon-oots_response.xml",
			[]string{RuleRequestID, RuleIssueDateTime, RuleDistribution, RuleDistribution},
			"connectathon draft: requestID (misspelt), response dated a day before the request, " +
				"and neither evidence states the requested ConformsTo"},
		{"samples/evidence-request/pa-oct2023-ms-TC01-hu-sk-hu-req-request.xml",
			"samples/evidence-response/pa-oct2023-ms-TC01-hu-sk-sk-resp-TC01_Response.xml",
			[]string{RuleRequestID, RuleRequester, RuleProvider},
			"Projectathon TC01 HU->SK: SK answered with a canned response (fixed requestId) and " +
				"other schemeIDs for the requester and provider identifiers"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.resp), func(t *testing.T) {
			fs := Check(parse(t, load(t, c.req)), parse(t, load(t, c.resp)))
			checkFindings(t, fs, c.want)
			if t.Failed() {
				t.Log(c.why)
			}
		})
	}
}

// repairEDM12 edits the genuine mismatches out of the v1.2 example pair so
// that the preview edits below start from a clean pair.
var repairEDM12 = []edit{
	{resp: true, old: ">NL22233223<", new: ">NL222332239<"},
	{resp: true, old: ">DE765758700<", new: ">02-SchoolAuthority-34<"},
	{resp: true, old: "2020-02-14T19:21:30+01:00", new: "2022-02-14T19:21:30+01:00"},
}

func TestEdits(t *testing.T) {
	specDir(t) // skip once, not in every subtest
	cases := []struct {
		name      string
		req, resp string
		edits     []edit
		want      []string
		mention   []string // substrings the first finding's message must name
		lineAt    string   // text on the line the first finding must report (response)
	}{
		{name: "requestId changed", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: `requestId="` + birthReqID, new: `requestId="urn:uuid:00000000-0000-4000-8000-000000000000`}},
			want:    []string{RuleRequestID},
			mention: []string{"urn:uuid:00000000-0000-4000-8000-000000000000", birthReqID},
			lineAt:  `requestId="`},
		{name: "requestId misspelt", req: birthReq, resp: birthResp,
			edits: []edit{{resp: true, old: `requestId=`, new: `requestID=`}},
			want:  []string{RuleRequestID}, mention: []string{"requestID", birthReqID}},
		{name: "request id changed", req: birthReq, resp: birthResp,
			edits: []edit{{old: `id="` + birthReqID, new: `id="urn:uuid:11111111-1111-4111-8111-111111111111`}},
			want:  []string{RuleRequestID}},
		{name: "specification identifier", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: "<rim:Value>oots-edm:v1.0</rim:Value>", new: "<rim:Value>oots-edm:v1.2</rim:Value>"}},
			want:    []string{RuleSpecification},
			mention: []string{"oots-edm:v1.2", "oots-edm:v1.0"}, lineAt: "oots-edm:v1.2"},
		{name: "requester identifier", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: ">DK22233223<", new: ">DK99999999<"}},
			want:    []string{RuleRequester},
			mention: []string{"DK99999999", "DK22233223"}, lineAt: ">DK99999999<"},
		{name: "requester scheme", req: tc05Req, resp: tc05Resp,
			edits:   []edit{{resp: true, old: `"urn:cef.eu:names:identifier:EAS:0190">SK222332242`, new: `"urn:cef.eu:names:identifier:EAS:0096">SK222332242`}},
			want:    []string{RuleRequester},
			mention: []string{"EAS:0096", "EAS:0190"}},
		{name: "provider identifier", req: birthReq, resp: birthResp,
			// The first DE73524311 is the provider's; the issuing authority repeats it.
			edits:   []edit{{resp: true, old: ">DE73524311<", new: ">DE00000000<"}},
			want:    []string{RuleProvider},
			mention: []string{"DE00000000", "DE73524311"}, lineAt: ">DE00000000<"},
		{name: "provider identifier (Projectathon)", req: tc05Req, resp: tc05Resp,
			edits: []edit{{resp: true, old: ">BR_CZ_01<", new: ">BR_CZ_02<"}},
			want:  []string{RuleProvider}, mention: []string{"BR_CZ_02", "BR_CZ_01"}},
		{name: "evidence type classification", req: birthReq, resp: birthResp,
			edits: []edit{{resp: true, old: "evidencetypeclassifications/DE/ca8afed6-2dc0-422a-a931-d21c3d8d370e",
				new: "evidencetypeclassifications/DE/00000000-2dc0-422a-a931-d21c3d8d370e"}},
			want:    []string{RuleEvidenceType},
			mention: []string{"DE/00000000-2dc0", "DE/ca8afed6-2dc0"}, lineAt: "DE/00000000-2dc0"},
		{name: "issue date before request", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: "2022-05-19T17:10:10.872Z", new: "2022-05-19T17:08:10.871Z"}},
			want:    []string{RuleIssueDateTime},
			mention: []string{"2022-05-19T17:08:10.871Z", "2022-05-19T17:08:10.872Z"}, lineAt: "2022-05-19T17:08:10.871Z"},
		{name: "issue date equal is fine", req: birthReq, resp: birthResp,
			edits: []edit{{resp: true, old: "2022-05-19T17:10:10.872Z", new: "2022-05-19T19:08:10.872+02:00"}}},
		{name: "distribution format", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: "<sdg:Format>application/xml</sdg:Format>", new: "<sdg:Format>application/pdf</sdg:Format>"}},
			want:    []string{RuleDistribution},
			mention: []string{"application/pdf", "application/xml"}, lineAt: "application/pdf"},
		{name: "distribution transformation missing", req: birthReq, resp: birthResp,
			edits: []edit{{resp: true, old: "<sdg:Transformation>https://sr.oots.tech.europa.eu/distributions/certificate-of-birth-1.0.0/age-of-majority</sdg:Transformation>\n                        </sdg:Distribution>",
				new: "</sdg:Distribution>"}},
			want: []string{RuleDistribution}, mention: []string{"Transformation", "age-of-majority"}},
		{name: "subject identifier", req: birthReq, resp: birthResp,
			edits:   []edit{{resp: true, old: ">DK/DE/123123123<", new: ">DK/DE/999999999<"}},
			want:    []string{RuleSubject},
			mention: []string{"DK/DE/999999999", "DK/DE/123123123"}, lineAt: "DK/DE/999999999"},
		{name: "subject is a legal person", req: birthReq, resp: birthResp,
			edits: []edit{{resp: true, old: "sdg:NaturalPerson>", new: "sdg:LegalPerson>", all: true}},
			want:  []string{RuleSubject}, mention: []string{"LegalPerson", "NaturalPerson"}},
		{name: "subject date of birth", req: tc05Req, resp: tc05Resp,
			edits:   []edit{{resp: true, old: "<DateOfBirth>1999-03-01</DateOfBirth>", new: "<DateOfBirth>1999-03-02</DateOfBirth>"}},
			want:    []string{RuleSubjectBirth},
			mention: []string{"1999-03-02", "1999-03-01"}, lineAt: "1999-03-02"},
		{name: "no evidence", req: birthReq, resp: birthResp,
			// Renaming the slot hides the only sdg:Evidence from the check.
			edits: []edit{{resp: true, old: `<rim:Slot name="EvidenceMetadata">`, new: `<rim:Slot name="OtherMetadata">`}},
			want:  []string{RuleNoEvidence}},
		{name: "error provider", req: tc03Req, resp: tc03Err,
			edits:   []edit{{resp: true, old: ">BR_CZ_01<", new: ">BR_CZ_99<"}},
			want:    []string{RuleErrorProvider},
			mention: []string{"BR_CZ_99", "BR_CZ_01"}, lineAt: ">BR_CZ_99<"},
		{name: "error requester", req: tc03Req, resp: tc03Err,
			edits: []edit{{resp: true, old: ">SK222332242<", new: ">SK000000000<"}},
			want:  []string{RuleRequester}},
		{name: "error timestamp before request", req: tc03Req, resp: tc03Err,
			edits:   []edit{{resp: true, old: "2023-10-19T14:17:31+01:00", new: "2023-10-19T10:20:29+01:00"}},
			want:    []string{RuleIssueDateTime},
			mention: []string{"Timestamp 2023-10-19T10:20:29+01:00", "2023-10-19T10:20:30+01:00"}},
		{name: "preview asked though not allowed, no location", req: tc03Req, resp: tc03Err,
			edits: []edit{{resp: true, old: `code="EDM:ERR:0008"`, new: `code="EDM:ERR:0002"`}},
			want:  []string{RulePreview, RulePreview}, mention: []string{"EDM:ERR:0002", "false"}},
		{name: "preview pair repaired is clean", req: edm12Req, resp: edm12Err, edits: repairEDM12},
		{name: "preview not allowed", req: edm12Req, resp: edm12Err,
			edits: append([]edit{{old: "<rim:Value>true</rim:Value>\n        </rim:SlotValue>\n    </rim:Slot>\n    <rim:Slot name=\"ExplicitRequestGiven\">",
				new: "<rim:Value>false</rim:Value>\n        </rim:SlotValue>\n    </rim:Slot>\n    <rim:Slot name=\"ExplicitRequestGiven\">"}}, repairEDM12...),
			want: []string{RulePreview}, mention: []string{"PossibilityForPreview is false"}},
		{name: "preview without location", req: edm12Req, resp: edm12Err,
			edits: append([]edit{{resp: true, old: `<rim:Slot name="PreviewLocation">`, new: `<rim:Slot name="PreviewURL">`}}, repairEDM12...),
			want:  []string{RulePreview}, mention: []string{"no PreviewLocation"}},
		{name: "documents swapped", req: birthResp, resp: birthReq,
			want: []string{RulePair, RulePair}, mention: []string{"QueryResponse"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := apply(t, load(t, c.req), c.edits, false)
			resp := apply(t, load(t, c.resp), c.edits, true)
			fs := Check(parse(t, req), parse(t, resp))
			checkFindings(t, fs, c.want)
			if len(fs) == 0 {
				return
			}
			for _, m := range c.mention {
				if !strings.Contains(fs[0].Message, m) {
					t.Errorf("message %q does not mention %q", fs[0].Message, m)
				}
			}
			if c.lineAt != "" {
				if want := lineOf(t, resp, c.lineAt); fs[0].Line != want {
					t.Errorf("line = %d, want %d (%s)", fs[0].Line, want, fs[0].Location)
				}
			}
		})
	}
}

func TestSeverities(t *testing.T) {
	specDir(t) // skip once, not in every subtest
	// Soft spec wording (SHOULD, or intermediaries allowed) gives warnings.
	warn := map[string]bool{RuleDistribution: true, RuleErrorProvider: true, RuleSubjectBirth: true, RuleNoEvidence: true}
	req := load(t, tc03Req)
	resp := apply(t, load(t, tc03Err), []edit{
		{resp: true, old: ">BR_CZ_01<", new: ">BR_CZ_99<"},
		{resp: true, old: `requestId="`, new: `requestId="x`},
	}, true)
	for _, f := range Check(parse(t, req), parse(t, resp)) {
		want := report.SeverityError
		if warn[f.Rule] {
			want = report.SeverityWarning
		}
		if f.Severity != want {
			t.Errorf("%s severity %s, want %s", f.Rule, f.Severity, want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	cases := []struct {
		a, b   string
		before bool
	}{
		{"2022-05-19T17:08:10.871Z", "2022-05-19T17:08:10.872Z", true},
		{"2022-05-19T19:08:10+02:00", "2022-05-19T17:08:10Z", false},
		{"2022-05-19T17:08:09+00:00", "2022-05-19T19:08:10+02:00", true},
		// Without a time zone the order is only known beyond 14 hours.
		{"2022-05-19T10:00:00", "2022-05-19T17:00:00Z", false},
		{"2022-05-18T10:00:00", "2022-05-19T17:00:00Z", true},
		{"2022-05-19T10:00:00", "2022-05-19T10:00:01", true},
	}
	for _, c := range cases {
		a, okA := parseDateTime(c.a)
		b, okB := parseDateTime(c.b)
		if !okA || !okB {
			t.Fatalf("parse %q / %q failed", c.a, c.b)
		}
		if got := a.before(b); got != c.before {
			t.Errorf("%s before %s = %v, want %v", c.a, c.b, got, c.before)
		}
	}
	if _, ok := parseDateTime("19/05/2022"); ok {
		t.Error("a malformed dateTime parsed")
	}
}

func TestNilDocuments(t *testing.T) {
	fs := Check(nil, nil)
	if got := ids(fs); !slices.Equal(got, []string{RulePair, RulePair}) {
		t.Errorf("rules = %v", got)
	}
}
