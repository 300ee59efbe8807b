// Package pki implements `oots pki`: a test PKI for test nodes (a root CA
// and node certificates and keys as PEM and PKCS#12) and a certificate viewer.
package pki

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdPKI builds `oots pki` and its subcommands.
func NewCmdPKI(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pki <command>",
		Short: "Create test certificates and keys for test nodes",
		Long: `Create a test PKI for OOTS test nodes: a root CA and node certificates with
RSA-3072, ECDSA P-256 and Ed25519 keys, as PEM and PKCS#12, and show
certificates. Everything made here is test material: the subjects say so
(O=oots TEST PKI - not for production) and the keys are stored unencrypted
(PEM) or under a test password (PKCS#12). See docs/pki.md.`,
	}
	cmd.AddCommand(NewCmdInit(f, nil))
	cmd.AddCommand(NewCmdIssue(f, nil))
	cmd.AddCommand(NewCmdShow(f, nil))
	return cmd
}
