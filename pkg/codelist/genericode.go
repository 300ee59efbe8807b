package codelist

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/lestrrat-go/helium"
)

// LoadGenericode reads every genericode (.gc) file below dir. A list is named
// by its Identification/ShortName; its codes are the first column of each row.
// Files that cannot be read are skipped, and names missing here are looked up
// in fallback (which may be nil).
func LoadGenericode(fsys fs.FS, dir string, fallback *Set) (*Set, error) {
	set := &Set{fsys: fsys, dir: dir, lists: map[string]*List{}, fallback: fallback}
	err := fs.WalkDir(fsys, dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".gc") {
			return nil
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		if l, ok := parseGenericode(data); ok {
			set.lists[l.Name] = l
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(set.lists) == 0 {
		return nil, fmt.Errorf("no genericode lists in %s", dir)
	}
	set.complete = true
	return set, nil
}

func parseGenericode(data []byte) (*List, bool) {
	doc, err := helium.NewParser().Parse(context.Background(), data)
	if err != nil || doc.DocumentElement() == nil {
		return nil, false
	}
	l := &List{index: map[string]struct{}{}}
	for _, el := range childElements(doc.DocumentElement()) {
		switch el.LocalName() {
		case "Identification":
			for _, c := range childElements(el) {
				if c.LocalName() == "ShortName" {
					l.Name = strings.TrimSpace(string(c.Content()))
				}
			}
		case "SimpleCodeList":
			for _, row := range childElements(el) {
				if code, ok := firstValue(row); ok {
					l.add(code)
				}
			}
		}
	}
	return l, l.Name != ""
}

func firstValue(row *helium.Element) (string, bool) {
	for _, v := range childElements(row) {
		for _, sv := range childElements(v) {
			if sv.LocalName() == "SimpleValue" {
				return strings.TrimSpace(string(sv.Content())), true
			}
		}
	}
	return "", false
}

func childElements(el *helium.Element) []*helium.Element {
	var out []*helium.Element
	for n := el.FirstChild(); n != nil; n = n.NextSibling() {
		if c, ok := n.(*helium.Element); ok {
			out = append(out, c)
		}
	}
	return out
}
