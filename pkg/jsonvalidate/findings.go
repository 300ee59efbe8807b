package jsonvalidate

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/oots-tools/oots/pkg/report"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// findings turns a validation error tree into one finding per leaf: the
// leaves are the failed keywords, the inner nodes only say "doesn't validate
// with" their subschema.
func (s *Schema) findings(data []byte, ve *jsonschema.ValidationError) []report.Finding {
	leaves := leafErrors(ve, nil)
	want := map[string]bool{}
	for _, l := range leaves {
		l.InstanceLocation = plainPointer(l.InstanceLocation)
		want[l.InstanceLocation] = true
	}
	at := locate(data, want)
	var out []report.Finding
	seen := map[string]bool{}
	for _, l := range leaves {
		f := s.finding(data, at, l)
		key := f.Location + "\x00" + f.Source + "\x00" + f.Message
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	// The validator walks object properties in map order; sort for stable output.
	slices.SortStableFunc(out, func(a, b report.Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Location, b.Location), cmp.Compare(a.Message, b.Message))
	})
	return out
}

func leafErrors(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leafErrors(c, out)
	}
	return out
}

func (s *Schema) finding(data []byte, at map[string]int, ve *jsonschema.ValidationError) report.Finding {
	f := report.Finding{
		Layer:    LayerJSONSchema,
		Rule:     keyword(ve.KeywordLocation),
		Source:   s.source(ve.AbsoluteKeywordLocation),
		Severity: report.SeverityError,
		Location: ve.InstanceLocation,
		Message:  fmt.Sprintf("at %s: %s", describePointer(ve.InstanceLocation), ve.Message),
	}
	if off, ok := at[ve.InstanceLocation]; ok {
		f.Line = positionAt(data, off).line
	}
	return f
}

// plainPointer turns the validator's instance location, a JSON pointer in URI
// fragment form (each token also percent-encoded), into a plain RFC 6901
// pointer: what people read, and what locate computes.
func plainPointer(loc string) string {
	tokens := strings.Split(loc, "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			tokens[i] = u
		}
	}
	return strings.Join(tokens, "/")
}

// source shortens an absolute keyword location to schema file + fragment.
func (s *Schema) source(loc string) string {
	for _, b := range s.bases {
		if b != "" && strings.HasPrefix(loc, b) {
			return strings.TrimPrefix(loc, b)
		}
	}
	return loc
}

// keyword is the failed keyword, the last step of its location; a schema
// that is just false has none.
func keyword(loc string) string {
	if k := path.Base(loc); k != "." && k != "/" {
		return k
	}
	return "false"
}

func describePointer(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}
