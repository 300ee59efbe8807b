// Package version implements `oots version`.
package version

import (
	"fmt"
	"runtime"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdVersion builds `oots version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the oots version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "oots %s (%s, %s/%s)\n", f.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
