package simulate

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/simulate/node"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// NodeOptions are the inputs of `oots simulate node`.
type NodeOptions struct {
	Factory *cmdutil.Factory

	// ConfigFile is the node's YAML configuration (node.Config).
	ConfigFile string
	// Flags hold the values given as flags; Changed names the flags set, which
	// override the configuration file.
	Flags   node.Config
	Peers   []string
	Changed map[string]bool
	// ListenFD is the file descriptor of an inherited listening socket
	// (--listen-fd), used when Changed["listen-fd"].
	ListenFD int
}

// NewCmdNode builds `oots simulate node`; runF replaces the run function in tests.
func NewCmdNode(f *cmdutil.Factory, runF func(context.Context, *NodeOptions) error) *cobra.Command {
	opts := &NodeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "node --config node.yaml [flags]",
		Short: "Run one simulated OOTS node as an HTTPS server",
		Long: `Run one simulated OOTS node until it is interrupted (Ctrl-C, SIGTERM):

  requester  POST /as4 (AS4 access point), POST /journeys (run a user journey,
             answer its result as JSON), GET /stats
  provider   POST /as4, /preview/... (the preview pages)
  eb, dsd    GET /rest/search?queryId=... (RegRep REST binding, signed answers)
  all        GET /healthz

The configuration file (--config, see docs/simulate.md) holds the node's
identity, its trust anchors, its peers and its data; flags override it. When
the node accepts connections it prints one line:

  oots simulate node NAME (ROLE) listening on https://127.0.0.1:PORT

With --listen-fd N the node binds no address (listen is ignored): it serves on the
listening socket it inherited as file descriptor N (not on Windows). That is how
oots simulate run starts its nodes: it holds each node's socket for the whole run,
so that the port stays taken while a node starts and restarts.

Exit status: 0 stopped by a signal, 1 a configuration or start-up error.`,
		Example: `  oots simulate node --config provider.yaml
  oots simulate node --config provider.yaml --listen 127.0.0.1:8443
  oots simulate node --role eb --name eb --catalog example --key eb-key.pem --cert eb.pem --listen 127.0.0.1:9001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Changed = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { opts.Changed[fl.Name] = true })
			if opts.ConfigFile == "" && !opts.Changed["role"] {
				return cmdutil.FlagErrorf("give the node's configuration with --config FILE (or at least --role)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runNode(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	// --config here is the node's configuration, not flag defaults: a node
	// configuration has nested keys (peers, faults) that are no flags.
	fl.StringVar(&opts.ConfigFile, "config", "", "the node's configuration file (YAML, see docs/simulate.md)")
	c := &opts.Flags
	fl.StringVar(&c.Name, "name", "", "node name (logs, the ready line)")
	fl.StringVar(&c.Role, "role", "", "requester, provider, eb or dsd")
	fl.StringVar(&c.Listen, "listen", "", "address to serve on (default 127.0.0.1:0, a free port)")
	fl.IntVar(&opts.ListenFD, "listen-fd", 0, "serve on the listening socket inherited as this file descriptor instead of --listen")
	fl.StringVar(&c.Party, "party", "", "requester, provider: AS4 party id (a provider's is its access service id)")
	fl.StringVar(&c.Key, "key", "", "private key (PEM) or PKCS#12 file: signs messages, serves TLS")
	fl.StringVar(&c.Cert, "cert", "", "certificate (PEM, with its chain) of --key")
	fl.StringVar(&c.Password, "password", "", "password of a PKCS#12 --key")
	fl.StringArrayVar(&c.Trust, "trust", nil, "trust anchor certificates, PEM (repeatable)")
	fl.StringArrayVar(&opts.Peers, "peer", nil, "ID=URL: the node behind an access service or party id (repeatable)")
	fl.StringVar(&c.EB, "eb", "", "requester: base URL of the Evidence Broker")
	fl.StringVar(&c.DSD, "dsd", "", "requester: base URL of the Data Service Directory")
	fl.StringVar(&c.Catalog, "catalog", "", "eb, dsd: catalogue store file, or example")
	fl.StringVar(&c.Dataset, "dataset", "", "provider: dataset YAML, or example")
	fl.StringVar(&c.DataDir, "data-dir", "", "folder for the journal of received AS4 messages (duplicates across restarts)")
	fl.BoolVar(&c.JournalSync, "journal-sync", false, "fsync every journal record (survives a machine failure; slower)")
	fl.DurationVar(&c.PreviewTimeout, "preview-timeout", 0, "provider: how long a preview waits for the user")
	fl.DurationVar(&c.RequestTimeout, "request-timeout", 0, "requester: how long it waits for each answer")
	fl.DurationVar(&c.DiscoveryCache, "discovery-cache", 0, "requester: how long EB and DSD answers are kept (default 1m; negative: never)")
	return cmd
}

func runNode(ctx context.Context, opts *NodeOptions) error {
	cfg, err := nodeConfig(opts)
	if err != nil {
		return err
	}
	if opts.Changed["listen-fd"] {
		if cfg.Listener, err = inheritedListener(opts.ListenFD); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	relaxGC()
	out := opts.Factory.IOStreams.Out
	err = node.Run(ctx, cfg, func(baseURL string) {
		_, _ = fmt.Fprintf(out, "oots simulate node %s (%s) listening on %s\n", cfg.Name, cfg.Role, baseURL)
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// inheritedListener is the listening socket the node inherited as file
// descriptor fd (exec.Cmd.ExtraFiles in the parent).
func inheritedListener(fd int) (net.Listener, error) {
	if fd < 0 {
		return nil, cmdutil.FlagErrorf("--listen-fd %d: give the number of an inherited file descriptor", fd)
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("listen-fd-%d", fd))
	if f == nil {
		return nil, fmt.Errorf("--listen-fd %d: not a file descriptor", fd)
	}
	defer func() { _ = f.Close() }() // the listener holds its own copy
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("--listen-fd %d: no inherited listening socket: %w", fd, err)
	}
	return ln, nil
}

// nodeConfig reads the configuration file and applies the flags given.
func nodeConfig(opts *NodeOptions) (node.Config, error) {
	var cfg node.Config
	if opts.ConfigFile != "" {
		var err error
		if cfg, err = node.LoadConfig(opts.ConfigFile); err != nil {
			return cfg, err
		}
	}
	f, set := &opts.Flags, opts.Changed
	override := func(flag string, dst *string, v string) {
		if set[flag] {
			*dst = v
		}
	}
	override("name", &cfg.Name, f.Name)
	override("role", &cfg.Role, f.Role)
	override("listen", &cfg.Listen, f.Listen)
	override("party", &cfg.Party, f.Party)
	override("key", &cfg.Key, f.Key)
	override("cert", &cfg.Cert, f.Cert)
	override("password", &cfg.Password, f.Password)
	override("eb", &cfg.EB, f.EB)
	override("dsd", &cfg.DSD, f.DSD)
	override("catalog", &cfg.Catalog, f.Catalog)
	override("dataset", &cfg.Dataset, f.Dataset)
	override("data-dir", &cfg.DataDir, f.DataDir)
	if set["trust"] {
		cfg.Trust = f.Trust
	}
	if set["journal-sync"] {
		cfg.JournalSync = f.JournalSync
	}
	if set["preview-timeout"] {
		cfg.PreviewTimeout = f.PreviewTimeout
	}
	if set["request-timeout"] {
		cfg.RequestTimeout = f.RequestTimeout
	}
	if set["discovery-cache"] {
		cfg.DiscoveryCache = f.DiscoveryCache
	}
	if err := addPeers(&cfg, opts.Peers); err != nil {
		return cfg, err
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Role
	}
	if err := cfg.Check(); err != nil {
		return cfg, fmt.Errorf("%s: %w", configName(opts), err)
	}
	return cfg, nil
}

func addPeers(cfg *node.Config, peers []string) error {
	for _, p := range peers {
		id, u, ok := strings.Cut(p, "=")
		if !ok || id == "" || !isHTTPURL(u) {
			return cmdutil.FlagErrorf("--peer %q: write ID=URL, e.g. FR-EXAMPLE-AP-1=https://127.0.0.1:8443", p)
		}
		if cfg.Peers == nil {
			cfg.Peers = map[string]string{}
		}
		cfg.Peers[id] = u
	}
	return nil
}

func isHTTPURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

func configName(opts *NodeOptions) string {
	if opts.ConfigFile != "" {
		return opts.ConfigFile
	}
	return "node flags"
}

// readyTimeout bounds the wait for a node's start in `simulate run`.
const readyTimeout = 30 * time.Second

// nodeGCPercent trades memory for time in a node process: a node parses and
// drops many small documents a second and holds little, so collecting four
// times less often costs a few megabytes and saves about a fifth of the CPU.
const nodeGCPercent = 400

// relaxGC sets the node's garbage collection target unless GOGC says
// otherwise.
func relaxGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(nodeGCPercent)
	}
}
