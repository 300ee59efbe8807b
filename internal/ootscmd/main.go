// Package ootscmd runs the oots command and owns the exit-code policy:
// 0 valid / ok, 1 tool or usage error, 2 document invalid or verification failed.
package ootscmd

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/oots-tools/oots/internal/cmd/root"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitInvalid = 2
)

// version is set at build time with -ldflags "-X .../ootscmd.version=...".
var version = "dev"

// Main runs oots with the process arguments and returns the exit code.
func Main() int {
	return Run(context.Background(), iostreams.System(), os.Args[1:])
}

// Run runs oots with the given streams and arguments and returns the exit code.
func Run(ctx context.Context, streams *iostreams.IOStreams, args []string) int {
	f := &cmdutil.Factory{IOStreams: streams, Version: version}
	cmd := root.NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	err := cmd.ExecuteContext(ctx)
	return exitCode(streams, err)
}

func exitCode(streams *iostreams.IOStreams, err error) int {
	var flagErr *cmdutil.FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, cmdutil.ErrInvalid):
		return ExitInvalid
	case errors.Is(err, cmdutil.ErrSilent):
		return ExitError
	case errors.As(err, &flagErr):
		_, _ = fmt.Fprintf(streams.ErrOut, "oots: %v\nRun 'oots --help' for usage.\n", err) // stderr is the last resort
		return ExitError
	}
	_, _ = fmt.Fprintf(streams.ErrOut, "oots: %v\n", err) // stderr is the last resort
	return ExitError
}
