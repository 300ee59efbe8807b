// Package xmlschema validates XML documents against W3C XML Schema (XSD 1.0).
//
// Two routes lead to a [Schema]:
//
//   - [CompileFS] compiles a folder of official XSD files (for example the
//     OOTS artefact folder) with the pure-Go helium engine, without ever
//     touching the network;
//   - [Embedded] and [EmbeddedEbMS] build the project's own structure model
//     (schemas/structure/*.model, see docs/structure-model.md) for the native
//     engine, which validates documents against the model directly, so the
//     binary ships no copy of the official schema files and starts in a few
//     milliseconds.
//
// Both routes give the same verdicts as xmllint (libxml2), an XSD 1.0
// processor, on the OOTS corpus; the native engine also follows libxml2
// where helium departs from it. A Schema is immutable and safe for
// concurrent use.
package xmlschema

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xsd"
)

const (
	xsdNS        = "http://www.w3.org/2001/XMLSchema"
	versioningNS = "http://www.w3.org/2007/XMLSchema-versioning"
	// memScheme prefixes every schema document we hand to helium. helium
	// resolves relative references against a URI base with RFC 3986 rules
	// (a local base would reject "../regrep4/rim.xsd" as a path escape), and
	// an absolute name that is not ours can never be opened.
	memScheme = "oots-schema:/"
)

// Schema is a compiled XML Schema. It is immutable once built and may be
// shared by any number of goroutines. It is backed either by helium's XSD
// engine (compiled) or by the native engine of the structure model
// (native); exactly one of the two is set.
type Schema struct {
	compiled *xsd.Schema
	native   *nativeSchema
	// names turns namespace URIs into the prefixes users know (rim, sdg, ...)
	// when messages are written.
	names prefixTable
	// childIndexes caches, per content model, the declarations its children
	// may match (see typeinfo.go). Filled lazily, shared by all callers.
	childIndexes sync.Map
}

// CompileFS compiles the schema document root and everything it includes or
// imports, all read from fsys. References are resolved inside fsys only:
// a relative schemaLocation is taken relative to the referring document, and
// an absolute http(s) location (for example the OASIS rim.xsd URL) is mapped
// to the file of the same name inside fsys. A reference that cannot be
// resolved locally is an error; nothing is ever fetched.
//
// Version-control attributes (vc:minVersion and friends) are ignored, as
// libxml2 ignores them: the OOTS driver says vc:minVersion="1.1" although it
// is plain XSD 1.0, and an XSD 1.0 processor honouring vc would drop it.
func CompileFS(ctx context.Context, fsys fs.FS, root string) (*Schema, error) {
	root = path.Clean(root)
	set, err := loadSchemaSet(ctx, fsys, root)
	if err != nil {
		return nil, err
	}
	return compileSet(ctx, set, root, defaultPrefixes())
}

// schemaSet holds prepared schema documents keyed by their path inside the
// source FS, plus the parsed root document.
type schemaSet struct {
	files   map[string][]byte
	rootDoc *helium.Document
}

// compileSet compiles a prepared schema set with helium in XSD 1.0 mode.
func compileSet(ctx context.Context, set *schemaSet, root string, names prefixTable) (*Schema, error) {
	mem := &memFS{files: set.files}
	collector := &compileErrors{}
	compiled, err := xsd.NewCompiler().
		Version(xsd.Version10).
		FS(mem).
		BaseDir(memScheme+root).
		Label(root).
		ErrorHandler(collector).
		Compile(ctx, set.rootDoc)
	if err != nil {
		return nil, collector.wrap(root, err)
	}
	// Seal the FS: helium would otherwise load schemas named by an instance's
	// xsi:schemaLocation through it. xmllint --schema ignores such hints, and
	// so do we.
	mem.sealed.Store(true)
	return &Schema{compiled: compiled, names: names}, nil
}

// compileErrors keeps the compiler's error-level diagnostics so a failed
// compilation can say why.
type compileErrors struct {
	msgs []string
}

// Handle implements helium.ErrorHandler.
func (c *compileErrors) Handle(_ context.Context, err error) {
	var lv helium.ErrorLeveler
	if errors.As(err, &lv) && lv.ErrorLevel() < helium.ErrorLevelError {
		return
	}
	c.msgs = append(c.msgs, strings.TrimSpace(err.Error()))
}

func (c *compileErrors) wrap(root string, err error) error {
	if len(c.msgs) == 0 {
		return fmt.Errorf("compile schema %s: %w", root, err)
	}
	const maxShown = 10
	msgs := c.msgs
	if len(msgs) > maxShown {
		msgs = append(msgs[:maxShown:maxShown], fmt.Sprintf("... and %d more", len(c.msgs)-maxShown))
	}
	return fmt.Errorf("compile schema %s: %w:\n  %s", root, err, strings.Join(msgs, "\n  "))
}

// loadSchemaSet reads root and, transitively, every document it references,
// rewriting each reference to an absolute in-memory name.
func loadSchemaSet(ctx context.Context, fsys fs.FS, root string) (*schemaSet, error) {
	l := &loader{fsys: fsys, docs: map[string]*helium.Document{}}
	if err := l.load(ctx, root, ""); err != nil {
		return nil, err
	}
	set := &schemaSet{files: map[string][]byte{}, rootDoc: l.docs[root]}
	for name, doc := range l.docs {
		text, err := helium.WriteString(doc)
		if err != nil {
			return nil, fmt.Errorf("schema %s: serialise: %w", name, err)
		}
		set.files[name] = []byte(text)
	}
	return set, nil
}

type loader struct {
	fsys  fs.FS
	docs  map[string]*helium.Document
	index map[string][]string // base name -> paths, built on first remote reference
}

func (l *loader) load(ctx context.Context, name, from string) error {
	if _, done := l.docs[name]; done {
		return nil
	}
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		if from == "" {
			return fmt.Errorf("schema %s: %w", name, err)
		}
		return fmt.Errorf("schema %s refers to %s, which cannot be read: %w", from, name, err)
	}
	doc, err := helium.NewParser().Parse(ctx, data)
	if err != nil {
		return fmt.Errorf("schema %s: not well-formed: %w", name, err)
	}
	root := doc.DocumentElement()
	if root == nil || root.URI() != xsdNS || root.LocalName() != "schema" {
		return fmt.Errorf("schema %s: root element is not xs:schema", name)
	}
	l.docs[name] = doc
	stripVersioning(root)
	for _, ref := range schemaRefs(root) {
		target, err := l.resolve(name, ref.location)
		if err != nil {
			return err
		}
		if err := ref.elem.SetAttribute("schemaLocation", memScheme+target); err != nil {
			return fmt.Errorf("schema %s: rewrite reference %s: %w", name, ref.location, err)
		}
		if err := l.load(ctx, target, name); err != nil {
			return err
		}
	}
	return nil
}

// resolve maps a schemaLocation found in document from to a path in the FS.
func (l *loader) resolve(from, location string) (string, error) {
	if isRemote(location) {
		return l.resolveRemote(from, location)
	}
	if strings.Contains(location, ":") {
		return "", fmt.Errorf("schema %s refers to %q: only relative paths and http(s) URLs are supported", from, location)
	}
	target := path.Join(path.Dir(from), location)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", fmt.Errorf("schema %s refers to %q, which lies outside the schema folder", from, location)
	}
	if _, err := fs.Stat(l.fsys, target); err != nil {
		return "", fmt.Errorf("schema %s refers to %q, but %s does not exist in the schema folder", from, location, target)
	}
	return target, nil
}

func isRemote(location string) bool {
	lower := strings.ToLower(location)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// resolveRemote finds the local copy of a published schema URL: the file with
// the same base name, preferring one in the referring document's folder.
func (l *loader) resolveRemote(from, location string) (string, error) {
	if l.index == nil {
		if err := l.buildIndex(); err != nil {
			return "", err
		}
	}
	base := path.Base(strings.TrimRight(location, "/"))
	candidates := l.index[base]
	switch len(candidates) {
	case 0:
		return "", fmt.Errorf("schema %s refers to %s; no local copy named %q exists in the schema folder (network access is disabled)", from, location, base)
	case 1:
		return candidates[0], nil
	}
	for _, c := range candidates {
		if path.Dir(c) == path.Dir(from) {
			return c, nil
		}
	}
	return "", fmt.Errorf("schema %s refers to %s; several local copies named %q exist (%s), which one is meant is unclear", from, location, base, strings.Join(candidates, ", "))
}

func (l *loader) buildIndex() error {
	l.index = map[string][]string{}
	err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".xsd") {
			l.index[path.Base(p)] = append(l.index[path.Base(p)], p)
		}
		return nil
	})
	for _, v := range l.index {
		sort.Strings(v)
	}
	if err != nil {
		return fmt.Errorf("index schema folder: %w", err)
	}
	return nil
}

type schemaRef struct {
	elem     *helium.Element
	location string
}

// schemaRefs lists the include/import/redefine/override children of an
// xs:schema element that name a schemaLocation.
func schemaRefs(root *helium.Element) []schemaRef {
	var refs []schemaRef
	for child := range helium.Children(root) {
		el, ok := helium.AsNode[*helium.Element](child)
		if !ok || el.URI() != xsdNS {
			continue
		}
		switch el.LocalName() {
		case "include", "import", "redefine", "override":
		default:
			continue
		}
		if loc, ok := el.GetAttribute("schemaLocation"); ok && strings.TrimSpace(loc) != "" {
			refs = append(refs, schemaRef{elem: el, location: strings.TrimSpace(loc)})
		}
	}
	return refs
}

// stripVersioning removes every vc:* attribute from the tree, which is what
// libxml2 effectively does (it does not implement conditional inclusion).
func stripVersioning(el *helium.Element) {
	var drop []string
	for _, a := range el.Attributes() {
		if a.URI() == versioningNS {
			drop = append(drop, a.LocalName())
		}
	}
	for _, local := range drop {
		el.RemoveAttributeNS(local, versioningNS)
	}
	for child := range helium.Children(el) {
		if ce, ok := helium.AsNode[*helium.Element](child); ok {
			stripVersioning(ce)
		}
	}
}

// memFS serves the prepared schema documents under memScheme names. Once
// sealed it serves nothing, so validation never loads further schemas.
type memFS struct {
	files  map[string][]byte
	sealed atomic.Bool
}

// Open implements fs.FS.
func (m *memFS) Open(name string) (fs.File, error) {
	key, ok := strings.CutPrefix(name, memScheme)
	data, found := m.files[key]
	if !ok || !found || m.sealed.Load() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return newMemFile(key, data), nil
}

// memFile is a read-only in-memory fs.File.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func newMemFile(name string, data []byte) *memFile {
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: path.Base(name), size: int64(len(data))}}
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
