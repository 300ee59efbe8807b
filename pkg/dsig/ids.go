package dsig

import (
	"fmt"

	"github.com/lestrrat-go/helium"
)

// idAttributes returns the IDs an element carries for same-document References:
// an unqualified Id, ID or id attribute, or xml:id. Every spelling counts,
// because verifiers disagree on which one a "#name" URI means — and that
// disagreement is what a wrapping attack feeds on.
func idAttributes(e *helium.Element) []string {
	var ids []string
	for _, a := range e.Attributes() {
		switch {
		case a.URI() == "" && (a.LocalName() == "Id" || a.LocalName() == "ID" || a.LocalName() == "id"):
			ids = append(ids, a.Value())
		case a.URI() == xmlNamespace && a.LocalName() == "id":
			ids = append(ids, a.Value())
		}
	}
	return ids
}

// indexIDs maps every ID value of the document to its element and refuses
// a document where one value names two elements (or one element twice).
func indexIDs(root *helium.Element) (map[string]*helium.Element, error) {
	index := map[string]*helium.Element{}
	var walk func(*helium.Element) error
	walk = func(e *helium.Element) error {
		for _, id := range idAttributes(e) {
			if first, dup := index[id]; dup {
				return fmt.Errorf("%w: %q is the ID of %s and of %s; a Reference to it could be made to cover either, so the document is refused",
					ErrDuplicateID, id, describe(first), describe(e))
			}
			index[id] = e
		}
		for _, c := range childElements(e) {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return index, walk(root)
}
