package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// NotFoundError is an unknown identifier, with the known ones closest to it.
type NotFoundError struct {
	What        string // "requirement", "evidence type", "procedure", "country", ...
	ID          string
	Suggestions []string
	// Known lists every known identifier when there are few of them and
	// none is near: the choice is then easy to show whole.
	Known []string
}

// maxKnownShown bounds the identifiers an error lists when none is near.
const maxKnownShown = 12

// notFound builds a NotFoundError from the known identifiers.
func notFound(what, id string, known []string) *NotFoundError {
	e := &NotFoundError{What: what, ID: id, Suggestions: nearMatches(id, known)}
	if len(e.Suggestions) == 0 && len(known) <= maxKnownShown {
		e.Known = known
	}
	return e
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("no %s %q in the catalogue", e.What, e.ID)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(e.Suggestions), " or ") + "?"
	} else if len(e.Known) > 0 {
		msg += "; known: " + strings.Join(e.Known, ", ")
	}
	return msg
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// maxSuggestions bounds the near matches an error lists.
const maxSuggestions = 3

// nearMatches returns up to maxSuggestions candidates close to id: ones
// that start with it or contain it, ones whose last URI segment equals or
// starts with it, then ones within a small edit distance of it or of their
// last segment (so a mistyped UUID inside a long classification URI is
// found). Case is ignored.
func nearMatches(id string, candidates []string) []string {
	want := strings.ToLower(strings.TrimSpace(id))
	if want == "" {
		return nil
	}
	type scored struct {
		s     string
		score int
	}
	var hits []scored
	limit := max(1, len(want)/4)
	for _, c := range candidates {
		if s, ok := closeness(want, strings.ToLower(c), limit); ok {
			hits = append(hits, scored{c, s})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].s < hits[j].s
	})
	var out []string
	for _, h := range hits {
		if len(out) == maxSuggestions {
			break
		}
		if len(out) == 0 || out[len(out)-1] != h.s {
			out = append(out, h.s)
		}
	}
	return out
}

// closeness scores how near a candidate is (lower is nearer).
func closeness(want, cand string, limit int) (int, bool) {
	last := cand[strings.LastIndex(cand, "/")+1:]
	switch {
	case cand == want || last == want:
		return 0, true
	case strings.HasPrefix(cand, want) || strings.HasPrefix(last, want):
		return 1, true
	case len(want) >= 4 && strings.Contains(cand, want):
		return 2, true
	}
	d := min(editDistance(want, cand, limit+1), editDistance(want, last, limit+1))
	if d <= limit {
		return 3 + d, true
	}
	return 0, false
}

// editDistance is the Levenshtein distance of a and b, or bound when it is
// at least bound (which saves the work for hopeless pairs).
func editDistance(a, b string, bound int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= bound || -d >= bound {
		return bound
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], bound)
}
