package convert

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/spf13/cobra"
)

// CodelistOptions are the inputs of `oots convert codelist`.
type CodelistOptions struct {
	Factory *cmdutil.Factory

	Input  string
	To     string
	Output string
}

func newCmdCodelist(f *cmdutil.Factory, runF func(*CodelistOptions) error) *cobra.Command {
	opts := &CodelistOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "codelist FILE.gc|- --to csv|json [-o OUT]",
		Short: "Convert a genericode code list to CSV or JSON",
		Long: `Convert a genericode code list (.gc) to CSV, with a header row of the column
ids, or to a JSON array with one object per row keyed by column id (columns
without a value in a row are left out of its object).`,
		Example: `  oots convert codelist EBErrorCodes-CodeList.gc --to csv
  oots convert codelist LevelsOfAssurance-CodeList.gc --to json -o loa.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("give one genericode file, or - for standard input")
			}
			opts.Input = args[0]
			if opts.To != "csv" && opts.To != "json" {
				return cmdutil.FlagErrorf("--to must be csv or json, not %q", opts.To)
			}
			if runF != nil {
				return runF(opts)
			}
			return runCodelist(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "csv", "output format: csv or json")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (atomically) instead of standard output")
	return cmd
}

func runCodelist(ctx context.Context, opts *CodelistOptions) error {
	data, name, err := readInput(opts.Factory, opts.Input)
	if err != nil {
		return err
	}
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return positionedError(name, err)
	}
	tab, err := readGenericode(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var out []byte
	if opts.To == "csv" {
		out, err = tab.csv()
	} else {
		out, err = tab.json()
	}
	if err != nil {
		return err
	}
	return writeOutput(opts.Factory, opts.Output, out)
}

// table is a code list: column ids and, per row, the value of each column
// ("" and absent from present when the row has none).
type table struct {
	columns []string
	rows    [][]string
	present [][]bool
}

// readGenericode reads ColumnSet/Column/@Id and SimpleCodeList/Row/Value.
// A Value without ColumnRef is in the column after the previous value, as
// genericode says.
func readGenericode(doc *helium.Document) (*table, error) {
	root := doc.DocumentElement()
	if root.LocalName() != "CodeList" {
		return nil, fmt.Errorf("not a genericode code list (the root element is %s, not gc:CodeList)", root.Name())
	}
	t := &table{}
	index := map[string]int{}
	for _, col := range children(child(root, "ColumnSet"), "Column") {
		id, _ := col.GetAttribute("Id")
		index[id] = len(t.columns)
		t.columns = append(t.columns, id)
	}
	if len(t.columns) == 0 {
		return nil, fmt.Errorf("the code list has no ColumnSet/Column")
	}
	for _, row := range children(child(root, "SimpleCodeList"), "Row") {
		if err := t.addRow(row, index); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *table) addRow(row *helium.Element, index map[string]int) error {
	vals := make([]string, len(t.columns))
	present := make([]bool, len(t.columns))
	next := 0
	for _, v := range children(row, "Value") {
		col := next
		if ref, ok := v.GetAttribute("ColumnRef"); ok {
			i, known := index[ref]
			if !known {
				return fmt.Errorf("line %d: Value refers to an unknown column %q", v.Line(), ref)
			}
			col = i
		}
		if col >= len(t.columns) {
			return fmt.Errorf("line %d: Row has more values than columns", v.Line())
		}
		if sv := child(v, "SimpleValue"); sv != nil {
			vals[col], present[col] = string(sv.Content()), true
		}
		next = col + 1
	}
	t.rows = append(t.rows, vals)
	t.present = append(t.present, present)
	return nil
}

func child(e *helium.Element, local string) *helium.Element {
	if kids := children(e, local); len(kids) > 0 {
		return kids[0]
	}
	return nil
}

func children(e *helium.Element, local string) []*helium.Element {
	if e == nil {
		return nil
	}
	var out []*helium.Element
	for n := e.FirstChild(); n != nil; n = n.NextSibling() {
		if el, ok := n.(*helium.Element); ok && el.LocalName() == local {
			out = append(out, el)
		}
	}
	return out
}

func (t *table) csv() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(t.columns); err != nil {
		return nil, err
	}
	if err := w.WriteAll(t.rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// json writes one object per row with the keys in column order, which
// encoding/json's maps would sort.
func (t *table) json() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[")
	for r, row := range t.rows {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		first := true
		for c, v := range row {
			if !t.present[r][c] {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			k, _ := json.Marshal(t.columns[c])
			val, _ := json.Marshal(v)
			b.Write(k)
			b.WriteString(": ")
			b.Write(val)
		}
		b.WriteString("}")
	}
	if len(t.rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}
