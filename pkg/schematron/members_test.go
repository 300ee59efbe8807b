package schematron

import (
	"strings"
	"testing"
)

// TestMemberSetAgreesWithContains compares the set with the substring test
// it replaces, on values inside, across and outside the fields.
func TestMemberSetAgreesWithContains(t *testing.T) {
	for _, list := range []string{"\x7fBE\x7fDE\x7f\x7fFR\x7f", " a b  c ", "|x|", "||", "\x7f\x7f"} {
		set := newMemberSet(list)
		if set == nil {
			t.Fatalf("%q: no set", list)
		}
		sep := string(list[0])
		for _, v := range []string{"", "BE", "DE", "FR", "B", "E\x7fDE", "a", "b", "c", "a b", "x", "|x", " ", "BE\x7f"} {
			want := strings.Contains(list, sep+v+sep)
			got, ok := set.contains(v)
			if !ok {
				if !strings.Contains(v, sep) {
					t.Errorf("%q in %q: the set declined", v, list)
				}
				continue
			}
			if got != want {
				t.Errorf("%q in %q: set says %v, contains %v", v, list, got, want)
			}
		}
	}
	for _, list := range []string{"", "a", "ab", "\x7fa"} {
		if newMemberSet(list) != nil {
			t.Errorf("%q is not a delimited list", list)
		}
	}
}
