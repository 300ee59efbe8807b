package schematron

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// run holds the state of one validation: document index, variables,
// scratch space and results. Runs are pooled per Compiled, so the storage of
// one validation serves the next.
type run struct {
	ctx  context.Context
	c    *Compiled
	hdoc *helium.Document
	doc  *docIndex // nil when the schema is compiled for XPath only
	// ownsIndex is set when the run built doc itself, rather than
	// borrowing the index of a Batch, and releases it.
	ownsIndex bool
	native    bool // native contexts and tests apply to this document

	// XPath state, created on the first XPath evaluation of a run: a run
	// whose contexts and tests are all native never builds it.
	state     *xpath3.EvalState
	evaluator xpath3.Evaluator
	hasEval   bool
	order     xpath3.DocOrderCache

	scope  []binding // variables in scope, innermost last
	items  []item    // scratch stack of native sequences
	buf    []byte    // scratch for native string building
	slots  []slot    // nodes matched per context branch
	claim  []uint32  // per index node: the pattern stamp that claimed it
	others map[helium.Node]uint32
	// elements indexes elements by expanded name for XPath contexts
	// anchored on their first step; built when one is evaluated.
	elements map[string][]helium.Node
	stamp    uint32
	results  []Result
	// positions numbers elements among same-name siblings for locations,
	// filled per parent on demand once hasPositions is set in a run.
	positions    []siblings
	hasPositions bool
}

type siblings struct{ pos, total int32 }

type slot struct {
	done  bool
	ords  []int32       // native matches: index ordinals
	nodes []helium.Node // XPath matches
}

// Validate runs every pattern over doc and returns the failed asserts and fired
// reports, ordered by line. The error is non-nil only when a rule context or a
// variable cannot be evaluated at all (the document cannot be checked).
func (c *Compiled) Validate(ctx context.Context, doc *helium.Document) ([]Result, error) {
	return c.validate(ctx, doc, nil)
}

// Batch validates one document against several compiled schemas, as
// successive Validate calls would, with the same results, but indexes the
// document once for all of them and computes each string value once: a
// message is usually checked against two rule sets (structure and
// content), and indexing is a third of the cost of a run. The document must
// not change until Close. A Batch is not safe for concurrent use.
type Batch struct {
	doc   *helium.Document
	index *docIndex
}

// NewBatch starts a batch of validations of doc.
func NewBatch(doc *helium.Document) *Batch { return &Batch{doc: doc} }

// Validate is c.Validate on the batch's document.
func (b *Batch) Validate(ctx context.Context, c *Compiled) ([]Result, error) {
	return c.validate(ctx, b.doc, b)
}

// Close releases the document index; the batch is not used afterwards.
func (b *Batch) Close() {
	if b.index != nil {
		b.index.release()
		b.index = nil
	}
}

// indexFor returns the batch's index of its document, built on first use,
// and again when a schema compiled since uses names it lacks.
func (b *Batch) indexFor() *docIndex {
	if b.index != nil && !b.index.current(b.doc) {
		b.index.release()
		b.index = nil
	}
	if b.index == nil {
		b.index = newIndex(b.doc)
	}
	return b.index
}

func (c *Compiled) validate(ctx context.Context, doc *helium.Document, batch *Batch) ([]Result, error) {
	r := c.newRun(ctx, doc, batch)
	defer c.releaseRun(r)
	if err := r.bind(c.lets, doc, -1); err != nil {
		return nil, err
	}
	for i := range c.patterns {
		// Native evaluation does not watch ctx as XPath does; checking it
		// between patterns keeps a cancelled validation short.
		if err := ctx.Err(); err != nil {
			return r.takeResults(), err
		}
		if err := r.pattern(&c.patterns[i], doc); err != nil {
			return r.takeResults(), err
		}
	}
	res := r.takeResults()
	slices.SortStableFunc(res, func(a, b Result) int { return cmp.Compare(a.Line, b.Line) })
	return res, nil
}

func (c *Compiled) newRun(ctx context.Context, doc *helium.Document, batch *Batch) *run {
	r, _ := c.runs.Get().(*run)
	if r == nil {
		r = &run{c: c}
	}
	r.ctx, r.hdoc = ctx, doc
	r.native, r.hasPositions = false, false
	if c.native {
		if batch != nil {
			r.doc, r.ownsIndex = batch.indexFor(), false
		} else {
			r.doc, r.ownsIndex = newIndex(doc), true
		}
		r.native = !r.doc.exotic
		if len(r.claim) < len(r.doc.nodes) {
			r.claim = make([]uint32, len(r.doc.nodes))
			r.stamp = 0
		}
	}
	if len(r.slots) < c.slots {
		r.slots = make([]slot, c.slots)
	}
	for i := range r.slots {
		r.slots[i].done = false
	}
	return r
}

// releaseRun drops every reference to the document and returns the run to
// the pool.
func (c *Compiled) releaseRun(r *run) {
	if r.ownsIndex {
		r.doc.release()
	}
	r.doc, r.ownsIndex = nil, false
	clear(r.scope)
	r.scope = r.scope[:0]
	clear(r.items)
	r.items = r.items[:0]
	for i := range r.slots {
		clear(r.slots[i].nodes)
		r.slots[i].nodes = r.slots[i].nodes[:0]
	}
	clear(r.others)
	r.elements = nil
	r.state, r.hdoc, r.ctx = nil, nil, nil
	r.order.Reset()
	c.runs.Put(r)
}

func (r *run) takeResults() []Result {
	res := r.results
	r.results = nil
	return res
}

// eval evaluates expr on node with XPath. The result is only valid until
// the next eval.
func (r *run) eval(expr *xpath3.Expression, node helium.Node) (*xpath3.Result, error) {
	if r.state == nil {
		if !r.hasEval {
			// Variables change from rule to rule, so they are resolved
			// through the run rather than bound into the evaluator; that
			// lets one evaluation state serve the whole run.
			r.evaluator = r.c.base.VariableResolver(r).DocOrderCache(&r.order)
			r.hasEval = true
		}
		r.order.Reset()
		r.state = r.evaluator.NewEvalState(r.hdoc)
	}
	res, err := expr.EvaluateReuse(r.ctx, r.state, node)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

func (r *run) truncate(n int) { r.items = r.items[:n] }

// pattern applies the first matching rule of the pattern to every node.
func (r *run) pattern(p *compiledPattern, doc *helium.Document) error {
	mark := len(r.scope)
	if err := r.bind(p.lets, doc, -1); err != nil {
		return err
	}
	defer r.unbind(mark)
	if r.stamp++; r.stamp == 0 { // wrapped: forget every claim
		clear(r.claim)
		clear(r.others)
		r.stamp = 1
	}
	exclusive := p.exclusive && r.native
	for i := range p.rules {
		rule := &p.rules[i]
		// Every branch is matched before any node fires, so a context that
		// fails to evaluate stops the pattern before its rule has run.
		for j := range rule.branches {
			if _, err := r.matches(rule, &rule.branches[j], doc); err != nil {
				return err
			}
		}
		for j := range rule.branches {
			s := &r.slots[rule.branches[j].slot]
			for _, o := range s.ords {
				if exclusive || r.claimOrd(o) {
					r.fire(p, rule, o, r.doc.node[o])
				}
			}
			for _, n := range s.nodes {
				o := int32(-1)
				if r.native {
					o = r.doc.ordinal(n)
				}
				if r.claimNode(o, n) {
					r.fire(p, rule, o, n)
				}
			}
		}
	}
	return nil
}

// claimOrd and claimNode record that a node has been handled by a rule of
// the current pattern; they return false when it already was.
func (r *run) claimOrd(o int32) bool {
	if r.claim[o] == r.stamp {
		return false
	}
	r.claim[o] = r.stamp
	return true
}

func (r *run) claimNode(o int32, n helium.Node) bool {
	if o >= 0 {
		return r.claimOrd(o)
	}
	if r.others == nil {
		r.others = map[helium.Node]uint32{}
	}
	if r.others[n] == r.stamp {
		return false
	}
	r.others[n] = r.stamp
	return true
}

// matches returns the nodes a context branch matches, computed once per run
// for all rules that share the branch.
func (r *run) matches(rule *compiledRule, b *matchBranch, doc *helium.Document) (*slot, error) {
	s := &r.slots[b.slot]
	if s.done {
		return s, nil
	}
	s.done = true
	s.ords, s.nodes = s.ords[:0], s.nodes[:0]
	if b.m != nil && b.m.top && r.native {
		s.nodes = append(s.nodes, r.doc.top...)
		return s, nil
	}
	if b.m != nil && r.native {
		ok := true
		for _, o := range b.m.candidates(r.doc) {
			matched, sure := b.m.match(r, o)
			if !sure {
				ok = false
				break
			}
			if matched {
				s.ords = append(s.ords, o)
			}
		}
		if ok {
			return s, nil
		}
		s.ords = s.ords[:0]
	}
	return s, r.xpathMatches(rule, b, doc, s)
}

// xpathMatches evaluates a branch with XPath.
func (r *run) xpathMatches(rule *compiledRule, b *matchBranch, doc *helium.Document, s *slot) error {
	starts := []helium.Node{doc}
	if b.anchor != "" {
		starts = r.anchors(b.anchor, doc)
	}
	for _, start := range starts {
		res, err := r.eval(b.expr, start)
		if err != nil {
			return fmt.Errorf("%s: rule context %q: %w", r.c.source, rule.context, err)
		}
		nodes, err := res.Nodes()
		if err != nil {
			return fmt.Errorf("%s: rule context %q does not select nodes: %w", r.c.source, rule.context, err)
		}
		s.nodes = append(s.nodes, nodes...)
	}
	if len(starts) > 1 {
		// Anchors can nest (an a inside an a), and then the results of
		// successive anchors interleave; put them back in document order,
		// the order of //pattern and of the native matcher.
		r.sortNodes(s, doc)
	}
	return nil
}

// sortNodes puts the XPath matches of s in document order without duplicates.
func (r *run) sortNodes(s *slot, doc *helium.Document) {
	r.order.BuildFrom(doc)
	sort.SliceStable(s.nodes, func(i, j int) bool { return r.order.Position(s.nodes[i]) < r.order.Position(s.nodes[j]) })
	s.nodes = slices.Compact(s.nodes)
}

// anchors lists the elements of an expanded name ({uri}local), in document
// order, from an index of all elements built on first use in the run.
func (r *run) anchors(name string, doc *helium.Document) []helium.Node {
	if r.elements == nil {
		r.elements = map[string][]helium.Node{}
		var visit func(n helium.Node)
		visit = func(n helium.Node) {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if el, ok := c.(*helium.Element); ok {
					key := "{" + el.URI() + "}" + el.LocalName()
					r.elements[key] = append(r.elements[key], el)
					visit(el)
				}
			}
		}
		visit(doc)
	}
	return r.elements[name]
}

// fire evaluates the rule's variables and checks on one context node; ord is
// its index ordinal, or -1 when native tests cannot apply to it.
func (r *run) fire(p *compiledPattern, rule *compiledRule, ord int32, node helium.Node) {
	mark := len(r.scope)
	defer r.unbind(mark)
	if err := r.bind(rule.lets, node, ord); err != nil {
		// None of the rule's checks can be evaluated: each is reported as
		// failed with the error, under its own id, so the report still says
		// which requirements went unchecked.
		for i := range rule.checks {
			r.results = append(r.results, r.result(p, rule, &rule.checks[i], ord, node, err.Error()))
		}
		return
	}
	for i := range rule.checks {
		ch := &rule.checks[i]
		ok, evalErr := r.test(ch, ord, node)
		switch {
		case evalErr != "":
			r.results = append(r.results, r.result(p, rule, ch, ord, node, evalErr))
		case ok == ch.Report:
			r.results = append(r.results, r.result(p, rule, ch, ord, node, ""))
		}
	}
}

// test evaluates a check's test natively when it can, else with XPath.
func (r *run) test(ch *compiledCheck, ord int32, node helium.Node) (bool, string) {
	if ch.native != nil && ord >= 0 && r.native {
		if v, ok := ch.native.evalBool(r, ord); ok {
			return v, ""
		}
	}
	res, err := r.eval(ch.test, node)
	if err != nil {
		return false, err.Error()
	}
	ok, err := xpath3.EBV(res.Sequence())
	if err != nil {
		return false, err.Error()
	}
	return ok, ""
}

func (r *run) result(p *compiledPattern, rule *compiledRule, ch *compiledCheck, ord int32, node helium.Node, evalErr string) Result {
	res := Result{
		Source: r.c.source, Pattern: p.id, Context: rule.context,
		ID: ch.ID, Role: ch.Role, Flag: ch.Flag, Report: ch.Report, Test: ch.Test,
		Line: Line(node), EvalError: evalErr,
	}
	if ord >= 0 && r.native {
		res.Location = r.location(ord)
	} else {
		res.Location = Location(node)
	}
	if evalErr != "" {
		res.Message = "the rule could not be evaluated here: " + evalErr
		return res
	}
	res.Message = r.message(ch, ord, node)
	return res
}

// message renders the assert text with its value-of and name parts, with
// white space collapsed as Schematron processors print it.
func (r *run) message(ch *compiledCheck, ord int32, node helium.Node) string {
	var b strings.Builder
	for _, part := range ch.message {
		switch {
		case part.expr == nil && part.name:
			b.WriteString(node.Name())
		case part.expr == nil:
			b.WriteString(part.text)
		default:
			if part.native != nil && ord >= 0 && r.native {
				if s, ok := r.valueOf(part.native, ord); ok {
					b.WriteString(s)
					continue
				}
			}
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

// valueOf renders a native value-of as stringValue renders the XPath result:
// the string values of the items, separated by spaces.
func (r *run) valueOf(e nexpr, ctx int32) (string, bool) {
	v, ok := r.evalAny(e, ctx)
	if !ok {
		return "", false
	}
	switch v.kind {
	case kBool:
		return strconv.FormatBool(v.b), true
	case kNum:
		return strconv.FormatInt(v.num, 10), true
	case kStr:
		return v.str, true
	}
	start := len(r.items)
	defer r.truncate(start)
	if !e.(seqExpr).appendSeq(r, ctx, 0) {
		return "", false
	}
	parts := make([]string, 0, len(r.items)-start)
	for i := start; i < len(r.items); i++ {
		s, ok := r.itemString(&r.items[i])
		if !ok {
			return "", false
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " "), true
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

// location is Location for an indexed node. It numbers siblings through the
// index, once per parent and run, instead of scanning every sibling for
// every finding: a catalogue lists hundreds of objects under one parent.
func (r *run) location(ord int32) string {
	d := r.doc
	var steps []string
	for o := ord; o >= 0; o = d.nodes[o].parent {
		name := d.node[o].Name()
		switch {
		case d.nodes[o].attr:
			name = "@" + name
		case d.nodes[o].parent >= 0:
			if pos, total := r.siblingPosition(o); total > 1 {
				name += "[" + strconv.Itoa(int(pos)) + "]"
			}
		}
		steps = append(steps, name)
	}
	slices.Reverse(steps)
	return "/" + strings.Join(steps, "/")
}

// siblingPosition is the position of element o among its parent's element
// children of the same name, and their number.
func (r *run) siblingPosition(o int32) (pos, total int32) {
	d := r.doc
	if !r.hasPositions {
		r.hasPositions = true
		r.positions = slices.Grow(r.positions[:0], len(d.nodes))[:len(d.nodes)]
		clear(r.positions)
	}
	if r.positions[o].pos == 0 {
		counts := map[string]int32{}
		first := d.nodes[d.nodes[o].parent].child
		for c := first; c >= 0; c = d.nodes[c].next {
			name := d.node[c].Name()
			counts[name]++
			r.positions[c].pos = counts[name]
		}
		for c := first; c >= 0; c = d.nodes[c].next {
			r.positions[c].total = counts[d.node[c].Name()]
		}
	}
	return r.positions[o].pos, r.positions[o].total
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
