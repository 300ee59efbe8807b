// Package mapcmd implements `oots map`: requirements, evidence types and
// their cross-border equivalents from the local catalogue.
package mapcmd

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdMap builds `oots map` and its subcommands.
func NewCmdMap(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "map <command>", Short: "Map requirements and evidence types between countries", Hidden: true}
}
