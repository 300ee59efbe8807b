package catalog

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Hit is one search result.
type Hit struct {
	Kind  string  `json:"kind"` // "requirement" or "evidence-type"
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
	// Why says which fields matched which terms, e.g. `name "geburt" x3`.
	Why string `json:"why"`
}

// Field weights: a word in a name or title says more than one in a
// description; identifiers sit in between.
const (
	weightName        = 3.0
	weightID          = 2.0
	weightDescription = 1.0
	// A term that only starts a word ("naiss" for "naissance") counts half.
	prefixFactor = 0.5
)

type field struct {
	name   string
	weight float64
	text   string
}

// Search finds requirements and evidence types by words in any language,
// ignoring case and accents ("geburt" finds "Geburtsurkunde" by prefix,
// "creche" finds "crèche"). Each query term scores weight x occurrences in
// each field (half for a prefix match); documents that match more of the
// terms rank first, then by score, then by id. At most limit hits are
// returned (all when limit <= 0).
func (c *Catalog) Search(query string, limit int) []Hit {
	terms := uniqueTerms(Fold(query))
	if len(terms) == 0 {
		return nil
	}
	type ranked struct {
		Hit
		matched int
	}
	var all []ranked
	consider := func(kind, id, title string, fields []field) {
		score, matched, why := scoreFields(terms, fields)
		if matched > 0 {
			all = append(all, ranked{Hit{Kind: kind, ID: id, Title: title, Score: score, Why: why}, matched})
		}
	}
	for _, r := range c.Requirements {
		consider("requirement", r.ID, r.Names.Best(), requirementFields(r))
	}
	for _, e := range c.EvidenceTypes {
		consider("evidence-type", e.Classification, e.Titles.Best(), evidenceTypeFields(e))
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.matched != b.matched {
			return a.matched > b.matched
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	out := make([]Hit, len(all))
	for i, r := range all {
		out[i] = r.Hit
	}
	return out
}

func requirementFields(r *Requirement) []field {
	fs := []field{{"id", weightID, r.ID}}
	fs = appendTexts(fs, "name", weightName, r.Names)
	return appendTexts(fs, "description", weightDescription, r.Descriptions)
}

func evidenceTypeFields(e *EvidenceType) []field {
	fs := []field{{"id", weightID, e.Classification}}
	fs = appendTexts(fs, "title", weightName, e.Titles)
	return appendTexts(fs, "description", weightDescription, e.Descriptions)
}

func appendTexts(fs []field, name string, w float64, t Texts) []field {
	for _, lang := range sortedKeys(t) {
		fs = append(fs, field{name, w, t[lang]})
	}
	return fs
}

// scoreFields scores the terms against the fields and explains the score.
func scoreFields(terms []string, fields []field) (score float64, matched int, why string) {
	perField := map[string]float64{}
	var order []string
	for _, term := range terms {
		found := false
		for _, f := range fields {
			exact, prefix := countTerm(term, tokens(Fold(f.text)))
			s := f.weight * (float64(exact) + prefixFactor*float64(prefix))
			if s == 0 {
				continue
			}
			found = true
			score += s
			key := fmt.Sprintf("%s %q", f.name, term)
			if _, seen := perField[key]; !seen {
				order = append(order, key)
			}
			perField[key] += s
		}
		if found {
			matched++
		}
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%s +%g", k, perField[k])
	}
	return score, matched, strings.Join(parts, ", ")
}

// countTerm counts the tokens equal to term and those that only start with it.
func countTerm(term string, toks []string) (exact, prefix int) {
	for _, t := range toks {
		switch {
		case t == term:
			exact++
		case len(term) >= 3 && strings.HasPrefix(t, term):
			prefix++
		}
	}
	return exact, prefix
}

// foldExtra maps letters that Unicode does not decompose into a base letter
// and a mark to their usual ASCII spelling.
var foldExtra = map[rune]string{
	'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'æ': "ae", 'œ': "oe", 'ı': "i", 'þ': "th", 'ð': "d",
}

// Fold lowers the case of s and removes its accents: "Crèche Ñandú" becomes
// "creche nandu". It is how search compares words.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if x, ok := foldExtra[r]; ok {
			b.WriteString(x)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tokens splits folded text into words of letters and digits.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func uniqueTerms(s string) []string {
	var out []string
	for _, t := range tokens(s) {
		out = appendUnique(out, t)
	}
	return out
}
