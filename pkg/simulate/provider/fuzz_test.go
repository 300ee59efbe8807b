package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/oots-tools/oots/pkg/report"
)

// FuzzAnswer: whatever arrives, Answer does not panic, and what it answers
// is valid EDM; otherwise it says why it cannot answer.
func FuzzAnswer(f *testing.F) {
	p := newProvider(f, Config{})
	f.Add(build(f, request(erika(), typeBirthDE)))
	f.Add(build(f, request(erika(), typeResidenceDE)))
	f.Add(build(f, request(nil, typeResidenceDE, forCompany, at(previewBase+"x"))))
	f.Add([]byte(`<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"/>`))
	f.Add([]byte("<x/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reply, err := p.Answer(context.Background(), data)
		if err != nil {
			if reply != nil {
				t.Fatal("a reply and an error")
			}
			return
		}
		res := testValidator(t).Validate(context.Background(), "reply", reply.Message)
		for _, f := range res.Findings {
			if f.Severity == report.SeverityError {
				t.Errorf("invalid reply: %s %s", f.Rule, f.Message)
			}
		}
	})
}

func TestUnanswerableEmptyRequest(t *testing.T) {
	p := newProvider(t, Config{})
	_, err := p.Answer(context.Background(), []byte(`<query:QueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"/>`))
	if !errors.Is(err, ErrUnanswerable) {
		t.Fatalf("a request without id: err %v, want ErrUnanswerable", err)
	}
}
