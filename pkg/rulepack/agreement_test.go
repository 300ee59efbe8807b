package rulepack_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/rulepack"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/oots-tools/oots/schemas"
)

type corpus struct {
	spec string
	rows []conformance.Row
	mu   sync.Mutex
	docs map[string]*helium.Document
}

func loadCorpus(t *testing.T) *corpus {
	t.Helper()
	spec, rows := conformance.LoadOrSkip(t)
	return &corpus{spec: spec, rows: rows, docs: map[string]*helium.Document{}}
}

// doc parses a corpus file once; nil means not well-formed.
func (c *corpus) doc(file string) *helium.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[file]; ok {
		return d
	}
	data, err := os.ReadFile(filepath.Join(c.spec, file))
	var d *helium.Document
	if err == nil {
		d, _ = xmldoc.Parse(context.Background(), data, xmldoc.DefaultLimits)
	}
	c.docs[file] = d
	return d
}

// agree runs s over every row naming sch and reports mismatches.
func (c *corpus) agree(t *testing.T, sch string, s *schematron.Schema) {
	compiled, err := schematron.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	total, same := 0, 0
	var diffs []string
	for _, row := range c.rows {
		if row.Schematron != sch {
			continue
		}
		total++
		got, ok := c.run(compiled, row.File)
		want := strings.Join(row.Findings, ",")
		if row.Status != "ok" {
			want = "(not well-formed)"
		}
		if ok && got == want || !ok && row.Status != "ok" {
			same++
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s\n      want %s\n      got  %s", row.File, want, got))
	}
	sort.Strings(diffs)
	for i, d := range diffs {
		if i == 40 {
			t.Errorf("... and %d more", len(diffs)-40)
			break
		}
		t.Errorf("%s", d)
	}
	fmt.Printf("%s agreement: %d/%d\n", sch, same, total)
}

func (c *corpus) run(compiled *schematron.Compiled, file string) (string, bool) {
	d := c.doc(file)
	if d == nil {
		return "(not well-formed)", false
	}
	res, err := compiled.Validate(context.Background(), d)
	if err != nil {
		return "(error: " + err.Error() + ")", true
	}
	keys := make([]string, 0, len(res))
	for _, r := range res {
		k := conformance.Key(r.ID, r.EffectiveRole())
		if r.EvalError != "" {
			k += "(eval error: " + r.EvalError + ")"
		}
		keys = append(keys, k)
	}
	return conformance.SetString(keys), true
}

func officialNames(t *testing.T, spec string) []string {
	m, err := filepath.Glob(filepath.Join(spec, "sch", "*.sch"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no .sch files in %s", spec)
	}
	names := make([]string, len(m))
	for i, p := range m {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".sch")
	}
	return names
}

// TestOfficialAgreement runs the official .sch files through our engine.
func TestOfficialAgreement(t *testing.T) {
	c := loadCorpus(t)
	for _, name := range officialNames(t, c.spec) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(c.spec, "sch", name+".sch"))
			if err != nil {
				t.Fatal(err)
			}
			s, err := schematron.Parse(name+".sch", data)
			if err != nil {
				t.Fatal(err)
			}
			c.agree(t, name+".sch", s)
		})
	}
}

// TestPackAgreement runs our embedded packs and requires the official verdicts.
func TestPackAgreement(t *testing.T) {
	c := loadCorpus(t)
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	for _, name := range officialNames(t, c.spec) {
		t.Run(name, func(t *testing.T) {
			data, err := schemas.Rules.ReadFile("rules/edm-v1.0/" + name + ".yaml")
			if err != nil {
				t.Skipf("no embedded pack %s yet", name)
			}
			p, err := rulepack.Parse(name+".yaml", data, codes)
			if err != nil {
				t.Fatal(err)
			}
			c.agree(t, name+".sch", p.Schema)
		})
	}
}
