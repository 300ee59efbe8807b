package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// storeName marks the JSON store so that Open can tell it from other JSON.
const storeName = "oots-catalog"

// store is the file form of a catalogue.
type store struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	*Catalog
}

// DefaultPath is the store under the user's data directory:
// $XDG_DATA_HOME/oots/catalog.json, or ~/.local/share/oots/catalog.json when
// XDG_DATA_HOME is not set (on every system, so that the place is easy to
// find and the same in documentation and scripts).
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "oots", "catalog.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the catalogue's default place: %w; give one with --catalog FILE", err)
	}
	return filepath.Join(home, ".local", "share", "oots", "catalog.json"), nil
}

// Open reads a catalogue store written by Save. A store that does not exist
// yet is an empty catalogue, not an error: importing into a new path and
// pulling into the default path just work (use Empty to tell). Anything else
// that is not a readable store of this or an older version is an error that
// names the file.
func Open(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading catalogue %s: %w", path, err)
	}
	return Decode(path, data)
}

// Decode reads the JSON form of a catalogue; name is used in errors.
func Decode(name string, data []byte) (*Catalog, error) {
	st := store{Catalog: New()}
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s is not a catalogue store (%v); import XML files with 'oots catalog import'", name, err)
	}
	if st.Format != storeName {
		return nil, fmt.Errorf("%s is not a catalogue store (no \"format\": %q); import XML files with 'oots catalog import'", name, storeName)
	}
	if st.Version > FormatVersion {
		return nil, fmt.Errorf("%s is a version %d catalogue store; this oots reads up to version %d: upgrade oots", name, st.Version, FormatVersion)
	}
	return st.Catalog, nil
}

// Encode is the JSON form of the catalogue, indented and in a stable order.
func (c *Catalog) Encode() ([]byte, error) {
	c.normalise()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(store{Format: storeName, Version: FormatVersion, Catalog: c}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Save writes the catalogue store atomically: through a temporary file in
// the same folder, renamed into place, so a failed save leaves the previous
// store whole. The folder is created when missing.
func (c *Catalog) Save(path string) error {
	data, err := c.Encode()
	if err != nil {
		return fmt.Errorf("encoding catalogue %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	// After the rename the temporary name is gone; before it, this cleans up.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing catalogue %s: %w", path, err)
	}
	return nil
}

// LastImport is the time of the latest import (zero for an empty catalogue).
func (c *Catalog) LastImport() time.Time {
	var t time.Time
	for _, s := range c.Sources {
		if s.ImportedAt.After(t) {
			t = s.ImportedAt
		}
	}
	return t
}
