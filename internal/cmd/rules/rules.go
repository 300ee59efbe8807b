// Package rules implements `oots rules`: which rule sets oots can apply.
package rules

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `oots rules list`.
type ListOptions struct {
	Factory *cmdutil.Factory
	Rules   string
}

// NewCmdRules builds `oots rules` and its subcommands.
func NewCmdRules(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "Show the rule sets oots validates with"}
	opts := &ListOptions{Factory: f}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the rule packs per message kind",
		Long: `List the rule packs per message kind: the embedded pack (default) or, with
--rules DIR, the official artefacts in DIR.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runList(cmd.Context(), opts) },
	}
	list.Flags().StringVar(&opts.Rules, "rules", "", "official OOTS artefact folder (xsd/, sch/, codelists/)")
	cmd.AddCommand(list)
	return cmd
}

func runList(ctx context.Context, opts *ListOptions) error {
	rs, err := loadRuleSet(ctx, opts.Rules)
	if err != nil {
		return err
	}
	out := opts.Factory.IOStreams.Out
	fmt.Fprintf(out, "rule set:  %s\nchecks:    %s\nversion:   %s\n\n", rs.Name, rs.Description, rs.Version)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tRULES\tCHECKS\tDESCRIPTION")
	packs, err := rs.Packs()
	if err != nil {
		return err
	}
	for _, p := range packs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", p.Kind, p.Source, p.Checks, p.Kind.Title())
	}
	return tw.Flush()
}

func loadRuleSet(ctx context.Context, dir string) (*validate.RuleSet, error) {
	if dir == "" {
		return validate.Embedded(ctx)
	}
	return validate.LoadOfficial(ctx, dir)
}
