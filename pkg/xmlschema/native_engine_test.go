package xmlschema

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/schemas/structure"
)

// Unit tests of the native engine's parts: pattern translation, the
// content model checks, greedy matching, robustness.

func TestXSDPatterns(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`[A-Z]{2}\d?`, []string{"AB", "AB1"}, []string{"ab", "ABC", "AB12", ""}},
		{`0|1`, []string{"0", "1"}, []string{"01", "10", ""}}, // anchored as a whole
		{`^a$`, []string{"^a$"}, []string{"a"}},               // ^ and $ are characters
		{`.`, []string{"x", "é"}, []string{"\n", "\r", "xx"}},
		{`\i\c*`, []string{"a.b-c", ":a", "_1"}, []string{"1a", "-a", ""}},
		{`[a-z-[aeiou]]+`, []string{"bcd"}, []string{"abc", "BCD"}},
		{`[\d-[5]]`, []string{"4", "٣"}, []string{"5", "a"}},
		{`\p{Lu}+`, []string{"ÄB"}, []string{"aB"}},
		{`\P{L}`, []string{"1", "-"}, []string{"a"}},
		{`\s\S\w\W`, []string{" xa-"}, []string{"xxa-", " x--"}},
		{`[^a]`, []string{"b"}, []string{"a"}},
		{`a{2,3}`, []string{"aa", "aaa"}, []string{"a", "aaaa"}},
		{`(ab|cd)+`, []string{"abcd", "ab"}, []string{"abc", ""}},
		{`[\-\[\]]+`, []string{"-[]"}, []string{"a"}},
		{`\.\?\*\+\(\)\{\}\|\\`, []string{`.?*+(){}|\`}, []string{"x"}},
	}
	for _, tc := range tests {
		re, err := compileXSDPattern(tc.pattern)
		if err != nil {
			t.Errorf("%s: %v", tc.pattern, err)
			continue
		}
		for _, v := range tc.match {
			if !re.MatchString(v) {
				t.Errorf("%s should match %q", tc.pattern, v)
			}
		}
		for _, v := range tc.noMatch {
			if re.MatchString(v) {
				t.Errorf("%s should not match %q", tc.pattern, v)
			}
		}
	}
	for _, bad := range []string{"[a", "a{2", `\q`, "(a", `\p{IsBasicLatin}`, "a{1001}", "[]", "*a", "a)"} {
		if _, err := compileXSDPattern(bad); err == nil {
			t.Errorf("pattern %q should be refused", bad)
		}
	}
}

// TestContentModelChecks: models the greedy matcher could get wrong are
// refused when built, with their position.
func TestContentModelChecks(t *testing.T) {
	const head = "namespace x urn:x qualified\nentry e x\nelement x:E string\n"
	refused := map[string]string{
		"same element twice":      "type x:T\n  elem A string ?\n  elem A string\n",
		"choice with common head": "type x:T\n  choice\n    elem A string\n    seq\n      elem A string\n      elem B string\n",
		"wildcard and element":    "type x:T\n  any ##any *\n  elem x:E\n",
		"repeat of a repeatable":  "type x:T\n  seq 2\n    elem A string +\n",
		"counted repeat":          "type x:T\n  elem A string 2\n  elem A string ?\n",
	}
	for name, body := range refused {
		fsys := fstest.MapFS{"t.model": {Data: []byte(head + body)}}
		_, err := CompileModel(context.Background(), fsys, "e")
		if err == nil || !strings.Contains(err.Error(), "t.model:4") {
			t.Errorf("%s: want a refusal at t.model:4, got %v", name, err)
		}
	}
	accepted := "type x:T\n  seq *\n    elem A string\n    elem B string ?\n  choice 0..2\n    elem C string\n    elem D string\n  any ##other lax *\n"
	if _, err := CompileModel(context.Background(), fstest.MapFS{"t.model": {Data: []byte(head + accepted)}}, "e"); err != nil {
		t.Errorf("deterministic model refused: %v", err)
	}
}

// TestGreedyMatchesDerivatives: for every content model of the OOTS model
// and of the feature model, random child sequences are accepted by the
// greedy matcher exactly when the Brzozowski derivatives of the model
// (an independent, backtracking-free decision) accept them.
func TestGreedyMatchesDerivatives(t *testing.T) {
	var schemas []*nativeSchema
	for _, src := range []struct {
		fsys  fs.FS
		entry string
	}{
		{structure.FS, EntryEDM}, {structure.FS, EntryEbMS},
		{fstest.MapFS{"f.model": {Data: []byte(featureModel)}}, "feat"},
	} {
		s, err := compileNative(src.fsys, src.entry)
		if err != nil {
			t.Fatal(err)
		}
		schemas = append(schemas, s)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	checked := 0
	for _, s := range schemas {
		for _, td := range s.types {
			if td.complex && td.model != nil && !isAnyTypeX(td) {
				checked += checkGreedy(t, s, td, rng)
			}
		}
	}
	t.Logf("%d child sequences checked", checked)
}

func checkGreedy(t *testing.T, s *nativeSchema, td *xtype, rng *rand.Rand) int {
	var names []qname
	for q := range td.childIdx {
		names = append(names, q)
	}
	names = append(names, qname{"urn:foreign", "x"}, qname{"", "local"}, qname{td.name.ns, "Unknown"})
	for i := 0; i < 200; i++ {
		var seq []qname
		for n := rng.IntN(7); n > 0; n-- {
			seq = append(seq, names[rng.IntN(len(names))])
		}
		kids := elementsNamed(t, seq)
		for _, quirks := range []bool{true, false} {
			ns := *s
			ns.heliumQuirks = quirks
			model := ns.contentModel(td)
			m := matcher{r: &nativeRun{s: &ns}, kids: kids}
			n, ok := m.tryGroup(model, 0)
			greedy := ok && n == len(kids)
			r := fromNativeGroup(model)
			for _, k := range kids {
				r = derive(r, k, func(sym cmSym, el *helium.Element) bool {
					if sym.nwc != nil {
						return sym.nwc.admits(el.URI())
					}
					return !sym.ndecl.abstract && sym.ndecl.name == qname{el.URI(), el.LocalName()}
				})
			}
			if want := nullable(r); greedy != want {
				t.Errorf("%s (heliumQuirks=%v): children %v: greedy says %v, derivatives %v", clarkOfName(td.name), quirks, seq, greedy, want)
				return i
			}
		}
	}
	return 200
}

// elementsNamed parses elements with the given names under a dummy root.
func elementsNamed(t *testing.T, names []qname) []*helium.Element {
	var doc strings.Builder
	doc.WriteString("<root>")
	for i, q := range names {
		if q.ns == "" {
			fmt.Fprintf(&doc, "<%s/>", q.local)
		} else {
			fmt.Fprintf(&doc, `<p%d:%s xmlns:p%d="%s"/>`, i, q.local, i, q.ns)
		}
	}
	doc.WriteString("</root>")
	parsed := parseDoc(t, []byte(doc.String()))
	var kids []*helium.Element
	for c := parsed.DocumentElement().FirstChild(); c != nil; c = c.NextSibling() {
		if el, ok := c.(*helium.Element); ok {
			kids = append(kids, el)
		}
	}
	return kids
}

// FuzzNativeValidate: whatever the input, the native engine does not
// panic, and with heliumQuirks it gives helium's verdict on the generated
// XSD. Seeds: the test documents and the feature document.
func FuzzNativeValidate(f *testing.F) {
	for _, seed := range []string{typicalRequest, minimalRequest, featureDoc, `<eb:Messaging xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"/>`} {
		f.Add([]byte(seed))
	}
	pairs := routePairs(f)
	defaults := []*Schema{embeddedSchema(f), embeddedEbMSSchema(f)}
	f.Fuzz(func(t *testing.T, data []byte) {
		for i, p := range pairs {
			_ = defaults[i].ValidateBytes(context.Background(), data) // must not panic
			if diff, _ := engineDiff(p, data); strings.HasPrefix(diff, "verdict") {
				t.Errorf("%s: %s", p.name, diff)
			}
		}
	})
}
