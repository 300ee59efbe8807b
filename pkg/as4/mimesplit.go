package as4

import (
	"bytes"
	"strings"
)

// splitPlain is the fast path of splitParts: it slices the parts out of
// raw instead of copying each through mime/multipart's reader. It only
// takes the plain layout every AS4 sender writes (and mime/multipart's
// Writer produces):
//
//	--boundary CRLF (header CRLF)* CRLF body CRLF --boundary CRLF ... CRLF --boundary-- [CRLF ...]
//
// with simple header lines (a token, a colon, a value of allowed bytes, no
// folding). For such input mime/multipart yields the very same parts; ok
// is false as soon as anything else shows up (a preamble, a line end other
// than CRLF, white space after a boundary, a folded or malformed header, a
// body starting with the boundary, ...), and the caller then starts again
// with mime/multipart, so every message gets the verdict it always got.
// err is the sink's refusal, in the order mime/multipart would meet it.
func splitPlain(raw []byte, boundary string, sink *partSink) (ok bool, err error) {
	if len(boundary) > maxPlainBoundary {
		return false, nil
	}
	// delim is CRLF "--" boundary; the first delimiter has no CRLF.
	delim := make([]byte, 0, 4+len(boundary))
	delim = append(append(delim, "\r\n--"...), boundary...)
	pos, ok := after(raw, 0, delim[2:], crlf)
	if !ok {
		return false, nil
	}
	for {
		contentID, body, ok := plainHeader(raw, pos)
		if !ok || bytes.HasPrefix(raw[body:], delim[2:]) {
			return false, nil
		}
		end := bytes.Index(raw[body:], delim)
		if end < 0 {
			return false, nil
		}
		end += body
		next, more := after(raw, end, delim, crlf)
		if !more {
			if next, ok = after(raw, end, delim, dashes); !ok || !lineEnd(raw, next) {
				return false, nil
			}
		}
		if err := sink.count(); err != nil {
			return true, err
		}
		if err := sink.add(contentID, raw[body:end:end]); err != nil {
			return true, err
		}
		if !more {
			return true, nil
		}
		pos = next
	}
}

// maxPlainBoundary and maxPlainHeader keep the fast path far below the
// line and header limits of mime/multipart, which longer input meets.
const (
	maxPlainBoundary = 200
	maxPlainHeader   = 32
)

var crlf, dashes = []byte("\r\n"), []byte("--")

// after reports whether raw continues at pos with prefix then suffix, and
// the position after them.
func after(raw []byte, pos int, prefix, suffix []byte) (int, bool) {
	rest := raw[pos:]
	if !bytes.HasPrefix(rest, prefix) || !bytes.HasPrefix(rest[len(prefix):], suffix) {
		return 0, false
	}
	return pos + len(prefix) + len(suffix), true
}

// lineEnd reports whether raw ends at pos or goes on with CRLF (the
// epilogue after the closing delimiter is ignored).
func lineEnd(raw []byte, pos int) bool {
	return pos == len(raw) || bytes.HasPrefix(raw[pos:], crlf)
}

// plainHeader reads the header lines of a part starting at pos up to the
// empty line; it returns the first Content-ID value (trimmed of blanks, as
// net/textproto does) and where the body starts.
func plainHeader(raw []byte, pos int) (contentID string, body int, ok bool) {
	found := false
	for range maxPlainHeader {
		n := bytes.Index(raw[pos:], crlf)
		if n < 0 {
			return "", 0, false
		}
		line := raw[pos : pos+n]
		pos += n + 2
		if len(line) == 0 {
			return contentID, pos, true
		}
		key, value, ok := plainHeaderLine(line)
		if !ok {
			return "", 0, false
		}
		if !found && strings.EqualFold(string(key), "Content-Id") {
			contentID, found = string(value), true
		}
	}
	return "", 0, false
}

// plainHeaderLine splits "key: value" when key is a non-empty token and
// value holds only bytes net/textproto allows; a line that starts with
// white space (folding) has no token and is not plain.
func plainHeaderLine(line []byte) (key, value []byte, ok bool) {
	key, value, ok = bytes.Cut(line, []byte(":"))
	if !ok || len(key) == 0 {
		return nil, nil, false
	}
	for _, c := range key {
		if !isTokenByte(c) {
			return nil, nil, false
		}
	}
	for _, c := range value {
		if c != '\t' && (c < 0x20 || c == 0x7f) {
			return nil, nil, false
		}
	}
	return key, bytes.Trim(value, " \t"), true
}

// isTokenByte is the RFC 7230 tchar set of header field names.
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
