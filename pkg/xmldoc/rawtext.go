package xmldoc

import (
	"bytes"
	"reflect"
	"unsafe"

	"github.com/lestrrat-go/helium"
)

// Reading character data without copying it. helium's Text.Content and
// CDATASection.Content return a fresh copy of the node's bytes on every
// call; validators read every text node of a document, most of them the
// whitespace between elements, and those copies were most of their
// allocations. helium keeps a node's bytes in an unexported []byte field
// and reads it in place for its own serializer; RawText does the same.
//
// Safety: the field is found by reflection on helium's own types, and its
// offset computed from the compiler's layout, so a change of layout moves
// the offset with it; a field that is renamed or retyped, or a probe that
// reads back something else than Content, turns the direct path off and
// Content is used (TestRawTextIsDirect fails then, so a helium upgrade
// that loses the fast path does not go unnoticed).

// rawOffsets locates the content field of the two text node types; ok is
// false when it could not be verified.
var rawOffsets = func() (o struct {
	text, cdata uintptr
	ok          bool
}) {
	text, ok1 := byteFieldOffset(reflect.TypeFor[helium.Text](), "content")
	cdata, ok2 := byteFieldOffset(reflect.TypeFor[helium.CDATASection](), "content")
	o.text, o.cdata, o.ok = text, cdata, ok1 && ok2
	if o.ok {
		o.ok = probeRawText(o.text, o.cdata)
	}
	return o
}()

// byteFieldOffset returns the offset of a []byte field, possibly promoted
// from embedded structs, from the start of t.
func byteFieldOffset(t reflect.Type, name string) (uintptr, bool) {
	f, ok := t.FieldByName(name)
	if !ok || f.Type != reflect.TypeFor[[]byte]() {
		return 0, false
	}
	// A promoted field's Offset is relative to the struct that declares
	// it: add the offsets of the embedded structs on the way.
	var off uintptr
	cur := t
	for _, i := range f.Index {
		sf := cur.Field(i)
		off += sf.Offset
		cur = sf.Type
	}
	return off, true
}

// probeRawText checks the offsets on nodes of known content.
func probeRawText(textOff, cdataOff uintptr) bool {
	doc := helium.NewDefaultDocument()
	want := []byte("probe \t\r\n<&>")
	t := doc.CreateText(want)
	c := doc.CreateCDATASection(want)
	return bytes.Equal(*(*[]byte)(unsafe.Add(unsafe.Pointer(t), textOff)), want) &&
		bytes.Equal(*(*[]byte)(unsafe.Add(unsafe.Pointer(c), cdataOff)), want)
}

// RawText returns the character data of a text or CDATA node, and false
// for any other node. The slice is the node's own storage: callers only
// read it, and keep neither it nor a string made over it beyond the time
// the document lives (a freed document's memory is reused).
func RawText(n helium.Node) ([]byte, bool) {
	switch t := n.(type) {
	case *helium.Text:
		if rawOffsets.ok {
			return *(*[]byte)(unsafe.Add(unsafe.Pointer(t), rawOffsets.text)), true
		}
		return t.Content(), true
	case *helium.CDATASection:
		if rawOffsets.ok {
			return *(*[]byte)(unsafe.Add(unsafe.Pointer(t), rawOffsets.cdata)), true
		}
		return t.Content(), true
	}
	return nil, false
}
