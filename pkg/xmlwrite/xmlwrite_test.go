package xmlwrite

import (
	"bytes"
	"strings"
	"testing"
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
