package regreptest

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oots-tools/oots/pkg/regrep"
	"github.com/rogpeppe/go-internal/testscript"
)

// faultNames are the names of the faults on command lines and in scripts.
var faultNames = map[string]Fault{
	"none":             FaultNone,
	"tamper-body":      FaultTamperBody,
	"tamper-signature": FaultTamperSignature,
	"strip-signature":  FaultStripSignature,
	"failure":          FaultFailure,
	"server-error":     FaultServerError,
}

// queryAliases are short names of the stored queries.
var queryAliases = map[string]string{
	"requirements":   regrep.QueryRequirements,
	"evidence-types": regrep.QueryEvidenceTypes,
	"data-services":  regrep.QueryDataServices,
}

// ParseFault reads a fault by name: none, tamper-body, tamper-signature,
// strip-signature, failure or server-error.
func ParseFault(name string) (Fault, error) {
	f, ok := faultNames[name]
	if !ok {
		return 0, fmt.Errorf("unknown fault %q (want none, tamper-body, tamper-signature, strip-signature, failure or server-error)", name)
	}
	return f, nil
}

// ScriptServe is a testscript command:
//
//	regrep-serve [FAULT[@QUERY]]...
//
// It starts a Server with SampleRoutes of $OOTS_SPEC for the rest of the
// script, sets $REGREP to its URL and writes the captures' trust anchor to
// $WORK/cs-root.pem. Each argument sets a fault (see ParseFault) for every
// query, or for one: requirements, evidence-types, data-services or a full
// query id.
func ScriptServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! regrep-serve")
	}
	spec := ts.Getenv("OOTS_SPEC")
	if spec == "" {
		ts.Fatalf("regrep-serve needs the shared corpus ($OOTS_SPEC); guard the script with [!spec] skip")
	}
	srv, err := NewServer(SampleRoutes(spec))
	ts.Check(err)
	ts.Defer(srv.Close)
	for _, arg := range args {
		name, query, _ := strings.Cut(arg, "@")
		f, err := ParseFault(name)
		ts.Check(err)
		if id, ok := queryAliases[query]; ok {
			query = id
		}
		srv.SetFault(query, f)
	}
	ts.Check(WriteSampleRoot(spec, filepath.Join(ts.Getenv("WORK"), "cs-root.pem")))
	ts.Setenv("REGREP", srv.URL)
}
