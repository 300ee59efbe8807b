package validate

import (
	"slices"
	"testing"
)

// The index hands each element exactly the checks a walk over every check
// would try on it, in the same order, so findings keep their order.
func TestCodelistIndexKeepsChecksAndOrder(t *testing.T) {
	names := []string{"unknown", "*"}
	for _, c := range codelistChecks {
		names = append(names, c.local)
	}
	for _, local := range names {
		var want []*codelistCheck
		for i := range codelistChecks {
			if c := &codelistChecks[i]; c.local == "*" || c.local == local {
				want = append(want, c)
			}
		}
		if got := codelistIndex.forName(local); !slices.Equal(got, want) {
			t.Errorf("checks for <%s>: %d, want %d in codelistChecks order", local, len(got), len(want))
		}
	}
}
