package ootscmd

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/regrep/regreptest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"oots": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the command-line scenarios in testdata/script. $EXAMPLES
// points to the repository's examples folder and $OOTS_SPEC to the shared
// corpus ("" when it is absent, and scenarios that need it skip).
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := conformance.SpecDir()
	if spec != "" {
		spec, _ = filepath.Abs(spec)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"regrep-serve": regreptest.ScriptServe, // a local EB / DSD serving the shared captures
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("OOTS_SPEC", spec)
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "spec" {
				return spec != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
