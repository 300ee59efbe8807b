package dsig

import (
	"bytes"
	"fmt"
)

// insertBeforeRootEnd puts fragment as the last child of the document
// element, just before its end tag, leaving every other byte as it was.
// rootName is the qualified name of the document element. The document
// was parsed before, so it is well-formed: from its end, only white space,
// comments and processing instructions come after the root's end tag.
func insertBeforeRootEnd(data []byte, rootName, fragment string) ([]byte, error) {
	end, ok := rootEndTag(data)
	if !ok {
		return nil, fmt.Errorf("cannot find the end of the document element <%s>", rootName)
	}
	tag := data[end:]
	out := make([]byte, 0, len(data)+len(fragment)+len(rootName)+3)
	switch {
	case bytes.HasPrefix(tag, []byte("</")):
		name := bytes.TrimRight(bytes.TrimPrefix(tag[:bytes.IndexByte(tag, '>')], []byte("</")), " \t\r\n")
		if string(name) != rootName {
			return nil, fmt.Errorf("cannot find the end of the document element <%s>", rootName)
		}
		out = append(out, data[:end]...)
		out = append(out, fragment...)
		out = append(out, data[end:]...)
	default: // an empty document element, <root .../>: open it up
		out = append(out, data[:end]...)
		out = append(out, '>')
		out = append(out, fragment...)
		out = append(out, "</"+rootName+">"...)
		out = append(out, data[end+2:]...)
	}
	return out, nil
}

// rootEndTag returns the offset of the document element's end tag "</name>",
// or of the "/>" of an empty document element.
func rootEndTag(data []byte) (int, bool) {
	i := len(data)
	for {
		for i > 0 && isXMLSpace(data[i-1]) {
			i--
		}
		switch {
		case bytes.HasSuffix(data[:i], []byte("-->")):
			i = bytes.LastIndex(data[:i-3], []byte("<!--"))
		case bytes.HasSuffix(data[:i], []byte("?>")):
			i = bytes.LastIndex(data[:i-2], []byte("<?"))
		case bytes.HasSuffix(data[:i], []byte("/>")):
			return i - 2, true
		case bytes.HasSuffix(data[:i], []byte(">")):
			j := bytes.LastIndex(data[:i], []byte("</"))
			return j, j >= 0
		default:
			return 0, false
		}
		if i < 0 {
			return 0, false
		}
	}
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
