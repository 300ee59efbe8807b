package rulepack_test

import (
	"fmt"
	"testing"

	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/rulepack"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/schemas"
)

// everyKind has one check of each declarative kind, in both bindings' shape.
const everyKind = `pack: ALL
kind: test
binding: %s
rules:
  - at: /node()
    checks:
      - {id: ROOT, root: QueryRequest, message: m}
      - {id: ROOT-NS, root-namespace: 'urn:x', message: m}
  - at: query:QueryRequest[@id]/rim:Slot[@name='A']/rim:SlotValue
    pattern: p
    checks:
      - {id: SLOT, slot: X, message: m}
      - {id: SLOT-MIN, slot: X, min: 1, max: 2, message: m}
      - {id: VALUE-TYPE, value-type: StringValueType, message: m}
      - {id: HAS, has: [sdg:Agent, rim:Value], has-not: sdg:Name, message: m}
      - {id: ATTR, attribute: '@schemeID', message: m}
      - {id: EQUALS, equals: {of: rim:Value, value: "it's"}, message: m}
      - {id: ONE-OF, one-of: {of: '@status', values: [a, b]}, message: 'value {@status} at {name()}'}
      - {id: PATTERN, pattern: {of: ., regex: '^https://', flags: i, normalize: true}, message: m}
      - {id: NOT-EMPTY, not-empty: sdg:Type, message: m}
      - {id: COUNT, count: {of: sdg:Title, min: 1, max: 2}, message: m}
      - {id: COUNT-EQ, count: {of: sdg:Title, equals: 1}, message: m}
      - {id: CODELIST, codelist: {list: LanguageCode, of: '@lang'}, message: m}
      - {id: IN, in: {of: ., values: [x, y]}, message: m}
  - at: rim:Slot
    pattern: p
    checks:
      - {id: ONLY, only-slots: [A, B], message: m}
`

// TestDeclarativeChecksAreNative keeps the rule pack compiler and the native
// engine in step: every declarative check kind and rule context the packs
// use must compile to native code, so only hand-written xpath checks can
// ever fall back to XPath evaluation.
func TestDeclarativeChecksAreNative(t *testing.T) {
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	for _, binding := range []string{"xpath1", "xpath2"} {
		p, err := rulepack.Parse("all.yaml", []byte(fmt.Sprintf(everyKind, binding)), codes)
		if err != nil {
			t.Fatal(err)
		}
		c, err := schematron.Compile(p.Schema)
		if err != nil {
			t.Fatal(err)
		}
		cov := c.Coverage()
		if len(cov.XPathContexts) > 0 || len(cov.XPathTests) > 0 {
			t.Errorf("%s: left to XPath: contexts %q, tests %q", binding, cov.XPathContexts, cov.XPathTests)
		}
	}
}

// TestPacksAreMostlyNative reports, per embedded pack, what stays on XPath:
// only checks written as xpath may.
func TestPacksAreMostlyNative(t *testing.T) {
	codes := codelist.NewSet(schemas.Codelists, "codelists")
	packs, err := rulepack.LoadDir(schemas.Rules, "rules/edm-v1.0", codes)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packs {
		c, err := schematron.Compile(p.Schema)
		if err != nil {
			t.Fatal(err)
		}
		cov := c.Coverage()
		if len(cov.XPathContexts) > 0 {
			t.Errorf("%s: contexts left to XPath: %q", p.Name, cov.XPathContexts)
		}
		t.Logf("%s: %d/%d tests native, XPath: %q", p.Name, cov.NativeTests, cov.Tests, cov.XPathTests)
	}
}
