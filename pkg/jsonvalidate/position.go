package jsonvalidate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// position is a place in the input, 1-based.
type position struct{ line, col int }

// positionAt converts a byte offset into a line and a column counted in
// characters, as editors show them.
func positionAt(data []byte, off int) position {
	off = min(max(off, 0), len(data))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return position{
		line: 1 + bytes.Count(data[:off], []byte{'\n'}),
		col:  1 + utf8.RuneCount(data[start:off]),
	}
}

// syntaxOffset is where a json.Unmarshal syntax error is: Offset counts the
// bytes read including the offending one, and an unexpected end of input is
// at the end.
func syntaxOffset(data []byte, se *json.SyntaxError) int {
	if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "unexpected end") {
		return len(data)
	}
	return int(se.Offset) - 1
}

// tooDeep returns the offset of the first '{' or '[' that opens a level deeper
// than maxDepth. It counts brackets outside strings only, so it is exact for
// well-formed input and it runs before the parser, whose own recursion limit
// (10000) is far above ours.
func tooDeep(data []byte, maxDepth int) (int, bool) {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > maxDepth {
				return i, true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return 0, false
}

// locate finds where the values named by JSON pointers start. It walks the
// (already well-formed) input with json.Decoder tokens, tracking the pointer
// of the current value; InputOffset gives the end of the previous token, so
// the value starts after the separators that follow it. Pointers not found
// are left out of the result.
func locate(data []byte, pointers map[string]bool) map[string]int {
	found := map[string]int{}
	if len(pointers) == 0 {
		return found
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{}
	for len(found) < len(pointers) {
		prev := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil { // io.EOF, or nothing more to find in input that ends early
			break
		}
		if ptr, isValue := w.step(tok); isValue && pointers[ptr] {
			if _, seen := found[ptr]; !seen {
				found[ptr] = skipSeparators(data, prev)
			}
		}
	}
	return found
}

// frame is one open object or array.
type frame struct {
	object  bool
	wantKey bool   // object: the next string token is a key
	key     string // object: key of the next value
	index   int    // array: index of the next value
}

// walker tracks the JSON pointer of each value in a token stream.
type walker struct {
	stack []frame
	path  []string // escaped reference tokens of the current value
}

// step consumes one token. It reports whether the token starts a value and,
// if so, that value's pointer.
func (w *walker) step(tok json.Token) (string, bool) {
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		w.stack = w.stack[:len(w.stack)-1]
		return "", false
	}
	if n := len(w.stack); n > 0 {
		top := &w.stack[n-1]
		if top.object && top.wantKey {
			top.key, top.wantKey = tok.(string), false
			return "", false
		}
		ref := strconv.Itoa(top.index)
		if top.object {
			ref, top.wantKey = escapeToken(top.key), true
		} else {
			top.index++
		}
		w.path = append(w.path[:n-1], ref)
	}
	ptr := pointer(w.path[:len(w.stack)])
	if d, ok := tok.(json.Delim); ok {
		w.stack = append(w.stack, frame{object: d == '{', wantKey: d == '{'})
	}
	return ptr, true
}

func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	return "/" + strings.Join(tokens, "/")
}

// escapeToken escapes a key as a JSON pointer reference token (RFC 6901).
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func skipSeparators(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}
