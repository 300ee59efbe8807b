package schematron

import (
	"strconv"
	"strings"
)

// ASCII regular expressions.
//
// The matches() tests of the rule packs check value formats: UUIDs, dates,
// URL prefixes. Go's regexp runs them through its backtracker from every
// start position, which costs more than the rest of the test. asciiRegex
// decides the same patterns on ASCII subjects with a direct scan. It accepts
// only a small subset whose meaning is plain: literal characters, '.',
// classes of single characters and ranges, greedy quantifiers, and ^ and $
// as the first and last characters. On an ASCII subject the case-insensitive
// flag folds ASCII letters only (the other members of their fold orbits, the
// Kelvin sign and the long s, are not ASCII), so the scan agrees with
// xpath3's translation exactly; a subject with any other byte goes to the
// regular expression.

// asciiRegex is a sequence of atoms, anchored as the pattern says.
type asciiRegex struct {
	atoms      []ratom
	start, end bool // ^ and $
	// fixed is set when every atom has a fixed count: a match anchored at
	// the end then starts at one known position.
	fixed bool
	width int // the length of a match when fixed
	// flat lists, when fixed, the set of each character of a match: one
	// test per character, without counting repetitions.
	flat []asciiSet
}

// maxFlat bounds the length of the flat form of a fixed pattern.
const maxFlat = 256

// ratom is a set of bytes repeated min to max times (max < 0: unbounded).
type ratom struct {
	set      asciiSet
	min, max int
}

// asciiSet is a set of ASCII bytes.
type asciiSet [2]uint64

func (s *asciiSet) add(c byte)                { s[c>>6] |= 1 << (c & 63) }
func (s *asciiSet) has(c byte) bool           { return c < 128 && s[c>>6]&(1<<(c&63)) != 0 }
func (s *asciiSet) disjoint(t *asciiSet) bool { return s[0]&t[0] == 0 && s[1]&t[1] == 0 }

// addRange adds lo..hi, with the other case of each letter when fold is set.
func (s *asciiSet) addRange(lo, hi byte, fold bool) {
	for c := lo; c <= hi; c++ {
		s.add(c)
		if fold {
			switch {
			case c >= 'a' && c <= 'z':
				s.add(c - 'a' + 'A')
			case c >= 'A' && c <= 'Z':
				s.add(c - 'A' + 'a')
			}
		}
	}
}

// compileASCIIRegex compiles an XPath pattern that xpath3 accepted, or
// returns nil when it is outside the subset.
func compileASCIIRegex(pattern, flags string) *asciiRegex {
	var fold, dotAll bool
	for _, f := range flags {
		switch f {
		case 'i':
			fold = true
		case 's':
			dotAll = true
		default:
			return nil
		}
	}
	re := &asciiRegex{}
	if strings.HasPrefix(pattern, "^") {
		re.start, pattern = true, pattern[1:]
	}
	if strings.HasSuffix(pattern, "$") {
		re.end, pattern = true, pattern[:len(pattern)-1]
	}
	for pattern != "" {
		var a ratom
		var ok bool
		if a.set, pattern, ok = parseAtom(pattern, fold, dotAll); !ok {
			return nil
		}
		if a.min, a.max, pattern, ok = parseQuantifier(pattern); !ok {
			return nil
		}
		re.atoms = append(re.atoms, a)
	}
	if !re.greedyIsExact() {
		return nil
	}
	re.fixed = true
	for _, a := range re.atoms {
		re.fixed = re.fixed && a.min == a.max
		re.width += a.min
	}
	if re.fixed && re.width <= maxFlat {
		for _, a := range re.atoms {
			for range a.min {
				re.flat = append(re.flat, a.set)
			}
		}
	}
	return re
}

// parseAtom reads a literal, '.' or a class.
func parseAtom(p string, fold, dotAll bool) (asciiSet, string, bool) {
	var set asciiSet
	c := p[0]
	switch {
	case c == '.':
		set.addRange(0, 127, false)
		if !dotAll {
			set[0] &^= 1<<'\n' | 1<<'\r'
		}
		return set, p[1:], true
	case c == '[':
		end := strings.IndexByte(p, ']')
		if end < 2 {
			return set, p, false
		}
		body := p[1:end]
		for i := 0; i < len(body); i++ {
			lo := body[i]
			if !isPlainClassChar(lo) {
				return set, p, false
			}
			hi := lo
			if i+2 < len(body) && body[i+1] == '-' {
				if hi = body[i+2]; !isPlainClassChar(hi) || hi < lo {
					return set, p, false
				}
				i += 2
			}
			set.addRange(lo, hi, fold)
		}
		return set, p[end+1:], true
	case isPlainLiteral(c):
		set.addRange(c, c, fold)
		return set, p[1:], true
	}
	return set, p, false
}

// isPlainClassChar: letters and digits, the only class members (and range
// ends) accepted, so '-', '^', '[' and escapes never need interpreting.
func isPlainClassChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isPlainLiteral: characters that stand for themselves in XPath and Go
// regular expressions alike.
func isPlainLiteral(c byte) bool {
	return isPlainClassChar(c) || strings.IndexByte("-/:@_,;=!%&#~ ", c) >= 0
}

// parseQuantifier reads an optional greedy quantifier.
func parseQuantifier(p string) (lo, hi int, rest string, ok bool) {
	if p == "" {
		return 1, 1, p, true
	}
	switch p[0] {
	case '?':
		lo, hi, rest = 0, 1, p[1:]
	case '*':
		lo, hi, rest = 0, -1, p[1:]
	case '+':
		lo, hi, rest = 1, -1, p[1:]
	case '{':
		end := strings.IndexByte(p, '}')
		if end < 0 {
			return 0, 0, p, false
		}
		if lo, hi, ok = parseCounts(p[1:end]); !ok {
			return 0, 0, p, false
		}
		rest = p[end+1:]
	default:
		return 1, 1, p, true
	}
	// A second quantifier sign (a reluctant *?, say) is left to the regexp.
	if rest != "" && strings.IndexByte("?*+{", rest[0]) >= 0 {
		return 0, 0, p, false
	}
	return lo, hi, rest, true
}

// parseCounts reads n, n, or n,m of a {} quantifier.
func parseCounts(s string) (lo, hi int, ok bool) {
	a, b, comma := strings.Cut(s, ",")
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 0 || lo > 1000 || a != strconv.Itoa(lo) {
		return 0, 0, false
	}
	if !comma {
		return lo, lo, true
	}
	if b == "" {
		return lo, -1, true
	}
	hi, err = strconv.Atoi(b)
	if err != nil || hi < lo || hi > 1000 || b != strconv.Itoa(hi) {
		return 0, 0, false
	}
	return lo, hi, true
}

// greedyIsExact reports whether taking as many characters as possible for
// each atom finds a match whenever one exists: every atom of variable count
// is the last one, or is followed by a required atom that shares no
// character with it, so stopping earlier could never let the next atom in.
func (re *asciiRegex) greedyIsExact() bool {
	for i, a := range re.atoms {
		if a.min == a.max || i == len(re.atoms)-1 {
			continue
		}
		next := &re.atoms[i+1]
		if next.min == 0 || !a.set.disjoint(&next.set) {
			return false
		}
	}
	return true
}

// match reports whether some substring of s (which must be ASCII) matches.
func (re *asciiRegex) match(s string) bool {
	switch {
	case re.start:
		return re.matchAt(s, 0)
	case re.end && re.fixed:
		return len(s) >= re.width && re.matchAt(s, len(s)-re.width)
	}
	last := len(s)
	if re.fixed {
		last -= re.width
	}
	for i := 0; i <= last; i++ {
		if re.matchAt(s, i) {
			return true
		}
	}
	return false
}

// matchAt matches the atoms greedily from position i.
func (re *asciiRegex) matchAt(s string, i int) bool {
	if re.flat != nil {
		if len(s)-i < len(re.flat) {
			return false
		}
		for k := range re.flat {
			if !re.flat[k].has(s[i+k]) {
				return false
			}
		}
		return !re.end || i+len(re.flat) == len(s)
	}
	for k := range re.atoms {
		a := &re.atoms[k]
		n := 0
		for i < len(s) && (a.max < 0 || n < a.max) && a.set.has(s[i]) {
			i++
			n++
		}
		if n < a.min {
			return false
		}
	}
	return !re.end || i == len(s)
}

// isASCII reports a string of 7-bit bytes only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
