package simulate_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/simulate/node"
	"github.com/oots-tools/oots/pkg/simulate/requester"
	"github.com/oots-tools/oots/pkg/simulate/runner"
)

// TestExamplesParse reads every file of examples/simulate as what it is: a
// node configuration (a role key), a scenario (nodes and steps) or the
// journey a requester node takes on POST /journeys.
func TestExamplesParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "simulate", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasSuffix(f, ".json"):
				var j requester.Journey
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&j); err != nil || j.Procedure == "" {
					t.Errorf("journey: %v (%+v)", err, j)
				}
			case bytes.Contains(data, []byte("\nrole:")) || bytes.HasPrefix(data, []byte("role:")):
				cfg, err := node.LoadConfig(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := cfg.Check(); err != nil {
					t.Error(err)
				}
			default:
				if _, err := runner.Load(f); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
