package xmlschema

import (
	"math"
	"strings"
)

// Where libxml2 2.9.14 (xmlschemastypes.c, uri.c) reads a lexical space
// differently from helium, the native engine reads it as libxml2 does:
// its verdicts are xmllint's. native_lexical_test.go compares every
// built-in with xmllint on edge cases and random values. heliumQuirks
// selects helium's reading instead (validLexical).

// validLexicalLibxml2 checks a value as libxml2 does. raw is the value as
// written; trimmed has the type's whiteSpace facet applied. libxml2 does
// not strip all the whitespace XSD says these types collapse: none around
// dates (xmllint rejects "<Value> 2024-01-01 </Value>"), QNames and the
// fixed-size integers, only the leading one of times and durations
// (unless a pattern or an enumeration made it normalize the value first,
// see checkValue).
func validLexicalLibxml2(raw, trimmed, builtin string) bool {
	switch builtin {
	case "string", "anySimpleType":
		return true
	case "float", "double":
		return libxml2Float(raw)
	case "decimal":
		return libxml2Decimal(trimmed)
	case "anyURI":
		return libxml2URI(trimmed)
	case "base64Binary":
		return libxml2Base64(trimmed)
	case "duration":
		return libxml2Duration(trimLeftBlanks(raw))
	case "IDREFS", "ENTITIES", "NMTOKENS":
		return trimmed == "" || validLexical(trimmed, builtin)
	case "dateTime", "date", "gYear", "gYearMonth":
		return yearFits(raw) && validLexical(raw, builtin)
	case "time", "gMonth", "gDay", "gMonthDay":
		return validLexical(trimLeftBlanks(raw), builtin)
	case "QName", "NOTATION":
		// Surrounding blanks pass the lexical check, but a blank before a
		// prefix ends up in the prefix, which is then bound to nothing.
		prefixed := strings.Contains(trimmed, ":")
		return validLexical(trimmed, builtin) && (!prefixed || raw[0] == trimmed[0])
	case "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger":
		return libxml2Integer(trimmed, builtin)
	}
	if isBoundedIntegerType(builtin) {
		return libxml2Integer(raw, builtin) // long, int, ..., unsignedByte
	}
	return validLexical(trimmed, builtin)
}

func trimLeftBlanks(s string) string { return strings.TrimLeft(s, " \t\n\r") }

// libxml2Float: leading blanks are skipped; NaN, INF and -INF must then end
// the value; a number may have trailing blanks; an exponent may lack
// digits ("1e" passes).
func libxml2Float(s string) bool {
	s = strings.TrimLeft(s, " \t\n\r")
	if strings.HasPrefix(s, "NaN") {
		return s == "NaN"
	}
	if inf := strings.TrimPrefix(s, "-"); strings.HasPrefix(inf, "INF") {
		return inf == "INF"
	}
	s = strings.TrimRight(s, " \t\n\r")
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	i = digits(s, i)
	digitsBefore := i - start
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if digitsBefore == 0 && j == i+1 {
			return false
		}
		i = j
	} else if digitsBefore == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		i = digits(s, i)
	}
	return i == len(s)
}

// libxml2Decimal keeps at most 24 digits after leading zeros.
func libxml2Decimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	if i == len(s) {
		return false
	}
	leadingZeros := i
	for i < len(s) && s[i] == '0' {
		i++
	}
	hasLeadingZeros := i > leadingZeros
	n := 0
	for i < len(s) && isDigit(s[i]) && n < 24 {
		i, n = i+1, n+1
	}
	if i < len(s) && s[i] == '.' && n < 24 {
		i++
		for i < len(s) && isDigit(s[i]) && n < 24 {
			i, n = i+1, n+1
		}
		if n == 0 && !hasLeadingZeros {
			return false
		}
	}
	return i == len(s) && (n > 0 || hasLeadingZeros)
}

// libxml2Integer: at most 24 digits after leading zeros, no sign at all
// on the unsigned types, then the type's range.
func libxml2Integer(s, builtin string) bool {
	digitsAt := 0
	if strings.HasPrefix(builtin, "unsigned") {
		if s == "" || s[0] == '+' || s[0] == '-' {
			return false
		}
	} else if s != "" && (s[0] == '+' || s[0] == '-') {
		digitsAt = 1
	}
	body := strings.TrimLeft(s[digitsAt:], "0")
	if len(body) > 24 {
		return false
	}
	if builtin == "integer" {
		return isInteger(s)
	}
	return isBoundedInteger(s, builtin)
}

// yearFits: libxml2 keeps the year in a long.
func yearFits(s string) bool {
	s = strings.TrimPrefix(s, "-")
	end := digits(s, 0)
	body := strings.TrimLeft(s[:end], "0")
	return len(body) < 19 || (len(body) == 19 && body <= "9223372036854775807")
}

// libxml2Duration is xmlSchemaValidateDuration: designators in order, T
// before the time part, a fraction (even an empty one) only on seconds,
// numbers that fit a long.
func libxml2Duration(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) || s[i] != 'P' || i+1 == len(s) {
		return false
	}
	i++
	const desig = "YMDHMS"
	var d durationSum
	seq := 0
	for i < len(s) {
		if seq >= len(desig) {
			return false
		}
		if s[i] == 'T' {
			if seq > 3 {
				return false
			}
			i, seq = i+1, 3
		} else if seq == 3 {
			return false
		}
		var ok bool
		if i, seq, ok = d.item(s, i, seq); !ok {
			return false
		}
	}
	return d.finish()
}

// durationSum tracks libxml2's overflow checks of a duration.
type durationSum struct {
	months, days, secs int64
}

// item reads one number and its designator; seq is the designator index
// reached.
func (d *durationSum) item(s string, i, seq int) (int, int, bool) {
	const desig = "YMDHMS"
	var num int64
	hasDigits, hasFrac := false, false
	for i < len(s) && isDigit(s[i]) {
		digit := int64(s[i] - '0')
		if num > (math.MaxInt64-digit)/10 {
			return 0, 0, false
		}
		num, hasDigits, i = num*10+digit, true, i+1
	}
	if i < len(s) && s[i] == '.' {
		i, hasFrac = i+1, true
		for i < len(s) && isDigit(s[i]) {
			i, hasDigits = i+1, true
		}
	}
	for i >= len(s) || s[i] != desig[seq] {
		seq++
		if seq == 3 || seq == len(desig) {
			return 0, 0, false
		}
	}
	i++
	if !hasDigits || (hasFrac && seq != 5) {
		return 0, 0, false
	}
	return i, seq + 1, d.add(seq, num)
}

func (d *durationSum) add(seq int, num int64) bool {
	per := map[int]int64{3: 24, 4: 24 * 60, 5: 24 * 60 * 60}
	unit := map[int]int64{3: 3600, 4: 60, 5: 1}
	switch seq {
	case 0:
		if num > math.MaxInt64/12 {
			return false
		}
		d.months = num * 12
	case 1:
		if d.months > math.MaxInt64-num {
			return false
		}
		d.months += num
	case 2:
		d.days = num
	default:
		days := num / per[seq]
		if d.days > math.MaxInt64-days {
			return false
		}
		d.days += days
		d.secs += (num % per[seq]) * unit[seq]
	}
	return true
}

func (d *durationSum) finish() bool {
	return d.days <= math.MaxInt64-d.secs/86400
}

// libxml2Base64 ignores characters outside the alphabet; what counts is
// the number of alphabet characters, the padding, and the unused bits
// before it.
func libxml2Base64(s string) bool {
	n, pad, last := 0, 0, -1
	for i := 0; i < len(s); i++ {
		v := base64Value(s[i])
		switch {
		case v < 0:
		case v == 64:
			pad++
		case pad > 0:
			return false // data after padding
		default:
			n, last = n+1, v
		}
	}
	switch pad {
	case 0:
		return n%4 == 0
	case 1:
		return n%4 == 3 && last&^0x3c == 0
	case 2:
		return n%4 == 2 && last&^0x30 == 0
	}
	return false
}

// libxml2Base64Length is the decoded length libxml2 measures: whole
// quadruples of alphabet characters, plus what the padding says.
func libxml2Base64Length(s string) int {
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		switch v := base64Value(s[i]); {
		case v == 64:
			pad++
		case v >= 0:
			n++
		}
	}
	return 3*(n/4) + map[int]int{1: 2, 2: 1}[pad]
}

func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	case c == '=':
		return 64
	}
	return -1
}

// ----- anyURI: libxml2's RFC 3986 parser ------------------------------------------

// libxml2URI replaces the characters URIs may not contain by '_' and
// parses the rest as an RFC 3986 URI reference (absolute, else relative).
func libxml2URI(s string) bool {
	if s == "" {
		return true
	}
	b := []byte(s)
	for i, c := range b {
		if c < 32 || c >= 127 || strings.IndexByte(" <>\"{}|\\^`'", c) >= 0 {
			b[i] = '_'
		}
	}
	u := uriParser{s: string(b)}
	if u.absolute() {
		return true
	}
	u.i = 0
	return u.relative()
}

type uriParser struct {
	s string
	i int
}

func (u *uriParser) at(k int) byte {
	if u.i+k < len(u.s) {
		return u.s[u.i+k]
	}
	return 0
}

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func (u *uriParser) pctEncoded() bool {
	return u.at(0) == '%' && isHex(u.at(1)) && isHex(u.at(2))
}

func (u *uriParser) unreserved() bool {
	c := u.at(0)
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func (u *uriParser) subDelim() bool {
	return u.at(0) != 0 && strings.IndexByte("!$&()*+,;='", u.at(0)) >= 0
}

func (u *uriParser) pchar() bool {
	return u.unreserved() || u.pctEncoded() || u.subDelim() || u.at(0) == ':' || u.at(0) == '@'
}

// next advances over one character, or a %XX escape.
func (u *uriParser) next() {
	if u.at(0) == '%' {
		u.i += 3
	} else {
		u.i++
	}
}

// absolute is scheme ":" hier-part ["?" query] ["#" fragment].
func (u *uriParser) absolute() bool {
	if !isAlpha(u.at(0)) {
		return false
	}
	u.i++
	for c := u.at(0); isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.'; c = u.at(0) {
		u.i++
	}
	if u.at(0) != ':' {
		return false
	}
	u.i++
	if !u.hierPart(false) {
		return false
	}
	return u.queryAndFragment()
}

// relative is relative-part ["?" query] ["#" fragment]; its first segment
// may not contain ':'.
func (u *uriParser) relative() bool {
	return u.hierPart(true) && u.queryAndFragment()
}

func (u *uriParser) hierPart(noScheme bool) bool {
	switch {
	case u.at(0) == '/' && u.at(1) == '/':
		u.i += 2
		return u.authority() && u.segments()
	case u.at(0) == '/':
		u.i++
		if u.segment(0, false) {
			return u.segments()
		}
		return true
	case u.pchar():
		forbid := byte(0)
		if noScheme {
			forbid = ':'
		}
		return u.segment(forbid, false) && u.segments()
	}
	return true // path-empty
}

// segments reads *( "/" segment ).
func (u *uriParser) segments() bool {
	for u.at(0) == '/' {
		u.i++
		u.segment(0, true)
	}
	return true
}

// segment reads pchars (never forbid); empty says whether none is fine.
func (u *uriParser) segment(forbid byte, empty bool) bool {
	if !u.pchar() {
		return empty
	}
	for u.pchar() && u.at(0) != forbid {
		u.next()
	}
	return true
}

// authority is [userinfo "@"] host [":" port].
func (u *uriParser) authority() bool {
	start := u.i
	for u.unreserved() || u.pctEncoded() || u.subDelim() || u.at(0) == ':' {
		u.next()
	}
	if u.at(0) == '@' {
		u.i++
	} else {
		u.i = start
	}
	if !u.host() {
		return false
	}
	if u.at(0) == ':' {
		u.i++
		if !isDigit(u.at(0)) {
			return false
		}
		port := 0
		for isDigit(u.at(0)) {
			if port = port*10 + int(u.at(0)-'0'); port > math.MaxInt32 {
				return false // libxml2 keeps the port in an int
			}
			u.i++
		}
	}
	return true
}

// host is an IP literal in brackets or a (possibly empty) reg-name.
func (u *uriParser) host() bool {
	if u.at(0) == '[' {
		end := strings.IndexByte(u.s[u.i:], ']')
		if end < 0 {
			return false
		}
		u.i += end + 1
		return true
	}
	for u.unreserved() || u.pctEncoded() || u.subDelim() {
		u.next()
	}
	return true
}

func (u *uriParser) queryAndFragment() bool {
	if u.at(0) == '?' {
		u.i++
		for u.pchar() || u.at(0) == '/' || u.at(0) == '?' {
			u.next()
		}
	}
	if u.at(0) == '#' {
		u.i++
		for u.pchar() || u.at(0) == '/' || u.at(0) == '?' || u.at(0) == '[' || u.at(0) == ']' {
			u.next()
		}
	}
	return u.i >= len(u.s)
}
