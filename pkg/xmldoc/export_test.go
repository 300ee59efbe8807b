package xmldoc

// ParseFast and ParseHelium expose the two routes of Parse to the tests
// that compare them.
var (
	ParseFast   = parseFast
	ParseHelium = parseHelium
)
