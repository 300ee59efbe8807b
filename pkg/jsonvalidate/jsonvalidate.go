// Package jsonvalidate validates JSON evidence documents (OOTS evidences may
// be distributed as JSON) against a JSON Schema, fully offline.
//
// Schemas are compiled with github.com/santhosh-tekuri/jsonschema/v5 (drafts 4,
// 6, 7, 2019-09 and 2020-12; the draft meta-schemas are built in). Every
// schema it reads goes through a loader that serves files of the root
// schema's folder (and its subfolders) only: relative $refs, file:// URLs
// inside that folder, and http(s) URLs under the root schema's own $id (which
// is how relative $refs resolve when the schema has an http(s) $id). Any
// other $ref is an error; a remote one (*RemoteRefError) tells the user to
// download the referenced schema next to theirs. Nothing is ever fetched.
//
// Findings use report.Finding with:
//   - Layer "jsonschema" (a layer of its own, next to "xsd" for XML: the
//     report package has no constant for it), Rule the failed keyword
//     ("required", "type", ...), Source the schema file and keyword location
//     ("diploma.schema.json#/properties/student/required"), Location the JSON
//     pointer (RFC 6901) of the offending value ("" is the whole document),
//     Line its line in the input;
//   - Layer "wellformed" for input that is not JSON or beyond the limits
//     (MaxBytes, MaxDepth), with the line and column of the problem.
package jsonvalidate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oots-tools/oots/pkg/report"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// LayerJSONSchema is the layer of schema findings for JSON documents.
const LayerJSONSchema = "jsonschema"

// Limits on a JSON document (and on each schema file read).
const (
	MaxBytes = 64 << 20 // largest accepted input
	MaxDepth = 256      // deepest accepted nesting of objects and arrays
)

var bom = []byte("\xef\xbb\xbf")

// Schema is a compiled JSON Schema.
type Schema struct {
	schema *jsonschema.Schema
	// bases are the URL prefixes cut from finding sources so they name the
	// schema file: the folder's file URL and the root schema's $id base.
	bases []string
}

// Compile reads the JSON Schema at schemaPath and every schema it refers to,
// from schemaPath's folder only.
func Compile(schemaPath string) (*Schema, error) {
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		return nil, err
	}
	data, err := readSchema(abs)
	if err != nil {
		return nil, err
	}
	l, err := newLoader(filepath.Dir(abs), data)
	if err != nil {
		return nil, err
	}
	defer l.close()
	c := jsonschema.NewCompiler()
	c.LoadURL = l.load
	// Evidence schemas use "format" for dates and identifiers; check them in
	// every draft, not only in those where it is an assertion by default.
	c.AssertFormat = true
	main := fileURL(abs)
	if err := c.AddResource(main, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("JSON schema %s: %w", schemaPath, err)
	}
	s, err := c.Compile(main)
	if err != nil {
		if re, ok := remoteRef(err); ok {
			return nil, fmt.Errorf("JSON schema %s: %w", schemaPath, re)
		}
		return nil, fmt.Errorf("JSON schema %s: %w", schemaPath, err)
	}
	return &Schema{schema: s, bases: []string{l.dirURL, l.idBase}}, nil
}

func readSchema(abs string) ([]byte, error) {
	st, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxBytes {
		return nil, fmt.Errorf("JSON schema %s is larger than %d bytes", abs, MaxBytes)
	}
	return os.ReadFile(abs)
}

// IsJSON reports whether data looks like a JSON document rather than XML: its
// first byte after white space (and a UTF-8 byte order mark) is '{' or '['.
func IsJSON(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

// Validate checks one JSON document; name identifies it in messages. A
// document that is not JSON, or is beyond the limits, gets one "wellformed"
// finding and is not validated.
func (s *Schema) Validate(name string, data []byte) []report.Finding {
	// RFC 8259 lets a parser ignore a byte order mark; encoding/json does not.
	data = bytes.TrimPrefix(data, bom)
	value, bad := decode(name, data)
	if bad != nil {
		return []report.Finding{*bad}
	}
	err := s.schema.Validate(value)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []report.Finding{{Layer: LayerJSONSchema, Severity: report.SeverityError,
			Message: fmt.Sprintf("%s could not be validated: %v", name, err)}}
	}
	return s.findings(data, ve)
}

// decode parses data, or returns the finding that refuses it.
func decode(name string, data []byte) (any, *report.Finding) {
	if len(data) > MaxBytes {
		return nil, wellFormed(data, 0, "%s is %d bytes, more than the limit of %d", name, len(data), MaxBytes)
	}
	if off, deep := tooDeep(data, MaxDepth); deep {
		return nil, wellFormed(data, off, "%s nests objects and arrays deeper than the limit of %d levels", name, MaxDepth)
	}
	// Unmarshal checks the whole input first and reports absolute offsets
	// (a Decoder's are relative to the value it is reading).
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, wellFormed(data, syntaxOffset(data, se), "%s is not well-formed JSON: %s", name, se.Error())
		}
		return nil, wellFormed(data, 0, "%s is not well-formed JSON: %v", name, err)
	}
	// Numbers stay json.Number: float64 would round large integers.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, wellFormed(data, 0, "%s is not well-formed JSON: %v", name, err)
	}
	return v, nil
}

func wellFormed(data []byte, off int, format string, args ...any) *report.Finding {
	p := positionAt(data, off)
	return &report.Finding{
		Layer:    report.LayerWellFormed,
		Severity: report.SeverityError,
		Line:     p.line,
		// The line has its own field; the column goes into the message, as
		// for XML well-formedness errors.
		Message: fmt.Sprintf("column %d: %s", p.col, fmt.Sprintf(format, args...)),
	}
}
