package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/oots-tools/oots/pkg/edm"
)

var examples = filepath.Join("..", "..", "..", "examples")

// runBuild runs the command with args and returns stdout, stderr and the error.
func runBuild(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	streams, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	cmd := NewCmdBuild(&cmdutil.Factory{IOStreams: streams})
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func example(parts ...string) string { return filepath.Join(append([]string{examples}, parts...)...) }

func TestBuildFromDescriptions(t *testing.T) {
	for kind, file := range map[string]string{"request": "request.yaml", "response": "response.yaml", "error": "error-preview.yaml"} {
		out, stderr, err := runBuild(t, "", kind, "--from", example("build", file))
		if err != nil {
			t.Fatalf("%s: %v\n%s", kind, err, stderr)
		}
		if err := edm.Check(context.Background(), kind, []byte(out)); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

func TestBuildOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "request.xml")
	out, _, err := runBuild(t, "", "request", "--from", example("build", "request.yaml"), "-o", path, "--id", "urn:uuid:0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out != "" || !bytes.Contains(data, []byte(`id="urn:uuid:0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"`)) {
		t.Errorf("stdout %q; file does not carry the --id", out)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// An invalid message exits 2, names the rule, and writes nothing.
func TestBuildInvalidWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "request.xml")
	out, stderr, err := runBuild(t, "", "request", "--from", example("build", "request.yaml"), "--procedure", "Z9", "-o", path)
	if !errors.Is(err, cmdutil.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if !strings.Contains(stderr, "R-EDM-REQ-C003") || out != "" {
		t.Errorf("stdout %q, stderr %q", out, stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s was written", path)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}

func TestBuildAnswersRequest(t *testing.T) {
	req := example("messages", "evidence-request-preview.xml")
	out, stderr, err := runBuild(t, "", "error", "--request", req, "--code", "EDM:ERR:0005")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{`requestId="urn:uuid:963d57d5-dbf2-478b-a3d5-33656ac6c05b"`, `code="EDM:ERR:0005"`, `rs:TimeoutExceptionType`, "ERRP"} {
		if !strings.Contains(out, want) {
			t.Errorf("error response lacks %s", want)
		}
	}
	// The description read from standard input completes the response.
	desc, err := os.ReadFile(example("build", "response.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, err = runBuild(t, string(desc), "response", "--request", req, "--from", "-")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(out, `requestId="urn:uuid:963d57d5-dbf2-478b-a3d5-33656ac6c05b"`) {
		t.Error("the response does not answer --request")
	}
}

func TestBuildUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"give the message kind":     {},
		`unknown message kind "x"`:  {"x", "--from", "a.yaml"},
		"only EDM v1.0":             {"request", "--from", "a.yaml", "--edm-version", "v1.2"},
		"--request is for response": {"request", "--request", "r.xml"},
		"--code is for error only":  {"response", "--request", "r.xml", "--code", "EDM:ERR:0001"},
		"give a description":        {"error"},
		"cannot both read":          {"response", "--from", "-", "--request", "-"},
	}
	for want, args := range cases {
		_, _, err := runBuild(t, "", args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: err = %v, want a usage error with %q", args, err, want)
		}
	}
}

func TestBuildBadInputs(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("procedure: R1\nprocedur: R2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runBuild(t, "", "request", "--from", bad); err == nil || !strings.Contains(err.Error(), "procedur") {
		t.Errorf("unknown key: %v", err)
	}
	if _, _, err := runBuild(t, "", "request", "--from", filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing description accepted")
	}
	if _, _, err := runBuild(t, "", "response", "--request", example("messages", "evidence-response.xml")); err == nil ||
		!strings.Contains(err.Error(), "not an evidence request") {
		t.Errorf("response as request: %v", err)
	}
}

func TestRunFReceivesOptions(t *testing.T) {
	var got *Options
	cmd := newCmdBuild(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"error", "--request", "r.xml", "--code", "EDM:ERR:0004", "-o", "e.xml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "error" || got.Request != "r.xml" || got.Code != "EDM:ERR:0004" || got.Output != "e.xml" || got.EDMVersion != "v1.0" {
		t.Errorf("options %+v", got)
	}
}
