package node

import (
	"net/http"

	"github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/simulate/commonservices"
)

// mountCommonServices serves the catalogue as the Evidence Broker or the
// Data Service Directory, every answer signed with the node's key.
func (n *node) mountCommonServices(mux *http.ServeMux) (func(), error) {
	cat, err := loadCatalog(n.cfg.Catalog)
	if err != nil {
		return nil, err
	}
	cfg := commonservices.Config{Catalog: cat, Identity: n.id}
	handler := commonservices.NewEB(cfg)
	if n.cfg.Role == RoleDSD {
		handler = commonservices.NewDSD(cfg)
	}
	mux.Handle("/rest/", handler)
	return func() {}, nil
}

// loadCatalog reads a catalogue store, or the embedded example catalogue.
func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "example" {
		return catalogexample.Catalog()
	}
	return catalog.Open(path)
}
