package sign

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// XMLOptions are the inputs of `oots sign xml`.
type XMLOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdSignXML builds `oots sign xml`.
func NewCmdSignXML(f *cmdutil.Factory, runF func(context.Context, *XMLOptions) error) *cobra.Command {
	return &cobra.Command{Use: "xml", Short: "Sign an XML message (XML-DSig / XAdES baseline B)", Hidden: true}
}
