// Package mapcmd implements `oots map`: requirements, evidence types and
// their cross-border equivalents from the local catalogue.
package mapcmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	catalogcmd "github.com/oots-tools/oots/internal/cmd/catalog"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// NewCmdMap builds `oots map` and its subcommands.
func NewCmdMap(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "map <command>",
		Short: "Map requirements and evidence types between countries",
		Long: `Answer, offline, the questions the Evidence Broker and the Data Service
Directory answer: which requirements a procedure has in a country, which
evidence types satisfy a requirement there, what another country accepts
instead of an evidence type, and which evidence provider serves it.

Answers come from the catalogue store (--catalog FILE, OOTS_CATALOG, or the
default $XDG_DATA_HOME/oots/catalog.json; fill it with 'oots catalog import').
With no store, or with --example, they come from the embedded example
catalogue, which is announced on standard error.

Output is a table by default (also when piped: predictable), or --format
json, csv or yaml. Unknown ids are errors that list the nearest known ones.

Exit status: 0 answered (also when the answer is empty or a DSD:ERR:0005
dialogue), 1 unknown id, unreadable store or usage error.`,
	}
	cmd.AddCommand(NewCmdRequirements(f, nil))
	cmd.AddCommand(NewCmdEvidenceTypes(f, nil))
	cmd.AddCommand(NewCmdEquivalents(f, nil))
	cmd.AddCommand(NewCmdProviders(f, nil))
	cmd.AddCommand(NewCmdSearch(f, nil))
	return cmd
}

// CommonOptions are the flags of every map command.
type CommonOptions struct {
	Factory *cmdutil.Factory
	Store   catalogcmd.StoreOptions
	Format  string
	// Lang is the preferred language of names and titles.
	Lang string
}

func (o *CommonOptions) addFlags(cmd *cobra.Command) {
	o.Store.AddFlags(cmd.Flags())
	cmd.Flags().StringVarP(&o.Format, "format", "f", "table", "output format: table, json, csv or yaml")
	cmd.Flags().StringVar(&o.Lang, "lang", "EN", "preferred language of names and titles (falls back to English, then any)")
}

func (o *CommonOptions) check() error {
	switch o.Format {
	case "table", "json", "csv", "yaml":
		return nil
	}
	return cmdutil.FlagErrorf("unknown --format %q; use table, json, csv or yaml", o.Format)
}

func (o *CommonOptions) load() (*catalog.Catalog, error) {
	c, _, err := o.Store.Load(o.Factory.IOStreams)
	return c, err
}

// table is the tabular form of an answer: for the table and csv formats.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// answer writes an answer in the chosen format: preface lines (table format
// only) and the table, the table alone as CSV, or the structured value as
// JSON or YAML.
func (o *CommonOptions) answer(preface []string, t table, structured any) error {
	w := o.Factory.IOStreams.Out
	switch o.Format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(structured)
	case "yaml":
		return writeYAML(w, structured)
	case "csv":
		cw := csv.NewWriter(w)
		header := make([]string, len(t.header))
		for i, h := range t.header {
			header[i] = strings.ReplaceAll(strings.ToLower(h), " ", "_")
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.rows); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}
	var buf bytes.Buffer
	for _, line := range preface {
		buf.WriteString(line + "\n")
	}
	if len(preface) > 0 && len(t.rows) > 0 {
		buf.WriteString("\n")
	}
	if len(t.rows) > 0 {
		if err := writeTable(&buf, t); err != nil {
			return err
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeTable(w io.Writer, t table) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	// An output that fails a write fails Flush too, which is checked.
	_, _ = fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = strings.ReplaceAll(c, "\t", " ")
		}
		_, _ = fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// writeYAML writes v as YAML with the field names of its JSON form.
func writeYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(generic); err != nil {
		return err
	}
	return enc.Close()
}

// jurisdictions is the jurisdictions of an evidence type, or its country.
func jurisdictions(e *catalog.EvidenceType) string {
	if len(e.Jurisdictions) == 0 {
		return e.Country()
	}
	parts := make([]string, len(e.Jurisdictions))
	for i, j := range e.Jurisdictions {
		parts[i] = j.String()
	}
	return strings.Join(parts, " ")
}

// need spells out the AND of one alternative.
func need(alt catalog.Alternative) string {
	if n := len(alt.EvidenceTypes); n > 1 {
		return fmt.Sprintf("all %d together", n)
	}
	return "alone"
}

// orLine spells out the OR between alternatives.
func orLine(country string, n int) string {
	switch n {
	case 0:
		return country + " has no evidence type for it in this catalogue."
	case 1:
		return country + ": one option."
	default:
		return fmt.Sprintf("%s: any one of %d options (OR); the evidence types of one option are needed together (AND).", country, n)
	}
}
