package schematron

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xpath3"
)

// Result is one failed assert or fired report.
type Result struct {
	Source   string
	Pattern  string
	Context  string // the rule context that matched
	ID       string
	Role     string
	Flag     string
	Report   bool
	Test     string
	Message  string
	Line     int
	Location string
	// EvalError is set when the check could not be evaluated on this node
	// (an XPath dynamic error); the check is then reported as failed.
	EvalError string
}

// run holds the state of one validation: evaluator, variables, and results.
type run struct {
	ctx     context.Context
	c       *Compiled
	state   *xpath3.EvalState // reused by every evaluation of this run
	vars    map[string]xpath3.Sequence
	index   map[string][]helium.Node // elements by expanded name
	matched map[string][]helium.Node // nodes per branch key, as rules repeat contexts
	results []Result
}

// Validate runs every pattern over doc and returns the failed asserts and fired
// reports, ordered by line. The error is non-nil only when a rule context or a
// variable cannot be evaluated at all (the document cannot be checked).
func (c *Compiled) Validate(ctx context.Context, doc *helium.Document) ([]Result, error) {
	base := xpath3.NewEvaluator(xpath3.EvalBorrowing).Namespaces(c.namespaces).DocOrderCache(&xpath3.DocOrderCache{})
	if c.xpath1 {
		base = base.XPath10Compat()
	}
	r := &run{ctx: ctx, c: c, vars: map[string]xpath3.Sequence{}, index: indexElements(doc), matched: map[string][]helium.Node{}}
	// Variables change from rule to rule, so they are resolved through the
	// run rather than bound into the evaluator; that lets one evaluation state
	// serve the whole run instead of allocating a context per expression.
	r.state = base.VariableResolver(r).NewEvalState(doc)
	if err := r.bind(c.lets, doc); err != nil {
		return nil, err
	}
	for i := range c.patterns {
		if err := r.pattern(&c.patterns[i], doc); err != nil {
			return r.results, err
		}
	}
	sort.SliceStable(r.results, func(i, j int) bool { return r.results[i].Line < r.results[j].Line })
	return r.results, nil
}

// eval evaluates expr on node. The result is only valid until the next eval.
func (r *run) eval(expr *xpath3.Expression, node helium.Node) (*xpath3.Result, error) {
	res, err := expr.EvaluateReuse(r.ctx, r.state, node)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// ResolveVariable gives the expressions the variables in scope.
func (r *run) ResolveVariable(_ context.Context, name string) (xpath3.Sequence, bool, error) {
	v, ok := r.vars[name]
	return v, ok, nil
}

// bind evaluates variables in order on node and adds them to the scope.
func (r *run) bind(lets []compiledLet, node helium.Node) error {
	for _, l := range lets {
		res, err := r.eval(l.expr, node)
		if err != nil {
			return fmt.Errorf("%s: variable $%s: %w", r.c.source, l.name, err)
		}
		r.vars[l.name] = copySequence(res.Sequence())
	}
	return nil
}

// copySequence detaches a result from the reused evaluation state.
func copySequence(seq xpath3.Sequence) xpath3.Sequence {
	if seq == nil {
		return nil
	}
	out := make(xpath3.ItemSlice, seq.Len())
	for i := range out {
		out[i] = seq.Get(i)
	}
	return out
}

func (r *run) unbind(lets []compiledLet) {
	for _, l := range lets {
		delete(r.vars, l.name)
	}
}

// pattern applies the first matching rule of the pattern to every node.
func (r *run) pattern(p *compiledPattern, doc *helium.Document) error {
	if err := r.bind(p.lets, doc); err != nil {
		return err
	}
	defer r.unbind(p.lets)
	claimed := map[helium.Node]struct{}{}
	for i := range p.rules {
		rule := &p.rules[i]
		nodes, err := r.matches(rule, doc)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if _, done := claimed[n]; done {
				continue
			}
			claimed[n] = struct{}{}
			r.fire(p, rule, n)
		}
	}
	return nil
}

// matches returns the nodes a rule's context matches.
func (r *run) matches(rule *compiledRule, doc *helium.Document) ([]helium.Node, error) {
	var out []helium.Node
	for _, b := range rule.branches {
		if nodes, ok := r.matched[b.key]; ok {
			out = append(out, nodes...)
			continue
		}
		first := len(out)
		starts := []helium.Node{doc}
		if b.anchor != "" {
			starts = r.index[b.anchor]
		}
		for _, start := range starts {
			res, err := r.eval(b.expr, start)
			if err != nil {
				return nil, fmt.Errorf("%s: rule context %q: %w", r.c.source, rule.context, err)
			}
			nodes, err := res.Nodes()
			if err != nil {
				return nil, fmt.Errorf("%s: rule context %q does not select nodes: %w", r.c.source, rule.context, err)
			}
			out = append(out, nodes...)
		}
		r.matched[b.key] = out[first:len(out):len(out)]
	}
	return out, nil
}

// indexElements lists every element of the document by expanded name, in document order.
func indexElements(doc *helium.Document) map[string][]helium.Node {
	index := map[string][]helium.Node{}
	var visit func(n helium.Node)
	visit = func(n helium.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if el, ok := c.(*helium.Element); ok {
				key := "{" + el.URI() + "}" + el.LocalName()
				index[key] = append(index[key], el)
				visit(el)
			}
		}
	}
	visit(doc)
	return index
}

// fire evaluates the rule's variables and checks on one context node.
func (r *run) fire(p *compiledPattern, rule *compiledRule, node helium.Node) {
	defer r.unbind(rule.lets)
	if err := r.bind(rule.lets, node); err != nil {
		r.results = append(r.results, r.result(p, rule, &compiledCheck{}, node, err.Error()))
		return
	}
	for i := range rule.checks {
		ch := &rule.checks[i]
		res, err := r.eval(ch.test, node)
		if err != nil {
			r.results = append(r.results, r.result(p, rule, ch, node, err.Error()))
			continue
		}
		ok, err := xpath3.EBV(res.Sequence())
		if err != nil {
			r.results = append(r.results, r.result(p, rule, ch, node, err.Error()))
			continue
		}
		if ok == ch.Report {
			r.results = append(r.results, r.result(p, rule, ch, node, ""))
		}
	}
}

func (r *run) result(p *compiledPattern, rule *compiledRule, ch *compiledCheck, node helium.Node, evalErr string) Result {
	res := Result{
		Source: r.c.source, Pattern: p.id, Context: rule.context,
		ID: ch.ID, Role: ch.Role, Flag: ch.Flag, Report: ch.Report, Test: ch.Check.Test,
		Line: Line(node), Location: Location(node), EvalError: evalErr,
	}
	if evalErr != "" {
		res.Message = "the rule could not be evaluated here: " + evalErr
		return res
	}
	res.Message = r.message(ch, node)
	return res
}

// message renders the assert text with its value-of and name parts, with
// white space collapsed as Schematron processors print it.
func (r *run) message(ch *compiledCheck, node helium.Node) string {
	var b strings.Builder
	for _, part := range ch.message {
		switch {
		case part.expr == nil && part.name:
			b.WriteString(node.Name())
		case part.expr == nil:
			b.WriteString(part.text)
		default:
			res, err := r.eval(part.expr, node)
			if err != nil {
				continue
			}
			if part.name {
				if ns, err := res.Nodes(); err == nil && len(ns) > 0 {
					b.WriteString(ns[0].Name())
				}
				continue
			}
			b.WriteString(stringValue(res.Sequence()))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// stringValue joins the string values of a sequence with spaces, as
// xsl:value-of does.
func stringValue(seq xpath3.Sequence) string {
	atoms, err := xpath3.AtomizeSequence(seq)
	if err != nil {
		return ""
	}
	parts := make([]string, 0, len(atoms))
	for _, a := range atoms {
		s, err := xpath3.AtomicToString(a)
		if err == nil {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// Line is the source line of a node; attributes and text report their element's line.
func Line(n helium.Node) int {
	for ; n != nil; n = n.Parent() {
		if n.Type() == helium.ElementNode {
			return n.Line()
		}
		if l := n.Line(); l > 0 && n.Type() != helium.AttributeNode {
			return l
		}
	}
	return 0
}

// Location is an XPath that selects n, such as /query:QueryRequest/rim:Slot[3]/@name.
func Location(n helium.Node) string {
	var steps []string
	for ; n != nil && n.Type() != helium.DocumentNode; n = n.Parent() {
		steps = append(steps, locationStep(n))
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return "/" + strings.Join(steps, "/")
}

func locationStep(n helium.Node) string {
	switch n.Type() {
	case helium.AttributeNode:
		return "@" + n.Name()
	case helium.ElementNode:
		pos, total := 0, 0
		if parent := n.Parent(); parent != nil {
			for s := parent.FirstChild(); s != nil; s = s.NextSibling() {
				if s.Type() == helium.ElementNode && s.Name() == n.Name() {
					total++
					if s == n {
						pos = total
					}
				}
			}
		}
		if total > 1 {
			return n.Name() + "[" + strconv.Itoa(pos) + "]"
		}
		return n.Name()
	case helium.TextNode, helium.CDATASectionNode:
		return "text()"
	case helium.CommentNode:
		return "comment()"
	case helium.ProcessingInstructionNode:
		return "processing-instruction()"
	}
	return "node()"
}

// EffectiveRole is the role as written, or else the flag in lower case: the
// OOTS rules mark some asserts with flag="ERROR"/"FATAL" and no role, and
// Schematron reports them with that severity.
func (r Result) EffectiveRole() string {
	if r.Role != "" {
		return r.Role
	}
	return strings.ToLower(r.Flag)
}
