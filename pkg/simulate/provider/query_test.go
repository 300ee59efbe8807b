package provider

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oots-tools/oots/pkg/edm"
)

// TestReadRequestMatchesEDM: the provider reads requests from the validated
// tree; what it reads must be what edm.ReadRequest reads from the bytes.
func TestReadRequestMatchesEDM(t *testing.T) {
	withTexts := func(r *edm.Request) {
		r.EvidenceType.Titles = append(r.EvidenceType.Titles, edm.Text{Lang: "DE", Text: "Beispiel"})
		r.EvidenceType.Descriptions = []edm.Text{{Lang: "EN", Text: "A description"}}
		r.EvidenceType.DistributedAs = &edm.Distribution{Format: "application/xml",
			ConformsTo: "https://sr.oots.tech.europa.eu/distributions/0e000000-0000-4000-8000-000000000399"}
	}
	for name, r := range map[string]*edm.Request{
		"natural person": request(erika(), typeBirthDE),
		"legal person":   request(nil, typeResidenceDE, forCompany, at(previewBase+"x")),
		"texts":          request(joao(), typeResidencePT, withTexts, noPreview),
	} {
		t.Run(name, func(t *testing.T) {
			data := build(t, r)
			want, err := edm.ReadRequest(data)
			if err != nil {
				t.Fatal(err)
			}
			_, doc := testValidator(t).ValidateDocument(context.Background(), "req", data)
			q := newQuery(doc.Doc)
			if diff := cmp.Diff(want, q.info); diff != "" {
				t.Errorf("readRequest differs from edm.ReadRequest (-edm +provider):\n%s", diff)
			}
			if q.allowPreview != r.PossibilityForPreview || q.previewLocation != r.PreviewLocation {
				t.Errorf("preview slots read as %v %q", q.allowPreview, q.previewLocation)
			}
		})
	}
}
