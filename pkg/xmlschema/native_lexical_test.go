package xmlschema

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// The lexical spaces of the built-in types against libxml2's: for every
// built-in the model format offers, values from a list of edge cases and
// random strings over the type's alphabet are validated by xmllint (with the
// XSD the model generates) and by the native engine.

var lexicalTypes = []string{"string", "normalizedString", "token", "language", "Name", "NCName",
	"ID", "IDREF", "IDREFS", "NMTOKEN", "NMTOKENS", "QName", "anyURI", "base64Binary", "hexBinary",
	"boolean", "decimal", "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
	"negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort",
	"unsignedByte", "float", "double", "duration", "dateTime", "date", "time", "gYear", "gYearMonth",
	"gMonth", "gDay", "gMonthDay"}

var lexicalEdgeCases = []string{"", " ", "a", "a b", " a ", "1", "-1", "+1", "0", "00", "1.", ".1", ".", "1.5e3",
	"1E+2", "INF", "-INF", "+INF", "NaN", "-NaN", "true", "false", "TRUE", "2024-02-29", "2023-02-29",
	"2024-13-01", "0000-01-01", "-0001-01-01", "10000-01-01", "2024-01-01Z", "2024-01-01+14:00",
	"2024-01-01+14:01", "2024-01-01T24:00:00", "2024-01-01T24:00:01", "2024-01-01T23:59:60",
	"2024-01-01T12:00:00.5-05:00", "12:00:00", "12:00", "P1Y", "P", "PT", "P1D2H", "P1DT2H", "-P1M",
	"PT1.5S", "PT.5S", "P1.5Y", "2024", "2024-05", "--05", "---05", "--05-31", "--02-30", "--13",
	"AAAA", "AAA=", "AA==", "A", "QUJD\nRA==", "0a", "0G", "abc", "en", "en-GB", "english",
	"x:y", ":y", "x:", "1x", "_x", "a.b-c", "http://example.org/a b", "urn:x", "%20", "%zz", "a#b#c",
	"http://[::1]/", "http://h:99999999999/", "//host/path", "/abs", "a:b:c", "2024-03-14T09:26:53Z",
	"a^b", "a`b", "a\\b", "a|b", "a{b}", "<a>", "é", "ü:x", "#frag", "?q", "mailto:a@b",
	"12345678901234567890", "-9223372036854775809", "255", "256", "65536", "4294967296", "-128", "-129",
	"-0", "+0", "123456789012345678901234", "1234567890123456789012345", "0001234567890123456789012345",
	"1234567890123456789012.5", "12345678901234567890123.45", "1.23456789012345678901234567", "+.5", "-.5e-3",
	"1e", "1e+", "-1E-", "NaN ", "P1Y2M3DT4H5M6.7S", "P-1D", "PT0.S", "P99999999999999999999Y",
	"PT9223372036854775807S", "2024-01-01T12:00:00.", "2024-01-01T12:00:00.Z", "12:00:00.5",
	"9223372036854775807-01-01", "9223372036854775808", "2024-01-01T12:00:00+1:00", "2024-1-01",
	"a b  c", "x:y:z", "abc:", "é:x", "été", "a b", "http://a/b?c#d", "http://a:80/", "http://a:x/",
	"http://u@h/", "http://[v1.x]/", "http://[bad", "file:///C:/x", "../a", "./:a", "a/b:c", "//", "#", "?",
	"ab==", "ab=", "abc=", "abcd=", "a=bc", "AB=C", "QQ==", "QR==", "QUE=", "QUF=",
	" 1 ", "\t1\n", " true ", "\n  false\n", " 2024-01-01 ", " P1D ", " INF", "INF ", " NaN", " -INF ",
	" 1.5 ", " 1e3 ", " http://a/ ", " en ", " x:y ", " AAAA ", " 0a ", " --05 ", " 12:00:00 ",
	"\n 2024-01-01T00:00:00Z \n", " abc ", " a  b ", "  ", " P1D", "P1D ", "\nP1D", " 2024-01-01", "2024-01-01 ",
	" 12:00:00", " --05", " 2024", " 1", "1 ", " x:y", "x:y ", " a", "a ", "\tx:y", " 1.5e3", "1.5e3 ",
	" ---05", "---05 ", " --05-31", "--05-31 ", " 2024-05", "12:00:00 ", "--05 "}

const lexicalAlphabet = "0123456789+-.:TZPYMDHS eEINFaAbxz/#%?@_~[]!$&()*,;='"

func lexicalValues(rng *rand.Rand, n int) []string {
	values := append([]string{}, lexicalEdgeCases...)
	for len(values) < n {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = lexicalAlphabet[rng.IntN(len(lexicalAlphabet))]
		}
		values = append(values, string(b))
	}
	return values
}

func TestNativeBuiltinsXmllint(t *testing.T) {
	bin := xmllintPath(t)
	fsys := fstest.MapFS{"t.model": {Data: []byte(lexicalModel())}}
	dir := testDir(t)
	writeModelXSD(t, fsys, "lex", dir)
	native, err := CompileModel(context.Background(), fsys, "lex")
	if err != nil {
		t.Fatal(err)
	}
	n := len(lexicalEdgeCases) + 40
	if v, err := strconv.Atoi(os.Getenv("OOTS_LEXICAL_VALUES")); err == nil {
		n = v
	}
	values := lexicalValues(rand.New(rand.NewPCG(7, 8)), n)
	docs, labels := lexicalDocs(values)
	files := writeDocs(t, dir, docs)
	ref := xmllintVerdicts(t, bin, dir, "lex.xsd", files)
	bad := map[string]int{}
	for i, f := range files {
		if got := len(native.ValidateBytes(context.Background(), []byte(docs[i]))) == 0; got != ref[f] {
			if bad[labels[i]] < 5 {
				t.Errorf("%s: %s: native valid=%v, xmllint says %v", labels[i], docs[i], got, ref[f])
			}
			bad[labels[i]]++
		}
	}
	t.Logf("%d types x %d values compared; disagreements: %v", len(lexicalTypes), len(values), bad)
}

// lexicalModel declares each built-in directly, restricted without facets,
// restricted by a pattern (libxml2 then normalizes whitespace first), and
// as the base of simple content; as elements and as attributes.
func lexicalModel() string {
	var model strings.Builder
	model.WriteString("namespace t urn:test:t qualified\nentry lex t\n")
	for _, typ := range lexicalTypes {
		fmt.Fprintf(&model, "simple t:R_%s %s\nsimple t:P_%s %s pattern=.*\n", typ, typ, typ, typ)
		fmt.Fprintf(&model, "type t:X_%s extends %s\n  attr a string\n", typ, typ)
		for _, name := range []string{typ, "R_" + typ, "P_" + typ, "X_" + typ} {
			typeRef := "t:" + name
			if name == typ {
				typeRef = typ
			}
			fmt.Fprintf(&model, "element t:%s %s\n", name, typeRef)
		}
	}
	model.WriteString("element t:attrs\n")
	for _, typ := range lexicalTypes {
		fmt.Fprintf(&model, "  attr %s %s\n  attr R_%s t:R_%s\n  attr P_%s t:P_%s\n", typ, typ, typ, typ, typ, typ)
	}
	return model.String()
}

// lexicalDocs puts every value in every shape; labels say which shape.
func lexicalDocs(values []string) (docs, labels []string) {
	for _, typ := range lexicalTypes {
		shapes := []string{typ}
		if !testing.Short() {
			// A restriction without facets behaves as the built-in does
			// (checked once, not worth the time on every run).
			shapes = append(shapes, "P_"+typ, "X_"+typ)
		}
		for _, shape := range shapes {
			for _, v := range values {
				text := escapeText(v)
				docs = append(docs, fmt.Sprintf(`<t:%s xmlns:t="urn:test:t" xmlns:x="urn:x">%s</t:%s>`, shape, text, shape))
				labels = append(labels, "element "+shape)
				if shape[0] == 'X' {
					continue
				}
				docs = append(docs, fmt.Sprintf(`<t:attrs xmlns:t="urn:test:t" xmlns:x="urn:x" %s="%s"/>`, shape, strings.ReplaceAll(text, `"`, "&quot;")))
				labels = append(labels, "attribute "+shape)
			}
		}
	}
	return docs, labels
}

// TestASCIINameFastPath compares the table-driven check of ASCII names
// with the rune walk, on every string of up to two ASCII characters and on
// longer ones built from name-like characters.
func TestASCIINameFastPath(t *testing.T) {
	var cases []string
	for a := range 128 {
		cases = append(cases, string(rune(a)))
		for b := range 128 {
			cases = append(cases, string([]rune{rune(a), rune(b)}))
		}
	}
	cases = append(cases, "rim:StringValueType", "a:b:c", ":a", "a:", "-x", "x-1.2_b", "1abc", "é", "aé", "a b")
	for _, s := range cases {
		for _, mode := range [][2]bool{{false, false}, {true, false}, {true, true}} {
			got, ascii := asciiNameLike(s, mode[0], mode[1])
			if !ascii {
				continue
			}
			if want := runeNameLike(s, mode[0], mode[1]); got != want {
				t.Errorf("asciiNameLike(%q, colon=%v, token=%v) = %v, want %v", s, mode[0], mode[1], got, want)
			}
		}
	}
}
