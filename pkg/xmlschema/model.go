package xmlschema

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// This file reads the structure model: the line-oriented text format of
// schemas/structure/*.model, documented in docs/structure-model.md. Reading
// only builds a tree of statements (keyword, arguments, options, nested
// statements); generate.go gives the statements their meaning.

// stmt is one model line with the lines indented beneath it.
type stmt struct {
	file    string
	line    int
	keyword string
	args    []string          // positional arguments, in order
	opts    map[string]string // key=value options; nil when there are none
	body    []*stmt
}

func (s *stmt) pos() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// errorf reports a model error at this statement's position.
func (s *stmt) errorf(format string, a ...any) error {
	return fmt.Errorf("%s: %s", s.pos(), fmt.Sprintf(format, a...))
}

// readModelFS parses every *.model file of fsys (sorted by name, so the
// result does not depend on directory order).
func readModelFS(fsys fs.FS) ([]*stmt, error) {
	names, err := fs.Glob(fsys, "*.model")
	if err != nil {
		return nil, fmt.Errorf("list model files: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.model files found")
	}
	sort.Strings(names)
	var all []*stmt
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		stmts, err := parseModel(path.Base(name), string(data))
		if err != nil {
			return nil, err
		}
		all = append(all, stmts...)
	}
	return all, nil
}

// parseModel turns one file into its top-level statements.
func parseModel(file, text string) ([]*stmt, error) {
	type open struct {
		indent int
		st     *stmt
	}
	var top []*stmt
	var stack []open
	for i, raw := range strings.Split(text, "\n") {
		lineNo := i + 1
		line := strings.TrimRight(raw, " \r")
		indent, err := indentation(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, lineNo, err)
		}
		tokens, err := tokenize(line[indent:])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, lineNo, err)
		}
		if len(tokens) == 0 {
			continue
		}
		st := newStmt(file, lineNo, tokens)
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			if indent != 0 {
				return nil, fmt.Errorf("%s:%d: unexpected indentation", file, lineNo)
			}
			top = append(top, st)
		} else {
			parent := stack[len(stack)-1].st
			parent.body = append(parent.body, st)
		}
		stack = append(stack, open{indent: indent, st: st})
	}
	return top, nil
}

// indentation counts leading spaces; tabs are refused because their width
// is ambiguous.
func indentation(line string) (int, error) {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	if n < len(line) && line[n] == '\t' {
		return 0, fmt.Errorf("indent with spaces, not tabs")
	}
	return n, nil
}

// token is a word of a model line; quoted tells a "quoted" word, which is
// never read as key=value.
type token struct {
	text   string
	quoted bool
}

// tokenize splits a line into words. A word may be written in double
// quotes (Go syntax) to hold spaces or be empty, also after key=. A word
// "#" or starting with "# " begins a comment; "##other" is a word.
func tokenize(line string) ([]token, error) {
	var out []token
	i := 0
	for i < len(line) {
		if line[i] == ' ' || line[i] == '\t' {
			i++
			continue
		}
		if line[i] == '#' && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t') {
			break
		}
		tok, next, err := readWord(line, i)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
		i = next
	}
	return out, nil
}

// readWord reads one word starting at i and returns the index after it.
func readWord(line string, i int) (token, int, error) {
	// Most words have no quotes: slice them out of the line.
	end := i
	for end < len(line) && line[end] != ' ' && line[end] != '\t' && line[end] != '"' {
		end++
	}
	if end == len(line) || line[end] != '"' {
		return token{text: line[i:end]}, end, nil
	}
	var b strings.Builder
	tok := token{quoted: line[i] == '"'}
	for i < len(line) && line[i] != ' ' && line[i] != '\t' {
		if line[i] != '"' {
			b.WriteByte(line[i])
			i++
			continue
		}
		end := closingQuote(line, i)
		if end < 0 {
			return token{}, 0, fmt.Errorf("unterminated quoted string")
		}
		s, err := strconv.Unquote(line[i : end+1])
		if err != nil {
			return token{}, 0, fmt.Errorf("bad quoted string %s: %w", line[i:end+1], err)
		}
		b.WriteString(s)
		i = end + 1
	}
	tok.text = b.String()
	return tok, i, nil
}

// closingQuote finds the quote that ends the string opened at start.
func closingQuote(line string, start int) int {
	for j := start + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

func newStmt(file string, line int, tokens []token) *stmt {
	st := &stmt{file: file, line: line, keyword: tokens[0].text}
	for _, t := range tokens[1:] {
		if key, val, ok := strings.Cut(t.text, "="); ok && !t.quoted && isOptionKey(key) {
			if st.opts == nil {
				st.opts = map[string]string{}
			}
			st.opts[key] = val
			continue
		}
		st.args = append(st.args, t.text)
	}
	return st
}

func isOptionKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
