package mapcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
)

// SearchOptions are the inputs of `oots map search`.
type SearchOptions struct {
	CommonOptions
	Text  string
	Limit int
}

// NewCmdSearch builds `oots map search`; runF replaces the run function in tests.
func NewCmdSearch(f *cmdutil.Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{CommonOptions: CommonOptions{Factory: f}}
	cmd := &cobra.Command{
		Use:   "search TEXT...",
		Short: "Find requirements and evidence types by words in any language",
		Long: `Find requirements and evidence types by words of their names, titles,
descriptions and identifiers, in any language, ignoring case and accents
("geburt" finds "Geburtsurkunde", "nascimento" finds "Certidão de nascimento").

Ranking: results that contain more of the words come first; then the score,
where each word counts 3 per occurrence in a name or title, 2 in an
identifier and 1 in a description (half when the word only starts a longer
one). The WHY column shows what scored.`,
		Example: `  oots map search naissance
  oots map search "proof of birth" -f json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			opts.Text = strings.TrimSpace(strings.Join(args, " "))
			if opts.Text == "" {
				return cmdutil.FlagErrorf("give the words to search for")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSearch(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "show at most this many results (0: all)")
	return cmd
}

func runSearch(opts *SearchOptions) error {
	c, err := opts.load()
	if err != nil {
		return err
	}
	hits := c.Search(opts.Text, opts.Limit)
	if hits == nil {
		hits = []catalog.Hit{}
	}
	t := table{header: []string{"RANK", "KIND", "ID", "TITLE", "SCORE", "WHY"}}
	for i, h := range hits {
		title := h.Title
		if r := c.Requirement(h.ID); r != nil {
			title = r.Names.Best(opts.Lang)
		} else if e := c.EvidenceType(h.ID); e != nil {
			title = e.Titles.Best(opts.Lang)
		}
		hits[i].Title = title
		t.add(fmt.Sprint(i+1), h.Kind, h.ID, title, fmt.Sprintf("%g", h.Score), h.Why)
	}
	noun := "results"
	if len(hits) == 1 {
		noun = "result"
	}
	preface := []string{fmt.Sprintf("%d %s for %q.", len(hits), noun, opts.Text)}
	return opts.answer(preface, t, hits)
}
