// Package runner runs `oots simulate` scenarios: it makes a test PKI, starts
// the nodes a scenario declares as child processes on loopback ports (with
// fault proxies on the links that have faults), runs the steps, checks the
// expectations, stops everything and reports.
package runner

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/simulate/requester"
	"go.yaml.in/yaml/v3"
)

// Node roles.
const (
	RoleRequester = "requester"
	RoleProvider  = "provider"
	RoleEB        = "eb"
	RoleDSD       = "dsd"
)

// Scenario is one simulation: the nodes to run, the links between them and
// the steps to take.
type Scenario struct {
	ID          string     `yaml:"id"`
	Title       string     `yaml:"title"`
	Description string     `yaml:"description"`
	Nodes       []NodeSpec `yaml:"nodes"`
	Links       []LinkSpec `yaml:"links"`
	Steps       []StepSpec `yaml:"steps"`

	// File is where the scenario was read from ("TC01" for a built-in).
	File string `yaml:"-"`

	dir   string // folder of a scenario file: relative paths start there
	files fs.FS  // the files of a built-in scenario
}

// NodeSpec declares one node of a scenario.
type NodeSpec struct {
	Name string `yaml:"name"`
	Role string `yaml:"role"`
	// Party is the AS4 party id of a requester or provider. A provider's
	// party is the access service id the DSD gives for it.
	Party string `yaml:"party"`
	// AccessServices are further access service ids routed to this node.
	AccessServices []string `yaml:"accessServices"`
	Catalog        string   `yaml:"catalog"`
	Dataset        string   `yaml:"dataset"`
	// PreviewTimeout (provider) is how long a preview waits for the user.
	PreviewTimeout Duration   `yaml:"previewTimeout"`
	Faults         NodeFaults `yaml:"faults"`
	// External is the base URL of a node the user runs themself: it is not
	// started, and the other nodes are pointed at it.
	External string `yaml:"external"`
	// Listen fixes the node's address (host:port) instead of a free
	// loopback port: the user's own nodes must know where to answer.
	Listen string `yaml:"listen"`

	Line int `yaml:"-"`
}

// NodeFaults are faults of one node.
type NodeFaults struct {
	// InvalidPayload makes a provider answer with invalid EDM messages.
	InvalidPayload bool `yaml:"invalidPayload"`
	// ExpiredCertificate gives the node a certificate that expired yesterday.
	ExpiredCertificate bool `yaml:"expiredCertificate"`
}

// LinkSpec puts faults on the traffic from one node to another: the sender
// reaches the receiver through a proxy that delays, drops or corrupts.
type LinkSpec struct {
	From    string   `yaml:"from"`
	To      string   `yaml:"to"`
	Latency Duration `yaml:"latency"`
	Jitter  Duration `yaml:"jitter"`
	// Drop is the share of requests (0 to 1) whose connection is closed
	// without an answer.
	Drop float64 `yaml:"drop"`
	// CorruptSignature flips one character of the ds:SignatureValue of
	// every AS4 message sent over the link.
	CorruptSignature bool `yaml:"corruptSignature"`
	// ExpiredCertificate makes the link present to the sender a TLS
	// certificate of the receiver that expired yesterday: the sender
	// refuses the connection. Other links to the receiver are not touched.
	ExpiredCertificate bool `yaml:"expiredCertificate"`

	Line int `yaml:"-"`
}

// StepSpec is one step; exactly one of its action fields is set.
type StepSpec struct {
	Name string `yaml:"name"`

	Journey   map[string]any `yaml:"journey"`
	Requester string         `yaml:"requester"`
	Expect    *Expect        `yaml:"expect"`

	Kill     string     `yaml:"kill"`
	Restart  string     `yaml:"restart"`
	Wait     Duration   `yaml:"wait"`
	Load     *LoadSpec  `yaml:"load"`
	Parallel []StepSpec `yaml:"parallel"`

	Line int `yaml:"-"`
}

// Expect are the assertions on a journey's result. Empty fields are not checked.
type Expect struct {
	// Outcome is evidence, error or failed.
	Outcome string `yaml:"outcome"`
	// Evidences is the number of evidences received.
	Evidences *int `yaml:"evidences"`
	// ErrorCodes must each be among the error codes received.
	ErrorCodes []string `yaml:"errorCodes"`
	// Steps must each appear among the journey's steps (e.g. preview).
	Steps []string `yaml:"steps"`
	// NoSteps must not appear among the journey's steps.
	NoSteps []string `yaml:"noSteps"`
	// Failure must appear in the failure reason (e.g. EBMS:0101).
	Failure string `yaml:"failure"`
	// MediaTypes must each be the media type of one evidence received.
	MediaTypes []string `yaml:"mediaTypes"`
	// Preview are assertions on the preview pages the journey went through.
	Preview *PreviewExpect `yaml:"preview"`
}

// PreviewExpect are the assertions on a journey's previews. Empty fields
// are not checked; all but Count hold for every preview of the journey.
type PreviewExpect struct {
	// Count is the number of previews the journey went through (one per
	// provider that asked for one).
	Count *int `yaml:"count"`
	// Location is a regular expression the PreviewLocation must match.
	Location string `yaml:"location"`
	// Reauthentication: the page asked the user for their identifier
	// again (true), or did not (false).
	Reauthentication *bool `yaml:"reauthentication"`
	// Decision is how the preview ended: confirmed, refused, timeout,
	// authentication-failed or undecided.
	Decision string `yaml:"decision"`
	// Rendering: the page showed the evidence rendered for people (true),
	// or did not (false).
	Rendering *bool `yaml:"rendering"`

	Line int `yaml:"-"`
}

// perPreview tells whether an assertion other than Count is set.
func (e *PreviewExpect) perPreview() bool {
	return e.Location != "" || e.Reauthentication != nil || e.Decision != "" || e.Rendering != nil
}

// assertions names the per-preview assertions set.
func (e *PreviewExpect) assertions() []string {
	var names []string
	if e.Location != "" {
		names = append(names, "location")
	}
	if e.Reauthentication != nil {
		names = append(names, "reauthentication")
	}
	if e.Decision != "" {
		names = append(names, "decision")
	}
	if e.Rendering != nil {
		names = append(names, "rendering")
	}
	return names
}

// LoadSpec runs many journeys at once against a requester.
type LoadSpec struct {
	Exchanges   int            `yaml:"exchanges"`
	Concurrency int            `yaml:"concurrency"`
	Journey     map[string]any `yaml:"journey"`
	Requester   string         `yaml:"requester"`
	// During are steps run while the load runs, in order (kill, restart,
	// wait), e.g. to kill a provider in the middle of the run.
	During []StepSpec `yaml:"during"`
	// MinAnswered is the least number of journeys that must end answered
	// (evidence or error response).
	MinAnswered int `yaml:"minAnswered"`
}

// Kind names the action of a step.
func (s *StepSpec) Kind() string {
	switch {
	case s.Journey != nil:
		return "journey"
	case s.Kill != "":
		return "kill"
	case s.Restart != "":
		return "restart"
	case s.Wait > 0:
		return "wait"
	case s.Load != nil:
		return "load"
	case s.Parallel != nil:
		return "parallel"
	}
	return ""
}

// Title is the step's name, or a description of its action.
func (s *StepSpec) Title() string {
	if s.Name != "" {
		return s.Name
	}
	switch s.Kind() {
	case "kill":
		return "kill " + s.Kill
	case "restart":
		return "restart " + s.Restart
	case "wait":
		return "wait " + time.Duration(s.Wait).String()
	case "load":
		return fmt.Sprintf("load %d exchanges, concurrency %d", s.Load.Exchanges, s.Load.Concurrency)
	}
	return s.Kind()
}

// Duration is a time.Duration written as "1.5s" or "200ms" in YAML.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration; write e.g. 250ms, 2s or 1m", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// The decoders below record the line of each element, so that validation
// errors can point at it.

// UnmarshalYAML implements yaml.Unmarshaler.
func (n *NodeSpec) UnmarshalYAML(v *yaml.Node) error {
	type plain NodeSpec
	if err := decodeStrict(v, (*plain)(n)); err != nil {
		return err
	}
	n.Line = v.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (l *LinkSpec) UnmarshalYAML(v *yaml.Node) error {
	type plain LinkSpec
	if err := decodeStrict(v, (*plain)(l)); err != nil {
		return err
	}
	l.Line = v.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *StepSpec) UnmarshalYAML(v *yaml.Node) error {
	type plain StepSpec
	if err := decodeStrict(v, (*plain)(s)); err != nil {
		return err
	}
	s.Line = v.Line
	return nil
}

// decodeStrict decodes a mapping node refusing unknown keys (yaml.v3 does
// not carry KnownFields into custom unmarshalers). It decodes the node in
// place so that nested elements keep their lines in the file.
func decodeStrict(v *yaml.Node, out any) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping (key: value lines)", v.Line)
	}
	known := yamlKeys(reflect.TypeOf(out).Elem())
	for i := 0; i+1 < len(v.Content); i += 2 {
		key := v.Content[i]
		if !known[key.Value] {
			return fmt.Errorf("line %d: unknown key %q; expected one of %s", key.Line, key.Value, keyList(known))
		}
	}
	return v.Decode(out)
}

// yamlKeys are the keys of a struct's yaml tags.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

func keyList(keys map[string]bool) string {
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Strings(list)
	return strings.Join(list, ", ")
}

// Parse reads a scenario and checks it; name is used in error messages
// (file:line: what is wrong).
func Parse(name string, data []byte) (*Scenario, error) {
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("%s:%s", name, cleanYAMLError(err))
	}
	sc.File = name
	if err := sc.Check(); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	return &sc, nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): `)

// cleanYAMLError turns "yaml: unmarshal errors:\n  line 3: ..." into
// "3: ...", the form of the validation errors.
func cleanYAMLError(err error) string {
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "yaml:"))
		if line == "" || line == "unmarshal errors:" {
			continue
		}
		parts = append(parts, yamlLine.ReplaceAllString(line, "$1: "))
	}
	msg := strings.Join(parts, "; ")
	if !startsWithDigit(msg) {
		return " " + msg // no line: "file: message"
	}
	return msg
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// lineError is a validation error at a line of the scenario file.
func lineError(line int, format string, args ...any) error {
	return fmt.Errorf("%d: %s", line, fmt.Sprintf(format, args...))
}

// Check validates the scenario: known roles, unique names, links and steps
// that name declared nodes, one action per step.
func (sc *Scenario) Check() error {
	if len(sc.Nodes) == 0 {
		return lineError(1, "the scenario declares no nodes; add a nodes: list")
	}
	byName := map[string]*NodeSpec{}
	for i := range sc.Nodes {
		n := &sc.Nodes[i]
		if err := checkNode(n, byName); err != nil {
			return err
		}
		byName[n.Name] = n
	}
	for i := range sc.Links {
		if err := checkLink(&sc.Links[i], byName); err != nil {
			return err
		}
	}
	if len(sc.Steps) == 0 {
		return lineError(1, "the scenario has no steps; add a steps: list")
	}
	for i := range sc.Steps {
		if err := checkStep(&sc.Steps[i], byName, false); err != nil {
			return err
		}
	}
	return nil
}

var nodeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func checkNode(n *NodeSpec, seen map[string]*NodeSpec) error {
	if !nodeName.MatchString(n.Name) {
		return lineError(n.Line, "node name %q: use 1 to 64 letters, digits, '.', '_' or '-'", n.Name)
	}
	if _, dup := seen[n.Name]; dup {
		return lineError(n.Line, "node %q is declared twice", n.Name)
	}
	switch n.Role {
	case RoleRequester, RoleProvider:
		if n.Party == "" {
			return lineError(n.Line, "node %q (%s) needs a party: its AS4 party id", n.Name, n.Role)
		}
	case RoleEB, RoleDSD:
	default:
		return lineError(n.Line, "node %q: unknown role %q; use requester, provider, eb or dsd", n.Name, n.Role)
	}
	if n.Dataset != "" && n.Role != RoleProvider {
		return lineError(n.Line, "node %q: dataset is for providers only", n.Name)
	}
	if n.Catalog != "" && n.Role != RoleEB && n.Role != RoleDSD {
		return lineError(n.Line, "node %q: catalog is for eb and dsd nodes only", n.Name)
	}
	if n.External != "" {
		u, err := url.Parse(n.External)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return lineError(n.Line, "node %q: external %q is not an http(s) URL", n.Name, n.External)
		}
		if n.Listen != "" {
			return lineError(n.Line, "node %q: an external node is not started; listen is for the nodes the run starts", n.Name)
		}
	}
	if err := CheckListen(n.Listen); err != nil {
		return lineError(n.Line, "node %q: %v", n.Name, err)
	}
	return nil
}

// CheckListen accepts "" (a free loopback port) or host:port with a port.
func CheckListen(addr string) error {
	if addr == "" {
		return nil
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" || port == "0" {
		return fmt.Errorf("listen %q: write host:port, e.g. 127.0.0.1:8444", addr)
	}
	return nil
}

func checkLink(l *LinkSpec, nodes map[string]*NodeSpec) error {
	for _, end := range []string{l.From, l.To} {
		if _, ok := nodes[end]; !ok {
			return lineError(l.Line, "link %s -> %s: no node %q is declared", l.From, l.To, end)
		}
	}
	if l.Drop < 0 || l.Drop > 1 {
		return lineError(l.Line, "link %s -> %s: drop %v must be between 0 and 1", l.From, l.To, l.Drop)
	}
	return nil
}

func checkStep(s *StepSpec, nodes map[string]*NodeSpec, nested bool) error {
	actions := 0
	for _, set := range []bool{s.Journey != nil, s.Kill != "", s.Restart != "", s.Wait > 0, s.Load != nil, s.Parallel != nil} {
		if set {
			actions++
		}
	}
	if actions != 1 {
		return lineError(s.Line, "a step takes exactly one of journey, kill, restart, wait, load, parallel (this one has %d)", actions)
	}
	if s.Expect != nil && s.Journey == nil {
		return lineError(s.Line, "expect: belongs to a journey step")
	}
	switch s.Kind() {
	case "journey":
		return checkJourneyTarget(s.Line, s.Requester, s.Expect, nodes)
	case "kill", "restart":
		name := s.Kill + s.Restart
		n, ok := nodes[name]
		if !ok {
			return lineError(s.Line, "%s: no node %q is declared", s.Kind(), name)
		}
		if n.External != "" {
			return lineError(s.Line, "%s: node %q is external; only nodes the scenario starts can be killed or restarted", s.Kind(), name)
		}
	case "load":
		return checkLoad(s, nodes, nested)
	case "parallel":
		for i := range s.Parallel {
			if err := checkStep(&s.Parallel[i], nodes, true); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkLoad(s *StepSpec, nodes map[string]*NodeSpec, nested bool) error {
	l := s.Load
	if nested {
		return lineError(s.Line, "load: cannot run inside parallel")
	}
	if l.Exchanges < 1 || l.Concurrency < 1 {
		return lineError(s.Line, "load: exchanges and concurrency must be at least 1")
	}
	if l.Journey == nil {
		return lineError(s.Line, "load: needs the journey to repeat")
	}
	if err := checkJourneyTarget(s.Line, l.Requester, nil, nodes); err != nil {
		return err
	}
	for i := range l.During {
		d := &l.During[i]
		if err := checkStep(d, nodes, true); err != nil {
			return err
		}
		if k := d.Kind(); k != "kill" && k != "restart" && k != "wait" {
			return lineError(d.Line, "load during: only kill, restart and wait steps, not %s", k)
		}
	}
	return nil
}

func checkJourneyTarget(line int, requesterName string, exp *Expect, nodes map[string]*NodeSpec) error {
	if requesterName != "" {
		n, ok := nodes[requesterName]
		if !ok || n.Role != RoleRequester {
			return lineError(line, "requester %q: no requester node of that name is declared", requesterName)
		}
	} else if countRole(nodes, RoleRequester) != 1 {
		return lineError(line, "the scenario has %d requester nodes: say which one runs the journey (requester: NAME)", countRole(nodes, RoleRequester))
	}
	if exp != nil {
		switch exp.Outcome {
		case "", requester.OutcomeEvidence, requester.OutcomeError, requester.OutcomeFailed:
		default:
			return lineError(line, "expect outcome %q: use evidence, error or failed", exp.Outcome)
		}
		if exp.Preview != nil {
			return checkPreviewExpect(exp.Preview)
		}
	}
	return nil
}

func checkPreviewExpect(e *PreviewExpect) error {
	if e.Count != nil && *e.Count < 0 {
		return lineError(e.Line, "expect preview count %d: a number of previews, 0 or more", *e.Count)
	}
	if e.Count != nil && *e.Count == 0 && e.perPreview() {
		return lineError(e.Line, "expect preview: count 0 leaves no preview for %s to check", strings.Join(e.assertions(), ", "))
	}
	if e.Location != "" {
		if _, err := regexp.Compile(e.Location); err != nil {
			return lineError(e.Line, "expect preview location %q is not a regular expression: %v", e.Location, err)
		}
	}
	switch e.Decision {
	case "", requester.EndedConfirmed, requester.EndedRefused, requester.EndedTimeout, requester.EndedAuthFailed, requester.EndedUndecided:
	default:
		return lineError(e.Line, "expect preview decision %q: use %s, %s, %s, %s or %s", e.Decision,
			requester.EndedConfirmed, requester.EndedRefused, requester.EndedTimeout, requester.EndedAuthFailed, requester.EndedUndecided)
	}
	return nil
}

func countRole(nodes map[string]*NodeSpec, role string) int {
	n := 0
	for _, spec := range nodes {
		if spec.Role == role {
			n++
		}
	}
	return n
}

// requesterFor is the requester node a journey runs on.
func (sc *Scenario) requesterFor(name string) string {
	if name != "" {
		return name
	}
	for _, n := range sc.Nodes {
		if n.Role == RoleRequester {
			return n.Name
		}
	}
	return ""
}

// node finds a node by name.
func (sc *Scenario) node(name string) *NodeSpec {
	for i := range sc.Nodes {
		if sc.Nodes[i].Name == name {
			return &sc.Nodes[i]
		}
	}
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (e *Expect) UnmarshalYAML(v *yaml.Node) error {
	type plain Expect
	return decodeStrict(v, (*plain)(e))
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (e *PreviewExpect) UnmarshalYAML(v *yaml.Node) error {
	type plain PreviewExpect
	if err := decodeStrict(v, (*plain)(e)); err != nil {
		return err
	}
	e.Line = v.Line
	return nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (l *LoadSpec) UnmarshalYAML(v *yaml.Node) error {
	type plain LoadSpec
	return decodeStrict(v, (*plain)(l))
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (f *NodeFaults) UnmarshalYAML(v *yaml.Node) error {
	type plain NodeFaults
	return decodeStrict(v, (*plain)(f))
}
