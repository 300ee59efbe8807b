package mapcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// EvidenceTypesOptions are the inputs of `oots map evidence-types`.
type EvidenceTypesOptions struct {
	CommonOptions
	Requirement  string
	Country      string
	Jurisdiction string
}

// NewCmdEvidenceTypes builds `oots map evidence-types`; runF replaces the
// run function in tests.
func NewCmdEvidenceTypes(f *cmdutil.Factory, runF func(context.Context, *EvidenceTypesOptions) error) *cobra.Command {
	opts := &EvidenceTypesOptions{CommonOptions: CommonOptions{Factory: f}}
	cmd := &cobra.Command{
		Use:   "evidence-types --requirement ID --country CC [--jurisdiction CODE]",
		Short: "The evidence types that satisfy a requirement in a country",
		Long: `List the evidence types that satisfy a requirement in a country, as the
Evidence Broker answers the query for evidence types by requirement and
jurisdiction. Each option is one evidence type list: any one option satisfies
the requirement (OR), and the evidence types of one option are needed together
(AND). --jurisdiction (a NUTS or LAU code: AT13, DE300) leaves out options with
an evidence type that does not cover that place. The requirement may be given
by its full URI or by its last segment.`,
		Example: `  oots map evidence-types --requirement https://sr.oots.tech.europa.eu/requirements/0e000000-0000-4000-8000-000000000001 --country ES
  oots map evidence-types --requirement 0e000000-0000-4000-8000-000000000001 --country AT --jurisdiction AT33`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if opts.Requirement == "" || opts.Country == "" {
				return cmdutil.FlagErrorf("give --requirement ID and --country CC")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEvidenceTypes(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVarP(&opts.Requirement, "requirement", "r", "", "requirement id (URI, or its last segment)")
	cmd.Flags().StringVarP(&opts.Country, "country", "c", "", "country code (DE, FR, ...)")
	cmd.Flags().StringVar(&opts.Jurisdiction, "jurisdiction", "", "NUTS or LAU code of the place (AT13, DE300, ...)")
	return cmd
}

// evidenceTypesAnswer is the structured answer.
type evidenceTypesAnswer struct {
	Requirement  string           `json:"requirement"`
	Name         string           `json:"name"`
	Country      string           `json:"country"`
	Jurisdiction string           `json:"jurisdiction,omitempty"`
	Options      []alternativeRow `json:"options"`
}

func runEvidenceTypes(opts *EvidenceTypesOptions) error {
	c, err := opts.load()
	if err != nil {
		return err
	}
	r, alts, err := c.EvidenceTypesFor(opts.Requirement, opts.Country, opts.Jurisdiction)
	if err != nil {
		return err
	}
	country := strings.ToUpper(opts.Country)
	ans := evidenceTypesAnswer{
		Requirement: r.ID, Name: r.Names.Best(opts.Lang), Country: country,
		Jurisdiction: strings.ToUpper(opts.Jurisdiction), Options: alternativeRows(alts, opts.Lang),
	}
	t := table{header: []string{"OPTION", "NEED", "EVIDENCE TYPE", "TITLE", "JURISDICTION"}}
	addAlternatives(&t, ans.Options)
	where := country
	if ans.Jurisdiction != "" {
		where += " (" + ans.Jurisdiction + ")"
	}
	preface := []string{fmt.Sprintf("%s  %s", ans.Name, ans.Requirement), orLine(where, len(alts))}
	return opts.answer(preface, t, ans)
}
