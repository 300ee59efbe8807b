package xmlwrite

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDocument(t *testing.T) {
	root := El("a:root",
		TextEl("a:name", `Tom & "Jerry" <3 it's`),
		TextEl("a:empty", ""), // skipped
		El("a:item").Attr("v", "x\ty\nz\"").Attr("skipped", ""),
		nil,
	)
	got := string(Document(root, Attr{"xmlns:a", "urn:a"}))
	want := `<?xml version="1.0" encoding="UTF-8"?>
<a:root xmlns:a="urn:a">
    <a:name>Tom &amp; "Jerry" &lt;3 it's</a:name>
    <a:item v="x&#x9;y&#xA;z&quot;"/>
</a:root>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestInvalidCharactersBecomeReplacement(t *testing.T) {
	got := string(Document(TextEl("x", "a\x00b\x1fc\r")))
	if !strings.Contains(got, "<x>a\uFFFDb\uFFFDc&#xD;</x>") {
		t.Errorf("got %q", got)
	}
}

func TestDocumentDoesNotChangeRoot(t *testing.T) {
	root := El("r")
	Document(root, Attr{"xmlns:a", "urn:a"})
	if got := string(Document(root)); strings.Contains(got, "xmlns") {
		t.Errorf("declarations leaked into the root: %s", got)
	}
}

func TestWriteCanonical(t *testing.T) {
	var b bytes.Buffer
	WriteCanonical(&b, "a>b\"c\td\ne\r&<", true)
	b.WriteString("|")
	WriteCanonical(&b, "a>b\"c\td\ne\r&<", false)
	want := "a>b&quot;c&#x9;d&#xA;e&#xD;&amp;&lt;|a&gt;b\"c\td\ne&#xD;&amp;&lt;"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// escapeRuneByRune is the escaping rule stated one character at a time,
// the definition writeEscaped must keep while copying runs whole.
func escapeRuneByRune(s string, inAttr, gtInAttr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>' && (!inAttr || gtInAttr):
			b.WriteString("&gt;")
		case r == '"' && inAttr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' && inAttr:
			b.WriteString("&#xA;")
		case r == '\t' && inAttr:
			b.WriteString("&#x9;")
		case !xmlChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzEscapeMatchesDefinition(f *testing.F) {
	for _, s := range []string{"", "plain", `a&b<c>d"e'f`, "t\tn\nr\r", "\x00\x01\x1f\x7f", "é€😀", "\xff\xfe", "\xed\xa0\x80",
		"\uFFFD\uFFFE\uFFFF", "\xe2\x82", "mixed <é> & \x00 \"ok\" \xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range [][2]bool{{false, false}, {true, false}, {true, true}} {
			var b bytes.Buffer
			writeEscaped(&b, s, mode[0], mode[1])
			if want := escapeRuneByRune(s, mode[0], mode[1]); b.String() != want {
				t.Fatalf("writeEscaped(%q, attr=%v, gt=%v) = %q, want %q", s, mode[0], mode[1], b.String(), want)
			}
			if !mode[1] {
				var bb bytes.Buffer
				WriteCanonicalBytes(&bb, []byte(s), mode[0])
				if bb.String() != b.String() {
					t.Fatalf("WriteCanonicalBytes(%q, attr=%v) = %q, want %q", s, mode[0], bb.String(), b.String())
				}
			}
		}
	})
}

// BenchmarkEscape escapes text typical of messages: long runs of plain
// characters with a few that need an escape and some non-ASCII ones.
func BenchmarkEscape(b *testing.B) {
	s := strings.Repeat("Évidence for \"Tom & Jerry\" <ok> urn:oasis:names:tc:ebcore:partyid-type ", 40)
	var buf bytes.Buffer
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf.Reset()
		WriteCanonical(&buf, s, false)
		WriteCanonical(&buf, s, true)
	}
}
