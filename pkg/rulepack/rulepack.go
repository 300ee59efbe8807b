// Package rulepack reads the project's declarative rule packs (YAML, see
// docs/rule-packs.md) and compiles each into a Schematron schema for
// pkg/schematron. A pack describes, for one message kind, what the OOTS
// business rules require — slots, value types, code lists, patterns — and
// carries the official rule ids.
package rulepack

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/oots-tools/oots/pkg/schematron"
	"go.yaml.in/yaml/v3"
)

// Pack is one compiled rule pack.
type Pack struct {
	Name   string // e.g. EDM-REQ-S
	Kind   string // message kind it applies to
	Title  string
	Schema *schematron.Schema
}

// StandardNamespaces are bound in every pack.
var StandardNamespaces = []schematron.Namespace{
	{Prefix: "sdg", URI: "http://data.europa.eu/p4s"},
	{Prefix: "rim", URI: "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"},
	{Prefix: "query", URI: "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"},
	{Prefix: "rs", URI: "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"},
	{Prefix: "lcm", URI: "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0"},
	{Prefix: "xsi", URI: "http://www.w3.org/2001/XMLSchema-instance"},
	{Prefix: "xlink", URI: "http://www.w3.org/1999/xlink"},
	{Prefix: "xml", URI: "http://www.w3.org/XML/1998/namespace"},
}

// CodeLists gives the codes of a named code list.
type CodeLists interface {
	Codes(name string) ([]string, error)
}

// LoadDir reads every *.yaml pack in dir of rules, sorted by name.
func LoadDir(rules fs.FS, dir string, codes CodeLists) ([]*Pack, error) {
	entries, err := fs.ReadDir(rules, dir)
	if err != nil {
		return nil, err
	}
	var packs []*Pack
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(rules, name)
		if err != nil {
			return nil, err
		}
		p, err := Parse(name, data, codes)
		if err != nil {
			return nil, err
		}
		packs = append(packs, p)
	}
	sort.Slice(packs, func(i, j int) bool { return packs[i].Name < packs[j].Name })
	return packs, nil
}

// Kind reads only the kind a pack file declares.
func Kind(data []byte) (string, error) {
	var head struct {
		Kind string `yaml:"kind"`
	}
	// Only the top-level key is needed; the rest of the file is skipped.
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "kind:"); ok {
			if err := yaml.Unmarshal([]byte("kind:"+v), &head); err != nil {
				return "", err
			}
			return head.Kind, nil
		}
	}
	return "", fmt.Errorf("no top-level `kind`")
}

// Parse reads one pack file and compiles it into a Schematron schema.
func Parse(name string, data []byte, codes CodeLists) (*Pack, error) {
	var f fileSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Pack == "" || f.Kind == "" {
		return nil, fmt.Errorf("%s: a pack needs `pack` and `kind`", name)
	}
	c := &compiler{file: name, codes: codes, lists: map[string]bool{}}
	s, err := c.schema(&f)
	if err != nil {
		return nil, err
	}
	return &Pack{Name: f.Pack, Kind: f.Kind, Title: f.Title, Schema: s}, nil
}

type compiler struct {
	file  string
	codes CodeLists
	lists map[string]bool // code lists already bound as variables
	lets  []schematron.Let
}

func (c *compiler) schema(f *fileSpec) (*schematron.Schema, error) {
	s := &schematron.Schema{Source: f.Pack, Title: f.Title, QueryBinding: "xslt2"}
	if f.Binding == "xpath1" {
		s.QueryBinding = "xslt"
	} else if f.Binding != "" && f.Binding != "xpath2" {
		return nil, fmt.Errorf("%s: binding must be xpath1 or xpath2, not %q", c.file, f.Binding)
	}
	s.Namespaces = append(s.Namespaces, StandardNamespaces...)
	for _, p := range sortedKeys(f.Namespaces) {
		s.Namespaces = append(s.Namespaces, schematron.Namespace{Prefix: p, URI: f.Namespaces[p]})
	}
	index := map[string]int{}
	for i := range f.Rules {
		rs := &f.Rules[i]
		rule, err := c.rule(rs)
		if err != nil {
			return nil, err
		}
		if rs.Pattern != "" {
			if at, ok := index[rs.Pattern]; ok {
				s.Patterns[at].Rules = append(s.Patterns[at].Rules, rule)
				continue
			}
			index[rs.Pattern] = len(s.Patterns)
		}
		s.Patterns = append(s.Patterns, schematron.Pattern{ID: rs.Pattern, Rules: []schematron.Rule{rule}})
	}
	s.Lets = c.lets
	return s, nil
}

func (c *compiler) rule(rs *ruleSpec) (schematron.Rule, error) {
	r := schematron.Rule{Context: rs.At, Line: rs.line}
	if rs.At == "" {
		return r, fmt.Errorf("%s:%d: a rule needs `at` (its context)", c.file, rs.line)
	}
	for _, l := range rs.Let {
		r.Lets = append(r.Lets, schematron.Let{Name: l.Name, Value: l.Value})
	}
	for i := range rs.Checks {
		ch, err := c.check(&rs.Checks[i])
		if err != nil {
			return r, fmt.Errorf("%s:%d: %w", c.file, rs.Checks[i].line, err)
		}
		r.Checks = append(r.Checks, ch)
	}
	return r, nil
}

func (c *compiler) check(cs *checkSpec) (schematron.Check, error) {
	test, err := c.test(cs)
	if err != nil {
		return schematron.Check{}, err
	}
	return schematron.Check{
		Report: cs.Report, ID: cs.ID, Role: cs.Role, Flag: cs.Flag,
		Test: test, Message: messageParts(cs.Message), Line: cs.line,
	}, nil
}

// messageParts splits "text {expr} text" into literal and value-of parts;
// {name()} inserts the context node's name.
func messageParts(msg string) []schematron.MessagePart {
	var parts []schematron.MessagePart
	for msg != "" {
		open := strings.IndexByte(msg, '{')
		closing := strings.IndexByte(msg, '}')
		if open < 0 || closing < open {
			parts = append(parts, schematron.MessagePart{Text: msg})
			break
		}
		if open > 0 {
			parts = append(parts, schematron.MessagePart{Text: msg[:open]})
		}
		expr := strings.TrimSpace(msg[open+1 : closing])
		if expr == "name()" {
			parts = append(parts, schematron.MessagePart{Name: true})
		} else {
			parts = append(parts, schematron.MessagePart{ValueOf: expr})
		}
		msg = msg[closing+1:]
	}
	return parts
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
