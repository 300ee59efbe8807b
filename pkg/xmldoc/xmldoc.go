// Package xmldoc parses XML documents for oots with the limits and refusals
// that hostile input needs: no DTDs (so no external or expanding entities), a
// size limit and a nesting depth limit. Nothing is ever fetched.
package xmldoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/lestrrat-go/helium"
)

// Limits bound what a document may cost to parse.
type Limits struct {
	MaxBytes int64 // largest accepted document
	MaxDepth int   // deepest accepted element nesting
}

// DefaultLimits suit OOTS messages: the largest real EB catalogue is well under 1 MiB.
var DefaultLimits = Limits{MaxBytes: 64 << 20, MaxDepth: 256}

// Error is a parse failure with its position.
type Error struct {
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return e.Msg
}

// ErrDTD is returned for documents that declare a document type.
var ErrDTD = errors.New("document type declarations (DTDs) are refused: they can pull in external entities or expand without bound, and OOTS messages never use them")

// Parse parses data, refusing DTDs and documents beyond the limits. The
// everyday documents take the fast path (see fast.go); helium parses the rest.
func Parse(ctx context.Context, data []byte, lim Limits) (*helium.Document, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, &Error{Msg: fmt.Sprintf("document is %d bytes, more than the limit of %d", len(data), lim.MaxBytes)}
	}
	if line, ok := doctypeLine(data); ok {
		return nil, &Error{Line: line, Column: 1, Msg: ErrDTD.Error()}
	}
	if doc, ok := parseFast(data, lim.MaxDepth); ok {
		return doc, nil
	}
	return parseHelium(ctx, data, lim)
}

// parseHelium parses with helium: every document the fast path leaves, and
// every malformed one, whose error helium positions.
func parseHelium(ctx context.Context, data []byte, lim Limits) (*helium.Document, error) {
	p := helium.NewParser().
		LoadExternalDTD(false).
		SubstituteEntities(false).
		AllowNetwork(false).
		BlockXXE(true).
		SuppressErrors(true).
		SuppressWarnings(true)
	if lim.MaxDepth > 0 {
		p = p.MaxDepth(lim.MaxDepth)
	}
	doc, err := p.Parse(ctx, data)
	if err != nil {
		return nil, toError(err)
	}
	if doc.DocumentElement() == nil {
		return nil, &Error{Msg: "document has no root element"}
	}
	return doc, nil
}

func toError(err error) error {
	var pe helium.ErrParseError
	if errors.As(err, &pe) {
		msg := err.Error()
		if pe.Err != nil {
			msg = pe.Err.Error()
		}
		return &Error{Line: pe.LineNumber, Column: pe.Column, Msg: msg}
	}
	var ppe *helium.ErrParseError
	if errors.As(err, &ppe) {
		msg := err.Error()
		if ppe.Err != nil {
			msg = ppe.Err.Error()
		}
		return &Error{Line: ppe.LineNumber, Column: ppe.Column, Msg: msg}
	}
	return &Error{Msg: err.Error()}
}

// doctypeLine finds a <!DOCTYPE in the prolog (before the root element) and
// returns its line.
func doctypeLine(data []byte) (int, bool) {
	i := 0
	for i < len(data) {
		switch {
		case isSpace(data[i]):
			i++
		case bytes.HasPrefix(data[i:], []byte("<?")):
			end := bytes.Index(data[i:], []byte("?>"))
			if end < 0 {
				return 0, false
			}
			i += end + 2
		case bytes.HasPrefix(data[i:], []byte("<!--")):
			end := bytes.Index(data[i:], []byte("-->"))
			if end < 0 {
				return 0, false
			}
			i += end + 3
		case bytes.HasPrefix(data[i:], []byte("<!DOCTYPE")):
			return 1 + bytes.Count(data[:i], []byte("\n")), true
		case bytes.HasPrefix(data[i:], []byte("\xef\xbb\xbf")):
			i += 3
		default:
			return 0, false
		}
	}
	return 0, false
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
