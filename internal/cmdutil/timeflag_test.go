package cmdutil

import (
	"errors"
	"testing"
	"time"
)

func TestParseTimeFlag(t *testing.T) {
	for in, want := range map[string]time.Time{
		"":                     {},
		"2026-06-01":           time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		"2026-06-01T12:30:00Z": time.Date(2026, 6, 1, 12, 30, 0, 0, time.UTC),
	} {
		got, err := ParseTimeFlag("at", in)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	_, err := ParseTimeFlag("verify-at", "June 1st")
	var fe *FlagError
	if !errors.As(err, &fe) || err.Error() != `--verify-at "June 1st" is neither an RFC 3339 time (2026-06-01T12:00:00Z) nor a date (2026-06-01)` {
		t.Errorf("bad value: %v", err)
	}
}
