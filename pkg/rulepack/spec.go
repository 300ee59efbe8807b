package rulepack

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fileSpec is the YAML form of a pack file.
type fileSpec struct {
	Pack       string            `yaml:"pack"`
	Kind       string            `yaml:"kind"`
	Title      string            `yaml:"title"`
	Binding    string            `yaml:"binding"`
	Namespaces map[string]string `yaml:"namespaces"`
	Rules      []ruleSpec        `yaml:"rules"`
}

type ruleSpec struct {
	At      string      `yaml:"at"`
	Pattern string      `yaml:"pattern"`
	Let     orderedLets `yaml:"let"`
	Checks  []checkSpec `yaml:"checks"`
	line    int
}

type letSpec struct{ Name, Value string }

// orderedLets keeps variables in file order: later ones may use earlier ones.
type orderedLets []letSpec

func (o *orderedLets) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: `let` must map variable names to expressions", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		*o = append(*o, letSpec{Name: n.Content[i].Value, Value: n.Content[i+1].Value})
	}
	return nil
}

type checkSpec struct {
	ID      string `yaml:"id"`
	Role    string `yaml:"role"`
	Flag    string `yaml:"flag"`
	Message string `yaml:"message"`
	Report  bool   `yaml:"report"`
	Why     string `yaml:"why"`

	Root          string        `yaml:"root"`
	RootNamespace string        `yaml:"root-namespace"`
	Slot          string        `yaml:"slot"`
	Min           *int          `yaml:"min"`
	Max           *int          `yaml:"max"`
	OnlySlots     []string      `yaml:"only-slots"`
	ValueType     string        `yaml:"value-type"`
	Has           stringList    `yaml:"has"`
	HasNot        stringList    `yaml:"has-not"`
	Attribute     string        `yaml:"attribute"`
	Equals        *valueSpec    `yaml:"equals"`
	OneOf         *valuesSpec   `yaml:"one-of"`
	Pattern       *patternSpec  `yaml:"pattern"`
	NotEmpty      string        `yaml:"not-empty"`
	Count         yaml.Node     `yaml:"count"`
	Codelist      *codelistSpec `yaml:"codelist"`
	In            *valuesSpec   `yaml:"in"`
	XPath         string        `yaml:"xpath"`
	line          int
}

type valueSpec struct {
	Of    string `yaml:"of"`
	Value string `yaml:"value"`
}

type valuesSpec struct {
	Of     string   `yaml:"of"`
	Values []string `yaml:"values"`
}

type patternSpec struct {
	Of        string `yaml:"of"`
	Regex     string `yaml:"regex"`
	Flags     string `yaml:"flags"`
	Normalize bool   `yaml:"normalize"`
}

type countSpec struct {
	Of     string `yaml:"of"`
	Min    *int   `yaml:"min"`
	Max    *int   `yaml:"max"`
	Equals *int   `yaml:"equals"`
}

type codelistSpec struct {
	List string `yaml:"list"`
	Of   string `yaml:"of"`
}

// stringList accepts a single string or a list of strings.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = []string{n.Value}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

func (r *ruleSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain ruleSpec
	if err := knownKeys(n, plain{}); err != nil {
		return err
	}
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	return nil
}

func (c *checkSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain checkSpec
	if err := knownKeys(n, plain{}); err != nil {
		return err
	}
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = n.Line
	return nil
}

// knownKeys refuses keys that the struct does not declare, so a misspelt
// check kind is an error rather than a silently empty check.
func knownKeys(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	allowed := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" {
			allowed[tag] = true
		}
	}
	for i := 0; i < len(n.Content); i += 2 {
		k := n.Content[i]
		if !allowed[k.Value] {
			return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
		}
	}
	return nil
}
