package sign

import (
	"context"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// JWSOptions are the inputs of `oots sign jws`.
type JWSOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdSignJWS builds `oots sign jws`.
func NewCmdSignJWS(f *cmdutil.Factory, runF func(context.Context, *JWSOptions) error) *cobra.Command {
	return &cobra.Command{Use: "jws", Short: "Sign a payload as JWS / JAdES baseline B", Hidden: true}
}
