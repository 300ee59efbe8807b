package xmlschema

import (
	"encoding/base64"
	"math/big"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Lexical spaces of the XSD 1.0 built-in types, as libxml2 and helium accept
// them. The frequent types (numbers, booleans, dates) are scanned by hand:
// a regular expression per value would cost more than the rest of the
// validation of an element.

// validLexical reports whether v (already whitespace-normalized) is in the
// lexical space of the built-in named builtin.
func validLexical(v, builtin string) bool {
	switch builtin {
	case "string", "anySimpleType":
		return true
	case "boolean":
		return v == "true" || v == "false" || v == "1" || v == "0"
	case "decimal":
		return isDecimal(v)
	case "integer":
		return isInteger(v)
	case "float", "double":
		return isFloat(v)
	case "dateTime":
		return isDateTime(v)
	case "date":
		return isDate(v)
	case "time":
		return isTime(v)
	case "duration":
		return isDuration(v)
	case "NCName", "ID", "IDREF", "ENTITY":
		return isNCName(v)
	case "QName", "NOTATION":
		return isQName(v)
	}
	if isBoundedIntegerType(builtin) {
		return isBoundedInteger(v, builtin)
	}
	return validLexicalRare(v, builtin)
}

// validLexicalRare covers the types OOTS messages seldom or never use.
func validLexicalRare(v, builtin string) bool {
	switch builtin {
	case "anyURI":
		return isAnyURI(v)
	case "language":
		return languagePattern().MatchString(v)
	case "Name":
		return isName(v)
	case "NMTOKEN":
		return isNMTOKEN(v)
	case "IDREFS", "ENTITIES":
		return isTokenList(v, isNCName)
	case "NMTOKENS":
		return isTokenList(v, isNMTOKEN)
	case "normalizedString":
		return !strings.ContainsAny(v, "\t\n\r")
	case "token":
		return !strings.ContainsAny(v, "\t\n\r") && v == strings.Trim(v, " ") && !strings.Contains(v, "  ")
	case "hexBinary":
		return len(v)%2 == 0 && strings.Trim(v, "0123456789abcdefABCDEF") == ""
	case "base64Binary":
		return isBase64(v)
	}
	if re := gregorianPatterns()[builtin]; re != nil {
		return re.MatchString(v) && validGregorian(v, builtin)
	}
	return true // string, anySimpleType
}

// The regular expressions of the rarer types are compiled on first use, so
// that they cost nothing at process start.
var languagePattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
})

// ----- numbers --------------------------------------------------------------------

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits returns the index after the run of ASCII digits starting at i.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// isDecimal: [+-]?(\d+\.?\d*|\.\d+)
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return decimalBody(s, i) == len(s) && len(s) > i
}

// decimalBody scans \d+\.?\d*|\.\d+ from i and returns where it ends, or
// -1 if nothing matches.
func decimalBody(s string, i int) int {
	j := digits(s, i)
	if j > i {
		if j < len(s) && s[j] == '.' {
			return digits(s, j+1)
		}
		return j
	}
	if i < len(s) && s[i] == '.' {
		if k := digits(s, i+1); k > i+1 {
			return k
		}
	}
	return -1
}

// isInteger: [+-]?\d+
func isInteger(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return i < len(s) && digits(s, i) == len(s)
}

// isFloat is XSD 1.0 float/double: a decimal with an optional exponent,
// INF, -INF or NaN (+INF came with XSD 1.1).
func isFloat(s string) bool {
	switch s {
	case "INF", "-INF", "NaN":
		return true
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := decimalBody(s, i)
	if j < 0 {
		return false
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := digits(s, j)
		if k == j {
			return false
		}
		j = k
	}
	return j == len(s)
}

// integerBounds are the value ranges of the bounded integer types.
var integerBounds = map[string][2]string{
	"byte":               {"-128", "127"},
	"short":              {"-32768", "32767"},
	"int":                {"-2147483648", "2147483647"},
	"long":               {"-9223372036854775808", "9223372036854775807"},
	"unsignedByte":       {"0", "255"},
	"unsignedShort":      {"0", "65535"},
	"unsignedInt":        {"0", "4294967295"},
	"unsignedLong":       {"0", "18446744073709551615"},
	"nonNegativeInteger": {"0", ""},
	"positiveInteger":    {"1", ""},
	"nonPositiveInteger": {"", "0"},
	"negativeInteger":    {"", "-1"},
}

// isBoundedIntegerType reports the keys of integerBounds, without hashing
// the name: values of every type pass here.
func isBoundedIntegerType(builtin string) bool {
	switch builtin {
	case "byte", "short", "int", "long", "unsignedByte", "unsignedShort", "unsignedInt", "unsignedLong",
		"nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger":
		return true
	}
	return false
}

func isBoundedInteger(s, builtin string) bool {
	if !isInteger(s) {
		return false
	}
	b := integerBounds[builtin]
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return false
	}
	if b[0] != "" {
		lo, _ := new(big.Int).SetString(b[0], 10)
		if n.Cmp(lo) < 0 {
			return false
		}
	}
	if b[1] != "" {
		hi, _ := new(big.Int).SetString(b[1], 10)
		if n.Cmp(hi) > 0 {
			return false
		}
	}
	return true
}

// ----- dates and times ---------------------------------------------------------

// scanYear reads -?(\d{4}|[1-9]\d{4,}) and returns the digits and the end.
func scanYear(s string) (string, int, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	j := digits(s, i)
	n := j - i
	if n < 4 || (n > 4 && s[i] == '0') {
		return "", 0, false
	}
	return s[i:j], j, true
}

// twoDigits reads exactly two digits at i.
func twoDigits(s string, i int) (int, bool) {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return 0, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
}

// scanDate reads YYYY-MM-DD (without timezone) and checks the calendar.
func scanDate(s string) (int, bool) {
	year, i, ok := scanYear(s)
	if !ok || strings.Trim(year, "0") == "" { // XSD 1.0 has no year 0000
		return 0, false
	}
	if i >= len(s) || s[i] != '-' {
		return 0, false
	}
	month, ok1 := twoDigits(s, i+1)
	if !ok1 || i+3 >= len(s) || s[i+3] != '-' {
		return 0, false
	}
	day, ok2 := twoDigits(s, i+4)
	if !ok2 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	return i + 6, true
}

func daysIn(year string, month int) int {
	switch month {
	case 2:
		if leapYear(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// leapYear works on the digits: expanded years may exceed any integer type.
func leapYear(year string) bool {
	mod := func(n int) int {
		v := 0
		for i := 0; i < len(year); i++ {
			v = (v*10 + int(year[i]-'0')) % n
		}
		return v
	}
	return mod(4) == 0 && (mod(100) != 0 || mod(400) == 0)
}

// scanTime reads hh:mm:ss(.s+)? and checks the ranges (24:00:00 allowed).
func scanTime(s string, i int) (int, bool) {
	h, ok1 := twoDigits(s, i)
	if !ok1 || i+2 >= len(s) || s[i+2] != ':' {
		return 0, false
	}
	m, ok2 := twoDigits(s, i+3)
	if !ok2 || i+5 >= len(s) || s[i+5] != ':' {
		return 0, false
	}
	sec, ok3 := twoDigits(s, i+6)
	if !ok3 {
		return 0, false
	}
	j := i + 8
	zeroFrac := true
	if j < len(s) && s[j] == '.' {
		k := digits(s, j+1)
		if k == j+1 {
			return 0, false
		}
		zeroFrac = strings.Trim(s[j+1:k], "0") == ""
		j = k
	}
	if m > 59 || sec > 59 || h > 24 || (h == 24 && (m != 0 || sec != 0 || !zeroFrac)) {
		return 0, false
	}
	return j, true
}

// timezoneAt checks that s[i:] is empty, Z or ±hh:mm within ±14:00.
func timezoneAt(s string, i int) bool {
	rest := s[i:]
	switch {
	case rest == "" || rest == "Z":
		return true
	case len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':':
		return false
	}
	h, ok1 := twoDigits(rest, 1)
	m, ok2 := twoDigits(rest, 4)
	return ok1 && ok2 && m <= 59 && (h < 14 || (h == 14 && m == 0))
}

func isDateTime(s string) bool {
	i, ok := scanDate(s)
	if !ok || i >= len(s) || s[i] != 'T' {
		return false
	}
	j, ok := scanTime(s, i+1)
	return ok && timezoneAt(s, j)
}

func isDate(s string) bool {
	i, ok := scanDate(s)
	return ok && timezoneAt(s, i)
}

func isTime(s string) bool {
	i, ok := scanTime(s, 0)
	return ok && timezoneAt(s, i)
}

// isDuration: -?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)? with at least one
// part, and at least one after a T.
func isDuration(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) || s[i] != 'P' {
		return false
	}
	i++
	parts := 0
	i, parts = durationParts(s, i, "YMD", parts)
	if i < len(s) && s[i] == 'T' {
		before := parts
		i, parts = durationParts(s, i+1, "HMS", parts)
		if parts == before {
			return false
		}
	}
	return i == len(s) && parts > 0
}

// durationParts reads number-designator pairs in the designators' order;
// only seconds may have a fraction.
func durationParts(s string, i int, designators string, parts int) (int, int) {
	for _, d := range []byte(designators) {
		j := digits(s, i)
		if j == i {
			continue
		}
		k := j
		if d == 'S' && k < len(s) && s[k] == '.' {
			if m := digits(s, k+1); m > k+1 {
				k = m
			}
		}
		if k < len(s) && s[k] == d {
			i, parts = k+1, parts+1
		}
	}
	return i, parts
}

var gregorianPatterns = sync.OnceValue(func() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"gYear":      regexp.MustCompile(`^-?(?:\d{4}|[1-9]\d{4,})(Z|[+-]\d{2}:\d{2})?$`),
		"gYearMonth": regexp.MustCompile(`^-?(?:\d{4}|[1-9]\d{4,})-\d{2}(Z|[+-]\d{2}:\d{2})?$`),
		"gMonth":     regexp.MustCompile(`^--\d{2}(Z|[+-]\d{2}:\d{2})?$`),
		"gDay":       regexp.MustCompile(`^---\d{2}(Z|[+-]\d{2}:\d{2})?$`),
		"gMonthDay":  regexp.MustCompile(`^--\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$`),
	}
})

// validGregorian checks the ranges of the g* types (shape already matched).
func validGregorian(s, builtin string) bool {
	body := s
	if strings.HasSuffix(s, "Z") {
		body = s[:len(s)-1]
	} else if n := len(s); n >= 6 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':' {
		if !timezoneAt(s, n-6) {
			return false
		}
		body = s[:n-6]
	}
	switch builtin {
	case "gYear":
		return strings.Trim(strings.TrimPrefix(body, "-"), "0") != ""
	case "gYearMonth":
		year, _, _ := strings.Cut(strings.TrimPrefix(body, "-"), "-")
		m, _ := twoDigits(body, len(body)-2)
		return strings.Trim(year, "0") != "" && m >= 1 && m <= 12
	case "gMonth":
		m, _ := twoDigits(body, 2)
		return m >= 1 && m <= 12
	case "gDay":
		d, _ := twoDigits(body, 3)
		return d >= 1 && d <= 31
	}
	m, _ := twoDigits(body, 2)
	d, _ := twoDigits(body, 5)
	return m >= 1 && m <= 12 && d >= 1 && d <= daysIn("2000", m) // gMonthDay: Feb has 29
}

// ----- names, URIs, binary --------------------------------------------------------

func isNCNameStart(r rune) bool {
	return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || r == '_' ||
		(r >= 0xC0 && r <= 0xD6) || (r >= 0xD8 && r <= 0xF6) ||
		(r >= 0xF8 && r <= 0x2FF) || (r >= 0x370 && r <= 0x37D) ||
		(r >= 0x37F && r <= 0x1FFF) || (r >= 0x200C && r <= 0x200D) ||
		(r >= 0x2070 && r <= 0x218F) || (r >= 0x2C00 && r <= 0x2FEF) ||
		(r >= 0x3001 && r <= 0xD7FF) || (r >= 0xF900 && r <= 0xFDCF) ||
		(r >= 0xFDF0 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0xEFFFF)
}

func isNCNameChar(r rune) bool {
	return isNCNameStart(r) || (r >= '0' && r <= '9') || r == '-' || r == '.' ||
		r == 0xB7 || (r >= 0x0300 && r <= 0x036F) || (r >= 0x203F && r <= 0x2040)
}

// isNameLike checks a name: colons allowed or not, a start character first
// unless token (NMTOKEN) rules apply.
func isNameLike(s string, colon, token bool) bool {
	if s == "" {
		return false
	}
	if ok, ascii := asciiNameLike(s, colon, token); ascii {
		return ok
	}
	return runeNameLike(s, colon, token)
}

// runeNameLike is isNameLike for any text, rune by rune.
func runeNameLike(s string, colon, token bool) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		switch {
		case r == ':' && colon:
		case i == 0 && !token:
			if !isNCNameStart(r) {
				return false
			}
		case !isNCNameChar(r):
			return false
		}
	}
	return true
}

// asciiNameLike is isNameLike for the usual all-ASCII name, by table;
// ascii is false when s has other bytes, and the rune walk decides.
func asciiNameLike(s string, colon, token bool) (ok, ascii bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false, false
		}
		switch class := asciiNameClass[c]; {
		case c == ':' && colon:
		case i == 0 && !token:
			if class != nameStart {
				return false, true // the rune walk stops at the first bad one too
			}
		case class == notName:
			return false, true
		}
	}
	return true, true
}

// Classes of ASCII characters in names.
const (
	notName   = iota
	nameStart // also a name character
	nameChar  // not at the start of a name
)

// asciiNameClass classifies the ASCII characters as isNCNameStart and
// isNCNameChar do.
var asciiNameClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range rune(utf8.RuneSelf) {
		switch {
		case isNCNameStart(c):
			t[c] = nameStart
		case isNCNameChar(c):
			t[c] = nameChar
		}
	}
	return t
}()

func isNCName(s string) bool  { return isNameLike(s, false, false) }
func isName(s string) bool    { return isNameLike(s, true, false) }
func isNMTOKEN(s string) bool { return isNameLike(s, true, true) }

func isQName(s string) bool {
	prefix, local, ok := strings.Cut(s, ":")
	if !ok {
		return isNCName(s)
	}
	return isNCName(prefix) && isNCName(local)
}

func isTokenList(s string, item func(string) bool) bool {
	fields := xsdFields(s)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if !item(f) {
			return false
		}
	}
	return true
}

// isAnyURI is libxml2's lenient check: no control characters, no \ ^ `,
// well-formed %-escapes, no leading or trailing colon.
func isAnyURI(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ':' || s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
		case c < ' ' || c == 0x7f || c == '\\' || c == '^' || c == '`':
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isBase64(s string) bool {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '+' || c == '/' || c == '=':
			b.WriteByte(c)
		default:
			return false
		}
	}
	_, err := base64.StdEncoding.Strict().DecodeString(b.String())
	return err == nil
}

// ----- whitespace ---------------------------------------------------------------

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// xsdFields splits on XSD whitespace only (not on NBSP and friends).
func xsdFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isXMLSpace(byte(r)) })
}

// normalizeWS applies a whiteSpace facet. Values rarely need a change, so
// the common case returns v without allocating.
func normalizeWS(v string, mode wsMode) string {
	if mode == wsPreserve {
		return v
	}
	clean := true
	for i := 0; i < len(v) && clean; i++ {
		c := v[i]
		clean = c != '\t' && c != '\n' && c != '\r'
		if mode == wsCollapse && c == ' ' {
			clean = i > 0 && i < len(v)-1 && v[i-1] != ' '
		}
	}
	if clean {
		return v
	}
	b := make([]byte, 0, len(v))
	space := mode == wsCollapse // at the start, a collapsed value drops spaces
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isXMLSpace(c) {
			c = ' '
		}
		if mode == wsCollapse && c == ' ' {
			space = true
			continue
		}
		if space && mode == wsCollapse && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}
