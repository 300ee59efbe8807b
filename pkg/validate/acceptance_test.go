package validate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
)

// ratchetFile records the agreement reached so far; the acceptance test fails
// when agreement drops below it, and the counts only ever go up.
const ratchetFile = "testdata/agreement.json"

type agreement struct {
	Total    int `json:"total"`
	Official int `json:"official"`
	Embedded int `json:"embedded"`
}

// fileVerdict is what the reference tools say about one document: the XSD
// verdict and, per Schematron file, the failed ids.
type fileVerdict struct {
	file       string
	kind       validate.Kind
	xsd        string
	wellFormed bool
	findings   map[string]string // schematron file without .sch -> sorted ID:role set
}

func loadVerdicts(t *testing.T) (string, []*fileVerdict) {
	t.Helper()
	spec, rows := conformance.LoadOrSkip(t)
	byFile := map[string]*fileVerdict{}
	var order []*fileVerdict
	for _, r := range rows {
		v := byFile[r.File]
		if v == nil {
			v = &fileVerdict{file: r.File, kind: validate.Kind(r.Kind), xsd: r.XSD, wellFormed: r.Status == "ok", findings: map[string]string{}}
			byFile[r.File] = v
			order = append(order, v)
		}
		v.findings[strings.TrimSuffix(r.Schematron, ".sch")] = strings.Join(r.Findings, ",")
	}
	return spec, order
}

// got computes our verdict in the reference's terms.
func got(res report.FileResult) (xsd string, sets map[string]string) {
	xsd = "valid"
	keys := map[string][]string{}
	for _, f := range res.Findings {
		switch f.Layer {
		case report.LayerWellFormed, report.LayerXSD:
			xsd = "invalid"
		case report.LayerSchematron:
			src := strings.TrimSuffix(f.Source, ".sch")
			role := f.Role
			if role == "" {
				role = strings.ToLower(f.Flag)
			}
			keys[src] = append(keys[src], conformance.Key(f.Rule, role))
		}
	}
	sets = map[string]string{}
	for src, k := range keys {
		sets[src] = conformance.SetString(k)
	}
	return xsd, sets
}

func agree(t *testing.T, spec string, verdicts []*fileVerdict, rs *validate.RuleSet) int {
	ctx := context.Background()
	same := 0
	var diffs []string
	for _, v := range verdicts {
		data, err := os.ReadFile(filepath.Join(spec, v.file))
		if err != nil {
			t.Fatal(err)
		}
		res := validate.New(rs, validate.Options{Kind: v.kind}).Validate(ctx, v.file, data)
		xsd, sets := got(res)
		diff := compare(v, xsd, sets)
		if diff == "" {
			same++
			continue
		}
		diffs = append(diffs, v.file+": "+diff)
	}
	sort.Strings(diffs)
	for i, d := range diffs {
		if i == 25 {
			t.Logf("... and %d more", len(diffs)-25)
			break
		}
		t.Log(d)
	}
	return same
}

func compare(v *fileVerdict, xsd string, sets map[string]string) string {
	var out []string
	if xsd != v.xsd {
		out = append(out, fmt.Sprintf("xsd want %s got %s", v.xsd, xsd))
	}
	if !v.wellFormed {
		return strings.Join(out, "; ")
	}
	for sch, want := range v.findings {
		if sets[sch] != want {
			out = append(out, fmt.Sprintf("%s want [%s] got [%s]", sch, want, sets[sch]))
		}
	}
	return strings.Join(out, "; ")
}

// TestConformance is the acceptance test: every sample and mutant of the
// shared corpus, through the official artefacts and through the embedded
// pack, must get the reference XSD verdict and Schematron findings.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide acceptance test")
	}
	spec, verdicts := loadVerdicts(t)
	ctx := context.Background()
	official, err := validate.LoadOfficial(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := validate.Embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := agreement{Total: len(verdicts)}
	t.Run("official", func(t *testing.T) { now.Official = agree(t, spec, verdicts, official) })
	t.Run("embedded", func(t *testing.T) { now.Embedded = agree(t, spec, verdicts, embedded) })
	fmt.Printf("conformance: %d files; official artefacts agree on %d, embedded pack on %d\n", now.Total, now.Official, now.Embedded)
	checkRatchet(t, now)
}

func checkRatchet(t *testing.T, now agreement) {
	var rec agreement
	data, err := os.ReadFile(ratchetFile)
	if err != nil {
		t.Fatalf("reading %s: %v", ratchetFile, err)
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("%s: %v", ratchetFile, err)
	}
	if now.Official < rec.Official || now.Embedded < rec.Embedded {
		t.Fatalf("agreement dropped: official %d (recorded %d), embedded %d (recorded %d)", now.Official, rec.Official, now.Embedded, rec.Embedded)
	}
	if now.Official > rec.Official || now.Embedded > rec.Embedded {
		t.Logf("agreement rose: record official %d, embedded %d in %s", now.Official, now.Embedded, ratchetFile)
	}
	if now.Official != now.Total || now.Embedded != now.Total {
		t.Logf("full agreement not yet reached: %d files", now.Total)
	}
}
