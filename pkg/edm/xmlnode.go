package edm

import "github.com/oots-tools/oots/pkg/xmlwrite"

// The builders assemble messages as xmlwrite trees; these short names keep
// the message layouts readable.
type node = xmlwrite.Node

func el(name string, children ...*node) *node { return xmlwrite.El(name, children...) }

func textEl(name, text string, attrs ...xmlwrite.Attr) *node {
	return xmlwrite.TextEl(name, text, attrs...)
}

// Namespaces declared on every message root, as in the OOTS examples.
var rootNamespaces = []xmlwrite.Attr{
	{Name: "xmlns:query", Value: "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"},
	{Name: "xmlns:rim", Value: "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"},
	{Name: "xmlns:rs", Value: "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"},
	{Name: "xmlns:sdg", Value: "http://data.europa.eu/p4s"},
	{Name: "xmlns:xsi", Value: "http://www.w3.org/2001/XMLSchema-instance"},
	{Name: "xmlns:xlink", Value: "http://www.w3.org/1999/xlink"},
}

// document serialises the root with an XML declaration, four-space indent.
func document(root *node) []byte { return xmlwrite.Document(root, rootNamespaces...) }
