package xmlschema

import (
	"github.com/lestrrat-go/helium"

	"github.com/oots-tools/oots/pkg/xmldoc"
)

// nodeText is xmldoc.RawText: the node's own bytes, read during a
// validation call only; no slice or string over them outlives the call.
func nodeText(n helium.Node) ([]byte, bool) { return xmldoc.RawText(n) }

// isBlankText reports a text or CDATA node of whitespace only; other
// nodes are not text and report false.
func isBlankText(n helium.Node) (text, blank bool) {
	b, ok := nodeText(n)
	if !ok {
		return false, false
	}
	return true, allSpace(b)
}
