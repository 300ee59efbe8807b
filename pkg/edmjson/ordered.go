package edmjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// member is one key of a JSON object. Objects are kept as ordered member
// lists because XML child order is significant: a Go map would lose it.
type member struct {
	Key string
	Val any
}

// object is an ordered JSON object. Values are string, bool, object, []any
// (and json.Number or nil when read, which the converter refuses).
type object []member

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Val, true
		}
	}
	return nil, false
}

// SyntaxError is malformed JSON, with the position of the problem.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// decodeOrdered parses JSON keeping object member order.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, positioned(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the top-level value")
		}
		return nil, positioned(data, dec, err)
	}
	return v, nil
}

func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return readObject(dec)
		}
		return readArray(dec)
	default:
		return t, nil
	}
}

func readObject(dec *json.Decoder) (any, error) {
	obj := object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		val, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		obj = append(obj, member{key, val})
	}
	_, err := dec.Token() // the closing brace
	return obj, err
}

func readArray(dec *json.Decoder) (any, error) {
	arr := []any{}
	for dec.More() {
		val, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		arr = append(arr, val)
	}
	_, err := dec.Token() // the closing bracket
	return arr, err
}

// positioned turns a decoder error into a SyntaxError with line and column:
// the offset of encoding/json alone is useless to someone editing a file.
func positioned(data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	// The streaming decoder's offsets are relative to the value it was
	// reading; a whole-document pass gives the absolute offset of the error.
	var se *json.SyntaxError
	if uerr := json.Unmarshal(data, new(any)); errors.As(uerr, &se) {
		err, off = se, se.Offset-1
		if se.Offset >= int64(len(data)) {
			off = int64(len(data))
		}
	}
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	col := 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	msg := err.Error()
	if err == io.ErrUnexpectedEOF {
		msg = "unexpected end of JSON input"
	}
	return &SyntaxError{Line: line, Column: col, Msg: msg}
}

// writeJSON writes v indented by two spaces, keeping member order.
func writeJSON(b *bytes.Buffer, v any, depth int) {
	switch t := v.(type) {
	case string:
		writeString(b, t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case object:
		writeObject(b, t, depth)
	case []any:
		writeArray(b, t, depth)
	default:
		b.WriteString("null")
	}
}

func writeObject(b *bytes.Buffer, o object, depth int) {
	if len(o) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		newline(b, depth+1)
		writeString(b, m.Key)
		b.WriteString(": ")
		writeJSON(b, m.Val, depth+1)
	}
	newline(b, depth)
	b.WriteByte('}')
}

func writeArray(b *bytes.Buffer, a []any, depth int) {
	if len(a) == 0 {
		b.WriteString("[]")
		return
	}
	b.WriteByte('[')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		newline(b, depth+1)
		writeJSON(b, v, depth+1)
	}
	newline(b, depth)
	b.WriteByte(']')
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("  ")
	}
}

const hexDigits = "0123456789abcdef"

// writeString escapes only what JSON requires, so text stays readable
// (encoding/json would also escape <, > and &, common in XML content).
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
