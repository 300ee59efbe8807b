package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
)

// input is one document to validate: a file path or standard input ("-").
type input struct {
	path string
}

func (in input) stdin() bool { return in.path == "-" }

// documentExtensions are the files picked up when a folder is given.
var documentExtensions = map[string]bool{".xml": true, ".json": true}

// expandInputs turns the arguments into documents: files as given, folders
// walked for .xml and .json files (in name order), globs expanded. Paths are
// kept as the user wrote them, joined with what was found below a folder.
func expandInputs(args []string) ([]input, error) {
	var out []input
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, input{path: p})
		}
	}
	for _, arg := range args {
		paths, err := expandArg(arg)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			add(p)
		}
	}
	return out, nil
}

func expandArg(arg string) ([]string, error) {
	if arg == "-" {
		return []string{arg}, nil
	}
	st, err := os.Stat(arg)
	switch {
	case err == nil && st.IsDir():
		return walkDir(arg)
	case err == nil:
		return []string{arg}, nil
	case strings.ContainsAny(arg, "*?["):
		return expandGlob(arg)
	}
	return nil, cmdutil.FlagErrorf("%s: no such file or folder", arg)
}

func walkDir(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && documentExtensions[strings.ToLower(filepath.Ext(p))] {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading folder %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, cmdutil.FlagErrorf("%s: no .xml or .json documents in this folder", dir)
	}
	sort.Strings(paths)
	return paths, nil
}

// expandGlob expands a pattern; "**" matches any number of folders.
func expandGlob(pattern string) ([]string, error) {
	var paths []string
	if strings.Contains(pattern, "**") {
		base, rest, _ := strings.Cut(pattern, "**")
		if base = strings.TrimSuffix(base, string(filepath.Separator)); base == "" {
			base = "."
		}
		rest = strings.TrimPrefix(rest, string(filepath.Separator))
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ok, _ := filepath.Match(rest, filepath.Base(p)); ok {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("expanding %s: %w", pattern, err)
		}
	} else {
		var err error
		if paths, err = filepath.Glob(pattern); err != nil {
			return nil, cmdutil.FlagErrorf("bad pattern %q: %v", pattern, err)
		}
	}
	if len(paths) == 0 {
		return nil, cmdutil.FlagErrorf("%s: no file matches", pattern)
	}
	sort.Strings(paths)
	return paths, nil
}
