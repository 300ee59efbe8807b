package edm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMediaTypeOf(t *testing.T) {
	for name, want := range map[string]string{"a.pdf": "application/pdf", "b.XML": "application/xml",
		"c.json": "application/json", "d.png": "image/png", "e.jpg": "image/jpeg", "f.jpeg": "image/jpeg"} {
		if got, err := MediaTypeOf(name); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %s", name, got, err, want)
		}
	}
	for _, name := range []string{"a.txt", "noext", "a.pdf.gz"} {
		if _, err := MediaTypeOf(name); err == nil || !strings.Contains(err.Error(), "unsupported") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestNewContentID(t *testing.T) {
	a, b := NewContentID(1), NewContentID(1)
	if a == b || !contentIDForm.MatchString(a) || !strings.HasPrefix(a, "evidence1") || !strings.HasSuffix(a, "@oots") {
		t.Errorf("content ids %q %q", a, b)
	}
}

func requestResponse(t *testing.T) *Response {
	t.Helper()
	req, err := os.ReadFile(filepath.Join("..", "..", "examples", "messages", "evidence-request.xml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ResponseFor(req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A PDF attached to the answer of the example request builds a valid
// response whose reference is the attachment's Content-ID.
func TestAttachBuildsValidResponse(t *testing.T) {
	r := requestResponse(t)
	atts := []Attachment{{Name: "birth.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}
	if err := r.Attach(atts); err != nil {
		t.Fatal(err)
	}
	xml, err := r.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := atts[0]
	if a.MediaType != "application/pdf" || !bytes.Contains(xml, []byte(`xlink:href="`+a.Ref()+`"`)) ||
		!bytes.Contains(xml, []byte("<sdg:Format>application/pdf</sdg:Format>")) {
		t.Errorf("attachment %+v not in the message:\n%s", a, xml)
	}
	if a.FileName() != a.ContentID+".pdf" {
		t.Errorf("file name %s", a.FileName())
	}
}

func TestAttachDistribution(t *testing.T) {
	const model = "https://sr.oots.tech.europa.eu/distributions/example-model"
	// The request's DistributedAs gives ConformsTo when the format matches.
	r := requestResponse(t)
	r.EvidenceType.DistributedAs = &Distribution{Format: "application/xml", ConformsTo: model}
	if err := r.Attach([]Attachment{{Name: "a.xml", Data: []byte("<a/>")}}); err != nil {
		t.Fatal(err)
	}
	if d := r.Evidences[0].Distribution; d.Format != "application/xml" || d.ConformsTo != model {
		t.Errorf("distribution %+v", d)
	}
	// A DistributedAs of another format is not the file's.
	r = requestResponse(t)
	var missing *MissingConformsToError
	if err := r.Attach([]Attachment{{Name: "a.json", Data: []byte("{}")}}); !errors.As(err, &missing) ||
		!strings.Contains(err.Error(), "conformsTo") {
		t.Errorf("json without conformsTo: %v", err)
	}
	// The description's distribution gives it.
	r = requestResponse(t)
	r.Evidences = []Evidence{{Distribution: &Distribution{ConformsTo: model}, Ref: "cid:mydoc1@provider.example"}}
	atts := []Attachment{{Name: "a.json", Data: []byte("{}")}}
	if err := r.Attach(atts); err != nil {
		t.Fatal(err)
	}
	if atts[0].ContentID != "mydoc1@provider.example" || r.Evidences[0].Distribution.ConformsTo != model {
		t.Errorf("kept ref %q, distribution %+v", atts[0].ContentID, r.Evidences[0].Distribution)
	}
	if _, err := r.Build(context.Background()); err != nil {
		t.Error(err)
	}
	// A format that is not the file's is refused.
	r = requestResponse(t)
	r.Evidences = []Evidence{{Distribution: &Distribution{Format: "application/pdf"}}}
	if err := r.Attach([]Attachment{{Name: "a.png"}}); err == nil || !strings.Contains(err.Error(), "image/png") {
		t.Errorf("format mismatch: %v", err)
	}
}

func TestAttachRefusals(t *testing.T) {
	r := requestResponse(t)
	r.Evidences = []Evidence{{}, {}}
	if err := r.Attach([]Attachment{{Name: "a.pdf"}}); err == nil || !strings.Contains(err.Error(), "2 evidences and 1 attachments") {
		t.Errorf("count mismatch: %v", err)
	}
	r.Evidences = []Evidence{{Ref: "cid:Bad_Ref@x/../y"}}
	if err := r.Attach([]Attachment{{Name: "a.pdf"}}); err == nil || !strings.Contains(err.Error(), "cannot name an attachment") {
		t.Errorf("bad ref: %v", err)
	}
	r.Evidences = []Evidence{{Ref: "cid:a1@x"}, {Ref: "cid:a1@x"}}
	if err := r.Attach([]Attachment{{Name: "a.pdf"}, {Name: "b.pdf"}}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
}

func TestWriteMIMERoundTrip(t *testing.T) {
	msg := []byte("<?xml version=\"1.0\"?><a/>")
	atts := []Attachment{{ContentID: "doc1@oots", MediaType: "application/pdf", Data: []byte("%PDF-1.4\r\n\x00\xff--binary")},
		{ContentID: "doc2@oots", MediaType: "image/png", Data: []byte("\x89PNG\r\n")}}
	var buf bytes.Buffer
	if err := WriteMIME(&buf, msg, atts); err != nil {
		t.Fatal(err)
	}
	tp := textproto.NewReader(bufio.NewReader(&buf))
	head, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(head.Get("Content-Type"))
	if err != nil || mt != "multipart/related" || params["start"] != "<message@oots>" {
		t.Fatalf("content type %q: %v", head.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(tp.R, params["boundary"])
	want := append([]Attachment{{ContentID: MIMEMessageID, MediaType: "application/xml; charset=UTF-8", Data: msg}}, atts...)
	for i := 0; ; i++ {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			if i != len(want) {
				t.Errorf("%d parts, want %d", i, len(want))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		w := want[i]
		if p.Header.Get("Content-ID") != "<"+w.ContentID+">" || p.Header.Get("Content-Type") != w.MediaType ||
			p.Header.Get("Content-Transfer-Encoding") != "binary" || !bytes.Equal(data, w.Data) {
			t.Errorf("part %d: %v %q", i, p.Header, data)
		}
	}
}
