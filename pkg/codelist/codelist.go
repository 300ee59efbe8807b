// Package codelist reads the code lists oots checks values against: the
// project's own plain lists (one code a line) and, for official artefact
// folders, genericode (.gc) files.
package codelist

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// Set is a collection of named code lists. It is safe for concurrent use.
type Set struct {
	mu    sync.Mutex
	fsys  fs.FS
	dir   string
	lists map[string]*List
	// complete means every list was read up front (genericode folders);
	// names not found are then looked up in fallback.
	complete bool
	fallback *Set
}

// List is one code list.
type List struct {
	Name  string
	Codes []string
	index map[string]struct{}
}

// Contains reports whether code is in the list (exact match).
func (l *List) Contains(code string) bool {
	_, ok := l.index[code]
	return ok
}

// ContainsBytes is Contains for a code held as bytes; it does not copy them.
func (l *List) ContainsBytes(code []byte) bool {
	_, ok := l.index[string(code)]
	return ok
}

// NewSet reads lists lazily from dir in fsys: NAME.txt files.
func NewSet(fsys fs.FS, dir string) *Set {
	return &Set{fsys: fsys, dir: dir, lists: map[string]*List{}}
}

// List returns the named list, reading it on first use.
func (s *Set) List(name string) (*List, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.lists[name]; ok {
		return l, nil
	}
	if s.complete {
		if s.fallback != nil {
			return s.fallback.List(name)
		}
		return nil, fmt.Errorf("code list %q not found", name)
	}
	data, err := fs.ReadFile(s.fsys, path.Join(s.dir, name+".txt"))
	if err != nil {
		return nil, fmt.Errorf("code list %q: %w", name, err)
	}
	l := parse(name, data)
	s.lists[name] = l
	return l, nil
}

// Codes returns the codes of the named list in file order.
func (s *Set) Codes(name string) ([]string, error) {
	l, err := s.List(name)
	if err != nil {
		return nil, err
	}
	return l.Codes, nil
}

func parse(name string, data []byte) *List {
	l := &List{Name: name, index: map[string]struct{}{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		l.add(line)
	}
	return l
}

func (l *List) add(code string) {
	if _, dup := l.index[code]; dup {
		return
	}
	l.Codes = append(l.Codes, code)
	l.index[code] = struct{}{}
}
