package xmlschema

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// A small two-namespace schema set written for these tests. The root
// imports the library by a published-looking URL, which must be mapped to
// the local copy by its file name.
const (
	testRootXSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:lib="urn:test:lib"
    xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" vc:minVersion="1.1"
    targetNamespace="urn:test:root" elementFormDefault="qualified">
  <xs:import namespace="urn:test:lib" schemaLocation="IMPORT"/>
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence><xs:element ref="lib:amount"/></xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>`
	testLibXSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:lib">
  <xs:element name="amount" type="xs:int"/>
</xs:schema>`
	testOtherXSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:other">
  <xs:element name="note" type="xs:string"/>
</xs:schema>`
)

func testSchemaFS(importLocation string) fstest.MapFS {
	return fstest.MapFS{
		"main/root.xsd":  {Data: []byte(strings.Replace(testRootXSD, "IMPORT", importLocation, 1))},
		"lib/amount.xsd": {Data: []byte(testLibXSD)},
		"lib/other.xsd":  {Data: []byte(testOtherXSD)},
	}
}

const testOrder = `<order xmlns="urn:test:root" xmlns:lib="urn:test:lib"><lib:amount>%s</lib:amount></order>`

func TestCompileFSResolvesReferences(t *testing.T) {
	for _, loc := range []string{
		"../lib/amount.xsd",                          // relative, leaving the folder of the root
		"http://example.org/published/v1/amount.xsd", // remote: mapped by file name
		"https://example.org/amount.xsd",
	} {
		t.Run(loc, func(t *testing.T) {
			s, err := CompileFS(context.Background(), testSchemaFS(loc), "main/root.xsd")
			if err != nil {
				t.Fatal(err)
			}
			// The root says vc:minVersion="1.1": had it been skipped as an XSD
			// 1.0 processor honouring vc would, "order" would be undeclared.
			if vs := s.ValidateBytes(context.Background(), []byte(strings.Replace(testOrder, "%s", "42", 1))); vs != nil {
				t.Errorf("valid order rejected: %+v", vs)
			}
			vs := s.ValidateBytes(context.Background(), []byte(strings.Replace(testOrder, "%s", "many", 1)))
			if len(vs) != 1 || !strings.Contains(vs[0].Message, `"many" is not a valid xs:int value`) {
				t.Errorf("invalid amount: got %+v", vs)
			}
		})
	}
}

func TestCompileFSErrors(t *testing.T) {
	tests := []struct {
		name, root, location, want string
	}{
		{"remote without local copy", "main/root.xsd", "http://example.org/schemas/money.xsd", `no local copy named "money.xsd"`},
		{"missing relative file", "main/root.xsd", "amount.xsd", "main/amount.xsd does not exist"},
		{"escape from the folder", "main/root.xsd", "../../amount.xsd", "outside the schema folder"},
		{"other scheme", "main/root.xsd", "ftp://example.org/amount.xsd", "only relative paths and http(s) URLs"},
		{"missing root", "main/nothing.xsd", "../lib/amount.xsd", "main/nothing.xsd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CompileFS(context.Background(), testSchemaFS(tc.location), tc.root)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error mentioning %q, got %v", tc.want, err)
			}
		})
	}
}

func TestCompileFSAmbiguousRemote(t *testing.T) {
	fsys := testSchemaFS("http://example.org/amount.xsd")
	fsys["copy/amount.xsd"] = &fstest.MapFile{Data: []byte(testLibXSD)}
	_, err := CompileFS(context.Background(), fsys, "main/root.xsd")
	if err == nil || !strings.Contains(err.Error(), "several local copies") {
		t.Fatalf("want an ambiguity error, got %v", err)
	}
}

func TestCompileFSBrokenSchema(t *testing.T) {
	fsys := fstest.MapFS{"bad.xsd": {Data: []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="a" type="xs:nosuchtype"/>
</xs:schema>`)}}
	_, err := CompileFS(context.Background(), fsys, "bad.xsd")
	if err == nil || !strings.Contains(err.Error(), "nosuchtype") {
		t.Fatalf("want a compile error naming the bad type, got %v", err)
	}
}

// TestSchemaLocationHintsIgnored: like xmllint --schema, an instance's
// xsi:schemaLocation never brings in another schema, even one present in
// the source folder: helium only ever sees the documents of the compiled
// set.
func TestSchemaLocationHintsIgnored(t *testing.T) {
	s, err := CompileFS(context.Background(), testSchemaFS("../lib/amount.xsd"), "main/root.xsd")
	if err != nil {
		t.Fatal(err)
	}
	for _, hint := range []string{"oots-schema:/lib/other.xsd", "../lib/other.xsd", "http://example.org/other.xsd"} {
		doc := `<note xmlns="urn:test:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:test:other ` + hint + `">hello</note>`
		vs := s.ValidateBytes(context.Background(), []byte(doc))
		if len(vs) != 1 || !strings.Contains(vs[0].Message, "is not declared by the schema") {
			t.Errorf("hint %s: want the undeclared-root violation, got %+v", hint, vs)
		}
	}
}

// TestCompileFSOfficialRemoteLocations compiles the official driver with its
// original OASIS schemaLocations (as published, before the corpus made them
// local), from an in-memory copy of the corpus schema folder.
func TestCompileFSOfficialRemoteLocations(t *testing.T) {
	spec := specDir(t)
	fsys := fstest.MapFS{}
	root := filepath.Join(spec, "xsd")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	driver := string(fsys[officialDriver].Data)
	driver = strings.ReplaceAll(driver, `schemaLocation="../regrep4/`, `schemaLocation="http://docs.oasis-open.org/regrep/regrep-core/v4.0/os/xsd/`)
	if !strings.Contains(driver, "http://docs.oasis-open.org/") {
		t.Fatal("driver locations not rewritten")
	}
	fsys[officialDriver] = &fstest.MapFile{Data: []byte(driver)}
	s, err := CompileFS(context.Background(), fsys, officialDriver)
	if err != nil {
		t.Fatal(err)
	}
	if vs := s.ValidateBytes(context.Background(), []byte(typicalRequest)); vs != nil {
		t.Errorf("typical request rejected: %+v", vs)
	}
	delete(fsys, "regrep4/rim.xsd")
	if _, err := CompileFS(context.Background(), fsys, officialDriver); err == nil || !strings.Contains(err.Error(), "network access is disabled") {
		t.Errorf("without a local rim.xsd: want a clear error, got %v", err)
	}
}

// TestMemFSSealed: once sealed, the in-memory FS serves nothing, so helium
// cannot recompile even the compiled set's own documents for an instance
// hint at validation time.
func TestMemFSSealed(t *testing.T) {
	m := &memFS{files: map[string][]byte{"a.xsd": []byte("<x/>")}}
	f, err := m.Open(memScheme + "a.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if info, err := f.Stat(); err != nil || info.Size() != 4 || info.Name() != "a.xsd" {
		t.Errorf("stat: %v %v", info, err)
	}
	_ = f.Close()
	for _, name := range []string{"a.xsd", memScheme + "b.xsd"} {
		if _, err := m.Open(name); err == nil {
			t.Errorf("open %s: want an error", name)
		}
	}
	m.sealed.Store(true)
	if _, err := m.Open(memScheme + "a.xsd"); err == nil {
		t.Error("sealed FS still serves files")
	}
}
