package mapcmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
)

func testFactory() *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios}
}

func TestProvidersFlags(t *testing.T) {
	var got *ProvidersOptions
	cmd := NewCmdProviders(testFactory(), func(_ context.Context, o *ProvidersOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-e", "X", "-c", "es", "--jurisdiction", "ES300", "-a", "k=v", "-a", "k2=v2", "--catalog", "c.json", "-f", "csv"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.EvidenceType != "X" || got.Country != "es" || got.Jurisdiction != "ES300" || got.Store.Path != "c.json" || got.Format != "csv" {
		t.Errorf("options %+v", got)
	}
	attrs, err := parseAttributes(got.Attributes)
	if err != nil || attrs["k"] != "v" || attrs["k2"] != "v2" {
		t.Errorf("attributes %v, %v", attrs, err)
	}
}

func TestUsageErrors(t *testing.T) {
	never := func(context.Context, *EquivalentsOptions) error { t.Fatal("ran"); return nil }
	for _, args := range [][]string{{"X"}, {"--to", "DE"}, {"X", "--to", "DE", "-f", "xml"}} {
		cmd := NewCmdEquivalents(testFactory(), never)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		var fe *cmdutil.FlagError
		if err := cmd.Execute(); !errors.As(err, &fe) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestAnswerFormats(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	o := &CommonOptions{Factory: &cmdutil.Factory{IOStreams: ios}}
	tb := table{header: []string{"A B", "C"}}
	tb.add("1", "x,y")
	for format, want := range map[string]string{
		"table": "first line\n\nA B  C\n1    x,y\n",
		"csv":   "a_b,c\n1,\"x,y\"\n",
		"json":  "{\n  \"k\": [\n    1\n  ]\n}\n",
		"yaml":  "k:\n  - 1\n",
	} {
		out.Reset()
		o.Format = format
		if err := o.answer([]string{"first line"}, tb, map[string][]int{"k": {1}}); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("%s:\n%q\nwant\n%q", format, out.String(), want)
		}
	}
	if !strings.Contains(orLine("ES", 2), "any one of 2 options (OR)") {
		t.Error(orLine("ES", 2))
	}
}
