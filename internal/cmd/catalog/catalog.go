// Package catalog implements `oots catalog`: the local store of Evidence
// Broker and Data Service Directory content.
package catalog

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdCatalog builds `oots catalog` and its subcommands.
func NewCmdCatalog(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "catalog <command>", Short: "Import, pull and summarise the local EB / DSD catalogue", Hidden: true}
}
