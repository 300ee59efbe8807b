package cmdutil

import "time"

// ParseTimeFlag reads a time given to a flag (--at, --verify-at): RFC 3339,
// or a date meaning its midnight UTC; "" is the zero time (now, for the
// commands). A bad value is a usage error naming the flag.
func ParseTimeFlag(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, FlagErrorf("--%s %q is neither an RFC 3339 time (2026-06-01T12:00:00Z) nor a date (2026-06-01)", flag, s)
}
