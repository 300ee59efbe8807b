// Package schematron is an ISO Schematron engine with XPath 2/3 expressions.
//
// A Schema is the in-memory form of a rule set. It is produced either by Parse
// (from an ISO Schematron document such as the official OOTS .sch files) or by
// another package that builds it programmatically (the embedded rule packs).
// Compile turns a Schema into a Compiled rule set that can validate many
// documents concurrently.
//
// Expressions run on helium's XPath 3.1 engine, except those Compile
// recognises as common shapes (match patterns of name steps and simple
// predicates, existence, counts, comparisons with literals, code-list
// membership, matches() ...): these run natively in Go over an index of the
// document built once per validation, with XPath's exact semantics, and defer
// to XPath whenever the data leaves what they can decide with certainty. See
// native.go and match.go.
package schematron

// Schema is a Schematron schema: namespaces, global variables and patterns.
type Schema struct {
	// Source names where the schema came from (a file name); it is copied into
	// every finding so reports can say which rule set raised it.
	Source string
	Title  string
	// QueryBinding is the declared query language: "xslt2", "xslt3", "xpath2",
	// or "" / "xslt" for XPath 1.0 rule sets.
	QueryBinding string
	Namespaces   []Namespace
	Lets         []Let
	Patterns     []Pattern
}

// Namespace binds a prefix used in rule expressions.
type Namespace struct {
	Prefix string
	URI    string
}

// Let is a variable (sch:let) evaluated in the scope where it is declared.
type Let struct {
	Name  string
	Value string
}

// Pattern groups rules; each node is checked by at most one rule of a pattern:
// the first, in document order, whose context matches it.
type Pattern struct {
	ID    string
	Lets  []Let
	Rules []Rule
}

// Rule applies its checks to every node matched by Context (an XSLT pattern).
type Rule struct {
	ID      string
	Context string
	Lets    []Let
	Checks  []Check
	Line    int // line in the source, for error messages about the rule set itself
}

// Check is an assert (fails when Test is false) or a report (fires when Test is true).
type Check struct {
	Report  bool
	ID      string
	Role    string
	Flag    string
	Test    string
	Message []MessagePart
	Line    int
}

// MessagePart is literal text, or an expression whose string value is inserted
// (sch:value-of), or the name of a node (sch:name; Path "" means the context node).
type MessagePart struct {
	Text    string
	ValueOf string
	Name    bool
	Path    string
}
