package regrep

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Resolver finds the NAPTR records of a name; *DNSClient is one.
type Resolver interface {
	LookupNAPTR(ctx context.Context, name string) ([]NAPTR, error)
}

// The Common Services a base URL can be discovered for.
const (
	ServiceEB  = "eb"
	ServiceDSD = "dsd"
)

// discoveryZone is the DNS zone of the Common Services records (TDD chapter 3.4).
const discoveryZone = "oots.tech.ec.europa.eu"

var envLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// DiscoveryName is the name whose NAPTR record holds the base URL of a
// Common Service for a country: <cc>.<eb|dsd>.v<major>.cs.<env>.oots.tech.ec.europa.eu,
// in lower case.
func DiscoveryName(country, service string, major int, env string) (string, error) {
	cc := strings.ToLower(country)
	if len(cc) != 2 || cc[0] < 'a' || cc[0] > 'z' || cc[1] < 'a' || cc[1] > 'z' {
		return "", fmt.Errorf("country %q: want a two-letter country code such as FR", country)
	}
	if service != ServiceEB && service != ServiceDSD {
		return "", fmt.Errorf("service %q: want %s or %s", service, ServiceEB, ServiceDSD)
	}
	if major < 1 {
		return "", fmt.Errorf("interface major version %d: want 1 or more", major)
	}
	e := strings.ToLower(env)
	if !envLabel.MatchString(e) {
		return "", fmt.Errorf("environment %q: want a DNS label such as acc or prod", env)
	}
	return cc + "." + service + ".v" + strconv.Itoa(major) + ".cs." + e + "." + discoveryZone, nil
}

// Discover finds the base URL of a Common Service for a country: it
// resolves the NAPTR records of DiscoveryName and applies the terminal
// ("U" flag) record of lowest order, then lowest preference, to the name
// (U-NAPTR, RFC 4848). The base URL is read from the record, never derived
// from the name: in production it has no environment segment.
func Discover(ctx context.Context, country, service string, major int, env string, r Resolver) (string, error) {
	name, err := DiscoveryName(country, service, major, env)
	if err != nil {
		return "", err
	}
	recs, err := r.LookupNAPTR(ctx, name)
	if err != nil {
		return "", fmt.Errorf("discovering the %s of %s (NAPTR record of %s): %w", strings.ToUpper(service), strings.ToUpper(country), name, err)
	}
	return SelectURL(name, recs)
}

// SelectURL applies the best terminal record of recs to name and returns
// the http(s) URL it yields.
func SelectURL(name string, recs []NAPTR) (string, error) {
	var terminal []NAPTR
	for _, r := range recs {
		if strings.EqualFold(r.Flags, "u") {
			terminal = append(terminal, r)
		}
	}
	if len(terminal) == 0 {
		return "", fmt.Errorf("%s: %w with flag U (the records found name no URL)", name, ErrNoRecord)
	}
	sort.SliceStable(terminal, func(i, j int) bool {
		if terminal[i].Order != terminal[j].Order {
			return terminal[i].Order < terminal[j].Order
		}
		return terminal[i].Preference < terminal[j].Preference
	})
	var errs []error
	for _, r := range terminal {
		u, err := ApplyRegexp(r.Regexp, name)
		if err == nil {
			err = checkBaseURL(u)
		}
		if err == nil {
			return u, nil
		}
		errs = append(errs, fmt.Errorf("record %q: %w", r.Regexp, err))
	}
	return "", fmt.Errorf("%s: no usable NAPTR record: %w", name, errors.Join(errs...))
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

// ApplyRegexp applies a NAPTR substitution expression
// (delim-char ERE delim-char replacement delim-char [i], RFC 3402 3.2) to
// input. Back-references \1 to \9 in the replacement are supported; the
// delimiter may be escaped with a backslash inside the expression.
func ApplyRegexp(expr, input string) (string, error) {
	if len(expr) < 3 {
		return "", fmt.Errorf("substitution expression %q too short", expr)
	}
	delim := expr[0]
	if delim == '\\' || delim >= '0' && delim <= '9' {
		return "", fmt.Errorf("substitution expression %q: the delimiter cannot be a backslash or a digit", expr)
	}
	parts := splitUnescaped(expr[1:], delim)
	if len(parts) != 3 || parts[2] != "" && parts[2] != "i" {
		return "", fmt.Errorf("substitution expression %q: want %cregexp%creplacement%c", expr, delim, delim, delim)
	}
	pattern := parts[0]
	if parts[2] == "i" {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", fmt.Errorf("substitution expression %q: %w", expr, err)
	}
	m := re.FindStringSubmatchIndex(input)
	if m == nil {
		return "", fmt.Errorf("substitution expression %q does not match %q", expr, input)
	}
	return string(re.ExpandString(nil, goTemplate(parts[1]), input, m)), nil
}

// splitUnescaped splits s at delim characters not preceded by a backslash,
// removing the backslash of an escaped delimiter.
func splitUnescaped(s string, delim byte) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == delim:
			cur.WriteByte(delim)
			i++
		case s[i] == delim:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(parts, cur.String())
}

// goTemplate turns a NAPTR replacement (\1 back-references, \\ for a
// backslash) into a regexp.Expand template ($ escaped as $$).
func goTemplate(repl string) string {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '\\' && i+1 < len(repl) && repl[i+1] >= '1' && repl[i+1] <= '9':
			b.WriteString("${" + string(repl[i+1]) + "}")
			i++
		case c == '\\' && i+1 < len(repl):
			b.WriteByte(repl[i+1])
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
