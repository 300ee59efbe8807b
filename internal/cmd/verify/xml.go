package verify

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// XMLOptions are the inputs of `oots verify xml`.
type XMLOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdVerifyXML builds `oots verify xml`.
func NewCmdVerifyXML(f *cmdutil.Factory, runF func(context.Context, *XMLOptions) error) *cobra.Command {
	return &cobra.Command{Use: "xml", Short: "Verify an XML signature", Hidden: true}
}
