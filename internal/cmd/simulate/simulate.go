// Package simulate implements `oots simulate`: one simulated OOTS node as a
// server process (node), scenarios that start nodes and drive journeys
// through them (run), and the built-in scenario catalogue (list).
package simulate

import (
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdSimulate builds `oots simulate` with its subcommands.
func NewCmdSimulate(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate <command>",
		Short: "Simulate OOTS nodes: requester, provider, Evidence Broker, Data Service Directory",
		Long: `Run the other side of an OOTS exchange on your own machine: a provider that
answers your requester, a requester that drives your provider, and an
Evidence Broker and Data Service Directory that answer like the Commission's.
Messages travel as signed AS4 (ebMS3) over HTTPS on loopback.

  oots simulate node    one node as a server process
  oots simulate run     a scenario: start its nodes, run its steps, report
  oots simulate list    the built-in scenarios TC01-TC10

The scenario format and the node configuration are described in
docs/simulate.md.`,
	}
	cmd.AddCommand(NewCmdNode(f, nil))
	cmd.AddCommand(NewCmdRun(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	return cmd
}
