// Package pki implements `oots pki`: a test PKI for test nodes.
package pki

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdPKI builds `oots pki` and its subcommands.
func NewCmdPKI(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "pki <command>", Short: "Create test certificates and keys for test nodes", Hidden: true}
}
