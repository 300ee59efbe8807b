package catalog

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// PullOptions are the inputs of `oots catalog pull`.
type PullOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdCatalogPull builds `oots catalog pull`.
func NewCmdCatalogPull(f *cmdutil.Factory, runF func(context.Context, *PullOptions) error) *cobra.Command {
	return &cobra.Command{Use: "pull", Short: "Pull the catalogue from an Evidence Broker and a DSD", Hidden: true}
}
