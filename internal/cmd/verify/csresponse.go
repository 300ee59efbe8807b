package verify

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// CSResponseOptions are the inputs of `oots verify cs-response`.
type CSResponseOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdVerifyCSResponse builds `oots verify cs-response`.
func NewCmdVerifyCSResponse(f *cmdutil.Factory, runF func(context.Context, *CSResponseOptions) error) *cobra.Command {
	return &cobra.Command{Use: "cs-response", Short: "Verify a Common Services response signature", Hidden: true}
}
