// Package root builds the top-level oots command.
package root

import (
	"github.com/oots-tools/oots/internal/cmd/build"
	"github.com/oots-tools/oots/internal/cmd/catalog"
	"github.com/oots-tools/oots/internal/cmd/convert"
	"github.com/oots-tools/oots/internal/cmd/mapcmd"
	"github.com/oots-tools/oots/internal/cmd/pki"
	"github.com/oots-tools/oots/internal/cmd/rules"
	"github.com/oots-tools/oots/internal/cmd/sign"
	"github.com/oots-tools/oots/internal/cmd/simulate"
	"github.com/oots-tools/oots/internal/cmd/validate"
	"github.com/oots-tools/oots/internal/cmd/verify"
	"github.com/oots-tools/oots/internal/cmd/version"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdRoot builds oots with all its subcommands.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "oots <command> [flags]",
		Short: "Validate, build, sign and simulate EU Once-Only Technical System messages",
		Long: `oots does the daily technical work of the EU Once-Only Technical System (OOTS),
offline: it validates evidence exchange messages against the OOTS schemas and
business rules, and reports for people and for CI.

Every flag can also be set with an OOTS_<FLAG> environment variable (OOTS_FORMAT=json)
or in a YAML configuration file given with --config (format: json, or validate.format: json).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := cmdutil.NewConfig(configFile)
			if err != nil {
				return err
			}
			f.Config = cfg
			return cmdutil.BindFlags(cmd, cfg)
		},
	}
	cmd.PersistentFlags().StringVar(&configFile, "config", "", "read flag defaults from this YAML file")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	cmd.AddCommand(validate.NewCmdValidate(f, nil))
	cmd.AddCommand(build.NewCmdBuild(f))
	cmd.AddCommand(convert.NewCmdConvert(f))
	cmd.AddCommand(sign.NewCmdSign(f))
	cmd.AddCommand(verify.NewCmdVerify(f))
	cmd.AddCommand(pki.NewCmdPKI(f))
	cmd.AddCommand(catalog.NewCmdCatalog(f))
	cmd.AddCommand(mapcmd.NewCmdMap(f))
	cmd.AddCommand(simulate.NewCmdSimulate(f))
	cmd.AddCommand(rules.NewCmdRules(f))
	cmd.AddCommand(version.NewCmdVersion(f))
	return cmd
}
