package xmlschema

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const (
	officialEbMS = "ebms3/ebms-header-3_0-200704.xsd"
	// The header example every broken variant starts from.
	ebmsBase = "samples/as4/edm10-oots_request_header.xml"
)

// ebmsHeaders lists the eb:Messaging header samples (relative to the corpus).
func ebmsHeaders(t testing.TB, spec string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(spec, "samples", "as4", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples/as4/*.xml in %s: %v", spec, err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(spec, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	sort.Strings(rel)
	return rel
}

// ebmsVariant is a header broken on purpose, with a word its violation
// message must contain.
type ebmsVariant struct {
	name, want string
	doc        []byte
}

// ebmsBrokenVariants derives invalid headers from a valid sample, in
// memory.
func ebmsBrokenVariants(t testing.TB, spec string) []ebmsVariant {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(spec, ebmsBase))
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	edits := []struct {
		name, pattern, repl, want string
	}{
		{"no-message-info", `(?s)<eb:MessageInfo>.*?</eb:MessageInfo>`, ``, "eb:PartyInfo is not allowed here; expected eb:MessageInfo"},
		{"bad-timestamp", `<eb:Timestamp>[^<]*</eb:Timestamp>`, `<eb:Timestamp>yesterday</eb:Timestamp>`, "xs:dateTime"},
		{"empty-message-id", `<eb:MessageId>[^<]*</eb:MessageId>`, `<eb:MessageId></eb:MessageId>`, "eb:MessageId"},
		{"unknown-element", `</eb:CollaborationInfo>`, `</eb:CollaborationInfo><eb:Priority>high</eb:Priority>`, "eb:Priority is not allowed here"},
		{"property-without-name", `<eb:Property name="originalSender">`, `<eb:Property>`, "missing the required attribute name"},
		{"unknown-attribute", `<eb:UserMessage>`, `<eb:UserMessage priority="high">`, "attribute priority is not allowed"},
		{"wrong-namespace", `ebms/v3.0/ns/core/200704/`, `ebms/v3.0/ns/core/200705/`, "is not declared by the schema"},
	}
	var out []ebmsVariant
	for _, e := range edits {
		re := regexp.MustCompile(e.pattern)
		if !re.MatchString(src) {
			t.Fatalf("variant %s: pattern %q not found in %s", e.name, e.pattern, ebmsBase)
		}
		out = append(out, ebmsVariant{name: e.name, want: e.want, doc: []byte(re.ReplaceAllString(src, e.repl))})
	}
	return out
}

func officialEbMSSchema(t testing.TB, spec string) *Schema {
	t.Helper()
	s, err := CompileFS(context.Background(), os.DirFS(filepath.Join(spec, "xsd")), officialEbMS)
	if err != nil {
		t.Fatalf("compile official ebMS header schema: %v", err)
	}
	return s
}

// TestEbMSHeaders: every eb:Messaging sample is valid (as xmllint says),
// and every broken variant is invalid with the expected diagnostic, on the
// official route and on the embedded model.
func TestEbMSHeaders(t *testing.T) {
	spec := specDir(t)
	routes := map[string]*Schema{
		"official": officialEbMSSchema(t, spec),
		"embedded": embeddedEbMSSchema(t),
	}
	for name, s := range routes {
		for _, rel := range ebmsHeaders(t, spec) {
			if ok, vs := verdict(t, s, spec, rel); !ok {
				t.Errorf("%s route: %s: want valid, got %v", name, rel, vs)
			}
		}
		for _, v := range ebmsBrokenVariants(t, spec) {
			vs := s.ValidateBytes(context.Background(), v.doc)
			if len(vs) == 0 {
				t.Errorf("%s route: variant %s: want invalid, got valid", name, v.name)
				continue
			}
			if !strings.Contains(vs[0].Message, v.want) {
				t.Errorf("%s route: variant %s: message %q does not mention %q", name, v.name, vs[0].Message, v.want)
			}
		}
	}
}

// TestEmbeddedEbMSRejectsEDM: the ebMS schema knows no RegRep roots and
// the EDM schema no eb:Messaging, so a message handed to the wrong one is
// rejected at its root.
func TestEmbeddedEbMSRejectsEDM(t *testing.T) {
	ebms := embeddedEbMSSchema(t)
	edm := embeddedSchema(t)
	ctx := context.Background()
	if vs := ebms.ValidateBytes(ctx, []byte(minimalRequest)); len(vs) == 0 || !strings.Contains(vs[0].Message, "root element query:QueryRequest is not declared") {
		t.Errorf("ebMS schema on a query request: %v", vs)
	}
	header := `<eb:Messaging xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"/>`
	if vs := ebms.ValidateBytes(ctx, []byte(header)); len(vs) != 0 {
		t.Errorf("empty eb:Messaging should be valid: %v", vs)
	}
	if vs := edm.ValidateBytes(ctx, []byte(header)); len(vs) == 0 {
		t.Error("EDM schema accepted eb:Messaging")
	}
}

// TestEmbeddedSOAPEnvelope: SOAP 1.2 envelopes validate their header
// blocks: a declared eb:Messaging inside is checked, unknown blocks pass.
func TestEmbeddedSOAPEnvelope(t *testing.T) {
	s := embeddedEbMSSchema(t)
	ctx := context.Background()
	env := func(header string) []byte {
		return []byte(`<S12:Envelope xmlns:S12="http://www.w3.org/2003/05/soap-envelope"` +
			` xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/">` +
			`<S12:Header>` + header + `</S12:Header><S12:Body/></S12:Envelope>`)
	}
	if vs := s.ValidateBytes(ctx, env(`<x:Other xmlns:x="urn:x"><x:y/></x:Other>`)); len(vs) != 0 {
		t.Errorf("unknown header block should pass (lax): %v", vs)
	}
	if vs := s.ValidateBytes(ctx, env(`<eb:Messaging S12:mustUnderstand="true"/>`)); len(vs) != 0 {
		t.Errorf("empty eb:Messaging with mustUnderstand: %v", vs)
	}
	vs := s.ValidateBytes(ctx, env(`<eb:Messaging S12:mustUnderstand="maybe"/>`))
	if len(vs) == 0 || !strings.Contains(vs[0].Message, "mustUnderstand") {
		t.Errorf("bad mustUnderstand value: %v", vs)
	}
	vs = s.ValidateBytes(ctx, env(`<eb:Messaging><eb:UserMessage/></eb:Messaging>`))
	if len(vs) == 0 || !strings.Contains(vs[0].Message, "eb:UserMessage is missing a child element; expected eb:MessageInfo") {
		t.Errorf("incomplete UserMessage inside an envelope: %v", vs)
	}
	noBody := []byte(`<S12:Envelope xmlns:S12="http://www.w3.org/2003/05/soap-envelope"><S12:Header/></S12:Envelope>`)
	if vs := s.ValidateBytes(ctx, noBody); len(vs) == 0 {
		t.Error("an envelope without Body must be invalid")
	}
}
