package validate

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/codelist"
	"github.com/oots-tools/oots/pkg/rulepack"
	"github.com/oots-tools/oots/pkg/schematron"
	"github.com/oots-tools/oots/pkg/xmlschema"
	"github.com/oots-tools/oots/schemas"
)

// EmbeddedPackDir is the embedded rule pack set used by default.
const EmbeddedPackDir = "rules/edm-v1.0"

// structureSchema is what the XML Schema layer needs from a compiled schema.
type structureSchema interface {
	Validate(ctx context.Context, doc *helium.Document) []xmlschema.Violation
}

// RuleSet is everything a validation run checks against: the XML Schemas, the
// Schematron rules per kind and the code lists. It is built once and shared.
type RuleSet struct {
	Name        string // "embedded" or the folder given with --rules
	Description string
	// Version is the EDM specification the rules check messages against, as
	// the specification identifier they require (oots-edm:v1.0).
	Version string
	edm     lazySchema // EDM messages (RegRep + SDG profile)
	ebms    lazySchema // eb:Messaging headers and SOAP envelopes
	codes   *codelist.Set

	// rules holds the Schematron rules per kind. Embedded packs are compiled
	// on first use of their kind, so a run over one kind of message does not
	// pay for the others; official folders are compiled up front so a broken
	// file is reported before any document is read.
	mu      sync.Mutex
	rules   map[Kind][]namedRules
	pending map[Kind][]string // embedded pack files not yet compiled, per kind
}

// lazySchema compiles an XML Schema on first use and keeps it.
type lazySchema struct {
	once    sync.Once
	compile func() (structureSchema, error)
	schema  structureSchema
	err     error
}

func (l *lazySchema) get() (structureSchema, error) {
	if l.compile == nil {
		return nil, nil
	}
	l.once.Do(func() { l.schema, l.err = l.compile() })
	return l.schema, l.err
}

func eager(s structureSchema) lazySchema {
	return lazySchema{compile: func() (structureSchema, error) { return s, nil }}
}

// rulesFor returns the compiled Schematron rules of a kind.
func (rs *RuleSet) rulesFor(kind Kind) ([]namedRules, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, file := range rs.pending[kind] {
		if err := rs.compilePack(file); err != nil {
			return nil, err
		}
	}
	delete(rs.pending, kind)
	return rs.rules[kind], nil
}

type namedRules struct {
	source   string // file the rules come from, e.g. EDM-REQ-S.sch or EDM-REQ-S (embedded)
	checks   int
	compiled *schematron.Compiled
}

func newNamedRules(source string, s *schematron.Schema) (namedRules, error) {
	c, err := schematron.Compile(s)
	if err != nil {
		return namedRules{}, err
	}
	n := 0
	for _, p := range s.Patterns {
		for _, r := range p.Rules {
			n += len(r.Checks)
		}
	}
	return namedRules{source: source, checks: n, compiled: c}, nil
}

// PackInfo describes one rule file of a rule set, for `oots rules list`.
type PackInfo struct {
	Kind   Kind
	Source string
	Checks int // asserts and reports
}

// Packs lists the Schematron rule files of the set by kind, compiling them all.
func (rs *RuleSet) Packs() ([]PackInfo, error) {
	for _, k := range Kinds() {
		if _, err := rs.rulesFor(k); err != nil {
			return nil, err
		}
	}
	var out []PackInfo
	for k, list := range rs.rules {
		for _, r := range list {
			out = append(out, PackInfo{Kind: k, Source: r.source, Checks: r.checks})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

var (
	embeddedOnce sync.Once
	embeddedSet  *RuleSet
	embeddedErr  error
)

// Embedded returns the rule set compiled into oots: our structure model, our
// rule packs and code lists. It is compiled on first use and then shared.
func Embedded(ctx context.Context) (*RuleSet, error) {
	embeddedOnce.Do(func() { embeddedSet, embeddedErr = loadEmbedded(ctx) })
	return embeddedSet, embeddedErr
}

// NewEmbedded builds a fresh embedded rule set, not shared with other callers;
// Embedded is what almost every caller wants.
func NewEmbedded(ctx context.Context) (*RuleSet, error) { return loadEmbedded(ctx) }

func loadEmbedded(ctx context.Context) (*RuleSet, error) {
	rs := &RuleSet{
		Name:        "embedded",
		Description: "oots embedded rules for OOTS EDM v1.0 (structure model, business rules, code lists)",
		Version:     "oots-edm:v1.0",
		rules:       map[Kind][]namedRules{},
		pending:     map[Kind][]string{},
		codes:       codelist.NewSet(schemas.Codelists, "codelists"),
		edm: lazySchema{compile: func() (structureSchema, error) {
			s, err := xmlschema.Embedded(ctx)
			return s, wrap("embedded structure model", err)
		}},
		ebms: lazySchema{compile: func() (structureSchema, error) {
			s, err := xmlschema.EmbeddedEbMS(ctx)
			return s, wrap("embedded ebMS3 model", err)
		}},
	}
	files, err := fs.Glob(schemas.Rules, EmbeddedPackDir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		k, err := packKind(f)
		if err != nil {
			return nil, err
		}
		rs.pending[k] = append(rs.pending[k], f)
	}
	return rs, nil
}

// packKind reads the kind a pack file declares without compiling the pack.
func packKind(file string) (Kind, error) {
	data, err := fs.ReadFile(schemas.Rules, file)
	if err != nil {
		return "", err
	}
	k, err := rulepack.Kind(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	kind, err := ParseKind(k)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return kind, nil
}

// compilePack compiles one embedded pack file; rs.mu is held.
func (rs *RuleSet) compilePack(file string) error {
	data, err := fs.ReadFile(schemas.Rules, file)
	if err != nil {
		return err
	}
	p, err := rulepack.Parse(path.Base(file), data, rs.codes)
	if err != nil {
		return err
	}
	nr, err := newNamedRules(p.Name, p.Schema)
	if err != nil {
		return err
	}
	k, err := ParseKind(p.Kind)
	if err != nil {
		return err
	}
	rs.rules[k] = append(rs.rules[k], nr)
	return nil
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Load returns the rule set a --rules flag names: the official artefacts in
// dir, or the embedded rules when dir is empty.
func Load(ctx context.Context, dir string) (*RuleSet, error) {
	if dir == "" {
		return Embedded(ctx)
	}
	return LoadOfficial(ctx, dir)
}

// Official paths inside an OOTS TDD artefact folder.
const (
	officialDriver = "sdg/oots_driver_v1.0.0.xsd"
	officialEbMS   = "ebms3/ebms-header-3_0-200704.xsd"
)

// LoadOfficial reads an official artefact folder laid out like the OOTS TDD
// release: xsd/ (with sdg/oots_driver_v1.0.0.xsd), sch/*.sch and codelists/.
func LoadOfficial(ctx context.Context, dir string) (*RuleSet, error) {
	for _, sub := range []string{"xsd", "sch"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s is not an OOTS artefact folder: it has no %s/ folder", dir, sub)
		}
	}
	rs := &RuleSet{Name: dir, Description: "official artefacts in " + dir, rules: map[Kind][]namedRules{}}
	xsdFS := os.DirFS(filepath.Join(dir, "xsd"))
	edm, err := xmlschema.CompileFS(ctx, xsdFS, officialDriver)
	if err != nil {
		return nil, err
	}
	rs.edm = eager(edm)
	if _, statErr := fs.Stat(xsdFS, officialEbMS); statErr == nil {
		rs.ebms = lazySchema{compile: func() (structureSchema, error) { return xmlschema.CompileFS(ctx, xsdFS, officialEbMS) }}
	}
	if err := rs.loadOfficialSchematron(filepath.Join(dir, "sch")); err != nil {
		return nil, err
	}
	rs.Version = specificationVersion(filepath.Join(dir, "sch"))
	rs.codes = officialCodelists(dir)
	return rs, nil
}

func (rs *RuleSet) loadOfficialSchematron(dir string) error {
	for _, k := range Kinds() {
		for _, name := range k.OfficialSchematron() {
			path := filepath.Join(dir, name+".sch")
			data, err := os.ReadFile(path)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return err
			}
			s, err := schematron.Parse(name+".sch", data)
			if err != nil {
				return err
			}
			nr, err := newNamedRules(name+".sch", s)
			if err != nil {
				return err
			}
			rs.rules[k] = append(rs.rules[k], nr)
		}
	}
	if len(rs.rules) == 0 {
		return fmt.Errorf("%s holds none of the OOTS Schematron files (%s, ...)", dir, strings.Join(EvidenceRequest.OfficialSchematron(), ".sch, "))
	}
	return nil
}

var specificationID = regexp.MustCompile(`oots-edm:v[0-9]+(\.[0-9]+)*`)

// specificationVersion reads which EDM specification identifier the official
// request rules require, or says it is unknown.
func specificationVersion(schDir string) string {
	data, err := os.ReadFile(filepath.Join(schDir, "EDM-REQ-C.sch"))
	if m := specificationID.Find(data); err == nil && m != nil {
		return string(m)
	}
	return "unknown"
}

// officialCodelists reads genericode lists from dir/codelists when present,
// and falls back to the embedded lists otherwise.
func officialCodelists(dir string) *codelist.Set {
	embedded := codelist.NewSet(schemas.Codelists, "codelists")
	if set, err := codelist.LoadGenericode(os.DirFS(dir), "codelists", embedded); err == nil {
		return set
	}
	return embedded
}
