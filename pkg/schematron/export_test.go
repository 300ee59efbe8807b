package schematron

// CompileXPathOnly compiles s with every rule context and test on XPath: the
// reference the native engine is compared with.
func CompileXPathOnly(s *Schema) (*Compiled, error) { return compile(s, false) }

// CPUTime is cpuTime for the benchmarks of the external test package.
var CPUTime = cpuTime
