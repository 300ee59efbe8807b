// Package schemas embeds the project's own rule packs and code lists.
package schemas

import "embed"

// Rules holds the rule packs: rules/<pack set>/<PACK>.yaml.
//
//go:embed rules
var Rules embed.FS

// Codelists holds the code lists: codelists/<Name>.txt, one code a line.
//
//go:embed codelists
var Codelists embed.FS
