// Package node runs one simulated OOTS node — an evidence requester, an
// evidence provider, an Evidence Broker or a Data Service Directory — as an
// HTTPS server on loopback, wiring the requester, provider and Common
// Services simulators to the AS4 access point and the signatures.
package node

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Roles a node can play.
const (
	RoleRequester = "requester"
	RoleProvider  = "provider"
	RoleEB        = "eb"
	RoleDSD       = "dsd"
)

// Config describes one node. The YAML keys are the lower camel case field
// names.
type Config struct {
	Name   string `yaml:"name" json:"name"`
	Role   string `yaml:"role" json:"role"`
	Listen string `yaml:"listen" json:"listen"`
	// Listener, when set, is an open listening socket the node serves on
	// instead of binding Listen: `oots simulate run` holds each node's
	// socket for the whole run and hands it down (--listen-fd), so that the
	// port is never free, not even while the node restarts. Run closes it.
	Listener net.Listener `yaml:"-" json:"-"`
	// Party is the AS4 party id of the node's access point (requester and
	// provider); for a provider it is also the access service id the DSD
	// names.
	Party string `yaml:"party" json:"party"`

	// Key, Cert and Password are the node's identity: it signs AS4 messages,
	// receipts and Common Services answers, and serves TLS with it.
	Key      string `yaml:"key" json:"key"`
	Cert     string `yaml:"cert" json:"cert"`
	Password string `yaml:"password" json:"password"`
	// Trust are the trust anchors for incoming signatures and peers' TLS.
	Trust []string `yaml:"trust" json:"trust"`

	// Peers maps access service ids and AS4 party ids to the base URL of the
	// node behind them.
	Peers map[string]string `yaml:"peers" json:"peers"`
	// EB and DSD are the base URLs a requester queries.
	EB  string `yaml:"eb" json:"eb"`
	DSD string `yaml:"dsd" json:"dsd"`

	// Catalog is the catalogue store an EB or DSD serves, or "example".
	Catalog string `yaml:"catalog" json:"catalog"`
	// Dataset is the provider's dataset file, or "example".
	Dataset string `yaml:"dataset" json:"dataset"`
	// DataDir holds the journal of delivered AS4 message ids, so that a
	// restarted node still recognises a message it already took.
	DataDir string `yaml:"dataDir" json:"dataDir"`
	// JournalSync fsyncs every journal record, so that it also survives the
	// machine failing; without it a record survives the node process being
	// killed (what a simulated restart is), at a fraction of the cost.
	JournalSync bool `yaml:"journalSync" json:"journalSync"`

	PreviewTimeout time.Duration `yaml:"previewTimeout" json:"previewTimeout"`
	// RequestTimeout bounds how long a requester waits for each answer.
	RequestTimeout time.Duration `yaml:"requestTimeout" json:"requestTimeout"`
	// DiscoveryCache is how long a requester keeps EB and DSD answers, as a
	// procedure portal does: 0 means a minute, a negative value never.
	DiscoveryCache time.Duration `yaml:"discoveryCache" json:"discoveryCache"`
	AS4            AS4Config     `yaml:"as4" json:"as4"`
	Faults         NodeFaults    `yaml:"faults" json:"faults"`
}

// AS4Config tunes the node's AS4 sender.
type AS4Config struct {
	Retries int           `yaml:"retries" json:"retries"`
	Backoff time.Duration `yaml:"backoff" json:"backoff"`
}

// NodeFaults are misbehaviours a node can be told to show.
type NodeFaults struct {
	// InvalidPayload makes a provider answer with a message that breaks an
	// EDM rule (the specification identifier), correctly signed.
	InvalidPayload bool `yaml:"invalidPayload" json:"invalidPayload"`
}

// LoadConfig reads a node configuration file; unknown keys are errors, so
// a misspelt key does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	var cfg Config
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Check reports the first thing missing for the node's role.
func (c *Config) Check() error {
	var missing []string
	need := func(v, name string) {
		if v == "" {
			missing = append(missing, name)
		}
	}
	need(c.Name, "name")
	need(c.Key, "key")
	switch c.Role {
	case RoleRequester:
		need(c.Party, "party")
		need(c.EB, "eb")
		need(c.DSD, "dsd")
	case RoleProvider:
		need(c.Party, "party")
		need(c.Dataset, "dataset")
	case RoleEB, RoleDSD:
		need(c.Catalog, "catalog")
	case "":
		return errors.New("node role missing: requester, provider, eb or dsd")
	default:
		return fmt.Errorf("unknown node role %q: requester, provider, eb or dsd", c.Role)
	}
	if len(missing) > 0 {
		return fmt.Errorf("node %s (%s): %s missing", c.Name, c.Role, strings.Join(missing, ", "))
	}
	return nil
}

func (c *Config) listenAddr() string {
	if c.Listen == "" {
		return "127.0.0.1:0"
	}
	return c.Listen
}
