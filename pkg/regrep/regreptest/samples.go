package regreptest

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/regrep"
)

// Identifiers the acceptance-environment captures of the shared corpus
// (samples/{eb,dsd}/fr-acc-*.xml) refer to.
const (
	// SampleRequirement is the Commission's smoke-test requirement, the one
	// requirement of the FR procedure 00.
	SampleRequirement = "https://sr.acc.oots.tech.ec.europa.eu/requirements/00000000-0000-0000-0000-000000000000"
	// SampleEvidenceTypeFI is the Finnish evidence type satisfying it.
	SampleEvidenceTypeFI = "https://sr.acc.oots.tech.ec.europa.eu/evidencetypeclassifications/FI/19f0783e-7cdc-4146-9ff9-e331514ffb74"
)

// SampleRoutes maps the signed EB and DSD captures of the shared corpus in
// specDir to the queries that produced them:
//
//   - requirements, no parameters: the whole requirements catalogue;
//   - requirements of procedure 00 in FR: SampleRequirement;
//   - evidence types of SampleRequirement in FI: SampleEvidenceTypeFI;
//   - data services of SampleEvidenceTypeFI in FI: one Finnish service;
//   - the same in FR: status Failure, DSD:ERR:0001 (signed too).
func SampleRoutes(specDir string) []Route {
	eb := filepath.Join(specDir, "samples", "eb")
	dsd := filepath.Join(specDir, "samples", "dsd")
	return []Route{
		{QueryID: regrep.QueryRequirements, Body: filepath.Join(eb, "fr-acc-eb_requirements_catalogue.xml")},
		{
			QueryID: regrep.QueryRequirements,
			Params:  map[string]string{regrep.ParamProcedureID: "00", regrep.ParamCountryCode: "FR"},
			Body:    filepath.Join(eb, "fr-acc-eb_requirements_fr.xml"),
		},
		{
			QueryID: regrep.QueryEvidenceTypes,
			Params:  map[string]string{regrep.ParamRequirementID: SampleRequirement, regrep.ParamCountryCode: "FI"},
			Body:    filepath.Join(eb, "fr-acc-eb_evidence_types_fi.xml"),
		},
		{
			QueryID: regrep.QueryDataServices,
			Params:  map[string]string{regrep.ParamEvidenceTypeClassification: SampleEvidenceTypeFI, regrep.ParamCountryCode: "FI"},
			Body:    filepath.Join(dsd, "fr-acc-dsd_data_services_fi.xml"),
		},
		{
			QueryID: regrep.QueryDataServices,
			Params:  map[string]string{regrep.ParamEvidenceTypeClassification: SampleEvidenceTypeFI, regrep.ParamCountryCode: "FR"},
			Body:    filepath.Join(dsd, "fr-acc-dsd_aucun_service_fr.xml"),
		},
	}
}

// SampleRoot is the trust anchor of the captured signatures: the
// self-signed certificate at the end of the x5c chain of the
// oots-response-sig header in headersFile. Reading it from the capture at
// run time keeps the certificate out of any repository.
func SampleRoot(headersFile string) (*x509.Certificate, error) {
	data, err := os.ReadFile(headersFile)
	if err != nil {
		return nil, err
	}
	h, err := jades.ReadHeaders(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", headersFile, err)
	}
	protected, _, _ := strings.Cut(h.Get(jades.SignatureHeader), ".")
	raw, err := base64.RawURLEncoding.DecodeString(protected)
	if err != nil {
		return nil, fmt.Errorf("%s: the signature's protected header: %w", headersFile, err)
	}
	var hdr struct {
		X5C []string `json:"x5c"`
	}
	if err := json.Unmarshal(raw, &hdr); err != nil || len(hdr.X5C) == 0 {
		return nil, fmt.Errorf("%s: no x5c chain in the signature", headersFile)
	}
	der, err := base64.StdEncoding.DecodeString(hdr.X5C[len(hdr.X5C)-1])
	if err != nil {
		return nil, fmt.Errorf("%s: x5c: %w", headersFile, err)
	}
	root, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%s: x5c: %w", headersFile, err)
	}
	if !bytes.Equal(root.RawSubject, root.RawIssuer) {
		return nil, fmt.Errorf("%s: the x5c chain ends with %s, not a self-signed root", headersFile, root.Subject)
	}
	return root, nil
}

// WriteSampleRoot writes SampleRoot of the shared corpus in specDir as PEM to out.
func WriteSampleRoot(specDir, out string) error {
	root, err := SampleRoot(filepath.Join(specDir, "samples", "dsd", "fr-acc-dsd_data_services_fi.headers"))
	if err != nil {
		return err
	}
	return os.WriteFile(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o644)
}
