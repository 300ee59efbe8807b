// Package catalog holds what the Evidence Broker and the Data Service
// Directory know: procedures, requirements, evidence types per country and
// jurisdiction, and the data services that provide them.
package catalog

import "errors"

// Catalog is the merged content of imported EB / DSD answers and LCM submissions.
type Catalog struct{}

// ImportStats counts what one import added.
type ImportStats struct{}

// New returns an empty catalogue.
func New() *Catalog { return &Catalog{} }

// Open reads a catalogue store written by Save.
func Open(path string) (*Catalog, error) { return nil, errors.New("not implemented") }

// Save writes the catalogue store atomically.
func (c *Catalog) Save(path string) error { return errors.New("not implemented") }

// DefaultPath is the store under the user's data directory.
func DefaultPath() (string, error) { return "", errors.New("not implemented") }

// ImportXML merges an EB or DSD query response or an LCM SubmitObjectsRequest.
func (c *Catalog) ImportXML(source string, data []byte) (ImportStats, error) {
	return ImportStats{}, errors.New("not implemented")
}
