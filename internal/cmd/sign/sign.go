// Package sign implements `oots sign`: XML signatures (XML-DSig, XAdES
// baseline B) and JWS / JAdES signatures with a node's key.
package sign

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdSign builds `oots sign` and its subcommands.
func NewCmdSign(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sign <command>",
		Short: "Sign XML messages (XML-DSig / XAdES) and payloads (JWS / JAdES)",
	}
	cmd.AddCommand(NewCmdSignXML(f, nil))
	cmd.AddCommand(NewCmdSignJWS(f, nil))
	return cmd
}
