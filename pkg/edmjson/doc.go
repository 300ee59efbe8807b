// Package edmjson converts OOTS EDM messages (and any other XML document)
// to a stable, readable JSON form and back; docs/edm-json.md is its
// contract.
//
// The form is compact where OOTS is regular — slots by name, SDG content as
// nested objects keyed by local name, languages as keys — and falls back to
// a generic element form everywhere else, so that XML -> JSON -> XML gives a
// document equal to the original under exclusive C14N (comments and
// indentation aside; Options.KeepWhitespace keeps indentation as well).
// Objects are read and written as ordered member lists: XML child order is
// significant, and Go maps would lose it.
package edmjson
