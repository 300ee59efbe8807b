// Package structure embeds the project's structure model: a compact,
// declarative description, in our own format, of the XML structures OOTS
// messages use (ebXML RegRep 4, the SDG metadata profile, the ebMS 3 header
// and SOAP envelopes). pkg/xmlschema turns it into XSD and compiles it, so
// the binary carries no copy of the official schema files.
//
// The format is described in docs/structure-model.md.
package structure

import "embed"

// FS holds the *.model files.
//
//go:embed *.model
var FS embed.FS
