package schematron

import (
	"context"
	"fmt"
	"strings"

	"github.com/lestrrat-go/helium"
)

// NS is the ISO Schematron namespace.
const NS = "http://purl.oclc.org/dsdl/schematron"

// Parse reads an ISO Schematron document. name is used in error messages and
// as the Source of every result.
func Parse(name string, data []byte) (*Schema, error) {
	doc, err := helium.NewParser().Parse(context.Background(), data)
	if err != nil {
		return nil, fmt.Errorf("%s: not well-formed XML: %w", name, err)
	}
	root := doc.DocumentElement()
	if root == nil || !isSch(root, "schema") {
		return nil, fmt.Errorf("%s: not a Schematron schema (root must be sch:schema in %s)", name, NS)
	}
	s := &Schema{Source: name, QueryBinding: attr(root, "queryBinding")}
	for _, el := range children(root) {
		switch {
		case isSch(el, "ns"):
			s.Namespaces = append(s.Namespaces, Namespace{Prefix: attr(el, "prefix"), URI: attr(el, "uri")})
		case isSch(el, "let"):
			s.Lets = append(s.Lets, parseLet(el))
		case isSch(el, "title"):
			s.Title = strings.TrimSpace(string(el.Content()))
		case isSch(el, "pattern"):
			p, err := parsePattern(name, el)
			if err != nil {
				return nil, err
			}
			s.Patterns = append(s.Patterns, p)
		}
	}
	return s, nil
}

func parsePattern(name string, el *helium.Element) (Pattern, error) {
	p := Pattern{ID: attr(el, "id")}
	if attr(el, "abstract") == "true" || attr(el, "is-a") != "" {
		return p, fmt.Errorf("%s:%d: abstract patterns are not supported", name, el.Line())
	}
	for _, c := range children(el) {
		switch {
		case isSch(c, "let"):
			p.Lets = append(p.Lets, parseLet(c))
		case isSch(c, "rule"):
			r, err := parseRule(name, c)
			if err != nil {
				return p, err
			}
			p.Rules = append(p.Rules, r)
		}
	}
	return p, nil
}

func parseRule(name string, el *helium.Element) (Rule, error) {
	r := Rule{ID: attr(el, "id"), Context: attr(el, "context"), Line: el.Line()}
	if r.Context == "" {
		return r, fmt.Errorf("%s:%d: rule without context (abstract rules are not supported)", name, el.Line())
	}
	for _, c := range children(el) {
		switch {
		case isSch(c, "let"):
			r.Lets = append(r.Lets, parseLet(c))
		case isSch(c, "assert"), isSch(c, "report"):
			r.Checks = append(r.Checks, Check{
				Report: isSch(c, "report"), ID: attr(c, "id"), Role: attr(c, "role"), Flag: attr(c, "flag"),
				Test: attr(c, "test"), Message: parseMessage(c), Line: c.Line(),
			})
		}
	}
	return r, nil
}

func parseLet(el *helium.Element) Let {
	return Let{Name: attr(el, "name"), Value: attr(el, "value")}
}

// parseMessage keeps text, value-of and name; other inline markup contributes its text.
func parseMessage(el *helium.Element) []MessagePart {
	var parts []MessagePart
	for n := el.FirstChild(); n != nil; n = n.NextSibling() {
		switch n.Type() {
		case helium.TextNode, helium.CDATASectionNode:
			parts = append(parts, MessagePart{Text: string(n.Content())})
		case helium.ElementNode:
			c := n.(*helium.Element)
			switch {
			case c.LocalName() == "value-of":
				parts = append(parts, MessagePart{ValueOf: attr(c, "select")})
			case c.LocalName() == "name":
				parts = append(parts, MessagePart{Name: true, Path: attr(c, "path")})
			default:
				parts = append(parts, MessagePart{Text: string(c.Content())})
			}
		}
	}
	return parts
}

func isSch(el *helium.Element, local string) bool {
	return el.LocalName() == local && el.URI() == NS
}

func attr(el *helium.Element, name string) string {
	v, _ := el.GetAttribute(name)
	return v
}

func children(el *helium.Element) []*helium.Element {
	var out []*helium.Element
	for n := el.FirstChild(); n != nil; n = n.NextSibling() {
		if c, ok := n.(*helium.Element); ok {
			out = append(out, c)
		}
	}
	return out
}
