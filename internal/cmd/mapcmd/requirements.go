package mapcmd

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
)

// RequirementsOptions are the inputs of `oots map requirements`.
type RequirementsOptions struct {
	CommonOptions
	Procedure string
	Country   string
}

// NewCmdRequirements builds `oots map requirements`; runF replaces the run
// function in tests.
func NewCmdRequirements(f *cmdutil.Factory, runF func(context.Context, *RequirementsOptions) error) *cobra.Command {
	opts := &RequirementsOptions{CommonOptions: CommonOptions{Factory: f}}
	cmd := &cobra.Command{
		Use:   "requirements --procedure CODE [--country CC]",
		Short: "The requirements of a procedure, in one country or all",
		Long: `List the requirements a procedure (code list Procedures: R1, S1, ...) has, as
the Evidence Broker answers the query for requirements by procedure and
jurisdiction: a requirement counts when one of its reference frameworks
relates to the procedure in the country. Without --country every country
counts; without --procedure every procedure.`,
		Example: `  oots map requirements --procedure R1
  oots map requirements --procedure R1 --country DE -f json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRequirements(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVarP(&opts.Procedure, "procedure", "p", "", "procedure code (R1, S1, ...)")
	cmd.Flags().StringVarP(&opts.Country, "country", "c", "", "country code (DE, FR, ...)")
	return cmd
}

// requirementRow is the structured answer for one requirement.
type requirementRow struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Procedures []string `json:"procedures"`
	Countries  []string `json:"countries"`
	Frameworks []string `json:"referenceFrameworks"`
}

func runRequirements(opts *RequirementsOptions) error {
	c, err := opts.load()
	if err != nil {
		return err
	}
	matches, err := c.RequirementsFor(opts.Procedure, opts.Country)
	if err != nil {
		return err
	}
	t := table{header: []string{"REQUIREMENT", "NAME", "PROCEDURES", "COUNTRIES"}}
	rows := []requirementRow{}
	for _, m := range matches {
		row := requirementRow{ID: m.ID, Name: m.Requirement.Names.Best(opts.Lang)}
		procs, countries := map[string]bool{}, map[string]bool{}
		for _, rf := range m.Frameworks {
			for _, p := range rf.Procedures {
				procs[p] = true
			}
			countries[rf.Jurisdiction.Country] = true
			row.Frameworks = append(row.Frameworks, rf.ID)
		}
		row.Procedures, row.Countries = keys(procs), keys(countries)
		rows = append(rows, row)
		t.add(row.ID, row.Name, strings.Join(row.Procedures, " "), strings.Join(row.Countries, " "))
	}
	return opts.answer([]string{requirementsPreface(opts, len(rows))}, t, rows)
}

func requirementsPreface(opts *RequirementsOptions, n int) string {
	scope := "in the catalogue"
	switch {
	case opts.Procedure != "" && opts.Country != "":
		scope = fmt.Sprintf("of procedure %s in %s", opts.Procedure, strings.ToUpper(opts.Country))
	case opts.Procedure != "":
		scope = "of procedure " + opts.Procedure
	case opts.Country != "":
		scope = "used in " + strings.ToUpper(opts.Country)
	}
	if n == 1 {
		return "1 requirement " + scope + "."
	}
	return fmt.Sprintf("%d requirements %s.", n, scope)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// evidenceTypeRow is the structured form of an evidence type in an answer.
type evidenceTypeRow struct {
	Classification string `json:"classification"`
	Title          string `json:"title"`
	Jurisdiction   string `json:"jurisdiction"`
}

// alternativeRow is the structured form of one option (an evidence type list).
type alternativeRow struct {
	Option        int               `json:"option"`
	List          string            `json:"list"`
	Name          string            `json:"name,omitempty"`
	Need          string            `json:"need"`
	EvidenceTypes []evidenceTypeRow `json:"evidenceTypes"`
}

func alternativeRows(alts []catalog.Alternative, lang string) []alternativeRow {
	out := []alternativeRow{}
	for i, alt := range alts {
		row := alternativeRow{Option: i + 1, List: alt.ListID, Name: alt.Name, Need: need(alt)}
		for _, et := range alt.EvidenceTypes {
			row.EvidenceTypes = append(row.EvidenceTypes, evidenceTypeRow{
				Classification: et.Classification, Title: et.Titles.Best(lang), Jurisdiction: jurisdictions(et),
			})
		}
		out = append(out, row)
	}
	return out
}

// addAlternatives puts one table row per evidence type of each option,
// after the given leading cells.
func addAlternatives(t *table, alts []alternativeRow, lead ...string) {
	for _, alt := range alts {
		for _, et := range alt.EvidenceTypes {
			cells := append(append([]string{}, lead...), fmt.Sprint(alt.Option), alt.Need, et.Classification, et.Title, et.Jurisdiction)
			t.add(cells...)
		}
	}
}
