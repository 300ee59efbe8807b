package schematron

import "strings"

// Code-list membership.
//
// Rule packs test membership in a code list as
// contains($list, concat(sep, value, sep)), where $list is a string literal
// sep code sep code ... sep: the official rules do the same. strings.Contains
// scans the whole list, hundreds of codes, for every value checked. When the
// value holds no separator, sep+value+sep occurs in the list exactly when
// value is one of the fields the separator delimits on both sides, so a set
// of those fields answers instead.

// memberSet holds the fields of a list literal delimited by its first byte.
type memberSet struct {
	sep    byte
	fields map[string]struct{}
}

// newMemberSet builds the set of a literal that starts and ends with the
// same ASCII byte, or returns nil for any other string.
func newMemberSet(list string) *memberSet {
	if len(list) < 2 || list[0] >= 0x80 || list[len(list)-1] != list[0] {
		return nil
	}
	sep := list[0]
	inner := list[1 : len(list)-1]
	set := &memberSet{sep: sep, fields: make(map[string]struct{}, strings.Count(inner, string(sep))+1)}
	for field := range strings.SplitSeq(inner, string(sep)) {
		set.fields[field] = struct{}{}
	}
	return set
}

// contains is strings.Contains(list, sep+value+sep), or ok=false when the
// value holds the separator and the set cannot tell.
func (m *memberSet) contains(value string) (found, ok bool) {
	if strings.IndexByte(value, m.sep) >= 0 {
		return false, false
	}
	_, found = m.fields[value]
	return found, true
}

// memberTest is contains($list, concat(sep, value, sep)) with a one-byte
// literal separator; it uses the list's memberSet when the variable holds a
// list literal delimited by that byte, and the general test otherwise.
type memberTest struct {
	list  varRef
	sep   byte
	value strExpr
	slow  stringTest
}

// asMemberTest recognises the membership shape in a contains() call.
func asMemberTest(t stringTest) (boolExpr, bool) {
	a, isSingle := t.a.(singleStr)
	if !isSingle {
		return nil, false
	}
	list, isVar := a.x.(varRef)
	c, isConcat := t.b.(concat)
	if !isVar || !isConcat || len(c) != 3 {
		return nil, false
	}
	l, ok1 := c[0].(litStr)
	r, ok2 := c[2].(litStr)
	if !ok1 || !ok2 || len(l) != 1 || l != r || l[0] >= 0x80 {
		return nil, false
	}
	return memberTest{list: list, sep: l[0], value: c[1], slow: t}, true
}

func (memberTest) kind() kind { return kBool }
func (m memberTest) evalBool(r *run, ctx int32) (bool, bool) {
	b := r.binding(string(m.list))
	if b == nil || b.members == nil || b.members.sep != m.sep {
		return m.slow.evalBool(r, ctx)
	}
	value, ok := m.value.evalStr(r, ctx)
	if !ok {
		return false, false
	}
	if found, ok := b.members.contains(value); ok {
		return found, true
	}
	return m.slow.evalBool(r, ctx)
}
