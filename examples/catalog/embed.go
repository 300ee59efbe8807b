// Package catalogexample embeds the example catalogue of examples/catalog
// (EB and DSD answers and LCM submissions written for oots, with invented
// identifiers), so that the catalogue commands work on a fresh machine.
package catalogexample

import (
	"embed"

	"github.com/oots-tools/oots/pkg/catalog"
)

// Files are the example documents, *.xml at the root.
//
//go:embed *.xml
var Files embed.FS

// Catalog imports every example document into a new catalogue.
func Catalog() (*catalog.Catalog, error) {
	c := catalog.New()
	if _, err := c.ImportFS(Files, "*.xml"); err != nil {
		return nil, err
	}
	return c, nil
}
