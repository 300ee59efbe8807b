package simulate

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/simulate/runner"
	"github.com/oots-tools/oots/pkg/simulate/scenarios"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `oots simulate list`.
type ListOptions struct {
	Factory *cmdutil.Factory
	Verbose bool
}

// NewCmdList builds `oots simulate list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios and what each checks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "also list each scenario's nodes and steps")
	return cmd
}

func runList(opts *ListOptions) error {
	var b strings.Builder
	for _, id := range scenarios.IDs() {
		sc, err := runner.Load(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sc.ID, sc.Title)
		fmt.Fprintf(&b, "      %s\n", wrap(strings.TrimSpace(sc.Description), 74, "      "))
		if opts.Verbose {
			writeScenarioOutline(&b, sc)
		}
	}
	_, err := fmt.Fprint(opts.Factory.IOStreams.Out, b.String())
	return err
}

func writeScenarioOutline(b *strings.Builder, sc *runner.Scenario) {
	var nodes []string
	for _, n := range sc.Nodes {
		nodes = append(nodes, n.Name+" ("+n.Role+")")
	}
	fmt.Fprintf(b, "      nodes: %s\n", strings.Join(nodes, ", "))
	for _, s := range sc.Steps {
		fmt.Fprintf(b, "      step: %s\n", s.Title())
	}
}

// wrap breaks text into lines of at most width characters, continuing
// lines with indent.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	lineLen := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && lineLen+1+len(w) > width {
			b.WriteString("\n" + indent)
			lineLen = 0
		} else if i > 0 {
			b.WriteByte(' ')
			lineLen++
		}
		b.WriteString(w)
		lineLen += len(w)
	}
	return b.String()
}
