package mapcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/spf13/cobra"
)

// EquivalentsOptions are the inputs of `oots map equivalents`.
type EquivalentsOptions struct {
	CommonOptions
	EvidenceType string
	To           string
	Procedure    string
}

// NewCmdEquivalents builds `oots map equivalents`; runF replaces the run
// function in tests.
func NewCmdEquivalents(f *cmdutil.Factory, runF func(context.Context, *EquivalentsOptions) error) *cobra.Command {
	opts := &EquivalentsOptions{CommonOptions: CommonOptions{Factory: f}}
	cmd := &cobra.Command{
		Use:   "equivalents EVIDENCE-TYPE --to CC [--procedure CODE]",
		Short: "What another country accepts instead of an evidence type",
		Long: `Map an evidence type (its classification URI, or the URI's last segment) to the
evidence types of the target country that satisfy the same requirements: for
each requirement whose evidence type lists contain it, the target country's
options. Any one option satisfies the requirement (OR); the evidence types of
one option are needed together (AND). Each requirement says why it matched.
With --procedure only requirements that procedure uses count.`,
		Example: `  oots map equivalents https://sr.oots.tech.europa.eu/evidencetypeclassifications/FR/0e000000-0000-4000-8000-000000000101 --to ES
  oots map equivalents 0e000000-0000-4000-8000-000000000101 --to DE --procedure R1 -f json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if len(args) != 1 || opts.To == "" {
				return cmdutil.FlagErrorf("give one evidence type classification and --to CC")
			}
			opts.EvidenceType = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEquivalents(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.To, "to", "", "target country code (DE, FR, ...)")
	cmd.Flags().StringVarP(&opts.Procedure, "procedure", "p", "", "only requirements of this procedure (R1, S1, ...)")
	return cmd
}

// equivalentsAnswer is the structured answer.
type equivalentsAnswer struct {
	EvidenceType string              `json:"evidenceType"`
	Title        string              `json:"title"`
	Country      string              `json:"country"`
	Target       string              `json:"target"`
	Procedure    string              `json:"procedure,omitempty"`
	Requirements []requirementAnswer `json:"requirements"`
}

type requirementAnswer struct {
	Requirement string           `json:"requirement"`
	Name        string           `json:"name"`
	Why         string           `json:"why"`
	Options     []alternativeRow `json:"options"`
}

func runEquivalents(opts *EquivalentsOptions) error {
	c, err := opts.load()
	if err != nil {
		return err
	}
	eq, err := c.Equivalents(opts.EvidenceType, opts.To, opts.Procedure)
	if err != nil {
		return err
	}
	ans := equivalentsAnswer{
		EvidenceType: eq.Source.Classification, Title: eq.Source.Titles.Best(opts.Lang),
		Country: eq.Source.Country(), Target: eq.Target, Procedure: eq.Procedure,
		Requirements: []requirementAnswer{},
	}
	t := table{header: []string{"REQUIREMENT", "OPTION", "NEED", "EVIDENCE TYPE", "TITLE", "JURISDICTION"}}
	preface := []string{equivalentsHeadline(ans)}
	for _, m := range eq.Matches {
		ra := requirementAnswer{Requirement: m.RequirementID, Name: c.Requirement(m.RequirementID).Names.Best(opts.Lang), Why: m.Why, Options: alternativeRows(m.Alternatives, opts.Lang)}
		ans.Requirements = append(ans.Requirements, ra)
		addAlternatives(&t, ra.Options, ra.Name)
		preface = append(preface, "", fmt.Sprintf("%s  %s", ra.Name, ra.Requirement), "  why: "+ra.Why, "  "+orLine(eq.Target, len(ra.Options)))
	}
	if len(eq.Matches) == 0 {
		preface = append(preface, "No requirement in the catalogue lists this evidence type"+procedureClause(eq.Procedure)+": nothing to map.")
	}
	return opts.answer(preface, t, ans)
}

func equivalentsHeadline(a equivalentsAnswer) string {
	s := fmt.Sprintf("%s evidence type %q (%s) -> %s", a.Country, a.Title, a.EvidenceType, strings.ToUpper(a.Target))
	if a.Procedure != "" {
		s += ", procedure " + a.Procedure
	}
	return s
}

func procedureClause(p string) string {
	if p == "" {
		return ""
	}
	return " for procedure " + p
}
