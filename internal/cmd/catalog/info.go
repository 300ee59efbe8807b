package catalog

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// InfoOptions are the inputs of `oots catalog info`.
type InfoOptions struct {
	Factory *cmdutil.Factory
	Store   StoreOptions
	Format  string
	// Now is the clock the age is measured with (tests fix it).
	Now func() time.Time
}

// NewCmdCatalogInfo builds `oots catalog info`; runF replaces the run
// function in tests.
func NewCmdCatalogInfo(f *cmdutil.Factory, runF func(context.Context, *InfoOptions) error) *cobra.Command {
	opts := &InfoOptions{Factory: f, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "info [--catalog FILE | --example]",
		Short: "Summarise the catalogue: countries, requirements, evidence types, age, sources",
		Long: `Summarise the catalogue store: where it is, when it was last imported into and
how long ago, the countries and procedures it covers, how many requirements,
evidence types and data services it holds (in total and per country), and the
files it was imported from.

With no store yet it says how to create one; --example summarises the
embedded example catalogue.

Exit status: 0 summarised, 1 no store, unreadable store or usage error.`,
		Example: `  oots catalog info
  oots catalog info --catalog work.json -f json
  oots catalog info --example`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.Format {
			case "text", "json", "yaml":
			default:
				return cmdutil.FlagErrorf("unknown --format %q; use text, json or yaml", opts.Format)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInfo(opts)
		},
	}
	opts.Store.AddFlags(cmd.Flags())
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text, json or yaml")
	return cmd
}

// infoReport is the JSON / YAML form of the summary.
type infoReport struct {
	Catalog    string `json:"catalog" yaml:"catalog"`
	AgeSeconds int64  `json:"ageSeconds" yaml:"ageSeconds"`
	catalog.Summary
}

func runInfo(opts *InfoOptions) error {
	ios := opts.Factory.IOStreams
	c, label, err := openForInfo(opts)
	if err != nil {
		return err
	}
	s := c.Summarise()
	rep := infoReport{Catalog: label, Summary: s}
	if !s.LastImport.IsZero() {
		rep.AgeSeconds = int64(opts.Now().Sub(s.LastImport) / time.Second)
	}
	switch opts.Format {
	case "json":
		return writeJSON(ios.Out, rep)
	case "yaml":
		return writeYAML(ios.Out, rep)
	}
	return writeInfoText(ios.Out, rep, opts.Now())
}

// openForInfo opens the store; unlike the map commands, info does not fall
// back to the example: it reports what is (not) there.
func openForInfo(opts *InfoOptions) (*catalog.Catalog, string, error) {
	if opts.Store.Example {
		c, err := catalogexample.Catalog()
		return c, ExampleLabel, err
	}
	path, err := opts.Store.Resolve()
	if err != nil {
		return nil, "", err
	}
	c, err := catalog.Open(path)
	if err != nil {
		return nil, "", err
	}
	if c.Empty() {
		return nil, "", fmt.Errorf("no catalogue at %s yet; create one with: oots catalog import --catalog %s examples/catalog/*.xml (or EB / DSD answers and LCM files), or see the example with --example", path, path)
	}
	return c, path, nil
}

func writeInfoText(w io.Writer, rep infoReport, now time.Time) error {
	s := rep.Summary
	// An output that fails a write fails Flush too, which is checked.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintf(tw, "catalogue\t%s\n", rep.Catalog)
	if !s.LastImport.IsZero() {
		_, _ = fmt.Fprintf(tw, "last import\t%s (%s ago)\n", s.LastImport.Local().Format(time.RFC3339), roughAge(now.Sub(s.LastImport)))
	}
	_, _ = fmt.Fprintf(tw, "sources\t%s\n", sourceKinds(s.Sources))
	countries := make([]string, len(s.Countries))
	for i, c := range s.Countries {
		countries[i] = c.Country
	}
	_, _ = fmt.Fprintf(tw, "countries\t%d: %s\n", len(countries), strings.Join(countries, " "))
	_, _ = fmt.Fprintf(tw, "procedures\t%d: %s\n", len(s.Procedures), strings.Join(s.Procedures, " "))
	_, _ = fmt.Fprintf(tw, "requirements\t%d (%d reference frameworks, %d evidence type lists)\n", s.Requirements, s.ReferenceFrameworks, s.EvidenceTypeLists)
	_, _ = fmt.Fprintf(tw, "evidence types\t%d\n", s.EvidenceTypes)
	_, _ = fmt.Fprintf(tw, "data services\t%d (%d access services)\n", s.DataServices, s.AccessServices)
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "COUNTRY\tREQUIREMENTS\tEVIDENCE TYPES\tPROVIDERS")
	for _, c := range s.Countries {
		_, _ = fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Country, c.Requirements, c.EvidenceTypes, c.Providers)
	}
	return tw.Flush()
}

// sourceKinds is "8 files: 3 eb-query-response, 2 lcm-submit-eb, ...".
func sourceKinds(sources []catalog.Source) string {
	kinds := map[string]int{}
	for _, s := range sources {
		kinds[s.Kind]++
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%d %s", kinds[k], k)
	}
	return fmt.Sprintf("%d files: %s", len(sources), strings.Join(parts, ", "))
}

// roughAge says how old something is in the largest sensible unit.
func roughAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return unitCount(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unitCount(int(d/time.Hour), "hour")
	default:
		return unitCount(int(d/(24*time.Hour)), "day")
	}
}

func unitCount(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// writeYAML writes v as YAML with the names of its JSON form: it goes
// through JSON so that both formats use the same field names.
func writeYAML(w io.Writer, v any) error {
	var generic any
	if err := roundTripJSON(v, &generic); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(generic); err != nil {
		return err
	}
	return enc.Close()
}
