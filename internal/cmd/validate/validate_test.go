package validate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/report"
)

func touch(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("<x/>"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExpandInputs(t *testing.T) {
	dir := t.TempDir()
	a, b, c, txt := filepath.Join(dir, "a.xml"), filepath.Join(dir, "sub", "b.xml"), filepath.Join(dir, "sub", "deep", "c.json"), filepath.Join(dir, "notes.txt")
	touch(t, a, b, c, txt)
	cases := map[string][]string{
		dir:                                  {a, b, c},
		filepath.Join(dir, "*.xml"):          {a},
		filepath.Join(dir, "**", "*.xml"):    {a, b},
		filepath.Join(dir, "sub", "**", "*"): {b, c},
		"-":                                  {"-"},
	}
	for arg, want := range cases {
		got, err := expandInputs([]string{arg, arg}) // duplicates are dropped
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		var paths []string
		for _, in := range got {
			paths = append(paths, in.path)
		}
		if strings.Join(paths, ",") != strings.Join(want, ",") {
			t.Errorf("%s: got %v, want %v", arg, paths, want)
		}
	}
	for _, bad := range []string{filepath.Join(dir, "missing.xml"), filepath.Join(dir, "*.pdf")} {
		var fe *cmdutil.FlagError
		if _, err := expandInputs([]string{bad}); !errors.As(err, &fe) {
			t.Errorf("%s: want a usage error, got %v", bad, err)
		}
	}
}

func TestExitStatus(t *testing.T) {
	valid := report.FileResult{Valid: true}
	invalid := report.FileResult{Valid: false}
	unreadable := report.FileResult{Error: "permission denied"}
	cases := []struct {
		files []report.FileResult
		want  error
	}{
		{[]report.FileResult{valid}, nil},
		{[]report.FileResult{valid, invalid}, cmdutil.ErrInvalid},
		{[]report.FileResult{invalid, unreadable}, cmdutil.ErrSilent},
	}
	for i, c := range cases {
		if got := exitStatus(&report.Report{Files: c.files}); !errors.Is(got, c.want) && got != c.want {
			t.Errorf("case %d: got %v, want %v", i, got, c.want)
		}
	}
}

// The run function takes its streams from the factory: a whole validation
// runs without a terminal, and -o leaves the file complete.
func TestRunWritesReportFile(t *testing.T) {
	streams, _, out, _ := iostreams.Test()
	dir := t.TempDir()
	dst := filepath.Join(dir, "report.json")
	opts := &Options{
		Factory: &cmdutil.Factory{IOStreams: streams},
		Inputs:  []string{"../../../examples/messages/evidence-request.xml"},
		Format:  "json", Output: dst, Progress: true,
	}
	if err := run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout should stay empty with -o, got %q", out.String())
	}
	data, err := os.ReadFile(dst)
	if err != nil || !strings.Contains(string(data), `"valid": true`) {
		t.Fatalf("report: %v %s", err, data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A large batch shows a progress bar on standard error, but only on a terminal.
func TestProgressOnlyOnTerminal(t *testing.T) {
	var inputs []string
	for i := 0; i < 60; i++ {
		inputs = append(inputs, "../../../examples/messages/evidence-request.xml")
	}
	for _, tty := range []bool{false, true} {
		streams, _, _, errOut := iostreams.Test()
		streams.SetTTY(false, tty)
		b, err := newBatch(context.Background(), &Options{Factory: &cmdutil.Factory{IOStreams: streams}, Jobs: 2, Progress: true, Format: "text"})
		if err != nil {
			t.Fatal(err)
		}
		var in []input
		for _, p := range inputs {
			in = append(in, input{path: p})
		}
		b.run(context.Background(), in)
		if shown := strings.Contains(errOut.String(), "validating"); shown != tty {
			t.Errorf("terminal=%v: progress shown=%v (%q)", tty, shown, errOut.String())
		}
	}
}
