package xmlschema

import (
	"fmt"
	"reflect"
	"testing"
)

// TestAgreement is the acceptance test of both routes: the official driver
// schema compiled from the corpus, and our embedded structure model, must
// each give the xmllint verdict recorded in expected/samples.tsv and
// expected/mutants.tsv for every listed document.
func TestAgreement(t *testing.T) {
	spec := specDir(t)
	official := officialSchema(t, spec)
	embedded := embeddedSchema(t)

	var cases []corpusCase
	cases = append(cases, readExpected(t, spec, "samples")...)
	cases = append(cases, readExpected(t, spec, "mutants")...)

	var okOfficial, okEmbedded, sameMessages, invalid int
	var failures []string
	for _, c := range cases {
		vOff, offViolations := verdict(t, official, spec, c.rel)
		vEmb, embViolations := verdict(t, embedded, spec, c.rel)
		if vOff == c.valid {
			okOfficial++
		} else {
			failures = append(failures, fmt.Sprintf("official route: %s: got valid=%v, want %v: %v", c.rel, vOff, c.valid, offViolations))
		}
		if vEmb == c.valid {
			okEmbedded++
		} else {
			failures = append(failures, fmt.Sprintf("embedded route: %s: got valid=%v, want %v: %v", c.rel, vEmb, c.valid, embViolations))
		}
		// The model is meant to be equivalent to the official schema, not
		// merely to agree on verdicts: the diagnostics should match too.
		if reflect.DeepEqual(offViolations, embViolations) {
			sameMessages++
		}
		if !c.valid {
			invalid++
			checkViolations(t, c.rel, embViolations)
		}
	}

	summary := fmt.Sprintf("xsd agreement official: %d/%d, embedded: %d/%d", okOfficial, len(cases), okEmbedded, len(cases))
	fmt.Println(summary)
	t.Log(summary)
	t.Logf("identical violation lists on both routes: %d/%d; invalid documents: %d", sameMessages, len(cases), invalid)
	for i, f := range failures {
		if i == 20 {
			t.Errorf("... and %d more disagreements", len(failures)-i)
			break
		}
		t.Error(f)
	}
	if sameMessages != len(cases) {
		t.Errorf("the routes reported different violations for %d documents", len(cases)-sameMessages)
	}
}

// checkViolations requires usable diagnostics for an invalid document:
// every violation says something, and at least one points at a line.
func checkViolations(t *testing.T, rel string, vs []Violation) {
	t.Helper()
	withLine := false
	for _, v := range vs {
		if v.Message == "" {
			t.Errorf("%s: violation without message: %+v", rel, v)
		}
		if v.Line > 0 {
			withLine = true
		}
	}
	if len(vs) > 0 && !withLine {
		t.Errorf("%s: no violation carries a line: %+v", rel, vs)
	}
}
