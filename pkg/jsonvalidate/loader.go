package jsonvalidate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// RemoteRefError is a $ref (or $schema) that names a schema on the network.
// Validation never fetches anything, so the user has to download it.
type RemoteRefError struct {
	URL string // the reference as resolved
	Dir string // the schema folder, where a local copy would be found
}

func (e *RemoteRefError) Error() string {
	return fmt.Sprintf("schema reference %s is remote and schemas are never fetched from the network: "+
		"download it into %s (next to your schema) and refer to it by a relative path such as %q",
		e.URL, e.Dir, path.Base(strings.SplitN(e.URL, "#", 2)[0]))
}

// loader serves schema references from one folder and nothing else. It is the
// compiler's only way to read a schema, so no $ref can reach the network or
// another part of the file system.
type loader struct {
	dir    string   // absolute schema folder
	dirURL string   // file URL of dir, with a trailing slash
	idBase string   // the root schema's http(s) $id up to its last '/', or ""
	root   *os.Root // dir, opened so that ".." and symlinks cannot leave it
}

func newLoader(dir string, rootSchema []byte) (*loader, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &loader{dir: dir, dirURL: fileURL(dir) + "/", idBase: idBase(rootSchema), root: root}, nil
}

func (l *loader) close() { _ = l.root.Close() } // read-only: nothing is lost

// load is the compiler's LoadURL.
func (l *loader) load(ref string) (io.ReadCloser, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "file":
		return l.loadFile(u)
	case "http", "https":
		// A schema with an http(s) $id resolves its relative $refs against
		// that $id; they name files beside it, which are served locally.
		if l.idBase != "" && strings.HasPrefix(ref, l.idBase) {
			return l.open(strings.TrimPrefix(stripFragment(ref), l.idBase))
		}
		return nil, &RemoteRefError{URL: ref, Dir: l.dir}
	}
	return nil, fmt.Errorf("schema reference %s: only files in %s can be referenced", ref, l.dir)
}

func (l *loader) loadFile(u *url.URL) (io.ReadCloser, error) {
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // Windows drive: /C:/dir
		p = p[1:]
	}
	rel, err := filepath.Rel(l.dir, filepath.FromSlash(p))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("schema reference %s is outside the schema folder %s: copy it there", u, l.dir)
	}
	return l.open(filepath.ToSlash(rel))
}

// open reads a file below the schema folder, within the size limit.
func (l *loader) open(rel string) (io.ReadCloser, error) {
	f, err := l.root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", rel, err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing is lost
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", rel, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("schema %s is larger than %d bytes", rel, MaxBytes)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// idBase returns the http(s) $id (or draft-4 id) of a schema up to and
// including its last '/', or "" when it has none.
func idBase(schema []byte) string {
	var top struct {
		ID    string `json:"$id"`
		OldID string `json:"id"`
	}
	if json.Unmarshal(schema, &top) != nil {
		return ""
	}
	id := top.ID
	if id == "" {
		id = top.OldID
	}
	id = stripFragment(id)
	if !strings.HasPrefix(id, "http://") && !strings.HasPrefix(id, "https://") {
		return ""
	}
	return id[:strings.LastIndexByte(id, '/')+1]
}

func stripFragment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// fileURL is the file URL of an absolute path, escaped as the compiler does.
func fileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") { // Windows: C:/dir becomes /C:/dir
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// remoteRef digs a RemoteRefError out of a compiler error, which may carry it
// wrapped or only as text.
func remoteRef(err error) (*RemoteRefError, bool) {
	var re *RemoteRefError
	if errors.As(err, &re) {
		return re, true
	}
	return nil, false
}
