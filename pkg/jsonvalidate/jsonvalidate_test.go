package jsonvalidate

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oots-tools/oots/pkg/report"
)

const exampleDir = "../../examples/json"

// write creates files in a fresh temporary folder and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func compile(t *testing.T, path string) *Schema {
	t.Helper()
	s, err := Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// one asserts exactly one finding and returns it.
func one(t *testing.T, fs []report.Finding) report.Finding {
	t.Helper()
	if len(fs) != 1 {
		for _, f := range fs {
			t.Logf("  %+v", f)
		}
		t.Fatalf("%d findings, want 1", len(fs))
	}
	return fs[0]
}

const personSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["name", "age"],
  "properties": {
    "name": {"type": "string"},
    "age": {"type": "integer", "minimum": 0},
    "tags": {"type": "array", "items": {"type": "string"}}
  }
}`

func TestExample(t *testing.T) {
	s := compile(t, filepath.Join(exampleDir, "diploma.schema.json"))
	data, err := os.ReadFile(filepath.Join(exampleDir, "diploma.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := s.Validate("diploma.json", data); len(fs) != 0 {
		t.Fatalf("example is invalid: %+v", fs)
	}
	// A wrong type in the root schema, and a bad date through the $ref to
	// person.schema.json (resolved under the $id, served from the folder).
	bad := bytes.Replace(data, []byte(`"eqfLevel": 4`), []byte(`"eqfLevel": "4"`), 1)
	bad = bytes.Replace(bad, []byte(`"1970-03-01"`), []byte(`"1970-13-01"`), 1)
	fs := s.Validate("diploma.json", bad)
	if len(fs) != 2 {
		t.Fatalf("findings = %+v, want 2", fs)
	}
	want := []struct{ loc, rule, source string }{
		{"/subject/dateOfBirth", "format", "person.schema.json#/$defs/naturalPerson/properties/dateOfBirth/format"},
		{"/qualification/eqfLevel", "type", "diploma.schema.json#/properties/qualification/properties/eqfLevel/type"},
	}
	for i, w := range want {
		f := fs[i]
		if f.Location != w.loc || f.Rule != w.rule || f.Source != w.source || f.Layer != LayerJSONSchema {
			t.Errorf("finding %d = %+v, want %+v", i, f, w)
		}
		if line := lineOf(t, bad, strings.TrimPrefix(w.loc[strings.LastIndexByte(w.loc, '/'):], "/")); f.Line != line {
			t.Errorf("%s: line %d, want %d", w.loc, f.Line, line)
		}
	}
}

// lineOf is the line of the first "key": in data.
func lineOf(t *testing.T, data []byte, key string) int {
	t.Helper()
	i := bytes.Index(data, []byte(`"`+key+`":`))
	if i < 0 {
		t.Fatalf("%q not in data", key)
	}
	return 1 + bytes.Count(data[:i], []byte("\n"))
}

func TestValidate(t *testing.T) {
	dir := write(t, map[string]string{"person.schema.json": personSchema})
	s := compile(t, filepath.Join(dir, "person.schema.json"))
	cases := []struct {
		name, doc            string
		rule, location, text string
		line                 int
	}{
		{name: "valid", doc: `{"name": "Ann", "age": 30, "tags": ["a"]}`},
		{name: "invalid type", doc: "{\n  \"name\": \"Ann\",\n  \"age\": \"thirty\"\n}",
			rule: "type", location: "/age", line: 3, text: "expected integer"},
		{name: "missing required", doc: "\n\n{\"name\": \"Ann\"}",
			rule: "required", location: "", line: 3, text: "age"},
		{name: "array item", doc: "{\"name\": \"Ann\", \"age\": 1,\n \"tags\": [\"a\",\n 7]}",
			rule: "type", location: "/tags/1", line: 3},
		{name: "minimum", doc: "{\"name\": \"Ann\",\n\"age\": -1}",
			rule: "minimum", location: "/age", line: 2},
		{name: "big integer stays integer", doc: `{"name": "Ann", "age": 123456789012345678901234567890}`},
		{name: "byte order mark", doc: "\xef\xbb\xbf{\"name\": \"Ann\", \"age\": 3}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := s.Validate("doc.json", []byte(c.doc))
			if c.rule == "" {
				if len(fs) != 0 {
					t.Fatalf("findings = %+v, want none", fs)
				}
				return
			}
			f := one(t, fs)
			if f.Layer != LayerJSONSchema || f.Severity != report.SeverityError || f.Rule != c.rule ||
				f.Location != c.location || f.Line != c.line || !strings.Contains(f.Message, c.text) {
				t.Errorf("finding = %+v, want rule %s at %q line %d mentioning %q", f, c.rule, c.location, c.line, c.text)
			}
			if !strings.HasPrefix(f.Source, "person.schema.json#/") {
				t.Errorf("source = %q", f.Source)
			}
		})
	}
}

func TestPointerEscaping(t *testing.T) {
	dir := write(t, map[string]string{"s.json": `{"additionalProperties": {"type": "string"}}`})
	s := compile(t, filepath.Join(dir, "s.json"))
	f := one(t, s.Validate("d.json", []byte("{\"ok\": \"x\",\n \"a/b~c d%é\": 1}")))
	if f.Location != "/a~1b~0c d%é" || f.Line != 2 {
		t.Errorf("finding = %+v, want location /a~1b~0c d%%é on line 2", f)
	}
}

func TestMalformed(t *testing.T) {
	dir := write(t, map[string]string{"s.json": `{}`})
	s := compile(t, filepath.Join(dir, "s.json"))
	cases := []struct {
		name, doc string
		line      int
		text      string
	}{
		// The parser notices at the newline that ends the literal, on line 3.
		{"bad literal", "{\n  \"a\": 1,\n  \"b\": tru\n}", 3, "column 11: doc.json is not well-formed JSON: invalid character '\\n' in literal true"},
		{"missing comma", "[1,\n 2\n 3]", 3, "column 2: doc.json is not well-formed JSON: invalid character '3' after array element"},
		{"unexpected end", "{\n \"a\": [1,\n", 3, "column 1: doc.json is not well-formed JSON: unexpected end"},
		{"trailing data", "{}\n\n x", 3, "column 2:"},
		{"empty", "", 1, "unexpected end"},
		{"control character in string", "[\"a\nb\"]", 1, "column 4: doc.json is not well-formed JSON: invalid character '\\n' in string literal"},
		{"non-ASCII column", "{\"é\": 1 2}", 1, "column 9:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := one(t, s.Validate("doc.json", []byte(c.doc)))
			if f.Layer != report.LayerWellFormed || f.Line != c.line || !strings.Contains(f.Message, c.text) {
				t.Errorf("finding = %+v, want line %d with %q", f, c.line, c.text)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	dir := write(t, map[string]string{"s.json": `{}`})
	s := compile(t, filepath.Join(dir, "s.json"))
	deep := func(n int) []byte {
		return []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
	}
	if fs := s.Validate("ok.json", deep(MaxDepth)); len(fs) != 0 {
		t.Fatalf("depth %d refused: %+v", MaxDepth, fs)
	}
	// Brackets inside strings do not count.
	if fs := s.Validate("ok.json", []byte(`["`+strings.Repeat("[", 1000)+`"]`)); len(fs) != 0 {
		t.Fatalf("brackets in a string counted: %+v", fs)
	}
	f := one(t, s.Validate("deep.json", append([]byte("\n"), deep(MaxDepth+1)...)))
	if f.Layer != report.LayerWellFormed || f.Line != 2 || !strings.Contains(f.Message, "deeper than the limit of 256") ||
		!strings.Contains(f.Message, "column 257:") {
		t.Errorf("too deep: %+v", f)
	}
	big := make([]byte, MaxBytes+1)
	big[0] = '['
	f = one(t, s.Validate("big.json", big))
	if f.Layer != report.LayerWellFormed || !strings.Contains(f.Message, "more than the limit") {
		t.Errorf("too large: %+v", f)
	}
}

func TestLocalRefs(t *testing.T) {
	dir := write(t, map[string]string{
		"main.json":   `{"properties": {"a": {"$ref": "defs/a.json"}, "b": {"$ref": "FILEURL"}}}`,
		"defs/a.json": `{"type": "string"}`,
		"b.json":      `{"type": "number"}`,
	})
	main := filepath.Join(dir, "main.json")
	body, _ := os.ReadFile(main)
	body = bytes.Replace(body, []byte("FILEURL"), []byte(fileURL(filepath.Join(dir, "b.json"))), 1)
	if err := os.WriteFile(main, body, 0o644); err != nil {
		t.Fatal(err)
	}
	s := compile(t, main)
	fs := s.Validate("d.json", []byte(`{"a": 1, "b": "x"}`))
	if len(fs) != 2 || fs[0].Source != "defs/a.json#/type" || fs[1].Source != "b.json#/type" {
		t.Errorf("findings = %+v", fs)
	}
}

func TestRefusedRefs(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"type": "string"}`))
	}))
	defer srv.Close()
	parent := t.TempDir()
	dir := filepath.Join(parent, "schemas")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "secret.json"), []byte(`{"type": "string"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	linked := os.Symlink(filepath.Join(parent, "secret.json"), filepath.Join(dir, "link.json")) == nil
	cases := []struct {
		name, schema, text string
		remote             bool
	}{
		{"http ref", `{"$ref": "` + srv.URL + `/address.schema.json"}`, "download it into", true},
		{"https ref", `{"properties": {"a": {"$ref": "https://example.org/x/address.schema.json#/$defs/a"}}}`, `"address.schema.json"`, true},
		{"unknown meta-schema", `{"$schema": "` + srv.URL + `/meta"}`, "never fetched", true},
		{"relative outside", `{"$ref": "../secret.json"}`, "outside the schema folder", false},
		{"other scheme", `{"$ref": "ftp://example.org/a.json"}`, "only files in", false},
	}
	if linked {
		cases = append(cases, struct {
			name, schema, text string
			remote             bool
		}{"symlink out of the folder", `{"$ref": "link.json"}`, "link.json", false})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "s.json")
			if err := os.WriteFile(p, []byte(c.schema), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Compile(p)
			if err == nil {
				t.Fatal("compiled")
			}
			if !strings.Contains(err.Error(), c.text) {
				t.Errorf("error %q does not mention %q", err, c.text)
			}
			if _, ok := remoteRef(err); ok != c.remote {
				t.Errorf("RemoteRefError = %v, want %v (%v)", ok, c.remote, err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the network was used: %d requests", n)
	}
}

func TestBuiltinMetaSchemas(t *testing.T) {
	// The draft meta-schemas are built in: naming them needs no network.
	for _, meta := range []string{
		"https://json-schema.org/draft/2020-12/schema",
		"https://json-schema.org/draft/2019-09/schema",
		"http://json-schema.org/draft-07/schema#",
		"http://json-schema.org/draft-04/schema#",
	} {
		dir := write(t, map[string]string{"s.json": `{"$schema": "` + meta + `", "type": "object"}`})
		if _, err := Compile(filepath.Join(dir, "s.json")); err != nil {
			t.Errorf("%s: %v", meta, err)
		}
	}
}

func TestInvalidSchema(t *testing.T) {
	dir := write(t, map[string]string{"s.json": `{"type": 12}`, "broken.json": `{"type": `})
	for _, name := range []string{"s.json", "broken.json", "missing.json"} {
		if _, err := Compile(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s compiled", name)
		}
	}
}

func TestIsJSON(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a": 1}`:              true,
		"\n\t [1]":              true,
		"\xef\xbb\xbf {}":       true,
		`<?xml version="1.0"?>`: false,
		"  <a/>":                false,
		`"just a string"`:       false,
		"":                      false,
		"   ":                   false,
	} {
		if got := IsJSON([]byte(in)); got != want {
			t.Errorf("IsJSON(%q) = %v", in, got)
		}
	}
}

func TestLocate(t *testing.T) {
	data := []byte("{\n \"a/b\": 1,\n \"c~d\": [\n  true,\n  {\"e\": null}\n ],\n \"\": \"empty key\"\n}")
	want := map[string]int{"": 1, "/a~1b": 2, "/c~0d": 3, "/c~0d/0": 4, "/c~0d/1": 5, "/c~0d/1/e": 5, "/": 7}
	ptrs := map[string]bool{"/missing": true}
	for p := range want {
		ptrs[p] = true
	}
	got := locate(data, ptrs)
	for p, line := range want {
		off, ok := got[p]
		if !ok {
			t.Errorf("%q not located", p)
			continue
		}
		if l := positionAt(data, off).line; l != line {
			t.Errorf("%q on line %d, want %d", p, l, line)
		}
	}
	if _, ok := got["/missing"]; ok {
		t.Error("a missing pointer was located")
	}
	if off := got["/c~0d/1/e"]; data[off] != 'n' {
		t.Errorf("/c~0d/1/e starts at %q", data[off])
	}
}
