// Package catalog implements `oots catalog`: the local store of Evidence
// Broker and Data Service Directory content.
package catalog

import (
	"fmt"

	catalogexample "github.com/oots-tools/oots/examples/catalog"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// NewCmdCatalog builds `oots catalog` and its subcommands.
func NewCmdCatalog(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog <command>",
		Short: "Import, pull and summarise the local EB / DSD catalogue",
		Long: `The catalogue is a local copy of what the Evidence Broker and the Data Service
Directory know: procedures, requirements, evidence types per country and the
data services that provide them. 'oots map' answers questions from it.

It lives in one JSON file: --catalog FILE, the OOTS_CATALOG variable, or by
default $XDG_DATA_HOME/oots/catalog.json (~/.local/share/oots/catalog.json).
Fill it with 'oots catalog import' from EB and DSD answers and LCM submissions,
or start from the example catalogue: oots catalog import examples/catalog/*.xml`,
	}
	cmd.AddCommand(NewCmdCatalogImport(f, nil))
	cmd.AddCommand(NewCmdCatalogInfo(f, nil))
	cmd.AddCommand(NewCmdCatalogPull(f, nil))
	return cmd
}

// StoreOptions are the flags every catalogue and map command shares: where
// the store is, and whether to use the embedded example catalogue instead.
type StoreOptions struct {
	Path    string
	Example bool
}

// AddFlags registers --catalog and --example.
func (s *StoreOptions) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&s.Path, "catalog", "", "catalogue store (default $XDG_DATA_HOME/oots/catalog.json)")
	fl.BoolVar(&s.Example, "example", false, "use the embedded example catalogue (examples/catalog) instead of the store")
}

// Resolve is the store's path: --catalog, or the default place.
func (s *StoreOptions) Resolve() (string, error) {
	if s.Path != "" {
		return s.Path, nil
	}
	return catalog.DefaultPath()
}

// Label names where the catalogue came from, for messages.
const ExampleLabel = "the embedded example catalogue"

// Load opens the catalogue to question. With --example, or when the store
// does not exist or is empty, it is the embedded example catalogue; the
// fallback is announced on standard error with the command that creates a
// store, so that nobody mistakes example data for real data.
func (s *StoreOptions) Load(ios *iostreams.IOStreams) (*catalog.Catalog, string, error) {
	if s.Example {
		c, err := catalogexample.Catalog()
		return c, ExampleLabel, err
	}
	path, err := s.Resolve()
	if err != nil {
		return nil, "", err
	}
	c, err := catalog.Open(path)
	if err != nil {
		return nil, "", err
	}
	if c.Empty() {
		_, _ = fmt.Fprintf(ios.ErrOut, "oots: no catalogue at %s yet; using %s.\n"+
			"      Create one with: oots catalog import examples/catalog/*.xml (or EB / DSD answers and LCM files)\n", path, ExampleLabel)
		c, err := catalogexample.Catalog()
		return c, ExampleLabel, err
	}
	return c, path, nil
}
