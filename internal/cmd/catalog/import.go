package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
)

// ImportOptions are the inputs of `oots catalog import`.
type ImportOptions struct {
	Factory *cmdutil.Factory
	Store   StoreOptions
	Files   []string
	Format  string
}

// NewCmdCatalogImport builds `oots catalog import`; runF replaces the run
// function in tests.
func NewCmdCatalogImport(f *cmdutil.Factory, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "import FILE|DIR... [--catalog FILE]",
		Short: "Merge EB / DSD answers and LCM submissions into the catalogue",
		Long: `Merge Evidence Broker and Data Service Directory query responses (including
DSD:ERR:0005 answers, whose extra attributes are kept) and LCM
SubmitObjectsRequest documents into the catalogue store. A folder stands for
the .xml files in it.

Objects are merged by identifier: requirements by id, evidence types by
classification, data services by classification and id; a newer document
wins field by field. Importing the same file twice changes nothing. Documents
with nothing to import (LCM status responses, EB error responses) are skipped
with a note. The store is written once, atomically, after every file was read:
when one is malformed nothing is written.

Exit status: 0 imported, 2 a file is not well-formed XML, 1 unreadable file or
usage error.`,
		Example: `  oots catalog import examples/catalog/*.xml
  oots catalog import --catalog work.json eb-answer.xml dsd-answer.xml
  oots catalog import -f json captures/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.FlagErrorf("give the XML files (or folders) to import")
			}
			if opts.Format != "text" && opts.Format != "json" {
				return cmdutil.FlagErrorf("unknown --format %q; use text or json", opts.Format)
			}
			if opts.Store.Example {
				return cmdutil.FlagErrorf("--example is read-only; import into a store with --catalog FILE")
			}
			opts.Files = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runImport(opts)
		},
	}
	opts.Store.AddFlags(cmd.Flags())
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "report format: text or json")
	return cmd
}

// importReport is the JSON form of an import.
type importReport struct {
	Catalog string                `json:"catalog"`
	Files   []catalog.ImportStats `json:"files"`
	Skipped []string              `json:"skipped"`
	Summary catalog.Summary       `json:"summary"`
}

func runImport(opts *ImportOptions) error {
	ios := opts.Factory.IOStreams
	path, err := opts.Store.Resolve()
	if err != nil {
		return err
	}
	c, err := catalog.Open(path)
	if err != nil {
		return err
	}
	files, err := expandInputs(opts.Files)
	if err != nil {
		return err
	}
	rep := importReport{Catalog: path, Skipped: []string{}}
	var malformed []error
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		st, err := c.ImportXML(name, data)
		var nc *catalog.NotCatalogError
		switch {
		case errors.As(err, &nc):
			rep.Skipped = append(rep.Skipped, nc.Error())
		case err != nil:
			malformed = append(malformed, err)
		default:
			rep.Files = append(rep.Files, st)
		}
	}
	if len(malformed) > 0 {
		for _, err := range malformed {
			_, _ = fmt.Fprintf(ios.ErrOut, "%v\n", err)
		}
		_, _ = fmt.Fprintf(ios.ErrOut, "nothing written to %s: fix or leave out the files above\n", path)
		return cmdutil.ErrInvalid
	}
	if len(rep.Files) > 0 {
		if err := c.Save(path); err != nil {
			return err
		}
	}
	rep.Summary = c.Summarise()
	if opts.Format == "json" {
		return writeJSON(ios.Out, rep)
	}
	return writeImportText(ios.Out, ios.ErrOut, rep)
}

// expandInputs turns folders into the .xml files in them (sorted) and keeps
// files as given.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such file", a)
			}
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.xml"))
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		out = append(out, matches...)
	}
	return out, nil
}

func writeImportText(out, errOut io.Writer, rep importReport) error {
	var buf bytes.Buffer
	for _, st := range rep.Files {
		fmt.Fprintf(&buf, "%s  %s  %s", st.Source, st.Kind, statCounts(st))
		if st.AlreadyImported {
			buf.WriteString("  (already imported: nothing changed)\n")
		} else {
			fmt.Fprintf(&buf, "  (%d added, %d changed)\n", st.Added, st.Changed)
		}
	}
	for _, s := range rep.Skipped {
		_, _ = fmt.Fprintf(errOut, "skipped %s\n", s)
	}
	s := rep.Summary
	fmt.Fprintf(&buf, "catalogue %s: %d requirements, %d evidence types, %d data services in %d countries\n",
		rep.Catalog, s.Requirements, s.EvidenceTypes, s.DataServices, len(s.Countries))
	_, err := out.Write(buf.Bytes())
	return err
}

// statCounts lists the non-zero counts of a document.
func statCounts(st catalog.ImportStats) string {
	parts := []string{}
	for _, p := range []struct {
		n    int
		name string
	}{
		{st.Requirements, "requirement"}, {st.ReferenceFrameworks, "reference framework"},
		{st.EvidenceTypeLists, "evidence type list"}, {st.EvidenceTypes, "evidence type"},
		{st.DataServices, "data service"}, {st.AccessServices, "access service"},
	} {
		if p.n > 0 {
			parts = append(parts, unitCount(p.n, p.name))
		}
	}
	return strings.Join(parts, ", ")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func roundTripJSON(v any, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}
