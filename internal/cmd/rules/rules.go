// Package rules implements `oots rules`: which rule sets oots can apply.
package rules

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
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
	rs, err := validate.Load(ctx, opts.Rules)
	if err != nil {
		return err
	}
	packs, err := rs.Packs()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "rule set:  %s\nchecks:    %s\nversion:   %s\n\n", rs.Name, rs.Description, rs.Version)
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	rows := []string{"KIND\tRULES\tCHECKS\tDESCRIPTION"}
	for _, p := range packs {
		rows = append(rows, fmt.Sprintf("%s\t%s\t%d\t%s", p.Kind, p.Source, p.Checks, p.Kind.Title()))
	}
	if _, err := io.WriteString(tw, strings.Join(rows, "\n")+"\n"); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = buf.WriteTo(opts.Factory.IOStreams.Out)
	return err
}
