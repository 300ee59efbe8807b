package schematron

import (
	"context"
	"fmt"

	"github.com/lestrrat-go/helium"
	"github.com/lestrrat-go/helium/xpath3"
)

// binding is a variable in scope. A let evaluated natively keeps its value in
// Go form (val); the XPath sequence is only built if an XPath expression
// reads the variable.
type binding struct {
	name string
	seq  xpath3.Sequence
	// members is the set of a code-list constant (see memberTest).
	members *memberSet
	// native is set when val holds the value and seq may still be nil.
	native bool
	val    value
}

// value is the result of a native let: a boolean, an integer, a string, or
// a sequence of at most one node (n is 0 or 1).
type value struct {
	kind   kind
	anyURI bool // a kStr value typed xs:anyURI (from namespace-uri())
	b      bool
	num    int64
	str    string
	n      int
	it     item
}

// ResolveVariable gives the XPath expressions the variables in scope.
func (r *run) ResolveVariable(_ context.Context, name string) (xpath3.Sequence, bool, error) {
	b := r.binding(name)
	if b == nil {
		return nil, false, nil
	}
	if b.native && b.seq == nil {
		b.seq = r.sequence(&b.val)
	}
	return b.seq, true, nil
}

// binding finds the innermost variable of that name.
func (r *run) binding(name string) *binding {
	for i := len(r.scope) - 1; i >= 0; i-- {
		if r.scope[i].name == name {
			return &r.scope[i]
		}
	}
	return nil
}

// sequence builds the XPath value of a native let, typed as the XPath
// expression would have typed it (see compileLet).
func (r *run) sequence(v *value) xpath3.Sequence {
	switch v.kind {
	case kBool:
		return xpath3.SingleBoolean(v.b)
	case kNum:
		return xpath3.SingleInteger(v.num)
	case kStr:
		if v.anyURI {
			return xpath3.SingleAtomic(xpath3.AtomicValue{TypeName: xpath3.TypeAnyURI, Value: v.str})
		}
		return xpath3.SingleString(v.str)
	}
	if v.n == 0 {
		return nil
	}
	return xpath3.ItemSlice{xpath3.NodeItem{Node: r.itemNode(&v.it)}}
}

// bind evaluates variables in order on node (whose index ordinal is ord, or
// -1) and adds them to the scope.
func (r *run) bind(lets []compiledLet, node helium.Node, ord int32) error {
	for i := range lets {
		l := &lets[i]
		if l.constant != nil {
			r.scope = append(r.scope, binding{name: l.name, seq: l.constant, members: l.members})
			continue
		}
		if l.native != nil && ord >= 0 && r.native {
			if v, ok := r.evalValue(l.native, ord); ok {
				r.scope = append(r.scope, binding{name: l.name, native: true, val: v})
				continue
			}
		}
		res, err := r.eval(l.expr, node)
		if err != nil {
			return fmt.Errorf("%s: variable $%s: %w", r.c.source, l.name, err)
		}
		r.scope = append(r.scope, binding{name: l.name, seq: copySequence(res.Sequence())})
	}
	return nil
}

// evalValue evaluates a native let, which holds at most one node.
func (r *run) evalValue(e nexpr, ctx int32) (value, bool) {
	v, ok := r.evalAny(e, ctx)
	return v, ok && (v.kind != kSeq || v.n <= 1)
}

// evalAny evaluates a native expression; for a sequence it only counts the
// items (n, up to 2) and keeps the first.
func (r *run) evalAny(e nexpr, ctx int32) (value, bool) {
	v := value{kind: e.kind()}
	var ok bool
	switch x := e.(type) {
	case boolExpr:
		v.b, ok = x.evalBool(r, ctx)
	case numExpr:
		v.num, ok = x.evalNum(r, ctx)
	case strExpr:
		v.str, ok = x.evalStr(r, ctx)
		if n, isName := x.(nodeName); isName {
			v.anyURI = n.uri
		}
	case seqExpr:
		start := len(r.items)
		defer r.truncate(start)
		if ok = x.appendSeq(r, ctx, 2); ok {
			v.n = len(r.items) - start
			if v.n > 0 {
				v.it = r.items[start]
			}
		}
	}
	return v, ok
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

// unbind leaves the scope as it was when it held mark variables.
func (r *run) unbind(mark int) {
	clear(r.scope[mark:])
	r.scope = r.scope[:mark]
}
