package rulepack

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/oots-tools/oots/pkg/schematron"
	"go.yaml.in/yaml/v3"
)

// sep separates codes in the membership strings, as the official rules do:
// a code never contains it, so contains(list, sep+value+sep) is exact membership.
const sep = "\x7f"

// test compiles the check's declarative condition into an XPath expression
// that is true when the document conforms.
func (c *compiler) test(cs *checkSpec) (string, error) {
	var conds []string
	add := func(s string, err error) error {
		if err != nil {
			return err
		}
		conds = append(conds, s)
		return nil
	}
	var errs []error
	if cs.Root != "" {
		errs = append(errs, add("local-name(/node()) = "+lit(cs.Root), nil))
	}
	if cs.RootNamespace != "" {
		errs = append(errs, add("namespace-uri(/node()) = "+lit(cs.RootNamespace), nil))
	}
	if cs.Slot != "" {
		errs = append(errs, add(c.slot(cs)))
	}
	if len(cs.OnlySlots) > 0 {
		errs = append(errs, add(anyEqual("@name", cs.OnlySlots), nil))
	}
	if cs.ValueType != "" {
		errs = append(errs, add("substring-after(@xsi:type, ':') = "+lit(cs.ValueType), nil))
	}
	if len(cs.Has) > 0 || len(cs.HasNot) > 0 {
		errs = append(errs, add(presence(cs.Has, cs.HasNot), nil))
	}
	if cs.Attribute != "" {
		errs = append(errs, add("@"+strings.TrimPrefix(cs.Attribute, "@"), nil))
	}
	if cs.Equals != nil {
		errs = append(errs, add(of(cs.Equals.Of)+" = "+lit(cs.Equals.Value), nil))
	}
	if cs.OneOf != nil {
		errs = append(errs, add(anyEqual(of(cs.OneOf.Of), cs.OneOf.Values), nil))
	}
	if cs.Pattern != nil {
		errs = append(errs, add(matches(cs.Pattern), nil))
	}
	if cs.NotEmpty != "" {
		errs = append(errs, add("not(normalize-space("+cs.NotEmpty+") = '')", nil))
	}
	if cs.Count.Kind != 0 && cs.Slot == "" {
		errs = append(errs, add(countCondition(&cs.Count)))
	}
	if cs.Codelist != nil {
		errs = append(errs, add(c.codelist(cs.Codelist)))
	}
	if cs.In != nil {
		errs = append(errs, add(member(listLiteral(cs.In.Values), of(cs.In.Of)), nil))
	}
	if cs.XPath != "" {
		if strings.TrimSpace(cs.Why) == "" {
			errs = append(errs, errors.New("an `xpath` check needs a `why` saying what it checks"))
		}
		errs = append(errs, add(cs.XPath, nil))
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	switch len(conds) {
	case 0:
		return "", fmt.Errorf("check %q says nothing to check", cs.ID)
	case 1:
		return conds[0], nil
	}
	return "", fmt.Errorf("check %q has more than one kind of condition; split it or use `xpath`", cs.ID)
}

func (c *compiler) slot(cs *checkSpec) (string, error) {
	count := "count(rim:Slot[@name = " + lit(cs.Slot) + "])"
	if cs.Count.Kind != 0 {
		var n int
		if err := cs.Count.Decode(&n); err != nil {
			return "", fmt.Errorf("with `slot`, `count` is a number: %w", err)
		}
		return count + " = " + strconv.Itoa(n), nil
	}
	if cs.Min != nil || cs.Max != nil {
		return bounds(count, cs.Min, cs.Max), nil
	}
	return count + " = 1", nil
}

func countCondition(n *yaml.Node) (string, error) {
	var cs countSpec
	if err := n.Decode(&cs); err != nil {
		return "", fmt.Errorf("`count` takes {of, min, max, equals}: %w", err)
	}
	if cs.Of == "" {
		return "", errors.New("`count` needs `of`")
	}
	expr := "count(" + cs.Of + ")"
	if cs.Equals != nil {
		return expr + " = " + strconv.Itoa(*cs.Equals), nil
	}
	if cs.Min == nil && cs.Max == nil {
		return "", errors.New("`count` needs `equals`, `min` or `max`")
	}
	return bounds(expr, cs.Min, cs.Max), nil
}

func bounds(expr string, min, max *int) string {
	var parts []string
	if min != nil {
		parts = append(parts, expr+" >= "+strconv.Itoa(*min))
	}
	if max != nil {
		parts = append(parts, expr+" <= "+strconv.Itoa(*max))
	}
	return strings.Join(parts, " and ")
}

func presence(has, hasNot []string) string {
	var parts []string
	for _, h := range has {
		parts = append(parts, "("+h+")")
	}
	for _, h := range hasNot {
		parts = append(parts, "not("+h+")")
	}
	return strings.Join(parts, " and ")
}

func matches(p *patternSpec) string {
	subject := of(p.Of)
	if p.Normalize {
		subject = "normalize-space(" + subject + ")"
	}
	args := subject + ", " + lit(p.Regex)
	if p.Flags != "" {
		args += ", " + lit(p.Flags)
	}
	return "matches(" + args + ")"
}

// codelist binds the list once as a schema variable and tests membership.
func (c *compiler) codelist(cl *codelistSpec) (string, error) {
	if c.codes == nil {
		return "", errors.New("no code lists are available to this pack")
	}
	name := "codelist-" + cl.List
	if !c.lists[cl.List] {
		codes, err := c.codes.Codes(cl.List)
		if err != nil {
			return "", err
		}
		c.lets = append(c.lets, schematron.Let{Name: name, Value: listLiteral(codes)})
		c.lists[cl.List] = true
	}
	return member("$"+name, of(cl.Of)), nil
}

func member(list, value string) string {
	return "contains(" + list + ", concat(" + lit(sep) + ", " + value + ", " + lit(sep) + "))"
}

func listLiteral(values []string) string {
	return lit(sep + strings.Join(values, sep) + sep)
}

func anyEqual(subject string, values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = subject + " = " + lit(v)
	}
	return strings.Join(parts, " or ")
}

func of(expr string) string {
	if strings.TrimSpace(expr) == "" {
		return "."
	}
	return expr
}

// lit quotes s as an XPath string literal.
func lit(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
