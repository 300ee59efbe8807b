// Package verify implements `oots verify`: XML signatures, JWS / JAdES and
// the Common Services response signature, against trust anchors.
package verify

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdVerify builds `oots verify` and its subcommands.
func NewCmdVerify(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify <command>",
		Short: "Verify XML signatures, JWS / JAdES and Common Services response signatures",
	}
	cmd.AddCommand(NewCmdVerifyXML(f, nil))
	cmd.AddCommand(NewCmdVerifyJWS(f, nil))
	cmd.AddCommand(NewCmdVerifyCSResponse(f, nil))
	return cmd
}
