package mapcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/spf13/cobra"
)

// ProvidersOptions are the inputs of `oots map providers`.
type ProvidersOptions struct {
	CommonOptions
	EvidenceType string
	Country      string
	Jurisdiction string
	Attributes   []string
}

// NewCmdProviders builds `oots map providers`; runF replaces the run function
// in tests.
func NewCmdProviders(f *cmdutil.Factory, runF func(context.Context, *ProvidersOptions) error) *cobra.Command {
	opts := &ProvidersOptions{CommonOptions: CommonOptions{Factory: f}}
	cmd := &cobra.Command{
		Use:   "providers --evidence-type CLASSIFICATION --country CC [--jurisdiction CODE] [--attribute ID=VALUE]...",
		Short: "Which evidence provider serves an evidence type (DSD resolution)",
		Long: `Resolve an evidence type to its evidence provider and access service, as the
Data Service Directory does: the providers of the country that serve the
evidence type, narrowed by the user's place (--jurisdiction, a NUTS or LAU
code) and classification attributes (--attribute CONCEPT-ID=VALUE).

When more than one provider remains and they differ in what the user has not
given yet, the answer is the DSD:ERR:0005 dialogue: the jurisdiction to give
(context and level) and the attributes to give with the values each provider
supports. Give them and ask again. An evidence type known only from a stored
DSD:ERR:0005 answer gives that answer's questions.`,
		Example: `  oots map providers --evidence-type 0e000000-0000-4000-8000-000000000102 --country DE
  oots map providers --evidence-type 0e000000-0000-4000-8000-000000000102 --country DE --jurisdiction DE300
  oots map providers --evidence-type 0e000000-0000-4000-8000-000000000104 --country ES --attribute 0e000000-0000-4000-8000-000000000201=Consular`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if opts.EvidenceType == "" {
				return cmdutil.FlagErrorf("give --evidence-type CLASSIFICATION")
			}
			if _, err := parseAttributes(opts.Attributes); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runProviders(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVarP(&opts.EvidenceType, "evidence-type", "e", "", "evidence type classification (URI, or its last segment)")
	cmd.Flags().StringVarP(&opts.Country, "country", "c", "", "country of the evidence providers")
	cmd.Flags().StringVar(&opts.Jurisdiction, "jurisdiction", "", "the user's place: NUTS or LAU code (DE300, 11000000)")
	cmd.Flags().StringArrayVarP(&opts.Attributes, "attribute", "a", nil, "classification attribute CONCEPT-ID=VALUE (repeatable)")
	return cmd
}

func parseAttributes(pairs []string) (map[string]string, error) {
	attrs := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, cmdutil.FlagErrorf("--attribute %q: write CONCEPT-ID=VALUE", p)
		}
		attrs[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return attrs, nil
}

func runProviders(opts *ProvidersOptions) error {
	c, err := opts.load()
	if err != nil {
		return err
	}
	attrs, _ := parseAttributes(opts.Attributes)
	res, err := c.Providers(catalog.ProviderQuery{
		Classification: opts.EvidenceType, Country: opts.Country,
		Jurisdiction: opts.Jurisdiction, Attributes: attrs,
	})
	if err != nil {
		return err
	}
	t := table{header: []string{"PROVIDER", "NAME", "ACCESS SERVICE", "JURISDICTION", "WHY"}}
	for _, m := range res.Providers {
		p := m.AccessService.Provider
		t.add(p.ID, p.Names.Best(opts.Lang), m.AccessService.ID, providerJurisdictions(p), m.Why)
	}
	return opts.answer(providersPreface(res, opts.Lang), t, res)
}

func providerJurisdictions(p catalog.Provider) string {
	parts := make([]string, len(p.Jurisdictions))
	for i, j := range p.Jurisdictions {
		parts[i] = j.String()
	}
	return strings.Join(parts, " ")
}

// providersPreface spells out the outcome, and for DSD:ERR:0005 what to give.
func providersPreface(res *catalog.Resolution, lang string) []string {
	where := ""
	if res.Country != "" {
		where = " in " + res.Country
	}
	var lines []string
	switch res.Outcome {
	case catalog.Resolved:
		lines = append(lines, fmt.Sprintf("Resolved: one evidence provider serves %s%s.", res.Classification, where))
	case catalog.Several:
		lines = append(lines, fmt.Sprintf("%d evidence providers serve %s%s; nothing the user could add tells them apart.", len(res.Providers), res.Classification, where))
	case catalog.NoProvider:
		lines = append(lines, fmt.Sprintf("%s: no evidence provider serves %s%s for what was given.", res.ErrorCode, res.Classification, where))
	case catalog.NeedsInput:
		if len(res.Providers) == 0 {
			lines = append(lines, fmt.Sprintf("%s: the DSD needs more from the user before it can name the evidence provider of %s%s:", res.ErrorCode, res.Classification, where))
		} else {
			lines = append(lines, fmt.Sprintf("%s: the DSD needs more from the user to choose among %d evidence providers of %s%s:", res.ErrorCode, len(res.Providers), res.Classification, where))
		}
		lines = append(lines, dialogueLines(res, lang)...)
	}
	for _, n := range res.Notes {
		lines = append(lines, "  note: "+n)
	}
	return lines
}

func dialogueLines(res *catalog.Resolution, lang string) []string {
	var lines []string
	if jd := res.NeedJurisdiction; jd != nil {
		line := fmt.Sprintf("  - jurisdiction: %s at level %s; give --jurisdiction CODE", orUnknown(jd.Context.Best(lang)), orUnknown(jd.Level))
		if len(res.JurisdictionsSeen) > 0 {
			line += " (providers cover " + strings.Join(res.JurisdictionsSeen, ", ") + ")"
		}
		lines = append(lines, line)
	}
	for _, cc := range res.NeedAttributes {
		line := fmt.Sprintf("  - attribute %s", cc.ID)
		if d := cc.Descriptions.Best(lang); d != "" {
			line += fmt.Sprintf(" %q", d)
		}
		if cc.ValueExpression != "" {
			line += fmt.Sprintf(" (%s %s)", orUnknown(cc.Type), cc.ValueExpression)
		}
		if len(cc.SupportedValues) > 0 {
			line += "; values: " + strings.Join(cc.SupportedValues, ", ")
		}
		lines = append(lines, line+fmt.Sprintf("; give --attribute %s=VALUE", cc.ID))
	}
	return lines
}

func orUnknown(s string) string {
	if s == "" {
		return "(not stated)"
	}
	return s
}
