package simulate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/simulate/node"
)

func nodeFlags(role string) node.Config { return node.Config{Role: role} }

func testFactory() (*cmdutil.Factory, *strings.Builder) {
	ios, _, _, _ := iostreams.Test()
	var b strings.Builder
	ios.Out = &b
	return &cmdutil.Factory{IOStreams: ios}, &b
}

func TestNodeFlagsOverrideTheFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "node.yaml")
	if err := os.WriteFile(cfgPath, []byte("name: p\nrole: provider\nparty: P\nkey: k.pem\ndataset: example\nlisten: 127.0.0.1:1\npeers: {R: 'https://127.0.0.1:2'}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := testFactory()
	var got *NodeOptions
	cmd := NewCmdNode(f, func(_ context.Context, o *NodeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", cfgPath, "--listen", "127.0.0.1:9", "--peer", "Q=http://h:1", "--preview-timeout", "3s", "--discovery-cache", "-1s", "--request-timeout", "9s", "--journal-sync"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	cfg, err := nodeConfig(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9" || cfg.Name != "p" || cfg.Party != "P" || cfg.PreviewTimeout != 3*time.Second ||
		cfg.DiscoveryCache != -time.Second || cfg.RequestTimeout != 9*time.Second || !cfg.JournalSync {
		t.Errorf("flags given override, others stay: %+v", cfg)
	}
	if cfg.Peers["R"] != "https://127.0.0.1:2" || cfg.Peers["Q"] != "http://h:1" {
		t.Errorf("peers %v", cfg.Peers)
	}
}

func TestNodeConfigErrors(t *testing.T) {
	f, _ := testFactory()
	cmd := NewCmdNode(f, func(context.Context, *NodeOptions) error { return nil })
	cmd.SetArgs(nil)
	var fe *cmdutil.FlagError
	if err := cmd.Execute(); !errors.As(err, &fe) {
		t.Errorf("no configuration: %v, want a usage error", err)
	}
	_, err := nodeConfig(&NodeOptions{Changed: map[string]bool{"role": true}, Flags: nodeFlags("dsd")})
	if err == nil || !strings.Contains(err.Error(), "node flags: node dsd (dsd): key, catalog missing") {
		t.Errorf("missing keys: %v", err)
	}
}

func TestRunOptions(t *testing.T) {
	f, _ := testFactory()
	var got *RunOptions
	cmd := NewCmdRun(f, func(_ context.Context, o *RunOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"TC01", "all", "--exchanges", "10", "--external", "provider-fr=https://x:1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Exchanges != 10 || got.Concurrency != 8 || got.KeyAlg != "rsa" || got.Format != "text" {
		t.Errorf("options %+v", got)
	}
	if list := scenarioArgs(got.Scenarios); len(list) != 11 || list[0] != "TC01" || list[10] != "TC10" {
		t.Errorf("all = every built-in: %v", list)
	}
}

func TestList(t *testing.T) {
	f, out := testFactory()
	cmd := NewCmdList(f, nil)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "TC01  ") || strings.Count(out.String(), "\nTC") != 9 {
		t.Errorf("list:\n%s", out)
	}
	for _, l := range lines {
		if len(l) > 80 {
			t.Errorf("line longer than 80 characters: %q", l)
		}
	}
}

func TestListenFDErrors(t *testing.T) {
	var fe *cmdutil.FlagError
	if _, err := inheritedListener(-1); !errors.As(err, &fe) {
		t.Errorf("--listen-fd -1: %v, want a usage error", err)
	}
	const notOpen = 1 << 24 // above any process's limit of open files
	if _, err := inheritedListener(notOpen); err == nil || !strings.Contains(err.Error(), "no inherited listening socket") {
		t.Errorf("--listen-fd of nothing open: %v", err)
	}
}
