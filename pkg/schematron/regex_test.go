package schematron

import (
	"math/rand/v2"
	"testing"

	"github.com/lestrrat-go/helium/xpath3"
)

// regexCases are the patterns of the rule packs and corner cases of the
// subset asciiRegex accepts; samples seed the subjects each is tried on.
var regexCases = []struct {
	pattern, flags string
	samples        []string
}{
	{`[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`, "i", []string{"urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0x"}},
	{`urn:uuid:[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`, "i", []string{"urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "URN:UUID:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f"}},
	{`urn:uuid:[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`, "", []string{"xurn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "urn:uuid:0F1E2D3C-4b5a-6978-8796-a5b4c3d2e1f0"}},
	{`^https://sr.oots.tech.europa.eu/distributions/`, "", []string{"https://sr.oots.tech.europa.eu/distributions/x", "https://srXoots.tech.europa.eu/distributions/"}},
	{`[0-9]{4}-[0-9]{2}-[0-9]{2}`, "i", []string{"2024-01-31", "x2024-1-31"}},
	{`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}`, "i", []string{"2024-01-31t12:00:00Z", "2024-01-31T12:00:0"}},
	{`[a-z]{2}/[a-z]{2}/[a-z0-9]{9}`, "i", []string{"BE/DE/123456789", "be/de/12345678"}},
	{`https://sr.oots.tech.europa.eu/evidencetypeclassifications/[a-z]{2}/[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`, "i", []string{"https://sr.oots.tech.europa.eu/evidencetypeclassifications/be/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}},
	{`.`, "s", []string{"", "\n", "a"}},
	{`.`, "", []string{"", "\n", "\r", "a", "\r\n"}},
	{`a.b`, "", []string{"a\nb", "axb", "a\rb"}},
	{`urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error`, "", []string{"urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"}},
	{`^https://`, "", []string{"https://x", " https://"}},
	{`^cid:[a-z0-9]*@[a-z0-9]*`, "", []string{"cid:abc@def", "cid:@", "cid:ab-c@d", "cid:ABC@d"}},
	{`^GET$`, "", []string{"GET", "GETS", "get"}},
	{`^GET$`, "i", []string{"GET", "GETS", "get", "gEt"}},
	{`@`, "", []string{"a@b", "ab"}},
	{`ks`, "i", []string{"KS", "kS", "ks"}},
	{`[k-s]+$`, "i", []string{"KLM", "xyzK", "q1"}},
	{`^a+bc*$`, "", []string{"aaabcc", "aabccc", "b", "abc"}},
	{`a{2,3}b`, "", []string{"aab", "aaaab", "ab"}},
	{`a{2,}-`, "", []string{"aa-", "a-", "aaaaa-"}},
	{`^$`, "", []string{"", "a"}},
	{`$`, "", []string{"", "abc"}},
	{`^`, "", []string{"", "abc"}},
	{``, "", []string{"", "abc"}},
	{`x?y`, "", []string{"y", "xy", "xxy", "x"}},
}

// TestASCIIRegexAgrees compares asciiRegex with xpath3's fn:matches regular
// expression on the samples and on random mutations of them.
func TestASCIIRegexAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "aAbBcCfFkKsSxXzZ019-:/@.T \n\r"
	for _, c := range regexCases {
		re, err := xpath3.CompileRegex(c.pattern, c.flags)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		fast := compileASCIIRegex(c.pattern, c.flags)
		if fast == nil {
			t.Errorf("%q (%s) is not compiled to an ASCII matcher", c.pattern, c.flags)
			continue
		}
		subjects := append([]string(nil), c.samples...)
		for range 2000 {
			s := []byte(c.samples[rng.IntN(len(c.samples))])
			for range 1 + rng.IntN(3) {
				switch i := rng.IntN(len(s) + 1); rng.IntN(3) {
				case 0: // insert
					s = append(s[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, s[i:]...)...)
				case 1: // replace
					if i < len(s) {
						s[i] = alphabet[rng.IntN(len(alphabet))]
					}
				default: // delete
					if i < len(s) {
						s = append(s[:i], s[i+1:]...)
					}
				}
			}
			subjects = append(subjects, string(s))
		}
		for _, s := range subjects {
			want, err := re.MatchString(s)
			if err != nil {
				t.Fatal(err)
			}
			if got := fast.match(s); got != want {
				t.Errorf("matches(%q, %q, %q): ASCII matcher says %v, XPath %v", s, c.pattern, c.flags, got, want)
			}
		}
	}
}

// TestASCIIRegexDeclines lists patterns outside the subset: they stay with
// the regular expression.
func TestASCIIRegexDeclines(t *testing.T) {
	for _, c := range []struct{ pattern, flags string }{
		{`a*a`, ""},          // greedy would need to give back
		{`[a-z]*[0-9a]`, ""}, // overlapping classes
		{`a*b?c`, ""},        // optional atom after a variable one
		{`\d+`, ""},
		{`[^a]`, ""},
		{`[a-]`, ""},
		{`a+?`, ""},
		{`(ab)+`, ""},
		{`a|b`, ""},
		{`a$b`, ""},
		{`a^`, ""},
		{`a\$`, ""},
		{`a`, "m"},
		{`a`, "x"},
		{`a`, "q"},
		{`é`, ""},
	} {
		if compileASCIIRegex(c.pattern, c.flags) != nil {
			t.Errorf("%q (%s) should stay with the regular expression", c.pattern, c.flags)
		}
	}
}
