// Command gendocs writes the oots command reference (Markdown) into a folder:
// go run ./internal/gendocs docs/reference
package main

import (
	"fmt"
	"os"

	"github.com/oots-tools/oots/internal/cmd/root"
	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/spf13/cobra/doc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(1)
	}
	if err := generate(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := root.NewCmdRoot(&cmdutil.Factory{IOStreams: iostreams.System(), Version: "dev"})
	cmd.DisableAutoGenTag = true
	return doc.GenMarkdownTree(cmd, dir)
}
