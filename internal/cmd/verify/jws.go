package verify

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// JWSOptions are the inputs of `oots verify jws`.
type JWSOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdVerifyJWS builds `oots verify jws`.
func NewCmdVerifyJWS(f *cmdutil.Factory, runF func(context.Context, *JWSOptions) error) *cobra.Command {
	return &cobra.Command{Use: "jws", Short: "Verify a JWS / JAdES signature", Hidden: true}
}
