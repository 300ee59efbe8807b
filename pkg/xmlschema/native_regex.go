package xmlschema

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// XSD pattern facets (XML Schema Part 2, appendix F) translated to Go
// regular expressions. The differences that matter: a pattern matches the
// whole value (no anchors in the syntax, ^ and $ are ordinary characters),
// '.' excludes only \n and \r, the escapes \i \c \w \d \s differ from Perl's,
// and character classes may subtract ([a-z-[aeiou]]). Every class is
// computed as a set of rune ranges and written out explicitly, which
// handles all of these uniformly. Unicode block escapes (\p{IsBasicLatin})
// are not supported: the model does not use them, and a pattern that does is
// refused when the model is built rather than matched wrongly.

// compileXSDPattern compiles an XSD pattern anchored to the whole value.
func compileXSDPattern(pattern string) (*regexp.Regexp, error) {
	p := &xsdRegexParser{src: []rune(pattern)}
	body, err := p.regExp()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		return nil, fmt.Errorf("unexpected %q at offset %d", string(p.src[p.pos]), p.pos)
	}
	return regexp.Compile(`\A(?:` + body + `)\z`)
}

type xsdRegexParser struct {
	src []rune
	pos int
}

func (p *xsdRegexParser) peek() (rune, bool) {
	if p.pos < len(p.src) {
		return p.src[p.pos], true
	}
	return 0, false
}

// regExp ::= branch ( '|' branch )*
func (p *xsdRegexParser) regExp() (string, error) {
	var alts []string
	for {
		br, err := p.branch()
		if err != nil {
			return "", err
		}
		alts = append(alts, br)
		if r, ok := p.peek(); !ok || r != '|' {
			return strings.Join(alts, "|"), nil
		}
		p.pos++
	}
}

// branch ::= piece*
func (p *xsdRegexParser) branch() (string, error) {
	var b strings.Builder
	for {
		r, ok := p.peek()
		if !ok || r == '|' || r == ')' {
			return b.String(), nil
		}
		atom, err := p.atom()
		if err != nil {
			return "", err
		}
		q, err := p.quantifier()
		if err != nil {
			return "", err
		}
		b.WriteString(atom + q)
	}
}

func (p *xsdRegexParser) atom() (string, error) {
	r, _ := p.peek()
	switch r {
	case '(':
		p.pos++
		inner, err := p.regExp()
		if err != nil {
			return "", err
		}
		if c, ok := p.peek(); !ok || c != ')' {
			return "", fmt.Errorf("missing ) in pattern")
		}
		p.pos++
		return "(?:" + inner + ")", nil
	case '[':
		set, err := p.classExpr()
		if err != nil {
			return "", err
		}
		return set.String(), nil
	case '.':
		p.pos++
		return runeSet{{'\n', '\n'}, {'\r', '\r'}}.complement().String(), nil
	case '\\':
		set, single, err := p.escape()
		if err != nil {
			return "", err
		}
		if set != nil {
			return set.String(), nil
		}
		return regexp.QuoteMeta(string(single)), nil
	case '?', '*', '+', '{', '}', ')', ']':
		return "", fmt.Errorf("unexpected %q at offset %d", string(r), p.pos)
	}
	p.pos++
	return regexp.QuoteMeta(string(r)), nil
}

// quantifier ::= [?*+] | '{' n (',' m?)? '}'
func (p *xsdRegexParser) quantifier() (string, error) {
	r, ok := p.peek()
	if !ok {
		return "", nil
	}
	switch r {
	case '?', '*', '+':
		p.pos++
		return string(r), nil
	case '{':
		end := p.pos
		for end < len(p.src) && p.src[end] != '}' {
			end++
		}
		if end == len(p.src) {
			return "", fmt.Errorf("unterminated quantifier")
		}
		body := string(p.src[p.pos+1 : end])
		if err := checkQuantity(body); err != nil {
			return "", err
		}
		p.pos = end + 1
		return "{" + body + "}", nil
	}
	return "", nil
}

func checkQuantity(body string) error {
	lo, hi, ranged := strings.Cut(body, ",")
	n, err := strconv.Atoi(lo)
	if err != nil || n < 0 || n > 1000 {
		return fmt.Errorf("bad or too large quantity {%s}", body)
	}
	if ranged && hi != "" {
		m, err := strconv.Atoi(hi)
		if err != nil || m < n || m > 1000 {
			return fmt.Errorf("bad or too large quantity {%s}", body)
		}
	}
	return nil
}

// classExpr ::= '[' '^'? (charRange | charClassEsc)+ ('-' classExpr)? ']'
func (p *xsdRegexParser) classExpr() (runeSet, error) {
	p.pos++ // [
	negate := false
	if r, ok := p.peek(); ok && r == '^' {
		negate = true
		p.pos++
	}
	var set runeSet
	for first := true; ; first = false {
		r, ok := p.peek()
		switch {
		case !ok:
			return nil, fmt.Errorf("unterminated character class")
		case r == ']' && first:
			return nil, fmt.Errorf("empty character class")
		case r == ']':
			p.pos++
			return negated(set, negate), nil
		case r == '-' && !first && p.pos+1 < len(p.src) && p.src[p.pos+1] == '[':
			return p.subtraction(negated(set, negate))
		}
		part, err := p.classPart()
		if err != nil {
			return nil, err
		}
		set = set.union(part)
	}
}

func negated(set runeSet, negate bool) runeSet {
	if negate {
		return set.complement()
	}
	return set
}

// subtraction reads "-[...]" and the "]" that must close the outer class.
func (p *xsdRegexParser) subtraction(set runeSet) (runeSet, error) {
	p.pos++ // -
	sub, err := p.classExpr()
	if err != nil {
		return nil, err
	}
	if c, ok := p.peek(); !ok || c != ']' {
		return nil, fmt.Errorf("a class subtraction must end its class")
	}
	p.pos++
	return set.subtract(sub), nil
}

// classPart reads a single character, a range or an escape inside [...].
func (p *xsdRegexParser) classPart() (runeSet, error) {
	lo, set, err := p.classChar()
	if err != nil || set != nil {
		return set, err
	}
	if p.pos+1 < len(p.src) && p.src[p.pos] == '-' && p.src[p.pos+1] != ']' && p.src[p.pos+1] != '[' {
		p.pos++
		hi, hset, err := p.classChar()
		if err != nil {
			return nil, err
		}
		if hset != nil || hi < lo {
			return nil, fmt.Errorf("bad character range")
		}
		return runeSet{{lo, hi}}, nil
	}
	return runeSet{{lo, lo}}, nil
}

// classChar reads one character or escape; a multi-character escape
// comes back as a set.
func (p *xsdRegexParser) classChar() (rune, runeSet, error) {
	r := p.src[p.pos]
	if r == '\\' {
		set, single, err := p.escape()
		return single, set, err
	}
	if r == '[' {
		return 0, nil, fmt.Errorf("unescaped [ in a character class")
	}
	p.pos++
	return r, nil, nil
}

// escape reads \x: a single character, or a class (\d, \p{Lu}, ...).
func (p *xsdRegexParser) escape() (runeSet, rune, error) {
	if p.pos+1 >= len(p.src) {
		return nil, 0, fmt.Errorf("pattern ends with \\")
	}
	c := p.src[p.pos+1]
	p.pos += 2
	switch c {
	case 'n':
		return nil, '\n', nil
	case 'r':
		return nil, '\r', nil
	case 't':
		return nil, '\t', nil
	case '\\', '|', '.', '?', '*', '+', '(', ')', '{', '}', '-', '[', ']', '^':
		return nil, c, nil
	case 'p', 'P':
		set, err := p.property()
		if c == 'P' {
			set = set.complement()
		}
		return set, 0, err
	}
	if set, ok := multiCharEscape(c); ok {
		return set, 0, nil
	}
	return nil, 0, fmt.Errorf("unknown escape \\%c", c)
}

// property reads {Name} after \p or \P.
func (p *xsdRegexParser) property() (runeSet, error) {
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		return nil, fmt.Errorf("\\p needs {name}")
	}
	end := p.pos
	for end < len(p.src) && p.src[end] != '}' {
		end++
	}
	if end == len(p.src) {
		return nil, fmt.Errorf("unterminated \\p{")
	}
	name := string(p.src[p.pos+1 : end])
	p.pos = end + 1
	table := unicode.Categories[name]
	if table == nil {
		return nil, fmt.Errorf("unsupported character property \\p{%s}", name)
	}
	return fromTable(table), nil
}

// multiCharEscape is \s \S \i \I \c \C \d \D \w \W.
func multiCharEscape(c rune) (runeSet, bool) {
	var set runeSet
	switch c {
	case 's', 'S':
		set = runeSet{{'\t', '\n'}, {'\r', '\r'}, {' ', ' '}}
	case 'i', 'I':
		set = nameStartSet()
	case 'c', 'C':
		set = nameCharSet()
	case 'd', 'D':
		set = fromTable(unicode.Nd)
	case 'w', 'W':
		set = fromTable(unicode.P).union(fromTable(unicode.Z)).union(fromTable(unicode.C)).complement()
	default:
		return nil, false
	}
	if unicode.IsUpper(c) {
		set = set.complement()
	}
	return set, true
}

func nameStartSet() runeSet {
	return runeSet{{':', ':'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}, {0xC0, 0xD6}, {0xD8, 0xF6},
		{0xF8, 0x2FF}, {0x370, 0x37D}, {0x37F, 0x1FFF}, {0x200C, 0x200D}, {0x2070, 0x218F},
		{0x2C00, 0x2FEF}, {0x3001, 0xD7FF}, {0xF900, 0xFDCF}, {0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF}}
}

func nameCharSet() runeSet {
	return nameStartSet().union(runeSet{{'-', '.'}, {'0', '9'}, {0xB7, 0xB7}, {0x300, 0x36F}, {0x203F, 0x2040}})
}

// ----- rune sets ------------------------------------------------------------------

type runeRange struct{ lo, hi rune }

// runeSet is a sorted list of disjoint ranges.
type runeSet []runeRange

func fromTable(t *unicode.RangeTable) runeSet {
	var s runeSet
	for _, r := range t.R16 {
		s = appendStrided(s, rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range t.R32 {
		s = appendStrided(s, rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	return s.normalize()
}

func appendStrided(s runeSet, lo, hi, stride rune) runeSet {
	if stride == 1 {
		return append(s, runeRange{lo, hi})
	}
	for r := lo; r <= hi; r += stride {
		s = append(s, runeRange{r, r})
	}
	return s
}

// normalize sorts and merges overlapping or adjacent ranges.
func (s runeSet) normalize() runeSet {
	sort.Slice(s, func(i, j int) bool { return s[i].lo < s[j].lo })
	var out runeSet
	for _, r := range s {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s runeSet) union(o runeSet) runeSet {
	return append(append(runeSet{}, s...), o...).normalize()
}

func (s runeSet) complement() runeSet {
	var out runeSet
	next := rune(0)
	for _, r := range s.normalize() {
		if r.lo > next {
			out = append(out, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, runeRange{next, unicode.MaxRune})
	}
	return out
}

func (s runeSet) subtract(o runeSet) runeSet {
	return s.complement().union(o).complement()
}

// String writes the set as an RE2 class.
func (s runeSet) String() string {
	if len(s) == 0 {
		return `[^\x{0}-\x{10FFFF}]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for _, r := range s {
		fmt.Fprintf(&b, `\x{%X}`, r.lo)
		if r.hi != r.lo {
			fmt.Fprintf(&b, `-\x{%X}`, r.hi)
		}
	}
	b.WriteByte(']')
	return b.String()
}
