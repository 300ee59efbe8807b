package xmldoc_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// dumpTree writes everything of a tree the rest of oots can observe: node
// kinds and order, names, namespaces (active and declared), attributes with
// their child nodes, text, element lines, the document's declaration
// properties and its ID table.
func dumpTree(doc *helium.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "doc version=%q encoding=%q standalone=%d properties=%d\n",
		doc.Version(), doc.RawEncoding(), doc.Standalone(), doc.Properties())
	var ids []string
	for id, e := range doc.IDTable() {
		ids = append(ids, id+"→"+e.Name())
	}
	sort.Strings(ids)
	fmt.Fprintf(&b, "ids %q\n", ids)
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		dumpNode(&b, c, "")
	}
	return b.String()
}

func dumpNode(b *strings.Builder, n helium.Node, indent string) {
	e, ok := n.(*helium.Element)
	if !ok {
		fmt.Fprintf(b, "%s%T %q line=%d\n", indent, n, n.Content(), n.Line())
		return
	}
	fmt.Fprintf(b, "%selement %s local=%s prefix=%q uri=%q line=%d\n", indent, e.Name(), e.LocalName(), e.Prefix(), e.URI(), e.Line())
	for _, ns := range e.Namespaces() {
		fmt.Fprintf(b, "%s  xmlns %q=%q\n", indent, ns.Prefix(), ns.URI())
	}
	for _, a := range e.Attributes() {
		fmt.Fprintf(b, "%s  attr %s local=%s prefix=%q uri=%q value=%q line=%d children:", indent, a.Name(), a.LocalName(), a.Prefix(), a.URI(), a.Value(), a.Line())
		for c := a.FirstChild(); c != nil; c = c.NextSibling() {
			fmt.Fprintf(b, " %T(%q)", c, c.Content())
		}
		b.WriteByte('\n')
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		dumpNode(b, c, indent+"  ")
	}
}

// compareRoutes parses data both ways. When the fast path takes the
// document, helium must accept it too and build the same tree.
func compareRoutes(t *testing.T, name string, data []byte, lim xmldoc.Limits) (fast bool) {
	t.Helper()
	fastDoc, ok := xmldoc.ParseFast(data, lim.MaxDepth)
	if !ok {
		return false
	}
	defer fastDoc.Free()
	slowDoc, err := xmldoc.ParseHelium(context.Background(), data, lim)
	if err != nil {
		t.Errorf("%s: the fast path accepted a document helium refuses: %v", name, err)
		return true
	}
	defer slowDoc.Free()
	if got, want := dumpTree(fastDoc), dumpTree(slowDoc); got != want {
		t.Errorf("%s: trees differ\n%s", name, firstDifference(got, want))
	}
	return true
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d\n fast:   %s\n helium: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(g), len(w))
}

// TestFastPathMatchesHelium runs every XML file of the shared corpus (the
// real samples and the rule mutants) and of this repository through both
// routes. Most of them must take the fast path, or it is not worth its
// code; every one it takes must give helium's tree.
func TestFastPathMatchesHelium(t *testing.T) {
	var roots []string
	if spec, ok := conformance.SpecDir(); ok {
		roots = append(roots, spec)
	}
	roots = append(roots, filepath.Join("..", ".."))
	total, fast := 0, 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".xml") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			total++
			if compareRoutes(t, path, data, xmldoc.DefaultLimits) {
				fast++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of %d files took the fast path", fast, total)
	if total < 50 || fast*10 < total*9 {
		t.Errorf("only %d of %d files took the fast path", fast, total)
	}
}

// fastCases are the corners of the fast path: each either takes it with
// helium's tree, or leaves it to helium.
var fastCases = []string{
	`<a/>`,
	`<a></a>`,
	"<a\n b='1'\n>x &amp; y&#65;z&#x1F600;<!--c-->w<![CDATA[q<&]]>r</a>",
	"<?xml version=\"1.0\"?>\n<!-- top -->\n<a xmlns='u' xmlns:p='v' p:b='x&amp;y\tz\nw' c=\"&lt;\"><p:c/>\n</a>\n<!-- after -->\n",
	"\xef\xbb\xbf<a xml:id='i1' xml:lang='fr'/>",
	"<?xml version='1.0' encoding='UTF-8' standalone='yes'?><a b='x&#9;y&#10;z&#13;&quot;&apos;&gt;'>  <b/>t</a>  ",
	`<?xml version="1.0" encoding="utf-8" standalone="no" ?><a/>`,
	`<?xml version="1.0" standalone="yes"?><a/>`,
	`<a xmlns="u"><b xmlns=""><c/></b></a>`,
	`<p:a xmlns:p="u"><p:b xmlns:p="v" p:x="1"/></p:a>`,
	`<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`,
	`<a x="1" x="2"/>`,
	`<a xmlns:p="u" xmlns:p="v"/>`,
	`<a xmlns:p=""/>`,
	`<p:a/>`,
	`<a p:x="1"/>`,
	`<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>`,
	`<a><b></a></b>`,
	`<a>]]></a>`,
	`<a><!-- x -- y --></a>`,
	`<a><!-- x ---></a>`,
	"<a>\x01</a>",
	"<a>\xff</a>",
	"<a>\xef\xbf\xbe</a>",
	"<a>\r\n</a>",
	`<a>&#0;</a>`,
	`<a>&#xD800;</a>`,
	`<a>&unknown;</a>`,
	`<a>&#X41;</a>`,
	`<a b="<"/>`,
	`<a b=c/>`,
	`<a b="1"c="2"/>`,
	`<a/><b/>`,
	`<a/>text`,
	`text<a/>`,
	`<?xml version="1.1"?><a/>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	`<?xml-stylesheet href="x"?><a/>`,
	`<a><?pi x?></a>`,
	`<a:b:c/>`,
	`<:a/>`,
	`<a: xmlns:a="u"/>`,
	`<1a/>`,
	"<é/>",
	"<a b='é'>é</a>",
	`<a></a >`,
	`<a></a b>`,
	`<a`,
	`<a>`,
	``,
	`<!-- only -->`,
}

func TestFastPathCorners(t *testing.T) {
	for i, c := range fastCases {
		compareRoutes(t, fmt.Sprintf("case %d %q", i, c), []byte(c), xmldoc.DefaultLimits)
	}
	// The everyday constructs must take the fast path.
	for _, c := range fastCases[:10] {
		if _, ok := xmldoc.ParseFast([]byte(c), 256); !ok {
			t.Errorf("%q left to helium", c)
		}
	}
	deep := strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)
	if _, ok := xmldoc.ParseFast([]byte(deep), 256); ok {
		t.Error("the fast path took a document deeper than the limit")
	}
	// Its linear scans are bounded: many attributes or declarations go to helium.
	var attrs, decls strings.Builder
	for i := range 100 {
		fmt.Fprintf(&attrs, ` a%d="%d"`, i, i)
		fmt.Fprintf(&decls, `<p%d:e xmlns:p%d="urn:%d">`, i%2, i%2, i)
	}
	for name, doc := range map[string]string{
		"100 attributes":   "<e" + attrs.String() + "/>",
		"200 declarations": decls.String() + decls.String() + strings.Repeat("</p1:e></p0:e>", 100),
	} {
		if _, ok := xmldoc.ParseFast([]byte(doc), 256); ok {
			t.Errorf("%s: taken by the fast path", name)
		}
		if _, err := xmldoc.Parse(context.Background(), []byte(doc), xmldoc.DefaultLimits); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzFastPath(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c))
	}
	if envelope, err := os.ReadFile(filepath.Join("testdata", "as4-envelope.xml")); err == nil {
		f.Add(envelope)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareRoutes(t, "input", data, xmldoc.Limits{MaxBytes: 1 << 16, MaxDepth: 64})
	})
}

// TestFastPathEnvelope checks that the signed AS4 envelope of the benchmark
// takes the fast path and gets the tree helium builds.
func TestFastPathEnvelope(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "as4-envelope.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !compareRoutes(t, "as4-envelope.xml", data, xmldoc.DefaultLimits) {
		t.Error("the fast path refuses the AS4 envelope")
	}
}
